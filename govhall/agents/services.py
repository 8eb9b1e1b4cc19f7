"""帮办代办 actions (SPEC ONE-4): recording and revoking a resident's consent, the consent check of an
agent-point submission, and the hand-over steps of papers and results.

Each function is one user action in one transaction; hand-overs append an event to the case log.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.agents.models import AgentCase, AgentConsent, HandOver, valid_consents
from govhall.applicants.models import Enterprise, Person
from govhall.cases import permissions
from govhall.cases.models import Case
from govhall.cases.services.events import case_event_append
from govhall.cases.services.submission import private_root, sniff_content_type
from govhall.catalog.models import Item
from govhall.core.errors import Conflict, ErrorCollector, PermissionDenied, ValidationError
from govhall.org.models import ServiceCentre

# The 代办授权委托书 text the resident agrees to; a new wording gets a new version, and every
# consent keeps the version it was given under.
CONSENT_TEXT_VERSION = "2026.1"
CONSENT_TEXT = (
    "本人自愿委托{agent}（{point}代办员）代为办理下列政务服务事项：{scope}。"
    "代办员可代为填写申请表、提交和接收申请材料、领取办理结果；不得代为作出与申请无关的承诺。"
    "本授权自签署之日起至{until}有效，本人可随时在“我的代办授权”中或到代办点撤销。"
)
# ONE-4 / brief: a general consent covers every item for 90 days; an item consent at most a year.
ALL_ITEMS_DAYS = 90
MAX_ITEMS_DAYS = 365
# 短信验证码: valid 10 minutes, 5 wrong tries (the usual practice of SMS confirmation codes).

STEP_EVENT_KINDS = {
    HandOver.STEP_RECEIVED: "handover_received",
    HandOver.STEP_FORWARDED: "handover_forwarded",
    HandOver.STEP_RETURNED: "handover_returned",
    HandOver.STEP_DELIVERED: "handover_delivered",
}


# --- who is an agent ------------------------------------------------------------------------------


def agent_point(user) -> ServiceCentre | None:
    """The 代办点 of a village agent (a clerk of a village-level centre who submits for residents)."""
    profile = permissions.staff_profile(user)
    if profile is None or profile.centre is None or profile.centre.level != ServiceCentre.LEVEL_VILLAGE:
        return None
    if not user.has_perm("cases.submit_on_behalf"):
        return None
    return profile.centre


def consent_text(*, agent_name: str, point_name: str, scope: str, until: date) -> str:
    return CONSENT_TEXT.format(agent=agent_name, point=point_name, scope=scope, until=f"{until:%Y-%m-%d}")


def _store_private(data: bytes, folder: str, *, images_only: bool, field: str) -> tuple[str, str, str]:
    """Check an upload like a case material (type by content, size limit) and store it privately.
    Returns (relative path, content type, sha256)."""
    limit = settings.GOVHALL_UPLOAD_MAX_BYTES
    if not data:
        raise ValidationError(field, "required", _("请选择要上传的文件"))
    if len(data) > limit:
        raise ValidationError(field, "max_size", _("文件不能超过 %(mb)d MB") % {"mb": limit // (1024 * 1024)})
    sniffed = sniff_content_type(data[:16])
    if sniffed is None or (images_only and sniffed[0] == "application/pdf"):
        message = _("签名只接受 JPEG 或 PNG 图片（按文件内容判断）") if images_only else _("只接受 PDF、JPEG 或 PNG 文件（按文件内容判断）")
        raise ValidationError(field, "content_type", message)
    content_type, extension = sniffed
    relative = Path(folder) / f"{uuid.uuid4().hex}.{extension}"
    target = private_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return str(relative), content_type, hashlib.sha256(data).hexdigest()


def consent_file_path(consent: AgentConsent) -> Path:
    return private_root() / consent.file_path


def handover_signature_path(handover: HandOver) -> Path:
    return private_root() / handover.signature_path


# --- consent --------------------------------------------------------------------------------------


def consent_record(
    *,
    actor,
    resident: Person,
    scope: str,
    items: list[Item],
    method: str,
    valid_until: date | None = None,
    file_data: bytes = b"",
    phone: str = "",
    note: str = "",
) -> AgentConsent:
    """The agent records the resident's consent: a written 授权委托书 (scan), a signature on the spot
    (image), or a code sent to the resident's phone (pending until the resident confirms, `consent_resident_confirm`)."""
    point = agent_point(actor)
    if point is None:
        raise PermissionDenied(_("只有嘎查村（社区）代办点的代办员可以登记代办授权"))
    today = timezone.localdate()
    errors = ErrorCollector()
    if scope not in dict(AgentConsent.SCOPE_CHOICES):
        errors.add("scope", "choice", _("请选择授权范围"))
    if method not in dict(AgentConsent.METHOD_CHOICES):
        errors.add("method", "choice", _("请选择授权方式"))
    if scope == AgentConsent.SCOPE_ITEMS and not items:
        errors.add("items", "required", _("请至少选择一个授权事项"))
    if scope == AgentConsent.SCOPE_ALL:
        valid_until = today + timedelta(days=ALL_ITEMS_DAYS)
    elif valid_until is None:
        valid_until = today + timedelta(days=ALL_ITEMS_DAYS)
    elif valid_until < today:
        errors.add("valid_until", "past", _("有效期不能早于今天"))
    elif valid_until > today + timedelta(days=MAX_ITEMS_DAYS):
        errors.add("valid_until", "too_long", _("指定事项的授权有效期最长 %(days)d 天") % {"days": MAX_ITEMS_DAYS})
    phone = (phone or resident.phone or "").strip()
    if method == AgentConsent.METHOD_CODE and not phone:
        errors.add("phone", "required", _("居民没有登记手机号，不能用验证码确认，请改用书面授权或现场签字"))
    if method in (AgentConsent.METHOD_WRITTEN, AgentConsent.METHOD_SIGNATURE) and not file_data:
        message = _("请上传居民签署的授权委托书") if method == AgentConsent.METHOD_WRITTEN else _("请上传居民的签字图片")
        errors.add("file", "required", message)
    errors.raise_if_any()
    assert valid_until is not None
    with transaction.atomic():
        stored = ("", "", "")
        if method != AgentConsent.METHOD_CODE:
            stored = _store_private(file_data, "agents/consents", images_only=method == AgentConsent.METHOD_SIGNATURE, field="file")
        now = timezone.now()
        consent = AgentConsent.objects.create(
            resident=resident,
            agent=actor,
            point=point,
            scope=scope,
            method=method,
            text_version=CONSENT_TEXT_VERSION,
            file_path=stored[0],
            file_content_type=stored[1],
            file_size=len(file_data) if stored[0] else 0,
            file_sha256=stored[2],
            phone=phone if method == AgentConsent.METHOD_CODE else "",
            # Written and signed consents hold from now; a code consent once the resident confirms.
            given_at=None if method == AgentConsent.METHOD_CODE else now,
            valid_until=valid_until,
            note=(note or "").strip()[:300],
        )
        if scope == AgentConsent.SCOPE_ITEMS:
            consent.items.set(items)
        return consent


