"""JSON API of the hall under /api/hall/: business types and slots of a centre (public), the
applicant's appointments (session), issuing a ticket and checking in (kiosk, anonymous), a ticket's
status by its token, the clerk's calls (hall.call_ticket), the board feed and the statistics
(hall.manage_hall, own centre)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import django_auth

from govhall.core.errors import DomainError, PermissionDenied, ValidationError
from govhall.hall import limits, selectors, services
from govhall.hall.models import Appointment, AppointmentSlot, BusinessType, Ticket
from govhall.org.models import ServiceCentre, Window

router = Router(tags=["大厅·预约取号叫号"])


# --- schemas -----------------------------------------------------------------------------------------


class BusinessTypeOut(Schema):
    id: int
    name: str
    prefix: str
    description: str
    appointable: bool
    windows: list[str]
    waiting: int


class SlotOut(Schema):
    id: int
    day: dt.date
    start: str
    end: str
    capacity: int
    booked: int
    available: int


class AppointmentIn(Schema):
    slot: int
    name: str = ""
    phone: str = ""


class AppointmentOut(Schema):
    id: int
    code: str
    status: str
    status_label: str
    business_type: str
    centre: str
    day: dt.date
    start: str
    end: str


class TicketIn(Schema):
    business_type: int


class CheckInIn(Schema):
    code: str
    centre: int


class TicketOut(Schema):
    token: str
    number: str
    business_type: str
    status: str
    status_label: str
    ahead: int | None
    window: str | None
    priority: bool
    issued_at: dt.datetime


class FinishIn(Schema):
    case_number: str = ""


class TransferIn(Schema):
    window: int | None = None
    business_type: int | None = None
    note: str = ""


class CallOut(Schema):
    number: str
    window: str
    at: dt.datetime
    recall: bool


class WaitingOut(Schema):
    prefix: str
    name: str
    waiting: int


class BoardOut(Schema):
    centre: str
    calls: list[CallOut]
    waiting: list[WaitingOut]


class FiguresOut(Schema):
    label: str
    tickets: int
    served: int
    skipped: int
    wait_avg_minutes: float | None
    wait_p90_minutes: float | None
    service_avg_minutes: float | None
    booked: int
    cancelled: int
    no_shows: int


class StatsOut(Schema):
    first: dt.date
    last: dt.date
    total: FiguresOut
    by_type: list[FiguresOut]
    by_window: list[FiguresOut]


def _ticket_out(ticket: Ticket) -> dict:
    return {
        "token": ticket.token,
        "number": ticket.number,
        "business_type": ticket.business_type.name,
        "status": ticket.status,
        "status_label": str(ticket.get_status_display()),
        "ahead": selectors.tickets_ahead(ticket),
        "window": ticket.window.number if ticket.window_id and ticket.window else None,
        "priority": ticket.priority,
        "issued_at": ticket.issued_at,
    }


def _appointment_out(a: Appointment) -> dict:
    return {
        "id": a.pk,
        "code": a.code,
        "status": a.status,
        "status_label": str(a.get_status_display()),
        "business_type": a.slot.business_type.name,
        "centre": a.slot.business_type.centre.name,
        "day": a.slot.day,
        "start": f"{a.slot.start:%H:%M}",
        "end": f"{a.slot.end:%H:%M}",
    }


def _figures_out(f: selectors.Figures) -> dict:
    return {
        "label": f.label,
        "tickets": f.tickets,
        "served": f.served,
        "skipped": f.skipped,
        "wait_avg_minutes": f.wait_avg,
        "wait_p90_minutes": f.wait_p90,
        "service_avg_minutes": f.service_avg,
        "booked": f.booked,
        "cancelled": f.cancelled,
        "no_shows": f.no_shows,
    }


# --- public: business types, slots, tickets, board ---------------------------------------------------


@router.get("/centres/{centre_id}/business-types", response=list[BusinessTypeOut], summary="服务中心的取号业务类型")
def business_types(request, centre_id: int):
    if not ServiceCentre.objects.filter(pk=centre_id).exists():
        raise Http404
    counts = {row["type"].pk: row["waiting"] for row in selectors.waiting_counts(centre_id=centre_id)}
    return [
        {
            "id": t.pk,
            "name": t.name,
            "prefix": t.prefix,
            "description": t.description,
            "appointable": t.appointable,
            "windows": [w.number for w in t.windows.all()],
            "waiting": counts.get(t.pk, 0),
        }
        for t in selectors.business_types_of_centre(centre_id=centre_id).prefetch_related("windows")
    ]


@router.get("/business-types/{type_id}/slots", response=list[SlotOut], summary="可预约时段（余量）")
def slots(request, type_id: int, day: dt.date | None = None):
    business_type = BusinessType.objects.filter(pk=type_id, is_active=True, appointable=True).first()
    if business_type is None:
        raise Http404
    return [
        {
            "id": s.pk,
            "day": s.day,
            "start": f"{s.start:%H:%M}",
            "end": f"{s.end:%H:%M}",
            "capacity": s.capacity,
            "booked": s.booked,
            "available": s.available,
        }
        for s in selectors.bookable_slots(business_type=business_type, day=day)
    ]


@router.post("/tickets", response={201: TicketOut}, summary="取号（自助取号机，无需登录）")
def ticket_issue(request, body: TicketIn):
    business_type = BusinessType.objects.filter(pk=body.business_type, is_active=True).first()
    if business_type is None:
        raise ValidationError("business_type", "unknown", _("业务类型不存在或已停止取号"))
    limits.ticket_allowed(request)  # security review #9: per-IP ticket limit
    ticket = services.ticket_issue(business_type=business_type, source=Ticket.SOURCE_KIOSK, holder=request.user)
    return Status(201, _ticket_out(ticket))


@router.post("/check-in", response={201: TicketOut}, summary="预约签到（自助取号机），出优先号")
def check_in(request, body: CheckInIn):
    # Security review #8: centre required, one message for every failure, failures limited per IP.
    keys = limits.keys_for(request)
    if limits.is_blocked(limits.KIND_CHECK_IN, keys):
        failed = services.check_in_failed()
        raise limits.TooManyAttempts(errors=failed.errors)
    centre = ServiceCentre.objects.filter(pk=body.centre).first()
    try:
        ticket = services.appointment_check_in(code=body.code, centre=centre)
    except DomainError:
        limits.record(limits.KIND_CHECK_IN, keys)
        raise
    return Status(201, _ticket_out(ticket))


@router.get("/tickets/{token}", response=TicketOut, summary="排队号状态（凭条二维码）")
def ticket_status(request, token: str):
    return _ticket_out(selectors.get_ticket_by_token(token=token))


@router.get("/board/{centre_id}", response=BoardOut, summary="叫号显示屏数据（无个人信息）")
def board(request, centre_id: int):
    centre = ServiceCentre.objects.filter(pk=centre_id).first()
    if centre is None:
        raise Http404
    feed = selectors.board_feed(centre=centre)
    return {
        "centre": centre.name,
        "calls": feed["calls"],
        "waiting": [{"prefix": r["type"].prefix, "name": r["type"].name, "waiting": r["waiting"]} for r in feed["waiting"]],
    }


# --- the applicant's appointments --------------------------------------------------------------------


@router.get("/appointments", response=list[AppointmentOut], auth=django_auth, summary="我的预约")
def my_appointments(request):
    return [_appointment_out(a) for a in selectors.appointments_for_user(user=request.user)[:100]]


@router.post("/appointments", response={201: AppointmentOut}, auth=django_auth, summary="预约")
def book(request, body: AppointmentIn):
    slot = AppointmentSlot.objects.filter(pk=body.slot).first()
    if slot is None:
        raise ValidationError("slot", "unknown", _("预约时段不存在"))
    appointment = services.appointment_book(actor=request.user, slot=slot, name=body.name, phone=body.phone)
    appointment = selectors.get_own_appointment(user=request.user, appointment_id=appointment.pk)
    return Status(201, _appointment_out(appointment))


@router.post("/appointments/{appointment_id}/cancel", response=AppointmentOut, auth=django_auth, summary="取消预约")
def cancel(request, appointment_id: int):
    appointment = selectors.get_own_appointment(user=request.user, appointment_id=appointment_id)
    services.appointment_cancel(actor=request.user, appointment=appointment)
    return _appointment_out(selectors.get_own_appointment(user=request.user, appointment_id=appointment_id))


# --- the clerk's desk --------------------------------------------------------------------------------


def _desk_ticket(request, ticket_id: int) -> Ticket:
    window = services.clerk_window(request.user)
    ticket = Ticket.objects.select_related("business_type", "window").filter(pk=ticket_id, centre_id=window.centre_id).first()
    if ticket is None:
        raise Http404
    return ticket


@router.post("/desk/call-next", response={200: TicketOut, 204: None}, auth=django_auth, summary="叫号（下一位）")
def call_next(request):
    ticket = services.ticket_call_next(actor=request.user)
    if ticket is None:
        return Status(204, None)
    return Status(200, _ticket_out(ticket))


@router.post("/desk/tickets/{ticket_id}/recall", response=TicketOut, auth=django_auth, summary="重呼")
def recall(request, ticket_id: int):
    return _ticket_out(services.ticket_recall(actor=request.user, ticket=_desk_ticket(request, ticket_id)))


@router.post("/desk/tickets/{ticket_id}/skip", response=TicketOut, auth=django_auth, summary="过号")
def skip(request, ticket_id: int):
    return _ticket_out(services.ticket_skip(actor=request.user, ticket=_desk_ticket(request, ticket_id)))


@router.post("/desk/tickets/{ticket_id}/start", response=TicketOut, auth=django_auth, summary="开始办理")
def start(request, ticket_id: int):
    return _ticket_out(services.ticket_start(actor=request.user, ticket=_desk_ticket(request, ticket_id)))


@router.post("/desk/tickets/{ticket_id}/finish", response=TicketOut, auth=django_auth, summary="办结（可关联办件编号）")
def finish(request, ticket_id: int, body: FinishIn):
    return _ticket_out(services.ticket_finish(actor=request.user, ticket=_desk_ticket(request, ticket_id), case_number=body.case_number))


@router.post("/desk/tickets/{ticket_id}/transfer", response=TicketOut, auth=django_auth, summary="转号（至窗口或业务类型）")
def transfer(request, ticket_id: int, body: TransferIn):
    ticket = _desk_ticket(request, ticket_id)
    window = Window.objects.filter(pk=body.window).first() if body.window else None
    business_type = BusinessType.objects.filter(pk=body.business_type).first() if body.business_type else None
    if body.window and window is None:
        raise ValidationError("window", "unknown", _("窗口不存在"))
    if body.business_type and business_type is None:
        raise ValidationError("business_type", "unknown", _("业务类型不存在"))
    return _ticket_out(
        services.ticket_transfer(actor=request.user, ticket=ticket, window=window, business_type=business_type, note=body.note)
    )


# --- statistics --------------------------------------------------------------------------------------


@router.get("/stats", response=StatsOut, auth=django_auth, summary="排队统计（中心管理员，本中心）")
def stats(request, first: dt.date | None = None, last: dt.date | None = None):
    centre = services.admin_centre(request.user)
    if centre is None:
        raise PermissionDenied(_("您不是服务中心的大厅管理员"))
    first_day, last_day = selectors.stats_range(f"{first:%Y-%m-%d}" if first else "", f"{last:%Y-%m-%d}" if last else "")
    data = selectors.hall_stats(centre=centre, first=first_day, last=last_day)
    return {
        "first": first_day,
        "last": last_day,
        "total": _figures_out(data["total"]),
        "by_type": [_figures_out(f) for f in data["by_type"]],
        "by_window": [_figures_out(f) for f in data["by_window"]],
    }
