"""Staff pages of the hall: the clerk's desk (叫号, 重呼, 过号, 开始办理, 办结, 转号), and for the centre
admin the business types, their appointment slots and the queue statistics (exportable to Excel).

A clerk needs hall.call_ticket and a window; an admin hall.manage_hall and sees only their own
centre: another centre's business type or slot is a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.core.errors import DomainError, PermissionDenied
from govhall.core.http import HtmxHttpRequest, local_time, xlsx_response
from govhall.hall import selectors, services
from govhall.hall.models import BusinessType, Ticket
from govhall.org.models import ServiceCentre, Window


def _errors(request, exc: DomainError) -> None:
    for error in exc.errors:
        messages.error(request, error.message)


def _clerk_window(request) -> Window:
    try:
        return services.clerk_window(request.user)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied from exc


def _admin_centre(request) -> ServiceCentre:
    centre = services.admin_centre(request.user)
    if centre is None:
        raise DjangoPermissionDenied
    return centre


# --- the clerk's desk -------------------------------------------------------------------------------


@login_required
@require_GET
def desk(request: HtmxHttpRequest) -> HttpResponse:
    window = _clerk_window(request)
    context = selectors.desk_state(window=window, actor=request.user)
    context["other_windows"] = Window.objects.filter(centre_id=window.centre_id, is_active=True).exclude(pk=window.pk).order_by("number")
    context["other_types"] = selectors.business_types_of_centre(centre_id=window.centre_id)
    if request.htmx and request.GET.get("part") == "queue":
        return render(request, "hall/staff/_desk_queue.html", context)
    return render(request, "hall/staff/desk.html", context)


def _own_ticket(request, ticket_id: int) -> Ticket:
    window = _clerk_window(request)
    ticket = Ticket.objects.filter(pk=ticket_id, centre_id=window.centre_id).first()
    if ticket is None:
        raise Http404
    return ticket


def _transfer_target(ticket: Ticket, target: str) -> tuple[Window | None, BusinessType | None]:
    """`w-<id>` names a window, `t-<id>` a business type, both of the ticket's centre."""
    kind, _sep, pk = target.partition("-")
    if not pk.isdigit():
        return None, None
    if kind == "w":
        return Window.objects.filter(pk=int(pk), centre_id=ticket.centre_id).first(), None
    if kind == "t":
        return None, BusinessType.objects.filter(pk=int(pk), centre_id=ticket.centre_id).first()
    return None, None


@login_required
@require_POST
def desk_call(request: HtmxHttpRequest) -> HttpResponse:
    _clerk_window(request)
    try:
        ticket = services.ticket_call_next(actor=request.user)
    except DomainError as exc:
        _errors(request, exc)
    else:
        if ticket is None:
            messages.info(request, _("当前没有等候的号。"))
        else:
            messages.success(request, _("已叫 %(number)s 号。") % {"number": ticket.number})
    return redirect("hall_staff:desk")


ACTIONS = {
    "recall": (services.ticket_recall, "已重呼 %(number)s 号。"),
    "skip": (services.ticket_skip, "%(number)s 号已过号。"),
    "start": (services.ticket_start, "%(number)s 号开始办理。"),
}


@login_required
@require_POST
def desk_action(request: HtmxHttpRequest, ticket_id: int, action: str) -> HttpResponse:
    ticket = _own_ticket(request, ticket_id)
    try:
        if action in ACTIONS:
            service, message = ACTIONS[action]
            ticket = service(actor=request.user, ticket=ticket)
        elif action == "finish":
            ticket = services.ticket_finish(actor=request.user, ticket=ticket, case_number=request.POST.get("case_number", ""))
            message = "%(number)s 号已办结。"
        elif action == "transfer":
            window, business_type = _transfer_target(ticket, request.POST.get("target", ""))
            ticket = services.ticket_transfer(
                actor=request.user, ticket=ticket, window=window, business_type=business_type, note=request.POST.get("note", "")
            )
            message = "%(number)s 号已转出。"
        else:
            raise Http404
    except DomainError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _(message) % {"number": ticket.number})
    return redirect("hall_staff:desk")


# --- business types and slots (centre admin) ---------------------------------------------------------


