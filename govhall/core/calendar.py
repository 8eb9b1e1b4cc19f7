"""Chinese working days (行政许可法 §82: limits count working days, statutory holidays excluded).

Every module computes limits through these functions, never by weekday arithmetic. The table
`CalendarDay` holds every day of each loaded year (seeded from `chinesecalendar`, editable by
admins, extended with `manage.py load_calendar_csv`). Asking about a date in a year that has not
been loaded raises `CalendarError` naming the year: a guess would silently move a legal deadline.

Conventions (§82 and the 国务院 interpretation): the start day is not counted; a limit of N days
ends on the N-th working day after the start. A pause is an inclusive (first, last) date interval
whose days do not count (补正, 听证, 检验检测, 专家评审 … — 行政许可法 §45).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

from govhall.core.errors import ValidationError
from govhall.core.models import CalendarDay, CalendarYear

Pause = tuple[dt.date, dt.date]


class CalendarError(ValidationError):
    def __init__(self, year: int, field: str = "date"):
        self.year = year
        super().__init__(
            field,
            "calendar_year",
            _("%(year)s年的节假日安排尚未载入工作日历，无法计算工作日") % {"year": year},
        )


def loaded_years() -> list[int]:
    return list(CalendarYear.objects.values_list("year", flat=True))


def _require_year(year: int, field: str = "date") -> None:
    if not CalendarYear.objects.filter(year=year).exists():
        raise CalendarError(year, field)


def is_working_day(day: dt.date) -> bool:
    row = CalendarDay.objects.filter(date=day).only("is_workday").first()
    if row is None:
        raise CalendarError(day.year)
    return row.is_workday


def _paused(day: dt.date, pauses: Sequence[Pause]) -> bool:
    return any(first <= day <= last for first, last in pauses)


def _normalise(pauses: Iterable[Pause] | None) -> list[Pause]:
    result = []
    for first, last in pauses or ():
        if last < first:
            raise ValidationError("pauses", "order", _("暂停区间的结束日期早于开始日期"))
        result.append((first, last))
    return result


def add_working_days(start: dt.date, days: int, pauses: Iterable[Pause] | None = None) -> dt.date:
    """The date on which a limit of `days` working days, counted from `start`, ends.

    `start` itself is not counted; `days=0` gives `start` (即办件: decided the same day).
    """
    if days < 0:
        raise ValidationError("days", "min_value", _("工作日数不能为负数"))
    _require_year(start.year, "start")
    if days == 0:
        return start
    pause_list = _normalise(pauses)
    candidates = CalendarDay.objects.filter(date__gt=start, is_workday=True).order_by("date")
    if not pause_list:
        found = list(candidates.values_list("date", flat=True)[days - 1 : days])
        if found and _years_continuous(start.year, found[0].year):
            return found[0]
    else:
        counted = 0
        # Pauses can only push the end later; read in chunks until enough days are found.
        for day in candidates.values_list("date", flat=True).iterator(chunk_size=400):
            if not _years_continuous(start.year, day.year):
                break
            if _paused(day, pause_list):
                continue
            counted += 1
            if counted == days:
                return day
    raise CalendarError(_first_missing_year(start.year))


def _years_continuous(first: int, last: int) -> bool:
    if first == last:
        return True
    wanted = set(range(first, last + 1))
    return wanted <= set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))


def _first_missing_year(from_year: int) -> int:
    years = set(loaded_years())
    year = from_year
    while year in years:
        year += 1
    return year


def working_days_between(start: dt.date, end: dt.date, pauses: Iterable[Pause] | None = None) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start), less pauses."""
    if end <= start:
        return 0
    for year in range(start.year, end.year + 1):
        _require_year(year, "end" if year != start.year else "start")
    pause_list = _normalise(pauses)
    days = CalendarDay.objects.filter(date__gt=start, date__lte=end, is_workday=True)
    if not pause_list:
        return days.count()
    return sum(1 for day in days.values_list("date", flat=True) if not _paused(day, pause_list))


def remaining_working_days(today: dt.date, due: dt.date, pauses: Iterable[Pause] | None = None) -> int:
    """Working days left until `due` (negative when overdue: how many working days late)."""
    if due >= today:
        return working_days_between(today, due, pauses)
    return -working_days_between(due, today, pauses)


def working_days_signed_many(spans: Iterable[tuple[dt.date, dt.date]]) -> dict[tuple[dt.date, dt.date], int]:
    """For each (start, due): the working days after start up to due, negative (days late) when
    due is before start — `remaining_working_days` for a whole list page, with one query."""
    wanted = set(spans)
    if not wanted:
        return {}
    first = min(min(a, b) for a, b in wanted)
    last = max(max(a, b) for a, b in wanted)
    for year in range(first.year, last.year + 1):
        _require_year(year, "due_date")
    workdays = list(
        CalendarDay.objects.filter(date__gt=first, date__lte=last, is_workday=True).order_by("date").values_list("date", flat=True)
    )

    def count(after: dt.date, upto: dt.date) -> int:
        return bisect.bisect_right(workdays, upto) - bisect.bisect_right(workdays, after)

    return {(start, due): (count(start, due) if due >= start else -count(due, start)) for start, due in wanted}
