"""After acceptance (CASE-6): withdrawal before the decision, termination by the section head, and
delivery of the result (window, post, electronic) with 最多跑一次 visits counted at most once a day."""

import datetime as dt

import pytest

from govhall.cases.models import Case, CaseDocument, CaseTask
from govhall.cases.selectors import deliveries_for_clerk, tasks_for_staff
from govhall.cases.services import case_accept, case_deliver, case_pause_start, case_terminate, case_withdraw, task_complete
from govhall.cases.tests.case_steps import event_kinds, first_error, instant_item, on, only_open_task, open_tasks, submit
from govhall.core.errors import Conflict, PermissionDenied, ValidationError

MONDAY = dt.date(2026, 11, 2)
TUESDAY = dt.date(2026, 11, 3)


@pytest.fixture
def users(county):
    return county.users


@pytest.fixture
def case(users, food, person):
    """Accepted on Monday; the 市场监管局 review is open."""
    with on(MONDAY):
        case = submit(users["applicant"], food, person=person)
        case_accept(actor=users["clerk"], case=case)
    case.refresh_from_db()
    return case


def _decide(case, users, outcome="approve", opinion=""):
    with on(MONDAY):
        task_complete(actor=users["approver"], task=only_open_task(case), outcome="approve", opinion="符合条件")
        task_complete(actor=users["section_head"], task=only_open_task(case), outcome=outcome, opinion=opinion)
    case.refresh_from_db()


@pytest.fixture
def decided(case, users):
    """Approved and its licence made: waiting for delivery at the accepting centre."""
    _decide(case, users)
    with on(MONDAY):
        task_complete(actor=users["approver"], task=only_open_task(case), outcome="approve")
    case.refresh_from_db()
    assert case.status == Case.STATUS_TO_DELIVER
    return case


# --- withdrawal -----------------------------------------------------------------------------------


def test_the_applicant_withdraws_a_submission_waiting_for_prereview(users, food, person):
    case = submit(users["applicant"], food, person=person)
    case_withdraw(actor=users["applicant"], case=case, reason="资料准备不全，暂不申请")
    case.refresh_from_db()
    assert case.status == Case.STATUS_WITHDRAWN
    assert case.get_status_display() == "已撤回"
    assert case.closed_reason == "资料准备不全，暂不申请"
    withdrawn = case.events.get(kind="withdrawn")
    assert withdrawn.before == {"status": "submitted"}
    assert withdrawn.after["reason"] == "资料准备不全，暂不申请"


def test_withdrawing_an_accepted_case_cancels_its_open_tasks(case, users):
    case_withdraw(actor=users["applicant"], case=case, reason="不再经营")
    case.refresh_from_db()
    assert case.status == Case.STATUS_WITHDRAWN
    assert not open_tasks(case)
    assert CaseTask.objects.get(case=case).status == CaseTask.STATUS_CANCELLED
    assert not tasks_for_staff(user=users["approver"]).exists()


def test_withdrawal_needs_a_reason(case, users):
    with pytest.raises(ValidationError) as caught:
        case_withdraw(actor=users["applicant"], case=case, reason="")
    assert first_error(caught) == ("reason", "required", "请填写撤回理由")


def test_a_case_cannot_be_withdrawn_after_the_decision(case, users):
    # Approved, the licence still being made: the decision stands.
    _decide(case, users)
    assert case.status == Case.STATUS_IN_PROGRESS
    with pytest.raises(ValidationError) as caught:
        case_withdraw(actor=users["applicant"], case=case, reason="不办了")
    assert first_error(caught) == ("status", "decided", "已作出决定，不能再撤回申请")
    case.refresh_from_db()
    assert case.status == Case.STATUS_IN_PROGRESS
    assert only_open_task(case).name == "制证"