@login_required
@require_GET
def types(request: HtmxHttpRequest) -> HttpResponse:
    centre = _admin_centre(request)
    today = timezone.localdate()
    rows = []
    for business_type in BusinessType.objects.filter(centre=centre).prefetch_related("windows").order_by("sort", "id"):
        upcoming = business_type.slots.filter(day__gte=today)
        rows.append(
            {
                "type": business_type,
                "windows": [w.number for w in business_type.windows.all()],
                "slot_days": upcoming.values("day").distinct().count(),
                "last_day": upcoming.order_by("-day").values_list("day", flat=True).first(),
            }
        )
    return render(request, "hall/staff/types.html", {"centre": centre, "rows": rows})


def _type_data(post) -> services.BusinessTypeData:
    return services.BusinessTypeData(
        name=post.get("name", ""),
        prefix=post.get("prefix", ""),
        description=post.get("description", ""),
        window_ids=[int(v) for v in post.getlist("windows") if v.isdigit()],
        appointable=post.get("appointable") == "1",
        sort=int(post.get("sort") or 0) if (post.get("sort") or "0").isdigit() else 0,
        is_active=post.get("is_active") == "1",
    )


@login_required
@require_http_methods(["GET", "POST"])
def type_edit(request: HtmxHttpRequest, type_id: int | None = None) -> HttpResponse:
    centre = _admin_centre(request)
    business_type = selectors.get_business_type_for_admin(user=request.user, business_type_id=type_id) if type_id else None
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = _type_data(request.POST)
        try:
            saved = services.business_type_save(actor=request.user, centre=centre, data=data, business_type=business_type)
        except DomainError as exc:
            for error in exc.errors:
                errors.setdefault(error.field or "page", []).append(error.message)
        else:
            messages.success(request, _("业务类型“%(name)s”已保存。") % {"name": saved.name})
            return redirect("hall_staff:types")
    else:
        data = services.BusinessTypeData(
            name=business_type.name if business_type else "",
            prefix=business_type.prefix if business_type else "",
            description=business_type.description if business_type else "",
            window_ids=list(business_type.windows.values_list("pk", flat=True)) if business_type else [],
            appointable=business_type.appointable if business_type else True,
            sort=business_type.sort if business_type else 0,
            is_active=business_type.is_active if business_type else True,
        )
    context = {
        "centre": centre,
        "business_type": business_type,
        "data": data,
        "errors": errors,
        "windows": Window.objects.filter(centre=centre, is_active=True).order_by("number"),
    }
    return render(request, "hall/staff/type_edit.html", context, status=400 if errors else 200)


