"""The working-day calendar for staff: a year at a glance, changing one day, loading a new year.

行政许可法 §82: limits count working days with statutory holidays excluded; the State Council
publishes each year's holidays and make-up working days (调休) late in the year before, so an
admin loads the new year from a CSV and corrects single days when a notice changes.
"""

from __future__ import annotations

import calendar as pycalendar
import csv
import datetime as dt
import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.core.calendar import CalendarError
from govhall.core.errors import FieldError, PermissionDenied, ValidationError
from govhall.core.http import HtmxHttpRequest
from govhall.core.models import CalendarDay, CalendarYear
from govhall.core.services import calendar_csv_load, calendar_day_change

MAX_CSV_BYTES = 1024 * 1024
MIN_YEAR, MAX_YEAR = 1990, 2100
# Monday first: the calendar's column heads, and the day panel's heading.
WEEKDAYS = [
    pgettext_lazy("weekday, short", "一"),
    pgettext_lazy("weekday, short", "二"),
    pgettext_lazy("weekday, short", "三"),
    pgettext_lazy("weekday, short", "四"),
    pgettext_lazy("weekday, short", "五"),
    pgettext_lazy("weekday, short", "六"),
    pgettext_lazy("weekday, short", "日"),
]
WEEKDAY_NAMES = [
    gettext_lazy("星期一"),
    gettext_lazy("星期二"),
    gettext_lazy("星期三"),
    gettext_lazy("星期四"),
    gettext_lazy("星期五"),
    gettext_lazy("星期六"),
    gettext_lazy("星期日"),
]


# --- forms ------------------------------------------------------------------------------------


