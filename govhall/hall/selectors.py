"""Read paths of the hall: what an applicant may book, a ticket's place in the queue, the display
board, the clerk's desk and the centre admin's figures (waiting and service time per business
type and window)."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from govhall.hall.models import Appointment, AppointmentSlot, BusinessType, Ticket, TicketCall
from govhall.hall.services import admin_centre, queue_for_window, slot_starts_at
from govhall.org.models import ServiceCentre, Window

# Days ahead an applicant may book (the slots a centre opens are usually two weeks ahead).
BOOKING_HORIZON_DAYS = 30
BOARD_CALLS = 8


def centres_with_appointments() -> QuerySet[ServiceCentre]:
    return ServiceCentre.objects.filter(business_types__is_active=True, business_types__appointable=True).distinct().order_by("id")


def business_types_of_centre(*, centre_id: int, appointable_only: bool = False) -> QuerySet[BusinessType]:
    qs = BusinessType.objects.filter(centre_id=centre_id, is_active=True)
    if appointable_only:
        qs = qs.filter(appointable=True)
    return qs.order_by("sort", "id")


def bookable_slots(*, business_type: BusinessType, day: dt.date | None = None) -> list[AppointmentSlot]:
    """Slots of the type not yet started, with places left (one day, or the whole horizon)."""
    now = timezone.localtime()
    qs = AppointmentSlot.objects.filter(business_type=business_type, booked__lt=F("capacity"))
    if day is not None:
        qs = qs.filter(day=day)
    else:
        qs = qs.filter(day__gte=now.date(), day__lte=now.date() + dt.timedelta(days=BOOKING_HORIZON_DAYS))
    return [s for s in qs.order_by("day", "start") if slot_starts_at(s) > now]


def bookable_days(*, business_type: BusinessType) -> list[tuple[dt.date, int]]:
    """Days with a bookable slot, with the places left that day."""
    places: Counter[dt.date] = Counter()
    for slot in bookable_slots(business_type=business_type):
        places[slot.day] += slot.available
    return sorted(places.items())


def appointments_for_user(*, user) -> QuerySet[Appointment]:
    return Appointment.objects.filter(user=user).select_related("slot__business_type__centre").order_by("-slot__day", "-slot__start")


def get_own_appointment(*, user, appointment_id: int) -> Appointment:
    appointment = Appointment.objects.select_related("slot__business_type").filter(pk=appointment_id, user=user).first()
    if appointment is None:
        raise Http404
    return appointment


def get_business_type_for_admin(*, user, business_type_id: int) -> BusinessType:
    centre = admin_centre(user)
    business_type = BusinessType.objects.filter(pk=business_type_id, centre=centre).first() if centre else None
    if business_type is None:
        raise Http404
    return business_type


def get_slot_for_admin(*, user, slot_id: int) -> AppointmentSlot:
    centre = admin_centre(user)
    slot = AppointmentSlot.objects.select_related("business_type").filter(pk=slot_id, business_type__centre=centre).first()
    if slot is None or centre is None:
        raise Http404
    return slot


def get_ticket_by_token(*, token: str) -> Ticket:
    ticket = Ticket.objects.select_related("business_type", "window", "centre", "target_window").filter(token=token).first()
    if ticket is None:
        raise Http404
    return ticket


def tickets_ahead(ticket: Ticket) -> int | None:
    """How many are called before this ticket (None once it has been called): for a ticket
    transferred to a window, those transferred there before it; otherwise its type's queue
    (appointment tickets first, then by the time taken)."""
    if ticket.status != Ticket.STATUS_WAITING:
        return None
    waiting = Ticket.objects.filter(day=ticket.day, centre_id=ticket.centre_id, status=Ticket.STATUS_WAITING).exclude(pk=ticket.pk)
    earlier = Q(issued_at__lt=ticket.issued_at) | Q(issued_at=ticket.issued_at, pk__lt=ticket.pk)
    if ticket.target_window_id is not None:
        return waiting.filter(earlier, target_window_id=ticket.target_window_id).count()
    type_id = ticket.target_type_id or ticket.business_type_id
    same_type = waiting.filter(target_window__isnull=True).filter(
        Q(target_type_id=type_id) | Q(target_type__isnull=True, business_type_id=type_id)
    )
    if ticket.priority:
        return same_type.filter(earlier, priority=True).count()
    return same_type.filter(Q(priority=True) | earlier).count()


def waiting_counts(*, centre_id: int, day: dt.date | None = None) -> list[dict[str, Any]]:
    """Per active business type of the centre: how many wait today (a ticket transferred to another
    type counts there; one transferred to a window counts at that window only)."""
    day = day or timezone.localdate()
    counts: Counter[int] = Counter(
        Ticket.objects.filter(centre_id=centre_id, day=day, status=Ticket.STATUS_WAITING, target_window__isnull=True)
        .annotate(effective_type=Coalesce("target_type_id", "business_type_id"))
        .values_list("effective_type", flat=True)
    )
    return [{"type": t, "waiting": counts.get(t.pk, 0)} for t in business_types_of_centre(centre_id=centre_id)]


def board_feed(*, centre: ServiceCentre, day: dt.date | None = None) -> dict[str, Any]:
    """What the display board shows: the latest calls today (number and window only) and the
    waiting count per business type — no names, no phones."""
    day = day or timezone.localdate()
    calls = list(
        TicketCall.objects.filter(centre=centre, at__date=day, kind__in=(TicketCall.KIND_CALL, TicketCall.KIND_RECALL))
        .select_related("ticket", "window")
        .order_by("-at", "-id")[:BOARD_CALLS]
    )
    return {
        "centre": centre,
        "calls": [
            {"number": c.ticket.number, "window": c.window.number, "at": c.at, "recall": c.kind == TicketCall.KIND_RECALL} for c in calls
        ],
        "waiting": waiting_counts(centre_id=centre.pk, day=day),
    }


def desk_state(*, window: Window, actor) -> dict[str, Any]:
    """The clerk's desk: their open ticket, the window's queue and the waiting per type served."""
    day = timezone.localdate()
    queue = list(queue_for_window(window=window, day=day).select_related("business_type", "target_window")[:50])
    current = (
        Ticket.objects.filter(served_by=actor, day=day, status__in=(Ticket.STATUS_CALLED, Ticket.STATUS_SERVING))
        .select_related("business_type", "appointment")
        .first()
    )
    served_types = list(window.business_types.filter(is_active=True).order_by("sort", "id"))
    counts = {row["type"].pk: row["waiting"] for row in waiting_counts(centre_id=window.centre_id, day=day)}
    done_today = Ticket.objects.filter(window=window, day=day, status=Ticket.STATUS_DONE).count()
    return {
        "window": window,
        "current": current,
        "queue": queue,
        "queue_count": len(queue),
        "to_me": sum(1 for t in queue if t.target_window_id == window.pk),
        "types": [{"type": t, "waiting": counts.get(t.pk, 0)} for t in served_types],
        "done_today": done_today,
    }


# --- statistics --------------------------------------------------------------------------------------


def _minutes(seconds: int | None) -> float | None:
    return None if seconds is None else seconds / 60


def p90(values: list[float]) -> float | None:
    """The 90th percentile by nearest rank (the value 90% of waits do not exceed)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def _average(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass
class Figures:
    label: str
    tickets: int = 0
    served: int = 0
    skipped: int = 0
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)
    booked: int = 0
    cancelled: int = 0
    no_shows: int = 0

    def add(self, ticket: Ticket) -> None:
        self.tickets += 1
        if ticket.status == Ticket.STATUS_DONE:
            self.served += 1
        elif ticket.status == Ticket.STATUS_SKIPPED:
            self.skipped += 1
        wait = _minutes(ticket.waiting_seconds)
        if wait is not None:
            self.waits.append(wait)
        service = _minutes(ticket.service_seconds)
        if service is not None and ticket.status == Ticket.STATUS_DONE:
            self.services.append(service)

    @property
    def wait_avg(self) -> float | None:
        return _average(self.waits)

    @property
    def wait_p90(self) -> float | None:
        return p90(self.waits)

    @property
    def service_avg(self) -> float | None:
        return _average(self.services)


