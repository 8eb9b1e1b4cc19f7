"""交接: 收件 → 递交 (confirmed by the receiving centre) → 回传 (once there is a result) → 送达 (the
resident signs), each step once and only in order; the resident follows the case and the chain."""

import pytest
from django.urls import reverse

from govhall.agents.models import AgentConsent, HandOver
from govhall.agents.services import consent_record, handover_confirm_receipt, handover_record
from govhall.agents.tests.conftest import PNG
from govhall.cases.models import Case
from govhall.cases.services import case_refuse, case_submit
from govhall.core.errors import Conflict, PermissionDenied, ValidationError


@pytest.fixture
def agent_case(agent, food, resident):
    consent_record(actor=agent, resident=resident, scope=AgentConsent.SCOPE_ITEMS, items=[food], method="signature", file_data=PNG)
    return case_submit(
        actor=agent, item=food, applicant_person=resident, channel=Case.CHANNEL_WINDOW, answers=[], form={}, idempotency_key=None
    )


def _step(actor, case, step, **kwargs):
    kwargs.setdefault("papers", ["居民身份证复印件", "食品经营许可申请书"])
    return handover_record(actor=actor, case=case, step=step, **kwargs)


def test_steps_go_only_in_order(agent, agent_case):
    with pytest.raises(ValidationError) as caught:
        _step(agent, agent_case, HandOver.STEP_FORWARDED)
    assert caught.value.errors[0].message == "请先登记“收件”"

    _step(agent, agent_case, HandOver.STEP_RECEIVED)
    with pytest.raises(Conflict):
        _step(agent, agent_case, HandOver.STEP_RECEIVED)
    forwarded = _step(agent, agent_case, HandOver.STEP_FORWARDED)
    assert forwarded.centre == agent_case.centre.parent

    with pytest.raises(ValidationError) as caught:
        _step(agent, agent_case, HandOver.STEP_RETURNED)
    assert caught.value.errors[0].message == "中心尚未确认接收递交的材料"


def test_the_receiving_centre_confirms_then_the_result_goes_back_and_is_delivered(agent, clerk, agent_case):
    _step(agent, agent_case, HandOver.STEP_RECEIVED)
    forwarded = _step(agent, agent_case, HandOver.STEP_FORWARDED)
    confirmed = handover_confirm_receipt(actor=clerk, handover=forwarded)
    assert confirmed.received_by == clerk
    with pytest.raises(Conflict):
        handover_confirm_receipt(actor=clerk, handover=forwarded)

    with pytest.raises(ValidationError) as caught:
        _step(clerk, agent_case, HandOver.STEP_RETURNED)
    assert caught.value.errors[0].message == "办件尚无办理结果，不能回传"
    case_refuse(actor=clerk, case=agent_case, reason="不属于本机关职权范围")
    _step(clerk, agent_case, HandOver.STEP_RETURNED, papers=["不予受理通知书"])

    with pytest.raises(ValidationError) as caught:
        _step(agent, agent_case, HandOver.STEP_DELIVERED, papers=["不予受理通知书"])
    assert caught.value.errors[0].field == "signature"
    _step(agent, agent_case, HandOver.STEP_DELIVERED, papers=["不予受理通知书"], signature=PNG)

    assert list(HandOver.objects.filter(case=agent_case).values_list("step", flat=True)) == [1, 2, 3, 4]
    kinds = list(agent_case.events.values_list("kind", flat=True))
    assert kinds[-1] == "handover_delivered" and "handover_confirmed" in kinds


def test_only_a_clerk_of_the_receiving_centre_confirms_receipt(agent, clerk2, other_agent, agent_case, county):
    _step(agent, agent_case, HandOver.STEP_RECEIVED)
    forwarded = _step(agent, agent_case, HandOver.STEP_FORWARDED)
    with pytest.raises(PermissionDenied):
        handover_confirm_receipt(actor=agent, handover=forwarded)
    with pytest.raises(PermissionDenied):
        _step(other_agent, agent_case, HandOver.STEP_RETURNED)
    forwarded.refresh_from_db()
    assert forwarded.received_at is None


def test_the_resident_sees_the_case_in_my_cases_with_the_agent_and_the_hand_overs(client, applicant, agent, clerk, agent_case):
    _step(agent, agent_case, HandOver.STEP_RECEIVED)
    forwarded = _step(agent, agent_case, HandOver.STEP_FORWARDED)
    handover_confirm_receipt(actor=clerk, handover=forwarded)
    client.force_login(applicant)

    listing = client.get(reverse("cases_applicant:my-cases")).content.decode()
    assert agent_case.number in listing
    page = client.get(reverse("cases_applicant:case", args=[agent_case.pk])).content.decode()
    assert "帮办代办" in page and "谢代办" in page and "宝格德乌拉嘎查代办点" in page
    assert "居民身份证复印件" in page and "确认接收" in page
    assert "等待办理结果" in page


def test_the_staff_case_page_shows_the_chain_and_offers_the_agent_the_next_step(client, agent, agent_case):
    _step(agent, agent_case, HandOver.STEP_RECEIVED)
    client.force_login(agent)

    page = client.get(reverse("cases_staff:case", args=[agent_case.pk])).content.decode()

    assert "材料和结果交接" in page and "登记“递交”" in page
    response = client.post(
        reverse("agents_staff:handover-add", args=[agent_case.pk]), {"step": "2", "papers": "食品经营许可申请书\n居民身份证复印件"}
    )
    assert response.status_code == 302
    assert HandOver.objects.get(case=agent_case, step=2).papers == ["食品经营许可申请书", "居民身份证复印件"]


def test_the_clerk_confirms_receipt_from_the_agents_workbench(client, agent, clerk, agent_case):
    _step(agent, agent_case, HandOver.STEP_RECEIVED)
    forwarded = _step(agent, agent_case, HandOver.STEP_FORWARDED)
    client.force_login(clerk)

    page = client.get(reverse("agents_staff:workbench")).content.decode()
    assert "待确认接收的代办材料（1）" in page and agent_case.number in page
    client.post(reverse("agents_staff:handover-confirm", args=[forwarded.pk]))

    forwarded.refresh_from_db()
    assert forwarded.received_by == clerk


def test_the_receipt_masks_the_name_and_links_to_tracking(client, agent, agent_case):
    client.force_login(agent)
    page = client.get(reverse("agents_staff:receipt", args=[agent_case.pk])).content.decode()
    assert "代办回执" in page and "张*" in page and "张三" not in page
    assert agent_case.number in page and agent_case.query_code in page
    assert "<svg" in page
