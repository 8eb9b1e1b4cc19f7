"""The working-day clock (CASE-5): special procedures that stop it, extensions, overdue marking and
the reminders of the daily sweep, and the scheduler that runs the sweep.

Real dates: the week of Monday 2026-11-02 has no holiday; 2026-09-30 is the eve of 国庆
(10-01..10-07) with Saturday 10-10 a make-up workday (调休).
"""

import datetime as dt
from unittest import mock

import pytest

from govhall.cases.clock import remaining_days
from govhall.cases.models import Case, CaseDocument, CaseExtension, Notification
from govhall.cases.services import (
    case_accept,
    case_clock_sweep,
    case_extension_decide,
    case_extension_request,
    case_pause_end,
    case_pause_start,
    task_complete,
)
from govhall.cases.tests.case_steps import at, event_kinds, first_error, instant_item, on, only_open_task, submit
from govhall.core.errors import Conflict, PermissionDenied, ValidationError
from govhall.core.models import ScheduledRun
from govhall.core.scheduler import run_due

MONDAY = dt.date(2026, 11, 2)
WEDNESDAY, THURSDAY, FRIDAY = dt.date(2026, 11, 4), dt.date(2026, 11, 5), dt.date(2026, 11, 6)
NEXT_MONDAY = dt.date(2026, 11, 9)


@pytest.fixture
def users(county):
    return county.users


@pytest.fixture
def case(applicant, clerk, food, person):
    """Accepted on Monday 11-02: five working days end on Monday 11-09."""
    with on(MONDAY):
        case = submit(applicant, food, person=person)
        case_accept(actor=clerk, case=case)
    case.refresh_from_db()
    assert case.due_date == NEXT_MONDAY
    return case


def _pause(case, actor, start, end=None):
    with on(start):
        case_pause_start(actor=actor, case=case, kind="inspection", reason="现场核查经营场所")
    if end is not None:
        with on(end):
            case_pause_end(actor=actor, case=case, reason="核查完毕，符合要求")
    case.refresh_from_db()


# --- the due date over real holidays --------------------------------------------------------------


def test_five_working_days_from_the_eve_of_national_day_end_after_the_makeup_saturday(applicant, clerk, food, person):
    with on(dt.date(2026, 9, 30)):
        case = submit(applicant, food, person=person)
        case_accept(actor=clerk, case=case)
    case.refresh_from_db()
    # 10-08 Thu, 10-09 Fri, 10-10 Sat (调休), 10-12 Mon, 10-13 Tue.
    assert case.due_date == dt.date(2026, 10, 13)


def test_remaining_days_count_working_days_only(case):
    # On Friday: Monday 11-09 is the one working day left (the weekend does not count).
    with on(FRIDAY):
        assert remaining_days([case]) == {case.pk: 1}
    # The day after the due date: one working day late.
    assert remaining_days([case], today=dt.date(2026, 11, 10)) == {case.pk: -1}


# --- special procedures (特别程序) ------------------------------------------------------------------


def test_pause_days_are_excluded_including_the_start_and_the_end_day(case, users):
    _pause(case, users["approver"], WEDNESDAY, FRIDAY)
    # Counted: Tue 11-03, then (Wed–Fri paused) Mon 11-09, Tue 11-10, Wed 11-11, Thu 11-12.
    assert case.due_date == dt.date(2026, 11, 12)
    assert case.status == Case.STATUS_IN_PROGRESS
    ended = case.events.get(kind="pause_ended")
    assert (ended.after["ended_on"], ended.after["due_date"]) == ("2026-11-06", "2026-11-12")


def test_a_pause_that_starts_and_ends_the_same_day_excludes_that_day(case, users):
    _pause(case, users["approver"], WEDNESDAY, WEDNESDAY)
    assert case.due_date == dt.date(2026, 11, 10)


