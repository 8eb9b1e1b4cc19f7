"""The working-day clock of a case (CASE-5).

Due date = the promised limit (plus an approved extension) in working days after the day of
acceptance, which is not counted, with the days of 特别程序 (听证, 检验检测, 专家评审, 公示 …) left
out. While a special procedure is open its end is taken as today, so the due date moves on with
each day of the pause and the remaining days stay where they were when it started.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from govhall.cases.models import Case, CasePause
from govhall.core.calendar import Pause, add_working_days, remaining_working_days_many


def case_pause_periods(case: Case, *, today: dt.date) -> list[Pause]:
    return [(p.started_on, p.ended_on or max(today, p.started_on)) for p in CasePause.objects.filter(case=case).order_by("started_on")]


def case_due_date(case: Case, *, today: dt.date | None = None) -> dt.date | None:
    if case.accepted_on is None or case.limit_days is None:
        return None
    today = today or timezone.localdate()
    return add_working_days(case.accepted_on, case.limit_days + case.extension_days, case_pause_periods(case, today=today))


def case_clock_refresh(case: Case, *, today: dt.date | None = None) -> None:
    """Recompute the due date after acceptance, a pause or an extension (caller saves)."""
    today = today or timezone.localdate()
    case.due_date = case_due_date(case, today=today)
    if case.due_date is not None and case.status == Case.STATUS_IN_PROGRESS:
        case.overdue = case.due_date < today


def remaining_days(cases, *, today: dt.date | None = None) -> dict[int, int | None]:
    """Remaining working days per case id (negative: days overdue); None once the clock stopped —
    at the decision, even while the licence is still being made (制证)."""
    today = today or timezone.localdate()
    # A suspended case's stored due date is as of the last refresh (the sweep, hourly): take the
    # pause up to `today`, so its remaining days stay frozen whenever they are asked for.
    dues = {
        c.pk: case_due_date(c, today=today) if c.status == Case.STATUS_SUSPENDED else c.due_date
        for c in cases
        if c.status in Case.CLOCK_STATUSES and c.due_date and not c.decision
    }
    table = remaining_working_days_many(today, list(dues.values()))
    result: dict[int, int | None] = {c.pk: None for c in cases}
    for pk, due in dues.items():
        result[pk] = table[due] if due is not None else None
    return result
