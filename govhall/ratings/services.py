"""好差评 actions: rate a service (一次一评) or a case (一事一评), and the steps of a 差评 follow-up.

One user action per function, one transaction each; the row a decision changes is locked first and
its state checked again, so a second actor gets a clear error instead of a double rating.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.models import Case
from govhall.cases.permissions import is_case_owner
from govhall.core.calendar import CalendarError, add_working_days
from govhall.core.errors import Conflict, ErrorCollector, PermissionDenied, ValidationError
from govhall.hall.models import Ticket
from govhall.org.models import StaffProfile
from govhall.ratings.models import BAD_LEVELS, BAD_TAG_CODES, GOOD_TAG_CODES, FollowUp, FollowUpEvent, Rating

# Channels by which a hall service (一次一评) is rated, and those of a case rated online (一事一评).
TICKET_CHANNELS = (Rating.CHANNEL_WINDOW_DEVICE, Rating.CHANNEL_QR, Rating.CHANNEL_WEB, Rating.CHANNEL_KIOSK)
CASE_CHANNELS = (Rating.CHANNEL_WEB, Rating.CHANNEL_APP)
PHONE = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}")
COMMENT_MAX = 500


def verify_days() -> int:
    # 国办发〔2019〕51号: 差评 are verified promptly; default 3 working days to verify.
    return int(getattr(settings, "GOVHALL_RATING_VERIFY_DAYS", 3))


def followup_days() -> int:
    # 国办发〔2019〕51号: 差评 verified, rectified and called back (实名差评回访率100%) within a set
    # limit; default 15 working days from the rating day.
    return int(getattr(settings, "GOVHALL_RATING_FOLLOWUP_DAYS", 15))


def device_fingerprint(*, ip: str, user_agent: str) -> str:
    """A hash of the client IP and browser: the supervision checks look for ratings bunched on one
    device without keeping the address itself."""
    return "web:" + hashlib.sha256(f"{ip}|{user_agent}".encode()).hexdigest()[:24]


def window_device_id(window_id: int) -> str:
    return f"window:{window_id}"


@dataclass(frozen=True)
class RatingInput:
    level: int | str | None
    tags: list[str]
    comment: str = ""
    rater_name: str = ""
    rater_phone: str = ""


def _clean(data: RatingInput) -> tuple[int, list[str], str, str, str]:
    errors = ErrorCollector()
    level = 0
    raw = data.level
    level = raw if isinstance(raw, int) else int(raw) if isinstance(raw, str) and raw.strip().isdigit() else 0
    if level not in (1, 2, 3, 4, 5):
        errors.add("level", "choice", _("请选择满意程度（非常满意、满意、基本满意、不满意、非常不满意）"))
    tags: list[str] = []
    for code in data.tags:
        if code and code not in tags:
            tags.append(code)
    unknown = [t for t in tags if t not in GOOD_TAG_CODES | BAD_TAG_CODES]
    if unknown:
        errors.add("tags", "choice", _("评价原因无效：%(tags)s") % {"tags": "、".join(unknown)})
    elif level in BAD_LEVELS:
        if not any(t in BAD_TAG_CODES for t in tags):
            errors.add("tags", "bad_tag_required", _("差评请至少选择一项不满意的原因"))
        elif any(t in GOOD_TAG_CODES for t in tags):
            errors.add("tags", "mixed", _("差评只能选择不满意的原因"))
    elif level in (4, 5) and any(t in BAD_TAG_CODES for t in tags):
        errors.add("tags", "mixed", _("满意的评价只能选择满意的原因"))
    comment = (data.comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors.add("comment", "max_length", _("评价内容不能超过%(n)d个字") % {"n": COMMENT_MAX})
    name = (data.rater_name or "").strip()
    phone = (data.rater_phone or "").strip().replace(" ", "")
    if len(name) > 60:
        errors.add("rater_name", "max_length", _("姓名不能超过60个字"))
    if phone and not PHONE.fullmatch(phone):
        errors.add("rater_phone", "format", _("联系电话应为11位手机号码或带区号的固定电话"))
    errors.raise_if_any()
    return level, tags, comment, name, phone


def _due_dates(opened: dt.date) -> tuple[dt.date | None, dt.date | None, int | None]:
    """(verify_due, due_date, pending_year). A rating in a year whose calendar is not loaded is
    still recorded: its due dates stay empty and the sweep fills them once the year is loaded."""
    try:
        return add_working_days(opened, verify_days()), add_working_days(opened, followup_days()), None
    except CalendarError as exc:
        return None, None, exc.year


def _open_followup(rating: Rating, now: dt.datetime) -> FollowUp:
    opened = timezone.localdate(rating.created_at)
    verify_due, due, pending = _due_dates(opened)
    followup = FollowUp.objects.create(
        rating=rating,
        centre=rating.centre,
        department=rating.department,
        opened_on=opened,
        verify_due=verify_due,
        due_date=due,
        due_pending_year=pending,
    )
    note = (
        _("核实期限 %(verify)s，办结期限 %(due)s") % {"verify": verify_due, "due": due}
        if due
        else _("期限待定（%(year)s年工作日历未载入）") % {"year": pending}
    )
    FollowUpEvent.objects.create(followup=followup, kind=FollowUpEvent.KIND_OPENED, at=now, status_after=followup.status, note=note)
    return followup


def _create(rating: Rating) -> Rating:
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as exc:
        raise ValidationError("rating", "once", _("已评价过，每次服务（每个办件）只能评价一次")) from exc
    if rating.is_bad and (rating.centre_id or rating.department_id):
        _open_followup(rating, rating.created_at)
    return rating


def _ticket_department(ticket: Ticket):
    if ticket.case_id and ticket.case and ticket.case.department_id:
        return ticket.case.department
    if ticket.window is not None:
        departments = list(ticket.window.departments.all()[:2])
        if len(departments) == 1:
            return departments[0]
    return None


def can_rate_case(user, case: Case) -> bool:
    """一事一评 is the applicant's: the person's own user, or the legal representative's user for an
    enterprise. Never staff — a clerk who keyed in a walk-in case is not its applicant (security review #3)."""
    if not user or not user.is_authenticated or StaffProfile.objects.filter(user=user).exists():
        return False
    return is_case_owner(user, case)


def _staff_window_id(user) -> int | None:
    if not user or not user.is_authenticated:
        return None
    try:
        return user.staff.window_id
    except StaffProfile.DoesNotExist:
        return None


def rating_submit_for_ticket(
    *, actor, token: str, channel: str, data: RatingInput, device: str = "", ticket_id: int | None = None
) -> Rating:
    """一次一评 of a finished hall service, by its ticket's QR token (or, at the window pad, by id)."""
    if channel not in TICKET_CHANNELS:
        raise ValidationError("channel", "choice", _("一次一评的评价渠道只能是窗口评价器、扫码、网上或自助终端"))
    level, tags, comment, name, phone = _clean(data)
    with transaction.atomic():
        query = Ticket.objects.select_for_update()
        ticket = query.filter(pk=ticket_id).first() if ticket_id is not None else query.filter(token=token).first()
        if ticket is None:
            raise Http404
        if channel == Rating.CHANNEL_WINDOW_DEVICE:
            # The window pad rates only what was served at the clerk's own window.
            if not (actor and actor.has_perm("ratings.rate_at_window")) or _staff_window_id(actor) != ticket.window_id:
                raise Http404
            # Security review #4: only the ticket the pad offers now (served by this clerk, finished
            # today, not rated) — the same selector the pad page uses.
            from govhall.ratings.selectors import ticket_for_window_pad  # selectors imports this module

            offered = ticket_for_window_pad(user=actor)
            if offered is None or offered.pk != ticket.pk:
                raise Http404
            device = window_device_id(ticket.window_id) if ticket.window_id else device
        if ticket.status != Ticket.STATUS_DONE:
            raise ValidationError("ticket", "not_finished", _("该号尚未办结，办结后才能评价"))
        if Rating.objects.filter(ticket=ticket).exists():
            raise ValidationError("ticket", "once", _("该次服务已经评价过，每次服务只能评价一次"))
        rater = actor if actor and actor.is_authenticated and channel != Rating.CHANNEL_WINDOW_DEVICE else None
        if rater is not None and not name:
            name = rater.get_full_name()
        now = timezone.now()
        rating = Rating(
            kind=Rating.KIND_SERVICE,
            level=level,
            channel=channel,
            tags=tags,
            comment=comment,
            centre_id=ticket.centre_id,
            window_id=ticket.window_id,
            staff_id=ticket.served_by_id,
            department=_ticket_department(ticket),
            case_id=ticket.case_id,
            ticket=ticket,
            rater=rater,
            rater_name=name,
            rater_phone=phone,
            real_name=rater is not None or bool(name and phone),
            device=device[:64],
            created_at=now,
        )
        return _create(rating)


def rating_submit_for_case(*, actor, case_id: int, channel: str, data: RatingInput, device: str = "") -> Rating:
    """一事一评 of a finished case, by its applicant (someone else's case is a 404)."""
    if channel not in CASE_CHANNELS:
        raise ValidationError("channel", "choice", _("一事一评的评价渠道只能是网上评价或移动端"))
    level, tags, comment, _name, _phone = _clean(data)
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("applicant_person", "applicant_enterprise")
            .filter(pk=case_id)
            .first()
        )
        if case is None or not can_rate_case(actor, case):
            raise Http404
        if case.status != Case.STATUS_DONE:
            raise ValidationError("case", "not_finished", _("办件办结后才能评价"))
        if Rating.objects.filter(kind=Rating.KIND_CASE, case=case).exists():
            raise ValidationError("case", "once", _("该办件已经评价过，每个办件只能评价一次"))
        applicant = case.applicant
        rating = Rating(
            kind=Rating.KIND_CASE,
            level=level,
            channel=channel,
            tags=tags,
            comment=comment,
            centre_id=case.centre_id,
            window_id=case.window_id,
            staff_id=case.accepted_by_id,
            department_id=case.department_id,
            case=case,
            rater=actor,
            rater_name=actor.get_full_name() or applicant.name,
            rater_phone=getattr(applicant, "phone", "") or "",
            real_name=True,
            device=device[:64],
            created_at=timezone.now(),
        )
        return _create(rating)


