"""The agent's pages: the walk-in application asks for the consent, the consent form records one and
returns to the application, the workbench lists and exports."""

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govhall.agents.models import AgentCase, AgentConsent
from govhall.agents.tests.conftest import PNG
from govhall.cases.models import Case


def _walk_in_url(resident, item):
    return f"{reverse('cases_staff:walk-in')}?applicant=p:{resident.pk}&item={item.pk}"


def _walk_in_post(client, resident, item, **extra):
    data = {"applicant": f"p:{resident.pk}", "item": str(item.pk), "idempotency_key": uuid.uuid4().hex}
    data.update({"q-q1": "q1.a", "q-q2": "q2.y", "contact_name": "张三", "contact_phone": "13800001234", "address": "宝格德乌拉街1号"})
    data.update(extra)
    return client.post(reverse("cases_staff:walk-in"), data)


def test_the_agent_walk_in_without_consent_shows_the_reason_and_saves_nothing(client, agent, food, resident, point):
    food_item = food
    # The village window must be able to accept the item for the walk-in page to offer it.
    point.windows.update(accepts_all_items=True)
    client.force_login(agent)

    page = client.get(_walk_in_url(resident, food_item)).content.decode()
    assert "没有该居民对本事项的有效代办授权" in page and "登记新的代办授权" in page

    response = _walk_in_post(client, resident, food_item)
    assert response.status_code == 400
    assert "没有“张三”对本事项的有效代办授权" in response.content.decode()
    assert not Case.objects.exists()


def test_the_consent_form_records_a_signature_and_returns_to_the_application(client, agent, food, resident, point):
    point.windows.update(accepts_all_items=True)
    client.force_login(agent)
    back = _walk_in_url(resident, food)
    form = client.get(f"{reverse('agents_staff:consent-new')}?resident={resident.pk}&item={food.pk}&next={back}").content.decode()
    # Security review #1: the form never shows the ID number of a resident picked by pk.
    assert resident.id_number not in form and "授权委托书文本" in form

    response = client.post(
        reverse("agents_staff:consent-new"),
        {
            "id_number": resident.id_number,
            "scope": "items",
            "items": [str(food.pk)],
            "method": "signature",
            "file": SimpleUploadedFile("sign.png", PNG),
            "next": back,
        },
    )
    assert response.status_code == 302 and response["Location"] == back
    consent = AgentConsent.objects.get()
    page = client.get(back).content.decode()
    assert f'value="{consent.pk}"' in page

    response = _walk_in_post(client, resident, food, consent=str(consent.pk))
    assert response.status_code == 302
    assert AgentCase.objects.get().consent == consent


def test_the_consent_form_refuses_an_unregistered_resident(client, agent, food):
    client.force_login(agent)
    response = client.post(reverse("agents_staff:consent-new"), {"id_number": "150727199001011230", "scope": "all", "method": "code"})
    assert response.status_code == 400
    assert "该居民尚未登记" in response.content.decode()


def test_the_workbench_lists_consents_and_cases_and_exports_them(client, agent, food, resident):
    from govhall.agents.services import consent_record
    from govhall.cases.services import case_submit

    consent_record(actor=agent, resident=resident, scope="items", items=[food], method="signature", file_data=PNG)
    case = case_submit(actor=agent, item=food, applicant_person=resident, channel="window", answers=[], form={}, idempotency_key=None)
    client.force_login(agent)

    page = client.get(reverse("agents_staff:workbench")).content.decode()
    assert "居民的代办授权（1）" in page and "办理中的代办件（1）" in page and case.number in page
    assert "收件" in page
    for which in ("consents", "cases"):
        response = client.get(reverse("agents_staff:export", args=[which]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_consent_form_never_reveals_a_residents_id_number_chosen_by_pk(client, agent, resident):
    client.force_login(agent)
    page = client.get(f"{reverse('agents_staff:consent-new')}?resident={resident.pk}").content.decode()
    assert resident.id_number not in page


def test_a_pending_phone_consent_shows_no_code_to_the_agent_and_the_resident_confirms_it(client, agent, resident, applicant):
    client.force_login(agent)
    response = client.post(reverse("agents_staff:consent-new"), {"id_number": resident.id_number, "scope": "all", "method": "code"})
    consent = AgentConsent.objects.get()
    page = client.get(reverse("agents_staff:consent", args=[consent.pk])).content.decode()
    assert response.status_code == 302 and "验证码" not in page.split("等待居民本人确认")[1][:300]
    assert "我的代办授权" in page
    client.force_login(applicant)
    assert "确认授权" in client.get(reverse("agents:my-consents")).content.decode()
    client.post(reverse("agents:my-consent-confirm", args=[consent.pk]))
    consent.refresh_from_db()
    assert consent.status == AgentConsent.STATUS_VALID
