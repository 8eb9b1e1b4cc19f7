"""Actions on the shared core data: the working-day calendar."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from govhall.core.calendar import CalendarError
from govhall.core.calendar_load import load_csv_text, make_day
from govhall.core.errors import ErrorCollector, PermissionDenied
from govhall.core.models import CalendarDay


def calendar_day_change(*, actor, day: dt.date, is_workday: bool, name: str) -> CalendarDay:
    """Set one day to working day or rest day (with the holiday / 调休 name). Recorded as "admin"."""
    if not actor.has_perm("core.change_calendarday"):
        raise PermissionDenied(_("无权修改工作日历"))
    name = (name or "").strip()
    errors = ErrorCollector()
    if len(name) > 40:
        errors.add("name", "max_length", _("节日名称不能超过40个字"))
    shaped = make_day(day, is_workday, name, "admin")
    if shaped.kind == CalendarDay.KIND_HOLIDAY and not name:
        errors.add("name", "required", _("周一至周五设为休息日时，须填写节日名称（如：国庆节）"))
    if shaped.kind == CalendarDay.KIND_MAKEUP and not name:
        errors.add("name", "required", _("周末调休上班时，须填写对应的节日名称（如：春节）"))
    errors.raise_if_any()
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=day).first()
        if row is None:
            raise CalendarError(day.year)
        row.is_workday, row.kind, row.name = shaped.is_workday, shaped.kind, shaped.name
        row.source = "admin"
        row.updated_by = actor
        row.save()
    return row


def calendar_csv_load(*, actor, text: str, filename: str) -> dict[int, int]:
    """Load a new year's 国务院办公厅 arrangement uploaded as CSV: all its years or none."""
    if not actor.has_perm("core.change_calendarday"):
        raise PermissionDenied(_("无权修改工作日历"))
    return load_csv_text(text, source_name=filename)