# --- follow-up steps -------------------------------------------------------------------------------


def can_handle_followup(user, followup: FollowUp) -> bool:
    """The centre admin of the rating's centre, or the department admin of its department."""
    if not user or not user.is_authenticated:
        return False
    try:
        profile = user.staff
    except StaffProfile.DoesNotExist:
        return False
    if followup.centre_id and profile.centre_id == followup.centre_id and user.has_perm("ratings.handle_centre_followups"):
        return True
    return bool(
        followup.department_id and profile.department_id == followup.department_id and user.has_perm("ratings.handle_department_followups")
    )


def _locked(*, actor, followup_id: int) -> FollowUp:
    from govhall.ratings.selectors import get_followup_for_user

    get_followup_for_user(user=actor, followup_id=followup_id)  # 404 outside the user's scope
    followup = FollowUp.objects.select_for_update().select_related("rating").get(pk=followup_id)
    if not can_handle_followup(actor, followup):
        raise PermissionDenied(_("只有责任中心或责任部门的管理员可以办理差评整改"))
    return followup


def _step(followup: FollowUp, *, kind: str, actor, before: str, note: str, now: dt.datetime) -> None:
    followup.save()
    FollowUpEvent.objects.create(
        followup=followup, kind=kind, by=actor, at=now, status_before=before, status_after=followup.status, note=note[:1000]
    )


