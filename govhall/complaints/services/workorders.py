"""The 12345 closed loop of a work order: register, dispatch, reply (or return), call back, close.

Each function is one user action in one transaction; the decision takes the order's row lock and
re-checks its status, so the second of two people acting on one order gets "已被他人处理".
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.complaints import permissions
from govhall.complaints.models import Complaint, ComplaintEvent
from govhall.complaints.services.deadlines import complaint_limit_days, working_due_date
from govhall.core.errors import Conflict, ErrorCollector, PermissionDenied, ValidationError
from govhall.core.identifiers import check
from govhall.org.models import Department, ServiceCentre

KINDS = {code for code, _label in Complaint.KIND_CHOICES}
AREAS = {code for code, _label in Complaint.AREA_CHOICES}
URGENCIES = {code for code, _label in Complaint.URGENCY_CHOICES}
SATISFACTIONS = {code for code, _label in Complaint.SATISFACTION_CHOICES}


def event_append(*, complaint: Complaint, kind: str, actor, note: str = "", at: dt.datetime | None = None, **data: Any) -> ComplaintEvent:
    return ComplaintEvent.objects.create(complaint=complaint, kind=kind, actor=actor, at=at or timezone.now(), note=note, data=data)


def _lock(complaint: Complaint, *statuses: str) -> Complaint:
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if locked.status not in statuses:
        raise Conflict(_("该工单已被他人处理，当前状态为“%(status)s”，请刷新后查看") % {"status": locked.get_status_display()})
    return locked


def _number(complaint: Complaint) -> str:
    return f"TS{timezone.localdate(complaint.registered_at):%Y%m%d}{complaint.pk:05d}"


def county_centre() -> ServiceCentre:
    """Online complaints go to the county's 政务服务中心 (the first county-level centre)."""
    centre = ServiceCentre.objects.filter(level=ServiceCentre.LEVEL_COUNTY).order_by("id").first()
    if centre is None:
        raise ValidationError("centre", "missing", _("尚未设置政务服务中心，暂时无法受理网上投诉"))
    return centre


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Check what every work order needs; all problems reported at once."""
    errors = ErrorCollector()
    cleaned = {key: (value.strip() if isinstance(value, str) else value) for key, value in data.items()}
    if not cleaned.get("title"):
        errors.add("title", "required", _("请填写标题"))
    if not cleaned.get("content"):
        errors.add("content", "required", _("请填写诉求内容"))
    if cleaned.get("kind", Complaint.KIND_COMPLAINT) not in KINDS:
        errors.add("kind", "choice", _("诉求类型不正确"))
    if cleaned.get("area", "service") not in AREAS:
        errors.add("area", "choice", _("诉求领域不正确"))
    if cleaned.get("urgency", Complaint.URGENCY_NORMAL) not in URGENCIES:
        errors.add("urgency", "choice", _("紧急程度只能是一般或紧急"))
    if not cleaned.get("anonymous"):
        if not cleaned.get("complainant_name"):
            errors.add("complainant_name", "required", _("实名诉求请填写诉求人姓名"))
        if not cleaned.get("complainant_phone"):
            errors.add("complainant_phone", "required", _("实名诉求请填写联系电话，以便答复和回访"))
    phone = cleaned.get("complainant_phone") or ""
    if phone and not phone.replace("-", "").isdigit():
        errors.add("complainant_phone", "format", _("联系电话只能包含数字和连字符"))
    id_number = (cleaned.get("complainant_id_number") or "").upper()
    if id_number:
        result = check("ric", id_number)
        if not result.valid:
            errors.add("complainant_id_number", result.rule, result.message)
        cleaned["complainant_id_number"] = result.value if result.valid else id_number
    errors.raise_if_any()
    return cleaned


FIELDS = (
    "kind",
    "area",
    "title",
    "content",
    "urgency",
    "anonymous",
    "complainant_name",
    "complainant_phone",
    "complainant_id_number",
    "related_department",
    "related_item",
    "related_case",
    "related_window",
)


def _create(*, actor, centre: ServiceCentre, source: str, data: dict[str, Any], hotline_number: str = "", filed_by=None) -> Complaint:
    values = {key: data[key] for key in FIELDS if key in data and data[key] is not None}
    if values.get("anonymous"):
        # Security review #6: an anonymous complaint keeps nothing that identifies the complainant.
        values["complainant_name"] = values["complainant_phone"] = values["complainant_id_number"] = ""
    now = timezone.now()
    complaint = Complaint(
        centre=centre,
        source=source,
        hotline_number=hotline_number,
        registered_by=actor,
        registered_at=now,
        filed_by=filed_by,
        number=f"tmp-{uuid.uuid4().hex[:16]}",
        **values,
    )
    complaint.save()
    complaint.number = _number(complaint)
    complaint.save(update_fields=["number"])
    event_append(complaint=complaint, kind="registered", actor=actor, at=now, source=source)
    return complaint


def complaint_register(*, actor, source: str = Complaint.SOURCE_WINDOW, hotline_number: str = "", **data: Any) -> Complaint:
    """The complaint-window clerk or the centre admin registers an order (at the window, or one
    taken by phone from 12345)."""
    centre_id = permissions.complaint_desk_centre_id(actor)
    if centre_id is None:
        raise PermissionDenied(_("只有投诉窗口人员和中心管理员可以登记工单"))
    if source not in (Complaint.SOURCE_WINDOW, Complaint.SOURCE_HOTLINE):
        raise ValidationError("source", "choice", _("窗口只能登记投诉窗口或12345热线工单"))
    hotline_number = (hotline_number or "").strip()
    if source == Complaint.SOURCE_HOTLINE and not hotline_number:
        raise ValidationError("hotline_number", "required", _("12345热线工单请填写12345工单号"))
    cleaned = _clean(data)
    try:
        with transaction.atomic():
            return _create(
                actor=actor, centre=ServiceCentre.objects.get(pk=centre_id), source=source, data=cleaned, hotline_number=hotline_number
            )
    except IntegrityError:
        raise ValidationError("hotline_number", "duplicate", _("该12345工单号已登记")) from None


def complaint_import_hotline(*, actor, order: dict[str, Any]) -> tuple[Complaint, bool]:
    """A work order pushed by the 12345 platform; the same 工单号 twice gives the order already
    registered (the platform retries). Returns (order, created)."""
    number = str(order.get("hotline_number") or "").strip()
    if not number:
        raise ValidationError("hotline_number", "required", _("缺少12345工单号"))
    existing = Complaint.objects.filter(hotline_number=number).first()
    if existing is not None:
        if permissions.complaint_desk_centre_id(actor) != existing.centre_id:
            raise PermissionDenied()
        return existing, False
    data = {key: order.get(key) for key in FIELDS if key in order}
    complaint = complaint_register(actor=actor, source=Complaint.SOURCE_HOTLINE, hotline_number=number, **data)
    return complaint, True


def complaint_file_online(*, actor, **data: Any) -> Complaint:
    """An applicant signed in on the website files a complaint; they follow it on 我的投诉."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("请先登录后再提交投诉"))
    if permissions.staff_profile(actor) is not None:
        raise PermissionDenied(_("工作人员请在工作台登记工单"))
    cleaned = _clean(data)
    with transaction.atomic():
        return _create(actor=actor, centre=county_centre(), source=Complaint.SOURCE_WEB, data=cleaned, filed_by=actor)