def test_starting_a_pause_suspends_the_case_and_logs_the_procedure(case, users):
    _pause(case, users["approver"], WEDNESDAY)
    assert case.status == Case.STATUS_SUSPENDED
    assert case.get_status_display() == "特别程序中"
    started = case.events.get(kind="pause_started")
    assert started.after == {"status": "suspended", "kind": "inspection", "reason": "现场核查经营场所", "started_on": "2026-11-04"}


def test_a_pause_in_progress_freezes_the_remaining_days(case, users):
    _pause(case, users["approver"], WEDNESDAY)
    with on(WEDNESDAY):
        at_start = remaining_days([case])[case.pk]
    # One working day (Tue) was used before the pause began on Wednesday.
    assert at_start == 4
    for day in (THURSDAY, FRIDAY, NEXT_MONDAY, dt.date(2026, 11, 12)):
        case_clock_sweep(today=day)
        case.refresh_from_db()
        assert remaining_days([case], today=day)[case.pk] == 4, day
    assert case.due_date == dt.date(2026, 11, 18)


def test_remaining_days_stay_frozen_before_the_sweep_has_run(case, users):
    _pause(case, users["approver"], WEDNESDAY)
    # Friday morning, the sweep has not yet moved the stored due date on.
    assert remaining_days([case], today=FRIDAY) == {case.pk: 4}
    with on(NEXT_MONDAY):
        assert remaining_days([case]) == {case.pk: 4}


def test_a_paused_case_is_not_overdue_past_its_original_due_date(case, users):
    _pause(case, users["approver"], WEDNESDAY)
    report = case_clock_sweep(today=dt.date(2026, 11, 12))
    case.refresh_from_db()
    assert report.overdue_marked == 0
    assert case.overdue is False
    assert "overdue" not in event_kinds(case)


def test_the_clock_resumes_where_it_stopped_when_the_pause_ends(case, users):
    _pause(case, users["approver"], WEDNESDAY, NEXT_MONDAY)
    with on(NEXT_MONDAY):
        assert remaining_days([case]) == {case.pk: 4}
    assert case.due_date == dt.date(2026, 11, 13)


def test_no_decision_while_a_special_procedure_is_open(case, users):
    task_complete(actor=users["approver"], task=only_open_task(case), outcome="approve", opinion="符合条件")
    _pause(case, users["approver"], WEDNESDAY)
    with pytest.raises(ValidationError) as caught:
        task_complete(actor=users["section_head"], task=only_open_task(case), outcome="approve")
    assert first_error(caught) == ("status", "suspended", "办件处于特别程序中，结束后才能作出决定")
    case.refresh_from_db()
    assert case.decision == ""


def test_a_pause_needs_a_known_procedure_and_a_reason(case, users):
    with pytest.raises(ValidationError) as caught:
        case_pause_start(actor=users["approver"], case=case, kind="lunch", reason="")
    assert [(e.field, e.rule) for e in caught.value.errors] == [("kind", "choice"), ("reason", "required")]
    case.refresh_from_db()
    assert case.status == Case.STATUS_IN_PROGRESS


def test_a_case_can_only_be_paused_once_at_a_time(case, users):
    _pause(case, users["approver"], WEDNESDAY)
    with pytest.raises(Conflict):
        case_pause_start(actor=users["approver"], case=case, kind="expert", reason="专家评审")


def test_ending_a_pause_needs_the_result(case, users):
    _pause(case, users["approver"], WEDNESDAY)
    with pytest.raises(ValidationError) as caught:
        case_pause_end(actor=users["approver"], case=case, reason="")
    assert first_error(caught) == ("reason", "required", "请填写特别程序的结果")


def test_another_department_cannot_pause_the_case(case, users):
    with pytest.raises(PermissionDenied):
        case_pause_start(actor=users["police_approver"], case=case, kind="inspection", reason="核查")
    case.refresh_from_db()
    assert case.status == Case.STATUS_IN_PROGRESS


# --- extension (行政许可法 第42条) ------------------------------------------------------------------


def _request_extension(case, actor, days=3):
    with on(WEDNESDAY):
        return case_extension_request(actor=actor, case=case, days=days, reason="需要补充现场核查")