def _text(errors: ErrorCollector, field: str, value: str, message: str, limit: int = 1000) -> str:
    value = (value or "").strip()
    if not value:
        errors.add(field, "required", message)
    elif len(value) > limit:
        errors.add(field, "max_length", _("不能超过%(n)d个字") % {"n": limit})
    return value


def followup_verify(*, actor, followup_id: int, finding: str, warranted: bool | None) -> FollowUp:
    """核实: what was found and whether the 差评 is warranted (属实)."""
    errors = ErrorCollector()
    finding = _text(errors, "finding", finding, _("请填写核实情况"))
    if warranted is None:
        errors.add("warranted", "required", _("请选择差评是否属实"))
    errors.raise_if_any()
    with transaction.atomic():
        followup = _locked(actor=actor, followup_id=followup_id)
        if followup.status != FollowUp.STATUS_OPEN:
            raise Conflict(_("该差评已核实，请刷新后查看"))
        now = timezone.now()
        before = followup.status
        followup.finding, followup.warranted = finding, warranted
        followup.verified_by, followup.verified_at = actor, now
        followup.status = FollowUp.STATUS_RECTIFYING if warranted else FollowUp.STATUS_VERIFIED
        label = _("属实") if warranted else _("不属实")
        _step(followup, kind=FollowUpEvent.KIND_VERIFIED, actor=actor, before=before, note=f"{label}：{finding}", now=now)
        return followup