def hall_stats(*, centre: ServiceCentre, first: dt.date, last: dt.date) -> dict[str, Any]:
    """Tickets, served, skipped, waiting (average and p90) and service minutes per business type
    and per window; appointment bookings, cancellations and no-shows per business type."""
    tickets = list(
        Ticket.objects.filter(centre=centre, day__gte=first, day__lte=last)
        .select_related("business_type", "window", "served_by", "case")
        .order_by("day", "issued_at", "id")
    )
    total = Figures(label="合计")
    by_type: dict[int, Figures] = {}
    by_window: dict[int, Figures] = {}
    for t in business_types_of_centre(centre_id=centre.pk):
        by_type[t.pk] = Figures(label=str(t))
    for ticket in tickets:
        total.add(ticket)
        by_type.setdefault(ticket.business_type_id, Figures(label=str(ticket.business_type))).add(ticket)
        if ticket.window_id is not None:
            by_window.setdefault(ticket.window_id, Figures(label=str(ticket.window))).add(ticket)
    appointments = (
        Appointment.objects.filter(slot__business_type__centre=centre, slot__day__gte=first, slot__day__lte=last)
        .values_list("slot__business_type_id", "status")
        .annotate(n=Count("id"))
    )
    for type_id, status, n in appointments:
        figures = by_type.get(type_id)
        if figures is None:
            continue
        for target in (figures, total):
            target.booked += n
            if status == Appointment.STATUS_CANCELLED:
                target.cancelled += n
            elif status == Appointment.STATUS_NO_SHOW:
                target.no_shows += n
    windows = sorted(by_window.items(), key=lambda kv: kv[1].label)
    return {
        "first": first,
        "last": last,
        "total": total,
        "by_type": [f for f in by_type.values() if f.tickets or f.booked],
        "by_window": [f for _pk, f in windows],
        "tickets": tickets,
    }


def stats_range(first: str, last: str) -> tuple[dt.date, dt.date]:
    """The day range from the query (default: the last 30 days up to today); bad input falls back."""
    today = timezone.localdate()
    try:
        first_day = dt.date.fromisoformat(first) if first else today - dt.timedelta(days=29)
    except ValueError:
        first_day = today - dt.timedelta(days=29)
    try:
        last_day = dt.date.fromisoformat(last) if last else today
    except ValueError:
        last_day = today
    if last_day < first_day:
        first_day, last_day = last_day, first_day
    # At most a year at once: the per-ticket list is read into memory.
    first_day = max(first_day, last_day - dt.timedelta(days=366))
    return first_day, last_day


def slots_of_type(*, business_type: BusinessType, first: dt.date, last: dt.date) -> dict[dt.date, list[AppointmentSlot]]:
    days: dict[dt.date, list[AppointmentSlot]] = defaultdict(list)
    for slot in AppointmentSlot.objects.filter(business_type=business_type, day__gte=first, day__lte=last).order_by("day", "start"):
        days[slot.day].append(slot)
    return dict(days)
