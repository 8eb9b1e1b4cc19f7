"""The demo county's two months of cases: every workbench has realistic work in it.

`load_demo` runs once for this module inside a transaction rolled back at the end (as in
test_demo.py); the cases are made through the case services at patched moments, so these tests read
them back as staff and applicants would: queues, tasks, documents, the clock and the event log.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from govhall.applicants.models import Enterprise, Person
from govhall.cases import selectors
from govhall.cases.clock import remaining_days
from govhall.cases.models import (
    Case,
    CaseCommitment,
    CaseDocument,
    CaseEvent,
    CaseMaterial,
    CasePause,
    CaseTask,
    Notification,
    ProcessBinding,
)
from govhall.cases.services import case_material_path
from govhall.catalog.models import Item
from govhall.core.calendar import is_working_day
from govhall.core.identifiers import check
from govhall.demo.cases import JOINT_REVIEWS, KEY_PREFIX
from govhall.demo.people import ENTERPRISES, applicant_specs, person_specs
from govhall.org import roles
from govhall.org.models import Department

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_output")]


def demo_cases():
    return Case.objects.filter(idempotency_key__startswith=KEY_PREFIX)


def user(username: str) -> User:
    return User.objects.get(username=username)


def test_load_reports_the_cases_it_made(demo_output):
    assert "办件" in demo_output
    assert 200 <= demo_cases().count() <= 400


def test_cases_are_in_every_state_a_workbench_shows_most_of_them_done():
    statuses = Counter(demo_cases().values_list("status", flat=True))
    for status in (
        Case.STATUS_SUBMITTED,
        Case.STATUS_SUPPLEMENT,
        Case.STATUS_IN_PROGRESS,
        Case.STATUS_SUSPENDED,
        Case.STATUS_TO_DELIVER,
        Case.STATUS_DONE,
        Case.STATUS_NOT_ACCEPTED,
        Case.STATUS_WITHDRAWN,
        Case.STATUS_TERMINATED,
    ):
        assert statuses[status] >= 1, status
    assert statuses[Case.STATUS_DONE] == max(statuses.values())
    assert statuses[Case.STATUS_DONE] > sum(statuses.values()) / 2


def test_cases_come_through_every_channel_mostly_online():
    channels = Counter(demo_cases().values_list("channel", flat=True))
    total = sum(channels.values())
    for channel in (Case.CHANNEL_ONLINE, Case.CHANNEL_WINDOW, Case.CHANNEL_MOBILE, Case.CHANNEL_AGENT_POINT, Case.CHANNEL_KIOSK):
        assert channels[channel] >= 1, channel
    assert 0.45 <= channels[Case.CHANNEL_ONLINE] / total <= 0.75


def test_cases_spread_over_the_last_two_months_across_departments_and_items():
    today = timezone.localdate()
    first = timezone.localtime(demo_cases().order_by("submitted_at").first().submitted_at).date()
    assert today - dt.timedelta(days=65) <= first <= today - dt.timedelta(days=40)
    assert demo_cases().values("department").distinct().count() >= 20
    assert demo_cases().values("item").distinct().count() >= 80


def test_running_cases_include_some_due_within_two_working_days_and_a_few_overdue():
    running = list(demo_cases().filter(status=Case.STATUS_IN_PROGRESS))
    left = remaining_days(running)
    assert any(days in (1, 2) for days in left.values())
    overdue = [c for c in running if left[c.pk] is not None and left[c.pk] < 0]
    assert 1 <= len(overdue) <= 10
    assert all(c.overdue for c in overdue)
    assert CaseEvent.objects.filter(case__in=overdue, kind="overdue").count() == len(overdue)


def test_a_case_decided_in_time_stays_in_time_while_its_licence_is_made():
    decided = CaseEvent.objects.filter(case__in=demo_cases(), kind="decided")
    on_time = [e.case_id for e in decided if e.after["on_time"]]
    late = [e.case_id for e in decided if not e.after["on_time"]]
    assert on_time and late
    assert not Case.objects.filter(pk__in=on_time, overdue=True).exists()
    assert not CaseEvent.objects.filter(case__in=on_time, kind="overdue").exists()
    assert not Case.objects.filter(pk__in=late, overdue=False).exists()


def test_open_tasks_wait_for_reviewers_and_section_heads():
    roles_open = Counter(CaseTask.objects.filter(case__in=demo_cases(), status=CaseTask.STATUS_OPEN).values_list("role", flat=True))
    assert roles_open["approver"] >= 5
    assert roles_open["section_head"] >= 5
    # Every open case task belongs to a case still in progress (or in a special procedure).
    assert not CaseTask.objects.filter(status=CaseTask.STATUS_OPEN).exclude(case__status__in=Case.CLOCK_STATUSES).exists()


def test_suspended_cases_wait_for_experts_or_a_publicity_period():
    suspended = demo_cases().filter(status=Case.STATUS_SUSPENDED)
    pauses = CasePause.objects.filter(case__in=suspended, ended_on__isnull=True)
    assert pauses.count() == suspended.count() >= 1
    assert set(pauses.values_list("kind", flat=True)) <= {"expert", "publicity"}
    assert CasePause.objects.filter(case__status=Case.STATUS_DONE, ended_on__isnull=False).exists()


def test_a_rongque_commitment_is_overdue_and_blocks_the_decision():
    today = timezone.localdate()
    overdue = CaseCommitment.objects.filter(
        case__in=demo_cases(), kind=CaseCommitment.KIND_RONGQUE, status=CaseCommitment.STATUS_OPEN, due_date__lt=today
    )
    assert overdue.exists()
    assert not overdue.exclude(case__status__in=Case.CLOCK_STATUSES).exists()
    assert not overdue.exclude(case__decision="").exists()
    clerk = overdue.first().case.accepted_by
    assert selectors.rongque_commitments_for_staff(user=clerk, overdue_only=True).exists()


def test_a_gaozhi_verification_is_due_for_the_department():
    today = timezone.localdate()
    due = CaseCommitment.objects.filter(
        case__in=demo_cases(), kind=CaseCommitment.KIND_GAOZHI, status=CaseCommitment.STATUS_OPEN, due_date__gte=today
    )
    assert due.filter(due_date__lte=today + dt.timedelta(days=14)).exists()
    commitment = due.order_by("due_date").first()
    assert commitment.case.decision == Case.DECISION_APPROVED
    approver = User.objects.filter(groups__name=roles.APPROVER, staff__department=commitment.case.department).first()
    assert commitment in selectors.verifications_for_department(user=approver)
    assert CaseCommitment.objects.filter(kind=CaseCommitment.KIND_GAOZHI, status=CaseCommitment.STATUS_PASSED).exists()


def test_the_a01_clerk_has_submissions_to_pre_review_and_results_to_hand_out():
    clerk = user("clerk01")
    queue = selectors.prereview_queue_for_clerk(user=clerk)
    assert queue.count() >= 5
    assert queue.filter(channel=Case.CHANNEL_WINDOW, window__number="A01").exists()  # walk-ins registered at A01
    assert selectors.deliveries_for_clerk(user=clerk).exists()


def test_the_market_regulators_approver_and_section_head_have_work():
    approver_tasks = selectors.tasks_for_staff(user=user("approver_scj"))
    assert approver_tasks.filter(role="approver").exists()
    head = user("section_scj")
    assert selectors.tasks_for_staff(user=head).filter(is_decision=True).exists()
    assert selectors.extensions_pending_for_head(user=head).exists()


def test_reminders_went_to_the_holders_of_tasks_due_soon():
    reminders = Notification.objects.filter(kind="due_soon", case__in=demo_cases())
    assert reminders.exists()
    assert not reminders.exclude(user__groups__name__in=[roles.APPROVER, roles.SECTION_HEAD, roles.CLERK]).exists()


def test_documents_match_the_decisions():
    done = demo_cases().filter(status=Case.STATUS_DONE)
    approved = done.filter(decision=Case.DECISION_APPROVED)
    assert not approved.exclude(documents__kind=CaseDocument.KIND_APPROVAL).exists()
    assert not approved.exclude(documents__kind__in=[CaseDocument.KIND_ACCEPTANCE, CaseDocument.KIND_RONGQUE]).exists()
    assert done.filter(decision=Case.DECISION_DENIED, documents__kind=CaseDocument.KIND_DENIAL).exists()
    assert not demo_cases().filter(status=Case.STATUS_NOT_ACCEPTED).exclude(documents__kind=CaseDocument.KIND_NOT_ACCEPTED).exists()
    assert not demo_cases().filter(status=Case.STATUS_SUPPLEMENT).exclude(documents__kind=CaseDocument.KIND_SUPPLEMENT).exists()
    assert demo_cases().filter(documents__kind=CaseDocument.KIND_EXTENSION).exists()
    assert not done.filter(delivered_at__isnull=True).exists()


def test_staff_acted_on_working_days_in_office_hours_and_the_log_follows_the_calendar():
    events = CaseEvent.objects.filter(case__in=demo_cases(), actor__staff__isnull=False)
    days: dict[dt.date, bool] = {}
    for at in events.values_list("at", flat=True):
        local = timezone.localtime(at)
        minute = local.hour * 60 + local.minute
        assert 8 * 60 + 30 <= minute <= 17 * 60 + 30 and not 12 * 60 <= minute < 14 * 60, local
        if local.date() not in days:
            days[local.date()] = is_working_day(local.date())
        assert days[local.date()], local
    # Each case's log runs forward in time. (Across cases the chain holds them in load order: the
    # 一件事 and 跨区通办 demo cases are made after the main two months.)
    by_case: dict[int, list[dt.datetime]] = {}
    for case_id, at in CaseEvent.objects.order_by("id").values_list("case_id", "at"):
        by_case.setdefault(case_id, []).append(at)
    assert all(moments == sorted(moments) for moments in by_case.values())


def test_the_case_log_is_intact():
    out = StringIO()
    call_command("verify_case_log", stdout=out)
    assert out.getvalue().startswith("intact:")


def test_joint_review_items_are_reviewed_by_every_department_together():
    assert ProcessBinding.objects.filter(co_departments__isnull=False).distinct().count() == len(JOINT_REVIEWS)
    binding = ProcessBinding.objects.get(item__name="公共场所卫生许可")
    assert list(binding.co_departments.values_list("short_name", flat=True)) == ["卫生健康委员会"]
    joint_cases = demo_cases().filter(item__process_bindings__co_departments__isnull=False).distinct()
    reviewed = [c for c in joint_cases if CaseTask.objects.filter(case=c, name="会商审查").values("department").distinct().count() >= 2]
    assert reviewed


def test_every_department_and_township_with_items_has_a_section_head():
    with_items = Department.objects.filter(items__isnull=False).distinct()
    assert with_items.count() >= 37
    for department in with_items:
        assert User.objects.filter(groups__name=roles.SECTION_HEAD, staff__department=department).exists(), department.name


def test_applicant_accounts_have_valid_identities_and_log_in():
    password = os.environ.get("GOVHALL_DEMO_PASSWORD") or "govhall-demo-2026"
    accounts = applicant_specs()
    persons = Person.objects.filter(user__username__in=[s.username for s in accounts])
    assert persons.count() == len(accounts) >= 20
    for spec in person_specs():
        person = Person.objects.get(id_number=spec.id_number)
        assert check("ric", person.id_number).valid, person.id_number
        assert person.id_number[:6] in ("150727", "152129")  # 新巴尔虎右旗, since 2001 and before
    assert authenticate(username=accounts[0].username, password=password) is not None
    for spec in ENTERPRISES:
        enterprise = Enterprise.objects.get(uscc=spec.uscc)
        assert check("uscc", enterprise.uscc).valid
        assert enterprise.legal_representative.user.username == spec.representative


def test_applicants_find_their_own_cases_and_not_other_peoples():
    owner = user(applicant_specs()[0].username)
    mine = selectors.cases_for_applicant(user=owner)
    assert mine.exists()
    someone_elses = demo_cases().exclude(pk__in=mine).filter(status=Case.STATUS_DONE).first()
    with pytest.raises(Http404):
        selectors.get_case_for_user(user=owner, case_id=someone_elses.pk)


def test_uploaded_materials_are_stored_pdfs(settings, demo_media_root):
    settings.MEDIA_ROOT = demo_media_root
    materials = CaseMaterial.objects.filter(case__in=demo_cases())
    assert materials.count() >= demo_cases().count()
    for row in materials.order_by("id")[::50]:
        path = case_material_path(row)
        assert row.content_type == "application/pdf"
        assert path.read_bytes().startswith(b"%PDF-")


def test_loading_again_adds_nothing():
    def counts():
        return (
            Case.objects.count(),
            CaseEvent.objects.count(),
            CaseDocument.objects.count(),
            Person.objects.count(),
            Enterprise.objects.count(),
            ProcessBinding.objects.count(),
            User.objects.count(),
            Item.objects.count(),
        )

    before = counts()
    out = StringIO()
    call_command("load_demo", stdout=out, allow_production=True)
    assert counts() == before
    assert "未做任何改动" in out.getvalue()
