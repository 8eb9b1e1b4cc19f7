"""The hall of the demo county (HALL-1..3): business types matched to the real windows of
新巴尔虎右旗政务服务中心 (A 综合受理 … L 投诉/办不成事), appointment slots for the next 10 working days,
about 40 upcoming appointments of the demo applicants, 20 working days of queue history (150–300
tickets a day, waits of 3–25 minutes, services of 5–20 minutes, a few skipped, some from
appointments) and today's queue with people still waiting, so the desk and the board show something.

Everything is written with bulk_create (a few thousand rows); idempotent: nothing is done when the
centre already has business types.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from govhall.applicants.models import Person
from govhall.core.calendar import CalendarError, is_working_day
from govhall.demo.county import CENTRE_NAME
from govhall.hall.models import Appointment, AppointmentSlot, BusinessType, Ticket, TicketCall, TicketCounter
from govhall.org.models import ServiceCentre, StaffProfile, Window

HISTORY_DAYS = 20
SLOT_DAYS = 10
UPCOMING_APPOINTMENTS = 40


@dataclass(frozen=True)
class TypeSpec:
    prefix: str
    name: str
    description: str
    weight: float  # share of the day's tickets
    capacity: int  # places per 30-minute slot (0: no online booking)


# Matched to COUNTY_WINDOWS (govhall/demo/county.py): the prefix is the letter of the windows' area.
TYPES = [
    TypeSpec("A", "综合受理", "无差别综合受理：各部门事项一窗受理", 0.34, 6),
    TypeSpec("B", "企业开办", "市场主体登记、公章刻制、涉税、社保公积金登记", 0.08, 3),
    TypeSpec("C", "工程建设", "立项用地规划、施工许可、联合验收、市政公用", 0.03, 2),
    TypeSpec("D", "不动产登记", "不动产登记、查询发证、房屋交易、契税", 0.13, 4),
    TypeSpec("E", "社保医保", "养老、工伤失业、就业创业、医疗保障", 0.15, 4),
    TypeSpec("F", "公安业务", "户政、居民身份证、出入境、车驾管、治安", 0.13, 3),
    TypeSpec("G", "税务", "综合涉税业务、社保费和非税收入", 0.07, 3),
    TypeSpec("H", "社会事务", "卫健、教育、民政、交通、农牧、林草、退役军人、残联、公积金等", 0.05, 2),
    TypeSpec("J", "帮办代办", "老年人、残疾人等帮办代办，蒙速办·帮您办", 0.01, 0),
    TypeSpec("K", "跨区通办", "跨区域、跨省通办", 0.005, 0),
    TypeSpec("L", "投诉/办不成事", "投诉窗口、办不成事反映窗口", 0.005, 0),
]


def _minute(day: dt.date, minute: float) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0))) + dt.timedelta(minutes=minute)


def _periods(day: dt.date) -> list[tuple[int, int]]:
    """Hulunbuir's office hours in minutes of the day: 8:30–12:00, and 14:30–17:30 in summer or
    14:00–17:00 in winter (county.OFFICE_HOURS)."""
    afternoon = 14 * 60 + 30 if 5 <= day.month <= 9 else 14 * 60
    return [(8 * 60 + 30, 12 * 60), (afternoon, afternoon + 180)]


def _slot_times(day: dt.date) -> list[tuple[dt.time, dt.time]]:
    """30-minute slots from 9:00 to 12:00 and through the afternoon (the first half hour of the
    morning is kept for walk-ins)."""
    times = []
    for start, end in [(9 * 60, 12 * 60), _periods(day)[1]]:
        for minute in range(start, end, 30):
            times.append((dt.time(minute // 60, minute % 60), dt.time((minute + 30) // 60, (minute + 30) % 60)))
    return times


def _working_days(first: dt.date, step: int, count: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = first
    for _n in range(count * 3 + 10):
        if len(days) == count:
            break
        try:
            if is_working_day(day):
                days.append(day)
        except CalendarError:
            break  # a year not loaded: stop rather than guess
        day += dt.timedelta(days=step)
    return sorted(days)


def load_hall_demo(*, report: Any, log: Callable[[str], None]) -> None:
    centre = ServiceCentre.objects.filter(name=CENTRE_NAME).first()
    if centre is None or BusinessType.objects.filter(centre=centre).exists():
        return
    rng = random.Random(f"{CENTRE_NAME}-hall")
    types = _business_types(centre, report)
    windows = {t.prefix: list(t.windows.order_by("number")) for t in types}
    clerks = dict(StaffProfile.objects.filter(window__centre=centre).values_list("window_id", "user_id"))
    today = timezone.localdate()
    upcoming = _working_days(today + dt.timedelta(days=1), 1, SLOT_DAYS)
    past = _working_days(today - dt.timedelta(days=1), -1, HISTORY_DAYS)
    applicants = list(User.objects.filter(username__startswith="applicant").order_by("username"))
    contacts = {p.user_id: (p.name, p.phone) for p in Person.objects.filter(user__in=applicants)}
    specs = {s.prefix: s for s in TYPES}
    slots = _slots(types, specs, [*past, *upcoming], report)
    _upcoming_appointments(rng, slots, upcoming, applicants, contacts, report)
    history = _History(rng=rng, windows=windows, clerks=clerks, centre=centre)
    for day in past:
        history.day(day, types, specs, slots, applicants, contacts)
    history.today(today, types, specs)
    history.save(report)
    log(f"  大厅：业务类型 {len(types)} 个，预约时段 {report.created['hall_slots']} 个，排队号 {report.created['hall_tickets']} 个")


def _business_types(centre: ServiceCentre, report: Any) -> list[BusinessType]:
    rows = BusinessType.objects.bulk_create(
        [
            BusinessType(centre=centre, name=s.name, prefix=s.prefix, description=s.description, appointable=s.capacity > 0, sort=n)
            for n, s in enumerate(TYPES, start=1)
        ]
    )
    types = list(BusinessType.objects.filter(centre=centre).order_by("sort"))
    through = BusinessType.windows.through
    links = []
    for window in Window.objects.filter(centre=centre, is_active=True):
        for business_type in types:
            if window.number.startswith(business_type.prefix):
                links.append(through(businesstype_id=business_type.pk, window_id=window.pk))
    through.objects.bulk_create(links)
    report.created["hall_types"] += len(rows)
    return types


def _slots(
    types: list[BusinessType], specs: dict[str, TypeSpec], days: list[dt.date], report: Any
) -> dict[tuple[int, dt.date], list[AppointmentSlot]]:
    new = [
        AppointmentSlot(business_type=t, day=day, start=start, end=end, capacity=specs[t.prefix].capacity)
        for t in types
        if t.appointable
        for day in days
        for start, end in _slot_times(day)
    ]
    AppointmentSlot.objects.bulk_create(new)
    report.created["hall_slots"] += len(new)
    by_key: dict[tuple[int, dt.date], list[AppointmentSlot]] = defaultdict(list)
    for slot in AppointmentSlot.objects.filter(business_type__in=types, day__in=days).order_by("start"):
        by_key[(slot.business_type_id, slot.day)].append(slot)
    return by_key


class _Codes:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used = set(Appointment.objects.values_list("code", flat=True))

    def new(self) -> str:
        while True:
            code = f"{self.rng.randrange(10**6):06d}"
            if code not in self.used:
                self.used.add(code)
                return code


def _upcoming_appointments(rng, slots, upcoming, applicants, contacts, report) -> None:
    if not applicants or not upcoming:
        return
    codes = _Codes(rng)
    keys = [k for k in slots if k[1] in upcoming]
    taken: set[tuple[int, int]] = set()
    rows: list[Appointment] = []
    while len(rows) < UPCOMING_APPOINTMENTS and keys:
        slot = rng.choice(slots[rng.choice(keys)])
        user = rng.choice(applicants)
        if slot.booked >= slot.capacity or (user.pk, slot.pk) in taken:
            continue
        taken.add((user.pk, slot.pk))
        slot.booked += 1
        name, phone = contacts.get(user.pk, (user.first_name, "13800000000"))
        rows.append(Appointment(slot=slot, user=user, name=name, phone=phone, code=codes.new()))
    Appointment.objects.bulk_create(rows)
    AppointmentSlot.objects.bulk_update({s.pk: s for s in (r.slot for r in rows)}.values(), ["booked"])
    report.created["hall_appointments"] += len(rows)


class _History:
    """Tickets, calls, counters and past appointments, collected and written at the end."""

    def __init__(self, *, rng: random.Random, windows: dict[str, list[Window]], clerks: dict[int, int], centre: ServiceCentre):
        self.rng, self.windows, self.clerks, self.centre = rng, windows, clerks, centre
        self.tickets: list[Ticket] = []
        self.calls: list[tuple[int, str, dt.datetime]] = []  # ticket index, kind, at
        self.appointments: list[Appointment] = []
        self.ticket_appointment: dict[int, int] = {}  # ticket index → appointment index
        self.slots_touched: dict[int, AppointmentSlot] = {}
        self.codes = _Codes(rng)

    def _moment(self, day: dt.date) -> dt.datetime:
        periods = _periods(day)
        start, end = periods[0] if self.rng.random() < 0.6 else periods[1]
        return _minute(day, self.rng.uniform(start, end - 15))

    def _ticket(self, day: dt.date, business_type: BusinessType, issued: dt.datetime, *, source: str, **extra: Any) -> Ticket:
        ticket = Ticket(
            centre=self.centre, business_type=business_type, day=day, seq=0, number="", source=source, issued_at=issued, **extra
        )
        self.tickets.append(ticket)
        return ticket

    def _served(self, ticket: Ticket, *, skipped: bool = False, wait: float | None = None) -> None:
        window = self.rng.choice(self.windows[ticket.business_type.prefix])
        wait = wait if wait is not None else self.rng.triangular(3, 25, 8)
        called = ticket.issued_at + dt.timedelta(minutes=wait)
        ticket.window = window
        ticket.served_by_id = self.clerks.get(window.pk)
        ticket.called_at = called
        ticket.call_count = 1
        self.calls.append((len(self.tickets) - 1, TicketCall.KIND_CALL, called))
        if skipped:
            ticket.call_count = 2
            self.calls.append((len(self.tickets) - 1, TicketCall.KIND_RECALL, called + dt.timedelta(minutes=2)))
            ticket.status = Ticket.STATUS_SKIPPED
            ticket.finished_at = called + dt.timedelta(minutes=4)
            return
        ticket.started_at = called + dt.timedelta(minutes=self.rng.uniform(0.5, 2))
        ticket.finished_at = ticket.started_at + dt.timedelta(minutes=self.rng.triangular(5, 20, 9))
        ticket.status = Ticket.STATUS_DONE

    def day(self, day, types, specs, slots, applicants, contacts) -> None:
        count = self.rng.randint(150, 300)
        weights = [specs[t.prefix].weight for t in types]
        for business_type in self.rng.choices(types, weights=weights, k=count):
            if not self.windows.get(business_type.prefix):
                continue  # no window serves it (a centre without that area)
            ticket = self._ticket(day, business_type, self._moment(day), source=Ticket.SOURCE_KIOSK)
            self._served(ticket, skipped=self.rng.random() < 0.03)
        # Appointments of the day: most checked in (priority tickets), some no-shows and cancellations.
        for business_type in types:
            for slot in slots.get((business_type.pk, day), []):
                if not applicants or not self.windows.get(business_type.prefix) or self.rng.random() > 0.35:
                    continue
                user = self.rng.choice(applicants)
                name, phone = contacts.get(user.pk, (user.first_name, "13800000000"))
                created = _minute(day, 8 * 60) - dt.timedelta(days=self.rng.randint(1, 7))
                start = timezone.make_aware(dt.datetime.combine(day, slot.start))
                roll = self.rng.random()
                appointment = Appointment(slot=slot, user=user, name=name, phone=phone, code=self.codes.new(), created_at=created)
                if roll < 0.08:
                    appointment.status = Appointment.STATUS_NO_SHOW
                    slot.booked += 1
                elif roll < 0.16:
                    appointment.status = Appointment.STATUS_CANCELLED
                    appointment.cancelled_at = created + dt.timedelta(hours=20)
                else:
                    appointment.status = Appointment.STATUS_CHECKED_IN
                    appointment.checked_in_at = start - dt.timedelta(minutes=self.rng.uniform(0, 25))
                    slot.booked += 1
                    ticket = self._ticket(
                        day,
                        business_type,
                        appointment.checked_in_at,
                        source=Ticket.SOURCE_APPOINTMENT,
                        priority=True,
                        holder_id=user.pk,
                        phone=phone,
                    )
                    # Priority tickets wait less: called within a few minutes.
                    self._served(ticket, wait=self.rng.uniform(1, 6))
                    self.ticket_appointment[len(self.tickets) - 1] = len(self.appointments)
                self.appointments.append(appointment)
                self.slots_touched[slot.pk] = slot

    def today(self, today: dt.date, types: list[BusinessType], specs: dict[str, TypeSpec]) -> None:
        """Today's queue: tickets over the last two and a half hours; the newest still waiting, a
        few being served at windows (not A01, so clerk01's desk can call the next one)."""
        now = timezone.now()
        opened = max(timezone.make_aware(dt.datetime.combine(today, dt.time(0, 5))), now - dt.timedelta(minutes=150))
        span = (now - opened).total_seconds() / 60
        weights = [specs[t.prefix].weight for t in types]
        picks = sorted(((self.rng.uniform(0, span - 1), t) for t in self.rng.choices(types, weights=weights, k=60)), key=lambda p: p[0])
        serving = {"A": ["A02", "A03"], "D": ["D01"], "E": ["E01"], "F": ["F01"]}
        picks = [(offset, t) for offset, t in picks if self.windows.get(t.prefix)]
        waiting_from = len(picks) - 14
        for index, (offset, business_type) in enumerate(picks):
            ticket = self._ticket(today, business_type, opened + dt.timedelta(minutes=offset), source=Ticket.SOURCE_KIOSK)
            if index >= waiting_from:
                continue  # still waiting
            numbers = serving.get(business_type.prefix)
            window = next((w for w in self.windows[business_type.prefix] if numbers and w.number == numbers[0]), None)
            if index >= waiting_from - 8 and numbers and window is not None:
                serving[business_type.prefix] = numbers[1:] or []
                if not serving[business_type.prefix]:
                    serving.pop(business_type.prefix)
                called = max(
                    ticket.issued_at, min(now - dt.timedelta(minutes=2), ticket.issued_at + dt.timedelta(minutes=self.rng.uniform(3, 12)))
                )
                ticket.status, ticket.window, ticket.served_by_id = Ticket.STATUS_SERVING, window, self.clerks.get(window.pk)
                ticket.called_at, ticket.started_at, ticket.call_count = called, called + dt.timedelta(minutes=1), 1
                self.calls.append((len(self.tickets) - 1, TicketCall.KIND_CALL, called))
                continue
            self._served(ticket, skipped=self.rng.random() < 0.03)
            # Nothing of today may lie in the future.
            if ticket.finished_at and ticket.finished_at > now:
                self.tickets.pop()
                self.calls = [c for c in self.calls if c[0] < len(self.tickets)]

    def save(self, report: Any) -> None:
        # Numbers: the daily sequence of each business type in the order taken.
        by_key: dict[tuple[int, dt.date], list[Ticket]] = defaultdict(list)
        for ticket in self.tickets:
            by_key[(ticket.business_type.pk, ticket.day)].append(ticket)
        counters = []
        for (type_id, day), tickets in by_key.items():
            tickets.sort(key=lambda t: t.issued_at)
            for seq, ticket in enumerate(tickets, start=1):
                ticket.seq, ticket.number = seq, f"{ticket.business_type.prefix}{seq:03d}"
            counters.append(TicketCounter(business_type_id=type_id, day=day, last=len(tickets)))
        Appointment.objects.bulk_create(self.appointments)
        AppointmentSlot.objects.bulk_update(list(self.slots_touched.values()), ["booked"])
        for ticket_index, appointment_index in self.ticket_appointment.items():
            self.tickets[ticket_index].appointment = self.appointments[appointment_index]
        Ticket.objects.bulk_create(self.tickets, batch_size=500)
        TicketCounter.objects.bulk_create(counters)
        calls = [
            TicketCall(
                ticket=self.tickets[i],
                centre=self.centre,
                window=self.tickets[i].window,
                kind=kind,
                by_id=self.tickets[i].served_by_id,
                at=at,
            )
            for i, kind, at in self.calls
            if self.tickets[i].window is not None
        ]
        TicketCall.objects.bulk_create(calls, batch_size=500)
        report.created["hall_tickets"] += len(self.tickets)
        report.created["hall_appointments"] += len(self.appointments)
