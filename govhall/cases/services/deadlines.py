"""The daily clock sweep (CASE-5): mark overdue cases and remind the people who hold their open
tasks two working days before the due date. Idempotent: run it as often as you like."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.clock import case_clock_refresh
from govhall.cases.models import Case, CaseTask, Notification
from govhall.cases.services.events import case_event_append
from govhall.core.calendar import add_working_days
from govhall.org import roles

REMIND_DAYS_BEFORE = 2
ROLE_GROUPS = {
    "approver": [roles.APPROVER, roles.SECTION_HEAD],
    "certifier": [roles.APPROVER, roles.SECTION_HEAD],
    "section_head": [roles.SECTION_HEAD],
    "leader": [roles.SECTION_HEAD],
    "clerk": [roles.CLERK],
}


@dataclass
class SweepReport:
    overdue_marked: int = 0
    reminders: int = 0
    suspended_refreshed: int = 0


def _task_holders(task: CaseTask):
    users = get_user_model().objects.filter(is_active=True, groups__name__in=ROLE_GROUPS.get(task.role, []))
    if task.role == "clerk":
        return users.filter(staff__centre_id=task.centre_id).distinct()
    return users.filter(staff__department=task.department).distinct()


def case_clock_sweep(*, today: dt.date | None = None) -> SweepReport:
    today = today or timezone.localdate()
    report = SweepReport()
    # Suspended cases: their due date moves on with each day of the pause.
    for case in Case.objects.filter(status=Case.STATUS_SUSPENDED):
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if locked.status == Case.STATUS_SUSPENDED:
                case_clock_refresh(locked, today=today)
                locked.save(update_fields=["due_date", "clock_as_of", "updated_at"])
                report.suspended_refreshed += 1
    # The clock stops at the decision: a case decided in time and waiting for 制证 is not overdue.
    for case in Case.objects.filter(status=Case.STATUS_IN_PROGRESS, overdue=False, due_date__lt=today, decision="").only("pk"):
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if (
                locked.status != Case.STATUS_IN_PROGRESS
                or locked.overdue
                or locked.decision
                or not locked.due_date
                or locked.due_date >= today
            ):
                continue
            locked.overdue = True
            locked.save(update_fields=["overdue", "updated_at"])
            case_event_append(case=locked, kind="overdue", actor=None, after={"due_date": locked.due_date.isoformat()})
            report.overdue_marked += 1
    remind_until = add_working_days(today, REMIND_DAYS_BEFORE)
    due_soon = Case.objects.filter(status=Case.STATUS_IN_PROGRESS, decision="", due_date__gte=today, due_date__lte=remind_until).filter(
        Q(reminded_on__isnull=True) | Q(reminded_on__lt=today)
    )
    for case in due_soon:
        with transaction.atomic():
            for task in CaseTask.objects.filter(case=case, status=CaseTask.STATUS_OPEN):
                for user in _task_holders(task):
                    _obj, created = Notification.objects.get_or_create(
                        user=user,
                        case=case,
                        kind="due_soon",
                        defaults={
                            "text": _("办件 %(number)s（%(item)s）将于 %(due)s 到期，“%(task)s”环节尚未办理")
                            % {"number": case.number, "item": case.item_version.name, "due": case.due_date, "task": task.name}
                        },
                    )
                    report.reminders += int(created)
            Case.objects.filter(pk=case.pk).update(reminded_on=today)
    return report