def consent_resident_confirm(*, actor, consent: AgentConsent) -> AgentConsent:
    """The resident confirms a pending phone consent themselves, logged in on 我的代办授权.

    Security review #2: the agent must never see or enter a code — a consent the agent could confirm
    alone is no consent. Only the resident's own login confirms it."""
    if consent.resident.user_id is None or consent.resident.user_id != actor.pk:
        raise PermissionDenied(_("只有授权的居民本人可以确认"))
    with transaction.atomic():
        consent = AgentConsent.objects.select_for_update().get(pk=consent.pk)
        if consent.method != AgentConsent.METHOD_CODE or consent.status != AgentConsent.STATUS_PENDING:
            raise Conflict(_("该授权不在待居民确认状态"))
        consent.code_confirmed_at = consent.given_at = timezone.now()
        consent.code_hash = ""
        consent.save(update_fields=["code_confirmed_at", "given_at", "code_hash"])
    return consent


def consent_revoke(*, actor, consent: AgentConsent, reason: str = "") -> AgentConsent:
    """The resident (from their account) or the agent who recorded it revokes a consent. Cases
    already submitted under it go on; no new submission may use it."""
    is_resident = consent.resident.user_id is not None and consent.resident.user_id == actor.pk
    if not (is_resident or consent.agent_id == actor.pk):
        raise PermissionDenied(_("只有委托人本人或登记的代办员可以撤销授权"))
    with transaction.atomic():
        consent = AgentConsent.objects.select_for_update().get(pk=consent.pk)
        if consent.revoked_at is not None:
            raise Conflict(_("该授权已撤销"))
        consent.revoked_at = timezone.now()
        consent.revoked_by = actor
        consent.revoke_reason = (reason or "").strip()[:300]
        consent.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return consent