class DayForm(forms.Form):
    is_workday = forms.TypedChoiceField(
        label=gettext_lazy("这一天"),
        choices=[("1", gettext_lazy("上班（工作日）")), ("0", gettext_lazy("休息（不计入工作日）"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=gettext_lazy("节日名称"), max_length=40, required=False, help_text=gettext_lazy("法定节假日或调休上班时填写，如：春节")
    )


class CsvForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("节假日安排 CSV（date,kind,name）"), error_messages={"required": gettext_lazy("请选择 CSV 文件")}
    )
    replace = forms.BooleanField(label=gettext_lazy("覆盖已载入的年份（会清除该年的手工修改）"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("CSV 文件不能超过1 MB"), code="max_size")
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("只能上传 .csv 文件"), code="extension")
        try:
            self.text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("CSV 须为 UTF-8 编码（Excel 另存为“CSV UTF-8”）"), code="encoding") from exc
        return upload

    def years(self) -> set[int]:
        found = set()
        for record in csv.DictReader(io.StringIO(self.text)):
            try:
                found.add(dt.date.fromisoformat((record.get("date") or "").strip()).year)
            except ValueError:
                continue
        return found


# --- pages ------------------------------------------------------------------------------------


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise DjangoPermissionDenied


def _cell(day: dt.date, row: CalendarDay | None, previous: CalendarDay | None, today: dt.date) -> dict[str, Any]:
    kind = row.kind if row else ""
    first_of_run = bool(row and row.name and not (previous and previous.name == row.name and previous.kind == row.kind))
    return {"date": day, "row": row, "kind": kind, "show_name": first_of_run, "today": day == today}


def _year_grid(year: int) -> tuple[list[dict[str, Any]], dict[str, int]]:
    rows = {d.date: d for d in CalendarDay.objects.filter(date__year=year).select_related("updated_by")}
    today = timezone.localdate()
    months = []
    for month in range(1, 13):
        weeks = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells: list[dict[str, Any] | None] = []  # None pads the days of the next or previous month
            for day in week:
                if day.month != month:
                    cells.append(None)
                else:
                    cells.append(_cell(day, rows.get(day), rows.get(day - dt.timedelta(days=1)), today))
            weeks.append(cells)
        months.append({"number": month, "first": dt.date(year, month, 1), "weeks": weeks})
    counts = {kind: 0 for kind, _label in CalendarDay.KIND_CHOICES}
    for row in rows.values():
        counts[row.kind] += 1
    counts["working"] = sum(1 for r in rows.values() if r.is_workday)
    return months, counts


def _year_param(request) -> tuple[int, str]:
    raw = request.GET.get("year", "")
    if raw.isdigit() and MIN_YEAR <= int(raw) <= MAX_YEAR:
        return int(raw), ""
    today = timezone.localdate()
    return today.year, _("年份“%(year)s”无效，已显示今年") % {"year": raw} if raw else ""


def _parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise Http404 from exc


def _page(request, *, year: int, status: int = 200, **extra):
    months, counts = _year_grid(year)
    can_edit = request.user.has_perm("core.change_calendarday")
    loaded = CalendarYear.objects.filter(year=year).first()
    context = {
        "year": year,
        "months": months,
        "counts": counts,
        "weekdays": WEEKDAYS,
        "loaded": loaded,
        "years": CalendarYear.objects.order_by("-year"),
        "can_edit": can_edit,
        "not_loaded_message": "" if loaded else str(CalendarError(year).errors[0].message),
        "csv_form": CsvForm() if can_edit else None,
        "day_panel": None,
        **extra,
    }
    return render(request, "core/calendar.html", context, status=status)


def _day_panel(day: dt.date, *, form: DayForm | None = None, saved: bool = False, errors: list[str] | None = None) -> dict[str, Any]:
    row = CalendarDay.objects.select_related("updated_by").filter(date=day).first()
    if form is None and row is not None:
        form = DayForm(initial={"is_workday": "1" if row.is_workday else "0", "name": row.name})
    return {"day": day, "row": row, "form": form, "saved": saved, "errors": errors or [], "weekday": WEEKDAY_NAMES[day.weekday()]}


@login_required
@require_GET
def calendar_year(request):
    _require(request.user, "core.view_calendarday")
    year, year_error = _year_param(request)
    panel = None
    if request.GET.get("day") and request.user.has_perm("core.change_calendarday"):
        try:
            day = dt.date.fromisoformat(request.GET["day"])
        except ValueError:
            day = None
        if day is not None:
            panel = _day_panel(day)
    return _page(request, year=year, year_error=year_error, day_panel=panel)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_day(request: HtmxHttpRequest, day: str) -> HttpResponse:
    _require(request.user, "core.change_calendarday")
    date = _parse_day(day)
    if request.method == "GET":
        if not request.htmx:
            return redirect(f"{reverse('staff-calendar')}?year={date.year}&day={date.isoformat()}#day-panel")
        return render(request, "core/calendar_day.html", {"panel": _day_panel(date)})
    form = DayForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            row = calendar_day_change(
                actor=request.user, day=date, is_workday=form.cleaned_data["is_workday"], name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            _place_errors(form, exc.errors, errors)
        except PermissionDenied as exc:
            errors.append(str(exc))
        else:
            changed = {"date": f"{date:%Y-%m-%d}", "kind": row.get_kind_display(), "name": row.name}
            note = _("%(date)s 已改为%(kind)s（%(name)s）") % changed if row.name else _("%(date)s 已改为%(kind)s") % changed
            if request.htmx:
                previous = CalendarDay.objects.filter(date=date - dt.timedelta(days=1)).first()
                cell = _cell(date, row, previous, timezone.localdate())
                context = {"panel": _day_panel(date, saved=True), "note": note, "oob_cell": cell, "can_edit": True, "year": date.year}
                return render(request, "core/calendar_day.html", context)
            messages.success(request, note)
            return redirect(f"{reverse('staff-calendar')}?year={date.year}&day={date.isoformat()}#day-panel")
    panel = _day_panel(date, form=form, errors=errors)
    if request.htmx:
        return render(request, "core/calendar_day.html", {"panel": panel}, status=400)
    return _page(request, year=date.year, status=400, day_panel=panel)


def _place_errors(form: forms.Form, errors: list[FieldError], page_errors: list[str]) -> None:
    for error in errors:
        if error.field in form.fields:
            form.add_error(error.field, error.message)
        else:
            page_errors.append(error.message)


@login_required
@require_POST
def calendar_upload(request):
    _require(request.user, "core.change_calendarday")
    form = CsvForm(request.POST, request.FILES)
    upload_errors: list[str] = []
    if form.is_valid():
        years = form.years()
        clash = sorted(years & set(CalendarYear.objects.values_list("year", flat=True)))
        if clash and not form.cleaned_data["replace"]:
            shown = "、".join(str(y) for y in clash)
            upload_errors.append(
                _("%(years)s年已载入工作日历。如要用此文件替换，请勾选“覆盖已载入的年份”（该年的手工修改会被清除）") % {"years": shown}
            )
        else:
            try:
                loaded = calendar_csv_load(actor=request.user, text=form.text, filename=form.cleaned_data["file"].name)
            except ValidationError as exc:
                upload_errors.extend(e.message for e in exc.errors)
            else:
                summary = "；".join(_("%(year)s年 %(days)s 天") % {"year": year, "days": days} for year, days in loaded.items())
                messages.success(request, _("已载入：%(summary)s") % {"summary": summary})
                return redirect(f"{reverse('staff-calendar')}?year={min(loaded)}")
    year = _int_or_none(request.POST.get("year")) or timezone.localdate().year
    page_form = form if not form.is_valid() else CsvForm()
    return _page(request, year=year, status=400, csv_form=page_form, upload_errors=upload_errors)


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and MIN_YEAR <= int(value) <= MAX_YEAR else None
