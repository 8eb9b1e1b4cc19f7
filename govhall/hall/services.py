"""The hall's user actions (HALL-1, HALL-2): business types and slots (centre admin), appointments
(applicant), check-in and tickets (kiosk), and the clerk's calls at the window.

Each function is one action in one transaction. The row a decision changes is locked first
(`select_for_update`) and its state checked again under the lock, so of two clerks acting on one
ticket the second is told it was handled. Calling the next ticket takes the first waiting ticket
with `SKIP LOCKED` on PostgreSQL; on SQLite the IMMEDIATE transaction (settings) serialises the
writers, so two clerks never get the same ticket either way.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Case as When_
from django.db.models import IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.calendar import is_working_day
from govhall.core.errors import Conflict, ErrorCollector, PermissionDenied, ValidationError
from govhall.hall.models import Appointment, AppointmentSlot, BusinessType, Ticket, TicketCall, TicketCounter
from govhall.org.models import ServiceCentre, StaffProfile, Window

PREFIX = re.compile(r"[A-Z]{1,2}")
PHONE = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}")
# Check-in at the kiosk opens this long before the slot starts and closes when it ends.
CHECK_IN_EARLY = dt.timedelta(minutes=30)
# No-shows are counted over this many calendar days (the common county rule: 3 in 30 days blocks
# booking for 30 days; the limit and the block are settings, see `noshow_limit`).
NOSHOW_WINDOW_DAYS = 30
# A slot pattern may cover at most this many days at once (a quarter), and a slot lasts 5–240 min.
SLOT_RANGE_MAX_DAYS = 92
SLOT_MINUTES = (5, 240)
CAPACITY_MAX = 999
# Security review #10 (fair booking, HALL-1): one account holds at most one booked appointment per
# business type and day, and at most BOOKED_MAX_TOTAL booked appointments still to come in all.
BOOKED_MAX_TOTAL = 3


def noshow_limit() -> int:
    """No-shows within NOSHOW_WINDOW_DAYS that block booking (GOVHALL_NOSHOW_LIMIT, default 3)."""
    return int(getattr(settings, "GOVHALL_NOSHOW_LIMIT", 3))


def noshow_block_days() -> int:
    """Calendar days a blocked applicant cannot book (GOVHALL_NOSHOW_BLOCK_DAYS, default 30)."""
    return int(getattr(settings, "GOVHALL_NOSHOW_BLOCK_DAYS", 30))


def local_dt(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def slot_starts_at(slot: AppointmentSlot) -> dt.datetime:
    return local_dt(slot.day, slot.start)


def slot_ends_at(slot: AppointmentSlot) -> dt.datetime:
    return local_dt(slot.day, slot.end)


# --- who may act -------------------------------------------------------------------------------------


def staff_profile(user) -> StaffProfile | None:
    if user is None or not user.is_authenticated:
        return None
    return StaffProfile.objects.select_related("centre", "window", "window__centre").filter(user=user).first()


def admin_centre(user) -> ServiceCentre | None:
    """The centre a hall admin (hall.manage_hall) manages: their profile's centre (or window's)."""
    if user is None or not user.is_authenticated or not user.has_perm("hall.manage_hall"):
        return None
    profile = staff_profile(user)
    if profile is None:
        return None
    if profile.centre is not None:
        return profile.centre
    return profile.window.centre if profile.window is not None else None


def _require_admin(actor, centre_id: int) -> None:
    centre = admin_centre(actor)
    if centre is None or centre.pk != centre_id:
        raise PermissionDenied(_("您不是该服务中心的大厅管理员"))


def clerk_window(user) -> Window:
    """The window the clerk calls tickets to (their staff profile's), or PermissionDenied."""
    if user is None or not user.is_authenticated or not user.has_perm("hall.call_ticket"):
        raise PermissionDenied(_("您没有叫号权限"))
    profile = staff_profile(user)
    if profile is None or profile.window is None:
        raise PermissionDenied(_("您的账号未分配窗口，不能叫号"))
    return profile.window


# --- business types and slots (centre admin) ---------------------------------------------------------


@dataclass(frozen=True)
class BusinessTypeData:
    name: str
    prefix: str
    description: str = ""
    window_ids: Sequence[int] = ()
    appointable: bool = True
    sort: int = 0
    is_active: bool = True


def business_type_save(*, actor, centre: ServiceCentre, data: BusinessTypeData, business_type: BusinessType | None = None) -> BusinessType:
    """Create a business type of the centre, or change one (the prefix is unique in the centre)."""
    _require_admin(actor, centre.pk)
    errors = ErrorCollector()
    name = (data.name or "").strip()
    prefix = (data.prefix or "").strip().upper()
    if not name:
        errors.add("name", "required", _("请填写业务类型名称"))
    elif len(name) > 60:
        errors.add("name", "max_length", _("业务类型名称不能超过%(n)d个字") % {"n": 60})
    if not PREFIX.fullmatch(prefix):
        errors.add("prefix", "format", _("号码前缀应为一至两个大写英文字母，如 A、QY"))
    others = BusinessType.objects.filter(centre=centre)
    if business_type is not None:
        others = others.exclude(pk=business_type.pk)
    if prefix and others.filter(prefix=prefix).exists():
        errors.add("prefix", "unique", _("本中心已有前缀为 %(prefix)s 的业务类型") % {"prefix": prefix})
    if name and others.filter(name=name).exists():
        errors.add("name", "unique", _("本中心已有名为“%(name)s”的业务类型") % {"name": name})
    if len(data.description or "") > 200:
        errors.add("description", "max_length", _("说明不能超过%(n)d个字") % {"n": 200})
    windows = list(Window.objects.filter(pk__in=list(data.window_ids), centre=centre, is_active=True))
    if len(windows) != len(set(data.window_ids)):
        errors.add("windows", "unknown", _("所选窗口不属于本服务中心或已停用"))
    errors.raise_if_any()
    with transaction.atomic():
        if business_type is None:
            business_type = BusinessType(centre=centre)
        else:
            business_type = BusinessType.objects.select_for_update().get(pk=business_type.pk)
        business_type.name = name
        business_type.prefix = prefix
        business_type.description = (data.description or "").strip()
        business_type.appointable = data.appointable
        business_type.sort = max(0, int(data.sort or 0))
        business_type.is_active = data.is_active
        business_type.save()
        business_type.windows.set(windows)
    return business_type


@dataclass(frozen=True)
class SlotPattern:
    """A weekly pattern: the periods of a working day (e.g. 9:00–12:00, 13:30–17:00), cut into
    slots of `minutes`, each taking `capacity` bookings."""

    periods: Sequence[tuple[dt.time, dt.time]]
    minutes: int = 30
    capacity: int = 5


def _check_pattern(pattern: SlotPattern, errors: ErrorCollector) -> None:
    if not SLOT_MINUTES[0] <= pattern.minutes <= SLOT_MINUTES[1]:
        errors.add("minutes", "range", _("每个时段应为%(lo)d至%(hi)d分钟") % {"lo": SLOT_MINUTES[0], "hi": SLOT_MINUTES[1]})
    if not 1 <= pattern.capacity <= CAPACITY_MAX:
        errors.add("capacity", "range", _("每个时段可预约人数应为1至%(n)d") % {"n": CAPACITY_MAX})
    if not pattern.periods:
        errors.add("periods", "required", _("请至少填写一个办公时间段"))
    ordered = sorted(pattern.periods)
    for index, (start, end) in enumerate(ordered):
        if end <= start:
            errors.add(
                "periods",
                "order",
                _("时间段 %(start)s–%(end)s 的结束时间应晚于开始时间") % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"},
            )
        elif index and start < ordered[index - 1][1]:
            errors.add(
                "periods", "overlap", _("时间段 %(start)s–%(end)s 与前一时间段重叠") % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
            )


def _slot_times(pattern: SlotPattern) -> list[tuple[dt.time, dt.time]]:
    times = []
    step = dt.timedelta(minutes=pattern.minutes)
    for start, end in sorted(pattern.periods):
        cursor = dt.datetime.combine(dt.date(2000, 1, 1), start)
        stop = dt.datetime.combine(dt.date(2000, 1, 1), end)
        while cursor + step <= stop:
            times.append((cursor.time(), (cursor + step).time()))
            cursor += step
    return times


def slots_generate(*, actor, business_type: BusinessType, first_day: dt.date, last_day: dt.date, pattern: SlotPattern) -> int:
    """Make the slots of the pattern on every working day from first_day to last_day (working days
    from core.calendar, 调休 included); slots that exist already are kept as they are. Returns the
    number of slots made."""
    _require_admin(actor, business_type.centre_id)
    errors = ErrorCollector()
    _check_pattern(pattern, errors)
    today = timezone.localdate()
    if last_day < first_day:
        errors.add("last_day", "order", _("结束日期不能早于开始日期"))
    elif (last_day - first_day).days + 1 > SLOT_RANGE_MAX_DAYS:
        errors.add("last_day", "range", _("一次最多生成%(n)d天的时段") % {"n": SLOT_RANGE_MAX_DAYS})
    if first_day < today:
        errors.add("first_day", "past", _("不能为已经过去的日期生成时段"))
    errors.raise_if_any()
    days = [first_day + dt.timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    working = [d for d in days if is_working_day(d)]  # CalendarError names a year not yet loaded
    times = _slot_times(pattern)
    if not times:
        raise ValidationError("minutes", "too_long", _("时段长度超过了办公时间段，生成不了任何时段"))
    with transaction.atomic():
        existing = set(AppointmentSlot.objects.filter(business_type=business_type, day__in=working).values_list("day", "start"))
        new = [
            AppointmentSlot(business_type=business_type, day=day, start=start, end=end, capacity=pattern.capacity)
            for day in working
            for start, end in times
            if (day, start) not in existing
        ]
        AppointmentSlot.objects.bulk_create(new)
    return len(new)


def slot_capacity_set(*, actor, slot: AppointmentSlot, capacity: int) -> AppointmentSlot:
    """Change how many may book a slot; never below what is booked already."""
    _require_admin(actor, slot.business_type.centre_id)
    if not 0 <= capacity <= CAPACITY_MAX:
        raise ValidationError("capacity", "range", _("可预约人数应为0至%(n)d") % {"n": CAPACITY_MAX})
    with transaction.atomic():
        slot = AppointmentSlot.objects.select_for_update().select_related("business_type").get(pk=slot.pk)
        if capacity < slot.booked:
            raise ValidationError("capacity", "below_booked", _("该时段已有%(n)d人预约，可预约人数不能少于%(n)d") % {"n": slot.booked})
        slot.capacity = capacity
        slot.save(update_fields=["capacity"])
    return slot


# --- appointments (applicant) ------------------------------------------------------------------------


def noshow_blocked_until(*, user, today: dt.date | None = None) -> dt.date | None:
    """The last day an applicant may not book, or None. Blocked when NOSHOW_LIMIT no-shows fall
    within NOSHOW_WINDOW_DAYS; the block runs NOSHOW_BLOCK_DAYS from the no-show that reached it."""
    today = today or timezone.localdate()
    limit, block = noshow_limit(), noshow_block_days()
    if limit <= 0:
        return None
    since = today - dt.timedelta(days=NOSHOW_WINDOW_DAYS + block)
    days = sorted(
        Appointment.objects.filter(user=user, status=Appointment.STATUS_NO_SHOW, slot__day__gte=since).values_list("slot__day", flat=True)
    )
    until = None
    for index in range(limit - 1, len(days)):
        if (days[index] - days[index - limit + 1]).days < NOSHOW_WINDOW_DAYS:
            until = days[index] + dt.timedelta(days=block)
    return until if until is not None and until >= today else None


def _new_code() -> str:
    """A six-digit check-in code (easy to key in at the kiosk), unique among all appointments."""
    for _attempt in range(20):
        code = f"{secrets.randbelow(10**6):06d}"
        if not Appointment.objects.filter(code=code).exists():
            return code
    return f"{secrets.randbelow(10**8):08d}"


def appointment_book(*, actor, slot: AppointmentSlot, name: str, phone: str, item=None) -> Appointment:
    """网上预约: take one place in the slot (under the slot's row lock, so its capacity holds)."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("请先登录后再预约"))
    errors = ErrorCollector()
    name, phone = (name or "").strip(), (phone or "").strip()
    if not name:
        errors.add("name", "required", _("请填写姓名"))
    elif len(name) > 60:
        errors.add("name", "max_length", _("姓名不能超过%(n)d个字") % {"n": 60})
    if not phone:
        errors.add("phone", "required", _("请填写手机号"))
    elif not PHONE.fullmatch(phone):
        errors.add("phone", "format", _("手机号应为11位手机号码或带区号的固定电话"))
    blocked = noshow_blocked_until(user=actor)
    if blocked is not None:
        errors.add(
            "slot",
            "noshow_blocked",
            _("您近%(window)d天内爽约%(n)d次，%(day)s前不能网上预约，可现场取号办理")
            % {"window": NOSHOW_WINDOW_DAYS, "n": noshow_limit(), "day": f"{blocked:%Y-%m-%d}"},
        )
    errors.raise_if_any()
    with transaction.atomic():
        slot = AppointmentSlot.objects.select_for_update().select_related("business_type").get(pk=slot.pk)
        business_type = slot.business_type
        if not (business_type.is_active and business_type.appointable):
            raise ValidationError("business_type", "not_appointable", _("该业务类型不接受网上预约"))
        if slot_starts_at(slot) <= timezone.now():
            raise ValidationError("slot", "past", _("该时段已经开始，不能再预约"))
        if Appointment.objects.filter(user=actor, slot=slot, status=Appointment.STATUS_BOOKED).exists():
            raise ValidationError("slot", "duplicate", _("您已预约了这个时段"))
        # Serialise this account's bookings (different slots hold different locks).
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        mine = Appointment.objects.filter(user=actor, status=Appointment.STATUS_BOOKED, slot__day__gte=timezone.localdate())
        if mine.filter(slot__business_type=business_type, slot__day=slot.day).exists():
            raise ValidationError("slot", "same_day", _("您当天已预约了该业务，同一业务每天只能预约一个时段"))
        if mine.count() >= BOOKED_MAX_TOTAL:
            raise ValidationError("slot", "too_many", _("您已有%(n)d个未到期的预约，请办理或取消后再预约") % {"n": BOOKED_MAX_TOTAL})
        if slot.booked >= slot.capacity:
            raise ValidationError("slot", "full", _("该时段已约满，请选择其他时段"))
        slot.booked += 1
        slot.save(update_fields=["booked"])
        appointment = Appointment.objects.create(slot=slot, user=actor, name=name, phone=phone, item=item, code=_new_code())
    return appointment


def appointment_cancel(*, actor, appointment: Appointment) -> Appointment:
    """Cancel my appointment, until its slot starts; the place is free again."""
    if actor is None or appointment.user_id != actor.pk:
        raise PermissionDenied()
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.status != Appointment.STATUS_BOOKED:
            raise Conflict(_("该预约已%(status)s，不能取消") % {"status": appointment.get_status_display()})
        slot = AppointmentSlot.objects.select_for_update().get(pk=appointment.slot_id)
        if slot_starts_at(slot) <= timezone.now():
            raise ValidationError("appointment", "started", _("预约时段已经开始，不能再取消"))
        slot.booked -= 1
        slot.save(update_fields=["booked"])
        appointment.status = Appointment.STATUS_CANCELLED
        appointment.cancelled_at = timezone.now()
        appointment.save(update_fields=["status", "cancelled_at"])
    return appointment


def check_in_failed() -> ValidationError:
    """The one answer to every failed 预约签到 (security review #8): a kiosk tells a guesser nothing
    about which codes exist, whose they are or when their slot is."""
    return ValidationError(
        "code", "invalid", _("签到失败：请核对6位签到码，并在预约时段开始前30分钟至时段结束之间签到；如有疑问请到窗口咨询")
    )


def appointment_check_in(*, code: str, centre: ServiceCentre | None) -> Ticket:
    """预约签到 at the kiosk of `centre`: from 30 minutes before the slot starts until it ends; issues a
    priority ticket of the slot's business type. Every failure gives the same error."""
    code = (code or "").strip()
    if centre is None or not (code.isdigit() and len(code) in (6, 8)):
        raise check_in_failed()
    now = timezone.now()
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update()
            .select_related("slot__business_type")
            .filter(code=code, slot__business_type__centre=centre)
            .first()
        )
        if appointment is None or appointment.status != Appointment.STATUS_BOOKED:
            raise check_in_failed()
        slot = appointment.slot
        opens, closes = slot_starts_at(slot) - CHECK_IN_EARLY, slot_ends_at(slot)
        if not opens <= now <= closes:
            raise check_in_failed()
        appointment.status = Appointment.STATUS_CHECKED_IN
        appointment.checked_in_at = now
        appointment.save(update_fields=["status", "checked_in_at"])
        ticket = _issue(
            business_type=slot.business_type,
            source=Ticket.SOURCE_APPOINTMENT,
            holder_id=appointment.user_id,
            phone=appointment.phone,
            appointment=appointment,
            priority=True,
        )
    return ticket


@dataclass(frozen=True)
class SweepReport:
    no_shows: int = 0
    tickets_closed: int = 0


def hall_sweep(*, now: dt.datetime | None = None) -> SweepReport:
    """Mark booked appointments whose slot ended without check-in as no-shows, and close the
    tickets of earlier days still open (the hall has closed). Safe to run any number of times."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    ended = Q(slot__day__lt=today) | Q(slot__day=today, slot__end__lte=now.time())
    with transaction.atomic():
        no_shows = Appointment.objects.filter(ended, status=Appointment.STATUS_BOOKED).update(status=Appointment.STATUS_NO_SHOW)
        closed = Ticket.objects.filter(day__lt=today, status__in=Ticket.OPEN_STATUSES).update(
            status=Ticket.STATUS_CANCELLED, note=_("当日未办结，闭厅后关闭")
        )
    return SweepReport(no_shows=no_shows, tickets_closed=closed)


# --- tickets ---------------------------------------------------------------------------------------


def _issue(
    *,
    business_type: BusinessType,
    source: str,
    holder_id: int | None = None,
    phone: str = "",
    appointment: Appointment | None = None,
    priority: bool = False,
) -> Ticket:
    now = timezone.now()
    day = timezone.localdate(now)
    TicketCounter.objects.get_or_create(business_type=business_type, day=day)
    counter = TicketCounter.objects.select_for_update().get(business_type=business_type, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return Ticket.objects.create(
        centre_id=business_type.centre_id,
        business_type=business_type,
        day=day,
        seq=counter.last,
        number=f"{business_type.prefix}{counter.last:03d}",
        source=source,
        appointment=appointment,
        priority=priority,
        holder_id=holder_id,
        phone=phone,
        issued_at=now,
    )


def ticket_issue(*, business_type: BusinessType, source: str = Ticket.SOURCE_KIOSK, holder=None, phone: str = "") -> Ticket:
    """取号: the next number of the business type today (prefix and three digits, A005)."""
    if not business_type.is_active:
        raise ValidationError("business_type", "inactive", _("该业务类型已停止取号"))
    if source not in dict(Ticket.SOURCE_CHOICES) or source == Ticket.SOURCE_APPOINTMENT:
        raise ValidationError("source", "choice", _("取号方式无效"))
    holder_id = holder.pk if holder is not None and holder.is_authenticated else None
    with transaction.atomic():
        return _issue(business_type=business_type, source=source, holder_id=holder_id, phone=(phone or "").strip()[:20])


def queue_for_window(*, window: Window, day: dt.date | None = None) -> QuerySet[Ticket]:
    """The waiting tickets a window may call, in calling order: tickets transferred to this window
    first, then appointment (priority) tickets, then by the time they were taken (the sequence
    within one business type)."""
    day = day or timezone.localdate()
    type_ids = list(window.business_types.filter(is_active=True).values_list("pk", flat=True))
    return (
        Ticket.objects.filter(centre_id=window.centre_id, day=day, status=Ticket.STATUS_WAITING)
        .filter(
            Q(target_window=window)
            | Q(target_window__isnull=True, target_type__isnull=True, business_type_id__in=type_ids)
            | Q(target_window__isnull=True, target_type_id__in=type_ids)
        )
        .annotate(to_me=When_(When(target_window=window, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("to_me", "-priority", "issued_at", "seq", "id")
    )


def _open_ticket_of(actor) -> Ticket | None:
    """Today's ticket the clerk has called or is serving (an earlier day's is closed by the sweep)."""
    return Ticket.objects.filter(
        served_by=actor, day=timezone.localdate(), status__in=(Ticket.STATUS_CALLED, Ticket.STATUS_SERVING)
    ).first()


def _call(ticket: Ticket, *, window: Window, actor, kind: str, now: dt.datetime) -> None:
    TicketCall.objects.create(ticket=ticket, centre_id=ticket.centre_id, window=window, kind=kind, by=actor, at=now)


def ticket_call_next(*, actor) -> Ticket | None:
    """叫号: the first ticket of the window's queue is called to the window; None when nobody waits.
    A clerk has at most one ticket open (called or being served)."""
    window = clerk_window(actor)
    with transaction.atomic():
        # Security review #11: lock the clerk's own profile row first so two 叫号 at once run one
        # after the other and the second sees the first's open ticket.
        StaffProfile.objects.select_for_update().filter(user=actor).first()
        if _open_ticket_of(actor) is not None:
            raise ValidationError("ticket", "open_ticket", _("请先办结、过号或转出当前的号，再叫下一位"))
        queue = queue_for_window(window=window)
        if connection.features.has_select_for_update_skip_locked:
            queue = queue.select_for_update(skip_locked=True, of=("self",))
        ticket = queue.first()
        if ticket is None:
            return None
        now = timezone.now()
        ticket.status = Ticket.STATUS_CALLED
        ticket.window = window
        ticket.served_by = actor
        ticket.called_at = ticket.called_at or now
        ticket.call_count += 1
        ticket.save(update_fields=["status", "window", "served_by", "called_at", "call_count"])
        _call(ticket, window=window, actor=actor, kind=TicketCall.KIND_CALL, now=now)
    return ticket


def _locked_own(actor, ticket: Ticket, statuses: Iterable[str]) -> tuple[Ticket, Window]:
    window = clerk_window(actor)
    locked = Ticket.objects.select_for_update().filter(pk=ticket.pk).first()
    if locked is None or locked.served_by_id != actor.pk or locked.window_id != window.pk:
        raise Conflict(_("该号不在您的窗口办理"))
    if locked.status not in statuses:
        raise Conflict(_("该号已%(status)s") % {"status": locked.get_status_display()})
    return locked, window


def ticket_recall(*, actor, ticket: Ticket) -> Ticket:
    """重呼: call the same ticket again (the board shows it again)."""
    with transaction.atomic():
        ticket, window = _locked_own(actor, ticket, (Ticket.STATUS_CALLED,))
        ticket.call_count += 1
        ticket.save(update_fields=["call_count"])
        _call(ticket, window=window, actor=actor, kind=TicketCall.KIND_RECALL, now=timezone.now())
    return ticket


def ticket_skip(*, actor, ticket: Ticket) -> Ticket:
    """过号: the called person did not come; the ticket is closed as skipped."""
    with transaction.atomic():
        ticket, _window = _locked_own(actor, ticket, (Ticket.STATUS_CALLED,))
        ticket.status = Ticket.STATUS_SKIPPED
        ticket.finished_at = timezone.now()
        ticket.save(update_fields=["status", "finished_at"])
    return ticket


def ticket_start(*, actor, ticket: Ticket) -> Ticket:
    """开始办理: the person is at the window; service time starts."""
    with transaction.atomic():
        ticket, _window = _locked_own(actor, ticket, (Ticket.STATUS_CALLED,))
        ticket.status = Ticket.STATUS_SERVING
        ticket.started_at = timezone.now()
        ticket.save(update_fields=["status", "started_at"])
    return ticket


def ticket_finish(*, actor, ticket: Ticket, case_number: str = "") -> Ticket:
    """办结: the service is over; optionally names the case (办件编号) it served, which the rating
    of this service (一次一评) is then tied to."""
    from govhall.cases.models import Case

    case_number = (case_number or "").strip()
    case = None
    with transaction.atomic():
        ticket, _window = _locked_own(actor, ticket, (Ticket.STATUS_SERVING, Ticket.STATUS_CALLED))
        if case_number:
            # Security review #13: only a case of this ticket's centre can be named.
            case = Case.objects.filter(number=case_number, centre_id=ticket.centre_id).first()
            if case is None:
                raise ValidationError("case_number", "unknown", _("没有编号为 %(number)s 的办件") % {"number": case_number})
        now = timezone.now()
        ticket.started_at = ticket.started_at or now
        ticket.status = Ticket.STATUS_DONE
        ticket.finished_at = now
        if case is not None:
            ticket.case = case
        ticket.save(update_fields=["status", "started_at", "finished_at", "case"])
    return ticket


def ticket_transfer(
    *, actor, ticket: Ticket, window: Window | None = None, business_type: BusinessType | None = None, note: str = ""
) -> Ticket:
    """转号: send the ticket to another window of the centre (only that window calls it, before its
    own queue) or to another business type (its windows call it, in its place by the time it was
    taken). The number printed on the slip does not change."""
    if (window is None) == (business_type is None):
        raise ValidationError("target", "required", _("请选择转至的窗口或业务类型（二选一）"))
    with transaction.atomic():
        ticket, own = _locked_own(actor, ticket, (Ticket.STATUS_CALLED, Ticket.STATUS_SERVING))
        if window is not None:
            if window.centre_id != ticket.centre_id or not window.is_active:
                raise ValidationError("window", "unknown", _("只能转至本中心在用的窗口"))
            if window.pk == own.pk:
                raise ValidationError("window", "same", _("不能转给自己的窗口"))
        if business_type is not None:
            if business_type.centre_id != ticket.centre_id or not business_type.is_active:
                raise ValidationError("business_type", "unknown", _("只能转至本中心在用的业务类型"))
            if business_type.pk == (ticket.target_type_id or ticket.business_type_id):
                raise ValidationError("business_type", "same", _("该号已是这个业务类型"))
        # The number stays the one printed on the slip; only who calls it changes.
        ticket.target_type = business_type if business_type is not None and business_type.pk != ticket.business_type_id else None
        ticket.target_window = window
        ticket.status = Ticket.STATUS_WAITING
        ticket.window = None
        ticket.served_by = None
        ticket.started_at = None
        ticket.transfers += 1
        if note:
            ticket.note = note.strip()[:200]
        ticket.save()
        _call(ticket, window=window or own, actor=actor, kind=TicketCall.KIND_TRANSFER, now=timezone.now())
    return ticket