def test_an_approved_extension_adds_its_working_days_to_the_due_date(case, users):
    extension = _request_extension(case, users["approver"])
    with on(THURSDAY):
        case_extension_decide(actor=users["section_head"], extension=extension, approve=True, note="同意")
    case.refresh_from_db()
    assert case.extension_days == 3
    assert case.due_date == dt.date(2026, 11, 12)
    extension.refresh_from_db()
    assert (extension.status, extension.decided_by) == (CaseExtension.STATUS_APPROVED, users["section_head"])
    decided = case.events.get(kind="extension_decided")
    assert (decided.before["due_date"], decided.after["due_date"]) == ("2026-11-09", "2026-11-12")


def test_an_approved_extension_issues_the_extension_notice(case, users):
    extension = _request_extension(case, users["approver"])
    with on(THURSDAY):
        case_extension_decide(actor=users["section_head"], extension=extension, approve=True)
    notice = case.documents.get(kind=CaseDocument.KIND_EXTENSION)
    assert notice.get_kind_display() == "延期办理告知书"
    assert notice.number == "延字〔2026〕第00001号"
    assert (notice.body["days"], notice.body["due_date"]) == (3, "2026-11-12")


def test_an_extension_across_national_day_counts_the_makeup_saturday(applicant, clerk, food, person, users):
    with on(dt.date(2026, 9, 30)):
        case = submit(applicant, food, person=person)
        case_accept(actor=clerk, case=case)
        extension = case_extension_request(actor=users["approver"], case=case, days=10, reason="需组织专家论证")
        case_extension_decide(actor=users["section_head"], extension=extension, approve=True)
    case.refresh_from_db()
    # 15 working days after 09-30: 10-08, 09, 10 (调休), 12–16, 19–23, 26, 27.
    assert case.due_date == dt.date(2026, 10, 27)


@pytest.mark.parametrize("days", [0, 11])
def test_an_extension_is_between_1_and_10_working_days(case, users, days):
    with pytest.raises(ValidationError) as caught:
        case_extension_request(actor=users["approver"], case=case, days=days, reason="需要补充核查")
    assert first_error(caught) == ("days", "range", "延期须为 1 至 10 个工作日（行政许可法第四十二条）")
    assert not case.extensions.exists()


def test_an_extension_needs_a_reason(case, users):
    with pytest.raises(ValidationError) as caught:
        case_extension_request(actor=users["approver"], case=case, days=3, reason=" ")
    assert first_error(caught) == ("reason", "required", "请填写延期理由")


def test_a_case_is_extended_only_once(case, users):
    extension = _request_extension(case, users["approver"])
    case_extension_decide(actor=users["section_head"], extension=extension, approve=True)
    with pytest.raises(ValidationError) as caught:
        _request_extension(case, users["approver"], days=2)
    assert first_error(caught) == ("days", "once", "每个办件只能延期一次，已有待审批或已批准的延期")


def test_a_second_request_while_one_is_pending_is_refused(case, users):
    _request_extension(case, users["approver"])
    with pytest.raises(ValidationError) as caught:
        _request_extension(case, users["section_head"], days=2)
    assert first_error(caught)[1] == "once"


def test_the_section_head_cannot_approve_their_own_extension(case, users):
    extension = _request_extension(case, users["section_head"])
    with pytest.raises(PermissionDenied) as caught:
        case_extension_decide(actor=users["section_head"], extension=extension, approve=True)
    assert "不能审批自己提出的延期" in str(caught.value)
    extension.refresh_from_db()
    assert extension.status == CaseExtension.STATUS_PENDING


def test_an_approver_cannot_approve_an_extension(case, users):
    extension = _request_extension(case, users["section_head"])
    with pytest.raises(PermissionDenied) as caught:
        case_extension_decide(actor=users["approver"], extension=extension, approve=True)
    assert "延期须由科室负责人审批" in str(caught.value)