def _time(value: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value.strip())
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def slots(request: HtmxHttpRequest, type_id: int) -> HttpResponse:
    """The slots of a business type for the next weeks; generate more from a weekly pattern."""
    _admin_centre(request)
    business_type = selectors.get_business_type_for_admin(user=request.user, business_type_id=type_id)
    today = timezone.localdate()
    form = {
        "first_day": request.POST.get("first_day", f"{today + dt.timedelta(days=1):%Y-%m-%d}"),
        "last_day": request.POST.get("last_day", f"{today + dt.timedelta(days=14):%Y-%m-%d}"),
        "am_start": request.POST.get("am_start", "09:00"),
        "am_end": request.POST.get("am_end", "12:00"),
        "pm_start": request.POST.get("pm_start", "13:30"),
        "pm_end": request.POST.get("pm_end", "17:00"),
        "minutes": request.POST.get("minutes", "30"),
        "capacity": request.POST.get("capacity", "5"),
    }
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        periods = []
        for start_key, end_key in (("am_start", "am_end"), ("pm_start", "pm_end")):
            if form[start_key].strip() or form[end_key].strip():
                start, end = _time(form[start_key]), _time(form[end_key])
                if start is None or end is None:
                    errors.setdefault("periods", []).append(_("时间应写成 时:分，如 09:00"))
                else:
                    periods.append((start, end))
        try:
            first_day, last_day = dt.date.fromisoformat(form["first_day"]), dt.date.fromisoformat(form["last_day"])
        except ValueError:
            errors.setdefault("first_day", []).append(_("日期应写成 年-月-日"))
        numbers = {}
        for key in ("minutes", "capacity"):
            value = form[key].strip()
            if not value.isdigit():
                errors.setdefault(key, []).append(_("请填写整数"))
            else:
                numbers[key] = int(value)
        if not errors:
            try:
                made = services.slots_generate(
                    actor=request.user,
                    business_type=business_type,
                    first_day=first_day,
                    last_day=last_day,
                    pattern=services.SlotPattern(periods=periods, minutes=numbers["minutes"], capacity=numbers["capacity"]),
                )
            except DomainError as exc:
                for error in exc.errors:
                    errors.setdefault(error.field or "page", []).append(error.message)
            else:
                messages.success(request, _("已生成%(n)d个预约时段（已有的时段不变）。") % {"n": made})
                return redirect("hall_staff:slots", business_type.pk)
    days = selectors.slots_of_type(business_type=business_type, first=today, last=today + dt.timedelta(days=selectors.BOOKING_HORIZON_DAYS))
    return render(
        request,
        "hall/staff/slots.html",
        {"business_type": business_type, "days": days, "form": form, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
@require_POST
def slot_capacity(request: HtmxHttpRequest, slot_id: int) -> HttpResponse:
    slot = selectors.get_slot_for_admin(user=request.user, slot_id=slot_id)
    value = request.POST.get("capacity", "").strip()
    error = ""
    if not value.isdigit():
        error = _("请填写整数")
    else:
        try:
            slot = services.slot_capacity_set(actor=request.user, slot=slot, capacity=int(value))
        except DomainError as exc:
            error = exc.errors[0].message
    if request.htmx:
        slot.refresh_from_db()
        return render(request, "hall/staff/_slot.html", {"slot": slot, "error": error}, status=400 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("可预约人数已修改。"))
    return redirect("hall_staff:slots", slot.business_type_id)


# --- statistics ---------------------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


@login_required
@require_GET
def stats(request: HtmxHttpRequest) -> HttpResponse:
    centre = _admin_centre(request)
    first, last = selectors.stats_range(request.GET.get("first", ""), request.GET.get("last", ""))
    context: dict[str, Any] = selectors.hall_stats(centre=centre, first=first, last=last)
    context["centre"] = centre
    context["ticket_rows"] = context["tickets"][-200:][::-1]
    context["query"] = f"first={first:%Y-%m-%d}&last={last:%Y-%m-%d}"
    return render(request, "hall/staff/stats.html", context)


FIGURE_HEADER = ["取号数", "办结", "过号", "平均等候（分钟）", "P90等候（分钟）", "平均办理（分钟）"]


def _figure_row(f: selectors.Figures) -> list[Any]:
    return [f.label, f.tickets, f.served, f.skipped, _fmt(f.wait_avg), _fmt(f.wait_p90), _fmt(f.service_avg)]


@login_required
@require_GET
def stats_export(request: HtmxHttpRequest, kind: str) -> HttpResponse:
    centre = _admin_centre(request)
    first, last = selectors.stats_range(request.GET.get("first", ""), request.GET.get("last", ""))
    data = selectors.hall_stats(centre=centre, first=first, last=last)
    if kind == "types":
        header = ["业务类型", *FIGURE_HEADER, "预约数", "取消", "爽约"]
        rows = [[*_figure_row(f), f.booked, f.cancelled, f.no_shows] for f in [*data["by_type"], data["total"]]]
        return xlsx_response("排队统计-业务类型", header, rows, [24, 10, 10, 10, 16, 16, 16, 10, 10, 10])
    if kind == "windows":
        rows = [_figure_row(f) for f in data["by_window"]]
        return xlsx_response("排队统计-窗口", ["窗口", *FIGURE_HEADER], rows, [30, 10, 10, 10, 16, 16, 16])
    if kind == "tickets":
        header = [
            "日期",
            "号码",
            "业务类型",
            "取号方式",
            "状态",
            "取号时间",
            "叫号时间",
            "办理窗口",
            "办理人",
            "等候（分钟）",
            "办理（分钟）",
            "办件编号",
        ]
        rows = [
            [
                f"{t.day:%Y-%m-%d}",
                t.number,
                t.business_type.name,
                t.get_source_display(),
                t.get_status_display(),
                local_time(t.issued_at),
                local_time(t.called_at),
                str(t.window) if t.window else "",
                (t.served_by.get_full_name() or t.served_by.username) if t.served_by else "",
                _fmt(t.waiting_seconds / 60 if t.waiting_seconds is not None else None),
                _fmt(t.service_seconds / 60 if t.service_seconds is not None else None),
                t.case.number if t.case_id and t.case else "",
            ]
            for t in data["tickets"]
        ]
        return xlsx_response("排队明细", header, rows, [12, 8, 20, 12, 8, 18, 18, 30, 10, 10, 10, 30])
    raise Http404