def _set_due(complaint: Complaint, today: dt.date) -> None:
    days = complaint_limit_days(complaint.urgency)
    complaint.due_from, complaint.due_days = today, days
    complaint.due_date, complaint.due_pending = working_due_date(today, days)


def complaint_dispatch(*, actor, complaint: Complaint, department: Department, note: str = "") -> Complaint:
    """分派: to a department, with a due date in working days from today."""
    if not permissions.can_dispatch(actor, complaint):
        raise PermissionDenied(_("只有投诉窗口人员和中心管理员可以分派工单"))
    if department is None or not department.is_active:
        raise ValidationError("department", "required", _("请选择承办部门"))
    with transaction.atomic():
        locked = _lock(complaint, Complaint.STATUS_REGISTERED, Complaint.STATUS_RETURNED)
        now = timezone.now()
        locked.status = Complaint.STATUS_DISPATCHED
        locked.department = department
        locked.dispatched_at = now
        _set_due(locked, timezone.localdate(now))
        locked.save()
        event_append(
            complaint=locked,
            kind="dispatched",
            actor=actor,
            note=note,
            at=now,
            department=department.name,
            due_date=locked.due_date.isoformat() if locked.due_date else "",
            due_days=locked.due_days,
        )
    return locked


def complaint_return(*, actor, complaint: Complaint, reason: str) -> Complaint:
    """退回: the department says the order is not theirs; it goes back to the dispatcher."""
    if not permissions.can_reply(actor, Complaint.objects.get(pk=complaint.pk)):
        raise PermissionDenied(_("只有承办部门可以退回工单"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", "required", _("请填写退回理由"))
    with transaction.atomic():
        locked = _lock(complaint, Complaint.STATUS_DISPATCHED)
        # Security review #12: the order may have been re-dispatched since the check above.
        if not permissions.can_reply(actor, locked):
            raise PermissionDenied(_("只有承办部门可以退回工单"))
        department = locked.department
        locked.status = Complaint.STATUS_RETURNED
        locked.department = None
        locked.due_date = locked.due_from = locked.due_days = None
        locked.due_pending = False
        locked.save()
        event_append(complaint=locked, kind="returned", actor=actor, note=reason, department=department.name if department else "")
    return locked


def complaint_reply(*, actor, complaint: Complaint, reply: str) -> Complaint:
    """答复: the dispatched department's answer; a reply after the due date is marked late."""
    if not permissions.can_reply(actor, Complaint.objects.get(pk=complaint.pk)):
        raise PermissionDenied(_("只有承办部门可以答复工单"))
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError("reply", "required", _("请填写答复内容"))
    with transaction.atomic():
        locked = _lock(complaint, Complaint.STATUS_DISPATCHED)
        # Security review #12: re-check on the locked row (it may have been re-dispatched meanwhile).
        if not permissions.can_reply(actor, locked):
            raise PermissionDenied(_("只有承办部门可以答复工单"))
        now = timezone.now()
        locked.status = Complaint.STATUS_REPLIED
        locked.reply = reply
        locked.replied_by = actor
        locked.replied_at = now
        locked.replied_late = bool(locked.due_date and timezone.localdate(now) > locked.due_date)
        locked.save()
        event_append(complaint=locked, kind="replied", actor=actor, note=reply, at=now, late=locked.replied_late)
    return locked


def complaint_call_back(*, actor, complaint: Complaint, satisfaction: str, note: str = "") -> Complaint:
    """回访: the complainant's satisfaction, asked by the centre admin or given by the complainant
    online. 不满意 reopens the order: back to the same department with a new due date."""
    if not (permissions.can_call_back(actor, complaint) or permissions.is_complainant(actor, complaint)):
        raise PermissionDenied(_("只有中心管理员或诉求人本人可以评价答复"))
    if satisfaction not in SATISFACTIONS:
        raise ValidationError("satisfaction", "choice", _("请选择满意、基本满意或不满意"))
    note = (note or "").strip()
    if satisfaction == Complaint.UNSATISFIED and not note:
        raise ValidationError("note", "required", _("不满意时请说明原因，工单将退回承办部门重新办理"))
    with transaction.atomic():
        locked = _lock(complaint, Complaint.STATUS_REPLIED)
        now = timezone.now()
        locked.satisfaction = satisfaction
        locked.callback_note = note
        locked.called_back_at = now
        event_append(complaint=locked, kind="called_back", actor=actor, note=note, at=now, satisfaction=satisfaction)
        if satisfaction == Complaint.UNSATISFIED:
            locked.status = Complaint.STATUS_DISPATCHED
            locked.reopen_count += 1
            locked.dispatched_at = now
            _set_due(locked, timezone.localdate(now))
            event_append(
                complaint=locked,
                kind="reopened",
                actor=actor,
                at=now,
                department=locked.department.name if locked.department else "",
                due_date=locked.due_date.isoformat() if locked.due_date else "",
                reopen_count=locked.reopen_count,
            )
        else:
            locked.status = Complaint.STATUS_CALLED_BACK
        locked.save()
    return locked


def complaint_close(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    """办结: the centre admin closes an order the complainant was satisfied with."""
    if not permissions.can_call_back(actor, complaint):
        raise PermissionDenied(_("只有中心管理员可以办结工单"))
    with transaction.atomic():
        locked = _lock(complaint, Complaint.STATUS_CALLED_BACK)
        now = timezone.now()
        locked.status = Complaint.STATUS_CLOSED
        locked.closed_at = now
        locked.save(update_fields=["status", "closed_at"])
        event_append(complaint=locked, kind="closed", actor=actor, note=(note or "").strip(), at=now)
    return locked