def test_the_head_of_another_department_cannot_approve_an_extension(case, users):
    extension = _request_extension(case, users["approver"])
    with pytest.raises(PermissionDenied):
        case_extension_decide(actor=users["police_head"], extension=extension, approve=True)
    case.refresh_from_db()
    assert case.due_date == NEXT_MONDAY


def test_a_refused_extension_keeps_the_due_date(case, users):
    extension = _request_extension(case, users["approver"])
    case_extension_decide(actor=users["section_head"], extension=extension, approve=False, note="理由不充分")
    case.refresh_from_db()
    extension.refresh_from_db()
    assert (case.due_date, case.extension_days) == (NEXT_MONDAY, 0)
    assert extension.get_status_display() == "未批准"
    assert not case.documents.filter(kind=CaseDocument.KIND_EXTENSION).exists()
    assert case.events.get(kind="extension_decided").after["approved"] is False


def test_refusing_an_extension_needs_a_reason(case, users):
    extension = _request_extension(case, users["approver"])
    with pytest.raises(ValidationError) as caught:
        case_extension_decide(actor=users["section_head"], extension=extension, approve=False, note="")
    assert first_error(caught) == ("note", "required", "不批准时须填写意见")


def test_an_extension_is_decided_once(case, users, county):
    extension = _request_extension(case, users["approver"])
    case_extension_decide(actor=users["section_head"], extension=extension, approve=False, note="理由不充分")
    with pytest.raises(Conflict):
        case_extension_decide(actor=users["section_head"], extension=extension, approve=True)
    case.refresh_from_db()
    assert case.due_date == NEXT_MONDAY


def test_a_pause_and_an_extension_add_up(case, users):
    _pause(case, users["approver"], WEDNESDAY, FRIDAY)
    extension = _request_extension(case, users["approver"], days=2)
    case_extension_decide(actor=users["section_head"], extension=extension, approve=True)
    case.refresh_from_db()
    # 7 counted days after Monday, skipping Wed–Fri: 11-03, 09, 10, 11, 12, 13, 16.
    assert case.due_date == dt.date(2026, 11, 16)


# --- the daily sweep: overdue and reminders -------------------------------------------------------


def test_the_sweep_marks_a_case_overdue_the_day_after_its_due_date(case):
    assert case_clock_sweep(today=NEXT_MONDAY).overdue_marked == 0
    report = case_clock_sweep(today=dt.date(2026, 11, 10))
    case.refresh_from_db()
    assert report.overdue_marked == 1
    assert case.overdue is True
    assert case.events.get(kind="overdue").after == {"due_date": "2026-11-09"}


def test_the_sweep_is_idempotent(case):
    case_clock_sweep(today=dt.date(2026, 11, 10))
    again = case_clock_sweep(today=dt.date(2026, 11, 10))
    later = case_clock_sweep(today=dt.date(2026, 11, 11))
    assert (again.overdue_marked, later.overdue_marked) == (0, 0)
    assert event_kinds(case).count("overdue") == 1


def test_a_case_decided_in_time_is_not_marked_overdue_later(case, users):
    with on(FRIDAY):
        task_complete(actor=users["approver"], task=only_open_task(case), outcome="approve", opinion="符合")
        task_complete(actor=users["section_head"], task=only_open_task(case), outcome="reject", opinion="不符合条件")
    case_clock_sweep(today=dt.date(2026, 11, 20))
    case.refresh_from_db()
    assert case.status == Case.STATUS_TO_DELIVER
    assert case.overdue is False
    assert case.events.get(kind="decided").after["on_time"] is True


def test_a_case_decided_after_its_due_date_is_recorded_as_late(case, users):
    with on(dt.date(2026, 11, 10)):
        task_complete(actor=users["approver"], task=only_open_task(case), outcome="approve", opinion="符合")
        task_complete(actor=users["section_head"], task=only_open_task(case), outcome="reject", opinion="不符合条件")
    case.refresh_from_db()
    assert case.overdue is True
    assert case.events.get(kind="decided").after["on_time"] is False


