"""Public hall pages: 网上预约 for the signed-in applicant (pick centre → business type → day →
slot, with htmx refreshing the choices), my appointments, the ticket page the QR code on a printed
ticket opens, and the display board for the hall's TV (no personal data, polls every 3 s)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.core.errors import DomainError
from govhall.core.http import HtmxHttpRequest
from govhall.hall import selectors, services
from govhall.hall.models import AppointmentSlot, BusinessType, Ticket
from govhall.org.models import ServiceCentre

LOGIN_URL = "applicants:login"


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


def _errors_by_field(exc: DomainError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(error.field or "page", []).append(error.message)
    return fields


def _picker(params) -> dict[str, Any]:
    """The choices made so far (centre → type → day) and what may be chosen next."""
    centres = list(selectors.centres_with_appointments())
    centre = next((c for c in centres if c.pk == _int(params.get("centre"))), None)
    if centre is None and len(centres) == 1:
        centre = centres[0]
    types = list(selectors.business_types_of_centre(centre_id=centre.pk, appointable_only=True)) if centre else []
    business_type = next((t for t in types if t.pk == _int(params.get("type"))), None)
    days = selectors.bookable_days(business_type=business_type) if business_type else []
    try:
        day = dt.date.fromisoformat(params.get("day", ""))
    except ValueError:
        day = None
    if day not in {d for d, _n in days}:
        day = None
    slots = selectors.bookable_slots(business_type=business_type, day=day) if business_type and day else []
    return {
        "centres": centres,
        "centre": centre,
        "types": types,
        "business_type": business_type,
        "days": days,
        "day": day,
        "slots": slots,
        "slot_id": _int(params.get("slot")),
    }


def _contact(user) -> tuple[str, str]:
    from govhall.applicants.models import Person

    person = Person.objects.filter(user=user).first()
    if person is not None:
        return person.name, person.phone
    return user.get_full_name() or "", ""


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def appointments(request: HtmxHttpRequest) -> HttpResponse:
    """网上预约 and 我的预约."""
    params = request.POST if request.method == "POST" else request.GET
    context = _picker(params)
    name, phone = _contact(request.user)
    context.update(name=params.get("name", name), phone=params.get("phone", phone), errors={})
    status = 200
    if request.method == "POST":
        slot_id = _int(params.get("slot"))
        slot = AppointmentSlot.objects.filter(pk=slot_id).select_related("business_type").first() if slot_id else None
        if slot is None or context["business_type"] is None or slot.business_type_id != context["business_type"].pk:
            context["errors"] = {"slot": [_("请选择预约时段")]}
            status = 400
        else:
            try:
                appointment = services.appointment_book(actor=request.user, slot=slot, name=context["name"], phone=context["phone"])
            except DomainError as exc:
                context["errors"] = _errors_by_field(exc)
                context.update(_picker(params))
                status = 400
            else:
                messages.success(
                    request,
                    _("预约成功：%(type)s %(day)s %(start)s–%(end)s，签到码 %(code)s。请在时段开始前30分钟内到自助取号机签到。")
                    % {
                        "type": slot.business_type.name,
                        "day": f"{slot.day:%Y-%m-%d}",
                        "start": f"{slot.start:%H:%M}",
                        "end": f"{slot.end:%H:%M}",
                        "code": appointment.code,
                    },
                )
                return redirect("hall:appointments")
    if request.htmx and request.method == "GET":
        return render(request, "hall/_picker.html", context)
    blocked = services.noshow_blocked_until(user=request.user)
    now = timezone.now()
    mine = [
        {"appointment": a, "can_cancel": a.status == a.STATUS_BOOKED and services.slot_starts_at(a.slot) > now}
        for a in selectors.appointments_for_user(user=request.user)[:50]
    ]
    context.update(mine=mine, blocked=blocked)
    return render(request, "hall/appointments.html", context, status=status)


@login_required(login_url=LOGIN_URL)
@require_POST
def appointment_cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = selectors.get_own_appointment(user=request.user, appointment_id=appointment_id)
    try:
        services.appointment_cancel(actor=request.user, appointment=appointment)
    except DomainError as exc:
        for error in exc.errors:
            messages.error(request, error.message)
    else:
        messages.success(request, _("预约已取消。"))
    return redirect("hall:appointments")


@require_GET
def ticket_page(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """The ticket the QR code on the printed slip opens: number, business type, how many are ahead,
    status; once served, the link to rate the service."""
    ticket = selectors.get_ticket_by_token(token=token)
    context = {"ticket": ticket, "ahead": selectors.tickets_ahead(ticket), "open": ticket.status in Ticket.OPEN_STATUSES}
    template = "hall/_ticket_status.html" if request.htmx else "hall/ticket.html"
    return render(request, template, context)


@require_GET
def board(request: HttpRequest, centre_id: int) -> HttpResponse:
    """The display board (叫号显示屏): latest calls and waiting per business type."""
    centre = get_object_or_404(ServiceCentre, pk=centre_id)
    if not BusinessType.objects.filter(centre=centre).exists():
        raise Http404
    context = selectors.board_feed(centre=centre)
    context["now"] = timezone.localtime()
    template = "hall/_board.html" if request.GET.get("part") else "hall/board.html"
    return render(request, template, context)
