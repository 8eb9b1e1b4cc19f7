"""Who may see and act on a case (X-1): a 404 for people who may not see it, PermissionDenied with
nothing changed for people who see it but may not act."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.http import Http404

from govhall.cases.models import Case, CaseEvent, CaseTask
from govhall.cases.selectors import (
    cases_for_applicant,
    get_case_for_user,
    get_task_for_user,
    prereview_queue_for_clerk,
    tasks_for_staff,
)
from govhall.cases.services import (
    SupplementPoint,
    case_accept,
    case_deliver,
    case_extension_request,
    case_pause_start,
    case_refuse,
    case_request_supplement,
    case_supplement_submit,
    case_terminate,
    case_withdraw,
    task_complete,
)
from govhall.cases.tests.case_steps import on, only_open_task, submit
from govhall.core.errors import PermissionDenied
from govhall.org import roles
from govhall.org.models import StaffProfile, Window

MONDAY = dt.date(2026, 11, 2)


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


@pytest.fixture
def id_card_clerk(county):
    """A clerk at the 公安 window A02, which accepts only 居民身份证换领."""
    window = Window.objects.create(centre=county.centre, number="A02", name="公安综合窗口", kind=Window.KIND_COMPREHENSIVE)
    window.items.add(county.items["id_card"])
    user = User.objects.create_user(username="police_clerk", password="govhall-test-pw", first_name="吴窗口")
    user.groups.add(Group.objects.get(name=roles.CLERK))
    StaffProfile.objects.create(user=user, centre=county.centre, window=window)
    return user


def _snapshot(case):
    case.refresh_from_db()
    tasks = list(CaseTask.objects.filter(case=case).order_by("id").values_list("status", "outcome"))
    return case.status, case.decision, tasks, CaseEvent.objects.filter(case=case).count(), case.documents.count()


# --- seeing ---------------------------------------------------------------------------------------


def test_the_applicant_sees_their_case(case, users):
    assert get_case_for_user(user=users["applicant"], case_id=case.pk) == case


def test_another_applicant_gets_404_for_the_case(case, users):
    with pytest.raises(Http404):
        get_case_for_user(user=users["other_applicant"], case_id=case.pk)


def test_another_applicant_gets_the_same_404_as_for_a_case_that_does_not_exist(case, users):
    with pytest.raises(Http404):
        get_case_for_user(user=users["other_applicant"], case_id=case.pk + 1000)


def test_another_applicant_gets_404_for_the_cases_task(case, users):
    with pytest.raises(Http404):
        get_task_for_user(user=users["other_applicant"], task_id=only_open_task(case).pk)


def test_another_applicants_list_does_not_show_the_case(case, users):
    assert list(cases_for_applicant(user=users["applicant"])) == [case]
    assert not cases_for_applicant(user=users["other_applicant"]).exists()


def test_staff_of_an_uninvolved_department_get_404(case, users):
    for name in ("police_approver", "police_head", "other_dept_admin"):
        with pytest.raises(Http404):
            get_case_for_user(user=users[name], case_id=case.pk)


def test_the_answerable_departments_staff_see_the_case(case, users):
    for name in ("approver", "section_head"):
        assert get_case_for_user(user=users[name], case_id=case.pk) == case


def test_a_submission_waits_only_in_queues_of_windows_that_accept_the_item(users, food, person, id_card_clerk):
    case = submit(users["applicant"], food, person=person)
    assert case in prereview_queue_for_clerk(user=users["clerk"])
    assert case not in prereview_queue_for_clerk(user=id_card_clerk)
    with pytest.raises(Http404):
        get_case_for_user(user=id_card_clerk, case_id=case.pk)


def test_supervisors_see_every_case(case, users):
    assert get_case_for_user(user=users["supervisor"], case_id=case.pk) == case
    assert get_task_for_user(user=users["supervisor"], task_id=only_open_task(case).pk).case == case


def test_the_work_list_shows_only_the_departments_own_tasks(case, users):
    assert [t.case for t in tasks_for_staff(user=users["approver"])] == [case]
    assert not tasks_for_staff(user=users["police_approver"]).exists()
    assert not tasks_for_staff(user=users["supervisor"]).exists()


# --- acting ---------------------------------------------------------------------------------------


def test_an_approver_of_another_department_cannot_complete_the_task_and_nothing_changes(case, users):
    before = _snapshot(case)
    with pytest.raises(PermissionDenied) as caught:
        task_complete(actor=users["police_approver"], task=only_open_task(case), outcome="approve", opinion="同意")
    assert "无权办理该环节" in str(caught.value)
    assert _snapshot(case) == before


def test_an_approver_cannot_take_the_section_heads_decision(case, users):
    task_complete(actor=users["approver"], task=only_open_task(case), outcome="approve")
    before = _snapshot(case)
    with pytest.raises(PermissionDenied):
        task_complete(actor=users["approver"], task=only_open_task(case), outcome="approve")
    assert _snapshot(case) == before


def test_the_section_head_of_another_department_cannot_decide(case, users):
    task_complete(actor=users["approver"], task=only_open_task(case), outcome="approve")
    before = _snapshot(case)
    with pytest.raises(PermissionDenied):
        task_complete(actor=users["police_head"], task=only_open_task(case), outcome="approve")
    assert _snapshot(case) == before


def test_a_clerk_whose_window_does_not_accept_the_item_cannot_accept(users, food, person, id_card_clerk):
    case = submit(users["applicant"], food, person=person)
    before = _snapshot(case)
    for act in (
        lambda: case_accept(actor=id_card_clerk, case=case),
        lambda: case_refuse(actor=id_card_clerk, case=case, reason="不属于受理范围"),
        lambda: case_request_supplement(actor=id_card_clerk, case=case, points=[SupplementPoint("缺少", name="申请书")]),
    ):
        with pytest.raises(PermissionDenied) as caught:
            act()
        assert "您所在的窗口不能受理该事项" in str(caught.value)
    assert _snapshot(case) == before
    assert before[0] == Case.STATUS_SUBMITTED


def test_the_window_that_accepts_the_item_can_accept_it(users, county, person, id_card_clerk):
    case = submit(users["applicant"], county.items["id_card"], person=person, answers=[])
    case_accept(actor=id_card_clerk, case=case)
    case.refresh_from_db()
    assert case.status == Case.STATUS_IN_PROGRESS
    assert case.window.number == "A02"


def test_an_applicant_cannot_accept_their_own_case(users, food, person):
    case = submit(users["applicant"], food, person=person)
    with pytest.raises(PermissionDenied):
        case_accept(actor=users["applicant"], case=case)
    case.refresh_from_db()
    assert case.status == Case.STATUS_SUBMITTED


def test_supervisors_cannot_act_on_a_case(case, users):
    supervisor = users["supervisor"]
    before = _snapshot(case)
    actions = [
        lambda: task_complete(actor=supervisor, task=only_open_task(case), outcome="approve"),
        lambda: case_pause_start(actor=supervisor, case=case, kind="inspection", reason="核查"),
        lambda: case_extension_request(actor=supervisor, case=case, days=3, reason="延期"),
        lambda: case_terminate(actor=supervisor, case=case, reason="终止"),
        lambda: case_withdraw(actor=supervisor, case=case, reason="撤回"),
        lambda: case_deliver(actor=supervisor, case=case, method="electronic"),
    ]
    for act in actions:
        with pytest.raises(PermissionDenied):
            act()
    assert _snapshot(case) == before


def test_supervisors_cannot_accept_a_submission(users, food, person):
    case = submit(users["applicant"], food, person=person)
    with pytest.raises(PermissionDenied):
        case_accept(actor=users["supervisor"], case=case)
    case.refresh_from_db()
    assert case.status == Case.STATUS_SUBMITTED


def test_another_applicant_cannot_supplement_or_withdraw(users, food, person):
    case = submit(users["applicant"], food, person=person)
    case_request_supplement(actor=users["clerk"], case=case, points=[SupplementPoint("未签字", name="申请书")])
    before = _snapshot(case)
    with pytest.raises(PermissionDenied):
        case_supplement_submit(actor=users["other_applicant"], case=case)
    with pytest.raises(PermissionDenied) as caught:
        case_withdraw(actor=users["other_applicant"], case=case, reason="不办了")
    assert "只有申请人本人可以撤回申请" in str(caught.value)
    assert _snapshot(case) == before