def consents_covering(*, agent, resident: Person, item: Item, day: date | None = None):
    """The agent's consents from this resident in force on `day` that cover the item."""
    day = day or timezone.localdate()
    qs = AgentConsent.objects.filter(valid_consents(day), agent=agent, resident=resident)
    return qs.filter(scope=AgentConsent.SCOPE_ALL) | qs.filter(scope=AgentConsent.SCOPE_ITEMS, items=item)


def _consent_refusal(consent: AgentConsent | None, *, agent, resident: Person | None, item: Item, day: date) -> str | None:
    """Why this consent (or, without one, the best the agent has) does not allow the submission."""
    if resident is None:
        return _("法人申请人须由法定代表人本人出具代办授权，该法人未登记法定代表人")
    if consent is None:
        return _("没有“%(name)s”对本事项的有效代办授权，请先登记居民的授权（授权委托书、现场签字或手机验证码）") % {"name": resident.name}
    if consent.agent_id != agent.pk or consent.resident_id != resident.pk:
        return _("该授权不是申请人给您本人的授权")
    status = consent.status_on(day)
    if status == AgentConsent.STATUS_REVOKED:
        return _("居民已撤销该代办授权（%(at)s），请重新取得授权") % {"at": f"{timezone.localtime(consent.revoked_at):%Y-%m-%d}"}
    if status == AgentConsent.STATUS_EXPIRED:
        return _("该代办授权已于 %(day)s 到期，请重新取得授权") % {"day": f"{consent.valid_until:%Y-%m-%d}"}
    if status == AgentConsent.STATUS_PENDING:
        return _("该代办授权尚未经居民手机验证码确认")
    if consent.scope == AgentConsent.SCOPE_ITEMS and not consent.items.filter(pk=item.pk).exists():
        return _("该代办授权不包括事项“%(item)s”，请重新取得授权") % {"item": item.name}
    return None


def submission_consent(
    *, actor, item: Item, applicant_person: Person | None, applicant_enterprise: Enterprise | None, consent: AgentConsent | None
) -> AgentConsent:
    """The consent an agent-point submission rests on (ONE-4): the one the agent chose, else the
    newest in force that covers the item. Raises ValidationError on field "consent" otherwise."""
    resident = applicant_person
    if resident is None and applicant_enterprise is not None:
        resident = applicant_enterprise.legal_representative
    day = timezone.localdate()
    if consent is None and resident is not None:
        consent = consents_covering(agent=actor, resident=resident, item=item, day=day).order_by("-given_at", "-id").first()
    reason = _consent_refusal(consent, agent=actor, resident=resident, item=item, day=day)
    if reason is not None:
        raise ValidationError("consent", "required", reason)
    assert consent is not None
    return consent


def agent_case_link(*, actor, case: Case, consent: AgentConsent) -> AgentCase:
    """Inside the submission's transaction: lock the consent, check it still holds (a revocation
    between the check and now wins), and link the case to it."""
    locked = AgentConsent.objects.select_for_update().get(pk=consent.pk)
    resident = case.applicant_person or (case.applicant_enterprise.legal_representative if case.applicant_enterprise else None)
    reason = _consent_refusal(locked, agent=actor, resident=resident, item=case.item, day=timezone.localdate())
    if reason is not None:
        raise ValidationError("consent", "required", reason)
    return AgentCase.objects.create(case=case, consent=locked, agent=actor, point=locked.point)


# --- hand-over ------------------------------------------------------------------------------------


def _has_outcome(case: Case) -> bool:
    return bool(case.decision) or case.status in Case.FINAL_STATUSES