def followup_rectify(*, actor, followup_id: int, rectification: str) -> FollowUp:
    """整改: required when the 差评 was found warranted."""
    errors = ErrorCollector()
    rectification = _text(errors, "rectification", rectification, _("请填写整改措施"))
    errors.raise_if_any()
    with transaction.atomic():
        followup = _locked(actor=actor, followup_id=followup_id)
        if followup.status != FollowUp.STATUS_RECTIFYING:
            if followup.status == FollowUp.STATUS_OPEN:
                raise ValidationError("status", "order", _("请先核实差评"))
            raise Conflict(_("该差评无需整改或已整改，请刷新后查看"))
        now = timezone.now()
        followup.rectification = rectification
        followup.rectified_by, followup.rectified_at = actor, now
        followup.status = FollowUp.STATUS_VERIFIED
        _step(followup, kind=FollowUpEvent.KIND_RECTIFIED, actor=actor, before=FollowUp.STATUS_RECTIFYING, note=rectification, now=now)
        return followup


def followup_call_back(*, actor, followup_id: int, result: str, satisfaction: str) -> FollowUp:
    """回访: the applicant is told what was found and done, and asked again how satisfied they are."""
    errors = ErrorCollector()
    result = _text(errors, "callback_result", result, _("请填写回访情况"))
    if satisfaction not in dict(FollowUp.CALLBACK_CHOICES):
        errors.add("callback_satisfaction", "choice", _("请选择回访后申请人的满意程度"))
    errors.raise_if_any()
    with transaction.atomic():
        followup = _locked(actor=actor, followup_id=followup_id)
        if followup.status in (FollowUp.STATUS_OPEN, FollowUp.STATUS_RECTIFYING):
            message = _("请先核实差评") if followup.status == FollowUp.STATUS_OPEN else _("差评属实，请先填写整改措施再回访")
            raise ValidationError("status", "order", message)
        if followup.status != FollowUp.STATUS_VERIFIED:
            raise Conflict(_("该差评已回访，请刷新后查看"))
        now = timezone.now()
        followup.callback_result, followup.callback_satisfaction = result, satisfaction
        followup.called_back_by, followup.called_back_at = actor, now
        followup.status = FollowUp.STATUS_CALLED_BACK
        label = dict(FollowUp.CALLBACK_CHOICES)[satisfaction]
        _step(
            followup, kind=FollowUpEvent.KIND_CALLED_BACK, actor=actor, before=FollowUp.STATUS_VERIFIED, note=f"{label}：{result}", now=now
        )
        return followup


def followup_close(*, actor, followup_id: int, note: str = "") -> FollowUp:
    """办结. 国办发〔2019〕51号: 实名差评回访率100% — a real-name 差评 closes only after its call-back."""
    note = (note or "").strip()[:500]
    with transaction.atomic():
        followup = _locked(actor=actor, followup_id=followup_id)
        if followup.status == FollowUp.STATUS_CLOSED:
            raise Conflict(_("该差评整改已办结"))
        if followup.status in (FollowUp.STATUS_OPEN, FollowUp.STATUS_RECTIFYING):
            message = _("请先核实差评") if followup.status == FollowUp.STATUS_OPEN else _("差评属实，请先填写整改措施")
            raise ValidationError("status", "order", message)
        if followup.status != FollowUp.STATUS_CALLED_BACK and followup.rating.real_name:
            raise ValidationError("callback", "required", _("实名差评必须回访后才能办结（实名差评回访率100%）"))
        now = timezone.now()
        before = followup.status
        followup.close_note = note
        followup.closed_by, followup.closed_at = actor, now
        followup.status = FollowUp.STATUS_CLOSED
        _step(followup, kind=FollowUpEvent.KIND_CLOSED, actor=actor, before=before, note=note, now=now)
        return followup


def followup_due_sweep() -> int:
    """Fill the due dates left empty because a year's calendar was missing; idempotent."""
    filled = 0
    for followup in FollowUp.objects.filter(due_date__isnull=True).exclude(status=FollowUp.STATUS_CLOSED):
        verify_due, due, pending = _due_dates(followup.opened_on)
        if due is None:
            if followup.due_pending_year != pending:
                FollowUp.objects.filter(pk=followup.pk).update(due_pending_year=pending)
            continue
        with transaction.atomic():
            FollowUp.objects.filter(pk=followup.pk).update(verify_due=verify_due, due_date=due, due_pending_year=None)
            FollowUpEvent.objects.create(
                followup=followup,
                kind=FollowUpEvent.KIND_DUE_SET,
                at=timezone.now(),
                status_before=followup.status,
                status_after=followup.status,
                note=_("核实期限 %(verify)s，办结期限 %(due)s") % {"verify": verify_due, "due": due},
            )
        filled += 1
    return filled
