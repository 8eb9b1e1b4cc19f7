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
from govhall.core.calendar import Pause, add_working_days, working_days_signed_many


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
    case.clock_as_of = today
    if case.due_date is not None and case.status == Case.STATUS_IN_PROGRESS:
        case.overdue = case.due_date < today


def remaining_days(cases, *, today: dt.date | None = None) -> dict[int, int | None]:
    """Remaining working days per case id (negative: days overdue); None once the clock stopped —
    at the decision, even while the licence is still being made (制证).

    A suspended case's due date was computed with its open pause ending on `clock_as_of`; every
    working day since then is paused too, so what is left is what was left on that day: the working
    days from `clock_as_of` to the due date. One calendar read for the whole list.
    """
    today = today or timezone.localdate()
    spans: dict[int, tuple[dt.date, dt.date]] = {}
    for c in cases:
        if c.status not in Case.CLOCK_STATUSES or not c.due_date or c.decision:
            continue
        start = (c.clock_as_of or today) if c.status == Case.STATUS_SUSPENDED else today
        spans[c.pk] = (start, c.due_date)
    counts = working_days_signed_many(list(spans.values()))
    result: dict[int, int | None] = {c.pk: None for c in cases}
    for pk, span in spans.items():
        result[pk] = counts[span]
    return result