def _clerk_at(user, centre_id: int | None) -> bool:
    profile = permissions.staff_profile(user)
    return bool(centre_id and profile and profile.centre_id == centre_id and user.has_perm("cases.accept_case"))


def handover_record(
    *, actor, case: Case, step: int, papers: list[str] | None = None, note: str = "", signature: bytes = b"", at=None
) -> HandOver:
    """Record the next hand-over step of an agent-point case, strictly in order: 收件 → 递交 (then
    the centre confirms receipt) → 回传 (once the case has its result) → 送达 (resident signs)."""
    link = AgentCase.objects.filter(case=case).select_related("point").first()
    if link is None:
        raise ValidationError("case", "not_agent_case", _("该办件不是代办点代办的办件"))
    receiving_centre_id = link.point.parent_id
    is_agent = agent_point(actor) is not None and agent_point(actor) == link.point
    if step == HandOver.STEP_RETURNED:
        allowed = is_agent or _clerk_at(actor, receiving_centre_id)
    else:
        allowed = is_agent
    if not allowed:
        raise PermissionDenied(_("无权登记该交接环节"))
    if step not in dict(HandOver.STEP_CHOICES):
        raise ValidationError("step", "choice", _("交接环节无效"))
    clean_papers = [p.strip()[:100] for p in (papers or []) if p and p.strip()]
    note = (note or "").strip()[:300]
    errors = ErrorCollector()
    if step in (HandOver.STEP_RECEIVED, HandOver.STEP_FORWARDED) and not clean_papers:
        errors.add("papers", "required", _("请列出交接的材料"))
    if step == HandOver.STEP_DELIVERED and not signature:
        errors.add("signature", "required", _("请上传居民签收的签字图片"))
    errors.raise_if_any()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        done = {h.step: h for h in HandOver.objects.filter(case=case)}
        if step in done:
            raise Conflict(_("“%(step)s”已登记，请刷新后查看") % {"step": done[step].get_step_display()})
        previous = done.get(step - 1)
        if step > HandOver.STEP_RECEIVED and previous is None:
            raise ValidationError("step", "order", _("请先登记“%(step)s”") % {"step": dict(HandOver.STEP_CHOICES)[step - 1]})
        if step == HandOver.STEP_RETURNED:
            assert previous is not None
            if previous.received_at is None:
                raise ValidationError("step", "order", _("中心尚未确认接收递交的材料"))
            if not _has_outcome(case):
                raise ValidationError("step", "no_result", _("办件尚无办理结果，不能回传"))
        stored = ("", "", "")
        if step == HandOver.STEP_DELIVERED:
            stored = _store_private(signature, f"agents/handovers/{case.pk}", images_only=True, field="signature")
        handover = HandOver(
            case=case,
            step=step,
            papers=clean_papers,
            note=note,
            by=actor,
            at=at or timezone.now(),
            centre_id=receiving_centre_id if step in (HandOver.STEP_FORWARDED, HandOver.STEP_RETURNED) else None,
            signature_path=stored[0],
            signature_sha256=stored[2],
        )
        try:
            with transaction.atomic():
                handover.save()
        except IntegrityError:
            raise Conflict() from None
        case_event_append(case=case, kind=STEP_EVENT_KINDS[step], actor=actor, after={"step": step, "papers": clean_papers, "note": note})
        return handover


def handover_confirm_receipt(*, actor, handover: HandOver) -> HandOver:
    """A clerk of the receiving centre confirms the papers the agent handed in (递交)."""
    if handover.step != HandOver.STEP_FORWARDED or not _clerk_at(actor, handover.centre_id):
        raise PermissionDenied(_("只有接收中心的窗口人员可以确认接收"))
    with transaction.atomic():
        handover = HandOver.objects.select_for_update().select_related("case").get(pk=handover.pk)
        if handover.received_at is not None:
            raise Conflict(_("已确认接收，请刷新后查看"))
        handover.received_by = actor
        handover.received_at = timezone.now()
        handover.save(update_fields=["received_by", "received_at"])
        case_event_append(case=handover.case, kind="handover_confirmed", actor=actor, after={"step": handover.step})
    return handover