def test_a_case_waiting_for_delivery_cannot_be_withdrawn(decided, users):
    with pytest.raises(ValidationError) as caught:
        case_withdraw(actor=users["applicant"], case=decided, reason="不办了")
    assert first_error(caught)[:2] == ("status", "decided")
    decided.refresh_from_db()
    assert decided.status == Case.STATUS_TO_DELIVER


def test_the_clerk_who_submitted_at_the_window_may_withdraw_for_the_applicant(users, food, person):
    case = submit(users["clerk"], food, person=person, channel=Case.CHANNEL_WINDOW)
    case_withdraw(actor=users["clerk"], case=case, reason="申请人当场要求撤回")
    case.refresh_from_db()
    assert case.status == Case.STATUS_WITHDRAWN


# --- termination ----------------------------------------------------------------------------------


def test_the_section_head_terminates_a_case_with_the_reason(case, users):
    with on(TUESDAY):
        case_terminate(actor=users["section_head"], case=case, reason="申请人已注销")
    case.refresh_from_db()
    assert case.status == Case.STATUS_TERMINATED
    assert case.get_status_display() == "已终止"
    assert case.closed_reason == "申请人已注销"
    notice = case.documents.get(kind=CaseDocument.KIND_TERMINATION)
    assert notice.get_kind_display() == "终止办理告知书"
    assert notice.number == "终字〔2026〕第00001号"
    assert notice.body == {"reason": "申请人已注销"}
    assert event_kinds(case)[-2:] == ["terminated", "document_issued"]
    assert not open_tasks(case)
    assert case.process.finished is True


def test_termination_needs_a_reason(case, users):
    with pytest.raises(ValidationError) as caught:
        case_terminate(actor=users["section_head"], case=case, reason=" ")
    assert first_error(caught) == ("reason", "required", "请填写终止办理的理由")
    case.refresh_from_db()
    assert case.status == Case.STATUS_IN_PROGRESS


@pytest.mark.parametrize("who", ["approver", "police_head", "clerk", "applicant"])
def test_only_the_departments_section_head_may_terminate(case, users, who):
    with pytest.raises(PermissionDenied):
        case_terminate(actor=users[who], case=case, reason="申请人已注销")
    case.refresh_from_db()
    assert case.status == Case.STATUS_IN_PROGRESS
    assert not case.documents.filter(kind=CaseDocument.KIND_TERMINATION).exists()


def test_a_case_in_a_special_procedure_can_be_terminated(case, users):
    case_pause_start(actor=users["approver"], case=case, kind="hearing", reason="组织听证")
    case_terminate(actor=users["section_head"], case=case, reason="申请人死亡")
    case.refresh_from_db()
    assert case.status == Case.STATUS_TERMINATED


def test_a_decided_case_cannot_be_terminated(case, users):
    _decide(case, users)
    with pytest.raises(ValidationError) as caught:
        case_terminate(actor=users["section_head"], case=case, reason="申请人已注销")
    assert first_error(caught) == ("status", "decided", "已作出决定，不能终止办理")
    case.refresh_from_db()
    assert case.status == Case.STATUS_IN_PROGRESS


# --- delivery -------------------------------------------------------------------------------------


def test_a_decided_case_waits_for_delivery_at_the_accepting_centre(decided, users):
    assert list(deliveries_for_clerk(user=users["clerk"])) == [decided]


def test_post_delivery_needs_the_address(decided, users):
    with pytest.raises(ValidationError) as caught:
        case_deliver(actor=users["clerk"], case=decided, method=Case.DELIVERY_POST, address=" ")
    assert first_error(caught) == ("address", "required", "邮寄送达须填写邮寄地址")
    decided.refresh_from_db()
    assert decided.status == Case.STATUS_TO_DELIVER


