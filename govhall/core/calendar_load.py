"""Loading a year's official holiday arrangement into the working-day calendar.

Two sources: the `chinesecalendar` package (2004–2026, the years it knows) and a small CSV for a
new year's 国务院办公厅 notice, with one row per holiday or make-up working day:

    date,kind,name
    2027-01-01,holiday,元旦
    2027-02-07,makeup,春节

Days the CSV does not list follow the ordinary week (Monday–Friday work, weekends rest). Loading a
year replaces that year in one transaction, so a half-loaded year is never visible.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path

import chinese_calendar
from django.db import transaction
from django.utils.translation import gettext as _

from govhall.core.errors import ErrorCollector
from govhall.core.models import CalendarDay, CalendarYear

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

PACKAGE_YEARS = range(2004, 2027)


def _days_of(year: int) -> Iterable[dt.date]:
    day = dt.date(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


def make_day(day: dt.date, is_workday: bool, name: str, source: str) -> CalendarDay:
    """The (unsaved) calendar day: its kind follows from the weekday, whether it is worked and
    whether it has a name; ordinary working days and weekends carry no name."""
    weekend = day.weekday() >= 5
    if is_workday:
        kind = CalendarDay.KIND_MAKEUP if weekend else CalendarDay.KIND_WORKDAY
    else:
        kind = CalendarDay.KIND_HOLIDAY if (name or not weekend) else CalendarDay.KIND_WEEKEND
    if kind in (CalendarDay.KIND_WORKDAY, CalendarDay.KIND_WEEKEND):
        name = ""
    return CalendarDay(date=day, is_workday=is_workday, kind=kind, name=name, source=source)


@transaction.atomic
def _replace_year(year: int, rows: list[CalendarDay], source: str) -> int:
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(rows, batch_size=500)
    CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
    return len(rows)


def seed_from_package(years: Iterable[int] = PACKAGE_YEARS) -> list[int]:
    """Load the years `chinesecalendar` knows. Returns the years loaded."""
    done = []
    for year in years:
        rows = []
        for day in _days_of(year):
            _on_holiday, raw_name = chinese_calendar.get_holiday_detail(day)
            name = HOLIDAY_NAMES_ZH.get(raw_name or "", raw_name or "")
            rows.append(make_day(day, chinese_calendar.is_workday(day), name, "chinesecalendar"))
        _replace_year(year, rows, f"chinesecalendar {chinese_calendar.__version__}")
        done.append(year)
    return done


def load_csv(path: Path | str) -> dict[int, int]:
    """Load one or more years from a CSV file of holidays and make-up days (see load_csv_text)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return load_csv_text(handle.read(), source_name=Path(path).name)


@transaction.atomic
def load_csv_text(text: str, *, source_name: str) -> dict[int, int]:
    """Load one or more years from CSV text of holidays and make-up days.

    Every row is checked before anything is written; the errors name the row number and field. All
    the file's years are written in one transaction. Returns {year: days loaded}.
    """
    errors = ErrorCollector()
    special: dict[dt.date, tuple[bool, str]] = {}
    with io.StringIO(text.removeprefix("\ufeff"), newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"date", "kind", "name"} - set(reader.fieldnames or [])
        if missing:
            errors.add("header", "required", _("CSV 缺少列：%(columns)s") % {"columns": ", ".join(sorted(missing))})
            errors.raise_if_any()
        for number, record in enumerate(reader, start=2):
            raw_date, kind, name = (record["date"] or "").strip(), (record["kind"] or "").strip(), (record["name"] or "").strip()
            try:
                day = dt.date.fromisoformat(raw_date)
            except ValueError:
                errors.add(
                    f"第{number}行.date",
                    "date_format",
                    _("第%(row)s行日期“%(value)s”不是 YYYY-MM-DD 格式") % {"row": number, "value": raw_date},
                )
                continue
            if kind not in ("holiday", "makeup"):
                errors.add(
                    f"第{number}行.kind", "choice", _("第%(row)s行类型“%(value)s”只能是 holiday 或 makeup") % {"row": number, "value": kind}
                )
                continue
            if kind == "makeup" and day.weekday() < 5:
                errors.add(
                    f"第{number}行.kind",
                    "makeup_on_weekend",
                    _("第%(row)s行 %(date)s 是周一至周五，不能标为调休上班") % {"row": number, "date": day},
                )
                continue
            if not name:
                errors.add(f"第{number}行.name", "required", _("第%(row)s行缺少节日名称") % {"row": number})
                continue
            if day in special:
                errors.add(f"第{number}行.date", "unique", _("第%(row)s行日期 %(date)s 重复") % {"row": number, "date": day})
                continue
            special[day] = (kind == "makeup", name)
    if not special:
        errors.add("file", "empty", _("CSV 中没有任何节假日或调休记录"))
    errors.raise_if_any()

    loaded = {}
    source = f"CSV {source_name}"
    for year in sorted({day.year for day in special}):
        rows = []
        for day in _days_of(year):
            if day in special:
                is_workday, name = special[day]
            else:
                is_workday, name = day.weekday() < 5, ""
            rows.append(make_day(day, is_workday, name, "csv"))
        loaded[year] = _replace_year(year, rows, source)
    return loaded