def test_the_holders_of_open_tasks_are_reminded_two_working_days_before(case, users):
    assert case_clock_sweep(today=WEDNESDAY).reminders == 0
    report = case_clock_sweep(today=THURSDAY)
    # The review task is the approvers' (and their section head's) in 市场监管局.
    recipients = set(Notification.objects.filter(case=case, kind="due_soon").values_list("user__username", flat=True))
    assert recipients == {"approver", "section_head"}
    assert report.reminders == 2
    text = Notification.objects.filter(case=case).first().text
    assert case.number in text and "2026-11-09" in text and "审查" in text


def test_reminders_are_sent_once(case):
    case_clock_sweep(today=THURSDAY)
    case_clock_sweep(today=THURSDAY)
    # Friday: still within two working days of Monday, but the holders were told already.
    assert case_clock_sweep(today=FRIDAY).reminders == 0
    assert Notification.objects.filter(case=case).count() == 2


def test_reminders_skip_the_weekend(case):
    # From Friday, two working days reach Tuesday; a case due on Monday is due soon.
    report = case_clock_sweep(today=FRIDAY)
    assert report.reminders == 2


def test_an_instant_case_is_due_the_same_day(applicant, clerk, person):
    item = instant_item()
    with on(MONDAY):
        case = submit(applicant, item, person=person, answers=[])
        case_accept(actor=clerk, case=case)
    case.refresh_from_db()
    assert (case.limit_days, case.due_date) == (0, MONDAY)
    with on(MONDAY):
        assert remaining_days([case]) == {case.pk: 0}
    report = case_clock_sweep(today=MONDAY)
    case.refresh_from_db()
    assert case.overdue is False
    # The decision is the window's: the clerks of the centre (A01 and B01) are reminded.
    assert report.reminders == 2
    assert set(Notification.objects.filter(case=case).values_list("user__username", flat=True)) == {clerk.username, "clerk_b01"}
    case_clock_sweep(today=dt.date(2026, 11, 3))
    case.refresh_from_db()
    assert case.overdue is True


def test_the_clock_sweep_command_reports_what_it_did(case, capsys):
    from django.core.management import call_command

    with on(dt.date(2026, 11, 10)):
        call_command("clock_sweep")
    assert "超期标记 1 件" in capsys.readouterr().out


# --- the scheduler ----------------------------------------------------------------------------------


def test_the_scheduler_enqueues_the_sweep_once_per_interval(db):
    first = at(MONDAY, hour=1)
    queued: list[str] = []
    assert "cases.clock_sweep" in run_due(now=first, enqueue=queued.append)
    assert "cases.clock_sweep" not in run_due(now=first + dt.timedelta(minutes=59), enqueue=queued.append)
    assert "cases.clock_sweep" in run_due(now=first + dt.timedelta(hours=1), enqueue=queued.append)
    assert queued.count("govhall.cases.tasks.clock_sweep_task") == 2
    assert ScheduledRun.objects.get(key="cases.clock_sweep").last_run_at == first + dt.timedelta(hours=1)


def test_a_scheduled_sweep_marks_overdue_cases_once_committed(case, django_capture_on_commit_callbacks):
    with mock.patch("django.utils.timezone.now", return_value=at(dt.date(2026, 11, 10), hour=1)):
        with django_capture_on_commit_callbacks(execute=True):
            assert "cases.clock_sweep" in run_due()
        with django_capture_on_commit_callbacks(execute=True) as again:
            assert run_due() == []
    assert len(again) == 0
    case.refresh_from_db()
    assert case.overdue is True


@pytest.mark.django_db
def test_clock_stops_at_the_decision_even_while_the_licence_is_being_made():
    from types import SimpleNamespace

    decided = SimpleNamespace(pk=1, status="in_progress", due_date=dt.date(2026, 10, 13), decision="approved")
    running = SimpleNamespace(pk=2, status="in_progress", due_date=dt.date(2026, 10, 13), decision="")
    days = remaining_days([decided, running], today=dt.date(2026, 10, 9))
    assert days == {1: None, 2: 3}
