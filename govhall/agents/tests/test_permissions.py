"""Who gets in: another agent's consents and cases are a 404, a resident sees only their own
consents, people without the role are refused — and nothing changes."""

import json

import pytest
from django.urls import reverse

from govhall.agents.models import AgentConsent, HandOver
from govhall.agents.services import consent_record
from govhall.agents.tests.conftest import PNG
from govhall.cases.models import Case
from govhall.cases.services import case_submit


@pytest.fixture
def consent(agent, food, resident):
    return consent_record(actor=agent, resident=resident, scope=AgentConsent.SCOPE_ITEMS, items=[food], method="signature", file_data=PNG)


@pytest.fixture
def agent_case(agent, food, resident, consent):
    return case_submit(
        actor=agent, item=food, applicant_person=resident, channel=Case.CHANNEL_WINDOW, answers=[], form={}, idempotency_key=None
    )


def test_another_agents_consent_page_is_not_found(client, other_agent, consent):
    client.force_login(other_agent)
    assert client.get(reverse("agents_staff:consent", args=[consent.pk])).status_code == 404
    assert client.post(reverse("agents_staff:consent-revoke", args=[consent.pk])).status_code == 404
    assert client.get(reverse("agents_staff:consent-file", args=[consent.pk])).status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_the_agent_workbench_and_consent_form_refuse_applicants(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("agents_staff:workbench")).status_code == 403
    assert client.get(reverse("agents_staff:consent-new")).status_code == 403


def test_a_resident_sees_and_revokes_only_their_own_consents(client, applicant, other_applicant, consent):
    client.force_login(other_applicant)
    assert "宝格德乌拉嘎查代办点" not in client.get(reverse("agents:my-consents")).content.decode()
    assert client.post(reverse("agents:my-consent-revoke", args=[consent.pk])).status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_at is None

    client.force_login(applicant)
    page = client.get(reverse("agents:my-consents")).content.decode()
    assert "宝格德乌拉嘎查代办点" in page and "有效" in page
    client.post(reverse("agents:my-consent-revoke", args=[consent.pk]))
    consent.refresh_from_db()
    assert consent.revoked_at is not None and consent.revoked_by == applicant


def test_another_agent_cannot_see_or_add_hand_overs_or_print_the_receipt(client, other_agent, agent_case):
    client.force_login(other_agent)
    assert client.get(reverse("agents_staff:receipt", args=[agent_case.pk])).status_code == 404
    response = client.post(reverse("agents_staff:handover-add", args=[agent_case.pk]), {"step": "1", "papers": "x"})
    assert response.status_code == 404
    assert not HandOver.objects.exists()


# --- API ------------------------------------------------------------------------------------------


def test_api_agent_creates_and_lists_consents(client, agent, food, resident):
    client.force_login(agent)
    response = client.post(
        "/api/agents/consents",
        {"id_number": resident.id_number, "scope": "items", "item_codes": [food.code], "method": "signature", "file": _png_file()},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "valid" and body["resident_id_number"] != resident.id_number
    listed = client.get("/api/agents/consents").json()
    assert [c["id"] for c in listed] == [body["id"]]


def test_api_consents_refuse_anonymous_and_non_agents(client, applicant, clerk, resident):
    assert client.get("/api/agents/consents").status_code == 401
    for user in (applicant, clerk):
        client.force_login(user)
        response = client.post("/api/agents/consents", {"id_number": resident.id_number, "scope": "all", "method": "code"})
        assert response.status_code == 403
    assert not AgentConsent.objects.exists()


def test_api_another_agent_gets_404_for_a_consent_and_a_resident_cannot_see_anothers(client, other_agent, other_applicant, consent):
    client.force_login(other_agent)
    assert client.get("/api/agents/consents").json() == []
    assert client.post(f"/api/agents/consents/{consent.pk}/send-code").status_code == 404
    assert client.post(f"/api/agents/consents/{consent.pk}/revoke", json.dumps({}), content_type="application/json").status_code == 404
    client.force_login(other_applicant)
    assert client.get("/api/agents/consents").json() == []
    assert client.post(f"/api/agents/consents/{consent.pk}/revoke", json.dumps({}), content_type="application/json").status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_api_resident_lists_and_revokes_their_consent(client, applicant, consent):
    client.force_login(applicant)
    assert [c["id"] for c in client.get("/api/agents/consents").json()] == [consent.pk]
    response = client.post(f"/api/agents/consents/{consent.pk}/revoke", json.dumps({"reason": "不再委托"}), content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "revoked"


def test_api_phone_consent_is_confirmed_by_the_resident_never_by_the_agent(client, agent, resident, applicant):
    client.force_login(agent)
    created = client.post("/api/agents/consents", {"id_number": resident.id_number, "scope": "all", "method": "code"}).json()
    assert created["status"] == "pending"
    assert "sms_preview" not in json.dumps(created)
    assert client.post(f"/api/agents/consents/{created['id']}/send-code").status_code == 404
    assert client.post(f"/api/agents/consents/{created['id']}/resident-confirm").status_code == 404
    assert AgentConsent.objects.get(pk=created["id"]).given_at is None
    client.force_login(applicant)
    confirmed = client.post(f"/api/agents/consents/{created['id']}/resident-confirm")
    assert confirmed.json()["status"] == "valid"


def test_api_hand_overs_next_step_and_list(client, agent, clerk, agent_case):
    client.force_login(agent)
    response = client.post(f"/api/agents/cases/{agent_case.pk}/handovers", {"step": 2, "papers": ["申请书"]})
    assert response.status_code == 400 and response.json()["detail"][0]["message"] == "请先登记“收件”"
    assert client.post(f"/api/agents/cases/{agent_case.pk}/handovers", {"step": 1, "papers": ["申请书"]}).status_code == 201
    forwarded = client.post(f"/api/agents/cases/{agent_case.pk}/handovers", {"step": 2, "papers": ["申请书"]}).json()
    assert client.post(f"/api/agents/handovers/{forwarded['id']}/confirm").status_code == 403
    client.force_login(clerk)
    assert client.post(f"/api/agents/handovers/{forwarded['id']}/confirm").json()["received_by"]
    steps = client.get(f"/api/agents/cases/{agent_case.pk}/handovers").json()
    assert [s["step_name"] for s in steps] == ["收件", "递交"]


def test_api_hand_overs_are_404_for_other_agents_and_other_residents(client, other_agent, other_applicant, agent_case):
    for user in (other_agent, other_applicant):
        client.force_login(user)
        assert client.get(f"/api/agents/cases/{agent_case.pk}/handovers").status_code == 404
        assert client.post(f"/api/agents/cases/{agent_case.pk}/handovers", {"step": 1, "papers": ["x"]}).status_code == 404
    assert not HandOver.objects.exists()


def _png_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("sign.png", PNG, content_type="image/png")