def test_post_delivery_closes_the_case_with_the_address_and_tracking_number(decided, users):
    with on(TUESDAY):
        case_deliver(actor=users["clerk"], case=decided, method=Case.DELIVERY_POST, address="宝格德乌拉街1号", note="EMS 1234567890")
    decided.refresh_from_db()
    assert decided.status == Case.STATUS_DONE
    assert decided.get_status_display() == "已办结"
    assert (decided.delivery_method, decided.delivery_address, decided.delivery_note) == ("post", "宝格德乌拉街1号", "EMS 1234567890")
    assert decided.finished_at is not None
    assert event_kinds(decided)[-2:] == ["delivered", "done"]
    assert decided.visits == 0
    assert not deliveries_for_clerk(user=users["clerk"]).exists()


def test_an_unknown_delivery_method_is_refused(decided, users):
    with pytest.raises(ValidationError) as caught:
        case_deliver(actor=users["clerk"], case=decided, method="pigeon")
    assert first_error(caught) == ("method", "choice", "送达方式无效")


def test_a_denial_is_delivered_too(case, users):
    _decide(case, users, outcome="reject", opinion="不符合条件")
    case_deliver(actor=users["clerk"], case=case, method=Case.DELIVERY_ELECTRONIC)
    case.refresh_from_db()
    assert (case.status, case.decision) == (Case.STATUS_DONE, Case.DECISION_DENIED)
    assert case.events.get(kind="done").after["decision"] == "denied"


def test_a_case_is_delivered_once(decided, users):
    case_deliver(actor=users["clerk"], case=decided, method=Case.DELIVERY_ELECTRONIC)
    with pytest.raises(Conflict):
        case_deliver(actor=users["clerk"], case=decided, method=Case.DELIVERY_WINDOW)
    decided.refresh_from_db()
    assert decided.delivery_method == Case.DELIVERY_ELECTRONIC


def test_an_undecided_case_cannot_be_delivered(case, users):
    with pytest.raises(Conflict):
        case_deliver(actor=users["clerk"], case=case, method=Case.DELIVERY_ELECTRONIC)
    case.refresh_from_db()
    assert case.status == Case.STATUS_IN_PROGRESS


def test_collecting_an_online_case_at_the_window_is_its_one_visit(decided, users):
    assert decided.visits == 0
    with on(TUESDAY):
        case_deliver(actor=users["clerk"], case=decided, method=Case.DELIVERY_WINDOW)
    decided.refresh_from_db()
    assert (decided.visits, decided.last_visit_on) == (1, TUESDAY)
    assert decided.events.get(kind="visit").after == {"visits": 1, "on": "2026-11-03"}


def _instant_at_window(users, person, day):
    """Applied for at the window on `day`, accepted and decided on the spot."""
    with on(day):
        case = submit(users["clerk"], instant_item(), person=person, channel=Case.CHANNEL_WINDOW, answers=[])
        case_accept(actor=users["clerk"], case=case)
        task_complete(actor=users["clerk"], task=only_open_task(case), outcome="approve")
    case.refresh_from_db()
    return case


def test_a_window_case_collected_the_same_day_counts_one_visit(users, person):
    case = _instant_at_window(users, person, MONDAY)
    with on(MONDAY, hour=11):
        case_deliver(actor=users["clerk"], case=case, method=Case.DELIVERY_WINDOW)
    case.refresh_from_db()
    assert case.status == Case.STATUS_DONE
    assert case.visits == 1
    assert event_kinds(case).count("visit") == 1


def test_coming_back_another_day_to_collect_counts_a_second_visit(users, person):
    case = _instant_at_window(users, person, MONDAY)
    with on(TUESDAY):
        case_deliver(actor=users["clerk"], case=case, method=Case.DELIVERY_WINDOW)
    case.refresh_from_db()
    assert case.visits == 2


def test_another_centres_clerk_and_other_departments_cannot_deliver(decided, users):
    for who in ("police_approver", "supervisor", "applicant"):
        with pytest.raises(PermissionDenied):
            case_deliver(actor=users[who], case=decided, method=Case.DELIVERY_ELECTRONIC)
    decided.refresh_from_db()
    assert decided.status == Case.STATUS_TO_DELIVER
