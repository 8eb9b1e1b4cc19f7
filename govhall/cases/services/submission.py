"""Applying (CASE-1): drafts, materials, submission, supplementing and withdrawal.

Each function is one user action in one transaction that writes the case and appends its event.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.applicants.models import Enterprise, Person
from govhall.cases import permissions, selectors
from govhall.cases.models import KIND_SUBMITTED, Case, CaseCommitment, CaseMaterial, CaseNumberCounter, CaseTask
from govhall.cases.services.events import case_event_append, case_lock, case_visit_record
from govhall.catalog.form_fields import form_check
from govhall.catalog.models import Item, ItemVersion, Material, SituationOption
from govhall.core.errors import Conflict, ErrorCollector, PermissionDenied, ValidationError
from govhall.org.models import ServiceCentre, Window

if TYPE_CHECKING:
    from govhall.agents.models import AgentConsent

# Digits and capitals without the look-alikes (0/O, 1/I/L) an applicant would misread.
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def query_code_new() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(6))


def case_number_allocate(*, implementation_code: str, day: date) -> str:
    """办件编号 (SPEC appendix): 实施编码 + yyyyMMdd + 4-digit daily sequence per code and day.

    The counter row is locked for the rest of the caller's transaction, so two submissions of the
    same item on the same day queue here; the unique case number is the backstop.
    """
    CaseNumberCounter.objects.get_or_create(implementation_code=implementation_code, day=day)
    counter = CaseNumberCounter.objects.select_for_update().get(implementation_code=implementation_code, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{implementation_code}{day:%Y%m%d}{counter.last:04d}"


def _may_submit_for(actor, person: Person | None, enterprise: Enterprise | None) -> tuple[bool, bool]:
    """(allowed, on_behalf): applicants submit for themselves or their enterprise; staff with the
    permission submit for anyone (window, agent point)."""
    if actor is None or not actor.is_authenticated:
        return False, False
    if person is not None and person.user_id == actor.pk:
        return True, False
    if enterprise is not None and enterprise.legal_representative is not None and enterprise.legal_representative.user_id == actor.pk:
        return True, False
    if actor.has_perm("cases.submit_on_behalf"):
        return True, True
    return False, False


def _check_answers(version: ItemVersion, answers: list[str], errors: ErrorCollector) -> list[str]:
    options = SituationOption.objects.filter(question__version=version).values_list("question__key", "key")
    known = {f"{q}.{o}" for q, o in options}
    seen: set[str] = set()
    clean: list[str] = []
    for ref in answers:
        if not isinstance(ref, str) or ref not in known:
            errors.add("answers", "unknown_option", _("情形选项“%(ref)s”不属于该事项") % {"ref": ref})
            continue
        question = ref.split(".", 1)[0]
        if question in seen:
            errors.add("answers", "one_per_question", _("情形问题“%(question)s”只能选择一个选项") % {"question": question})
            continue
        seen.add(question)
        clean.append(ref)
    return sorted(clean)


def _validate_application(
    *,
    version: ItemVersion,
    item: Item,
    applicant_person: Person | None,
    applicant_enterprise: Enterprise | None,
    channel: str,
    answers: list[str],
    form: Any,
    gaozhi: bool,
    submitting: bool = True,
) -> list[str]:
    errors = ErrorCollector()
    if (applicant_person is None) == (applicant_enterprise is None):
        errors.add("applicant", "exactly_one", _("申请人须为一个自然人或一个法人"))
    if channel not in dict(Case.CHANNEL_CHOICES):
        errors.add("channel", "choice", _("办理渠道无效"))
    if item.status != Item.STATUS_ACTIVE:
        errors.add("item", "inactive", _("该事项当前不可申请"))
    if applicant_person is not None and not version.for_person:
        errors.add("applicant", "audience", _("该事项不面向个人办理"))
    if applicant_enterprise is not None and not version.for_enterprise:
        errors.add("applicant", "audience", _("该事项不面向法人办理"))
    if not isinstance(form, dict):
        errors.add("form", "type", _("申请表格式无效"))
    if gaozhi and not version.commitment_allowed:
        errors.add("gaozhi", "not_allowed", _("该事项不实行告知承诺制"))
    clean_answers = _check_answers(version, list(answers or []), errors)
    # The item's own form fields (catalog/form_fields.py): kind and limits; required on submission.
    form_check(version, form, submitting=submitting, errors=errors)
    errors.raise_if_any()
    return clean_answers


def _fill(case: Case, *, version: ItemVersion, person: Person | None, enterprise: Enterprise | None, on_behalf: bool) -> None:
    """The application's version, answerable department and applicant, as a draft or submission."""
    case.item_version, case.department = version, version.department
    case.applicant_person, case.applicant_enterprise, case.on_behalf = person, enterprise, on_behalf


def case_draft_save(
    *,
    actor,
    item: Item,
    applicant_person: Person | None = None,
    applicant_enterprise: Enterprise | None = None,
    channel: str,
    answers: list[str],
    form: dict[str, Any],
    gaozhi: bool = False,
    case: Case | None = None,
) -> Case:
    """Save an application as a draft (no number yet); saving again updates the same draft."""
    allowed, on_behalf = _may_submit_for(actor, applicant_person, applicant_enterprise)
    if not allowed:
        raise PermissionDenied(_("无权为该申请人提交申请"))
    version = item.current
    clean_answers = _validate_application(
        version=version,
        item=item,
        applicant_person=applicant_person,
        applicant_enterprise=applicant_enterprise,
        channel=channel,
        answers=answers,
        form=form,
        gaozhi=gaozhi,
        submitting=False,
    )
    with transaction.atomic():
        if case is None:
            case = Case(item=item, submitted_by=actor, status=Case.STATUS_DRAFT)
        else:
            case = case_lock(case, statuses=(Case.STATUS_DRAFT,))
            if case.submitted_by_id != actor.pk or case.item_id != item.pk:
                raise PermissionDenied(_("无权修改该草稿"))
        _fill(case, version=version, person=applicant_person, enterprise=applicant_enterprise, on_behalf=on_behalf)
        case.channel, case.answers, case.form, case.gaozhi = channel, clean_answers, form, gaozhi
        case.save()
        return case


def case_submit(
    *,
    actor,
    item: Item,
    applicant_person: Person | None = None,
    applicant_enterprise: Enterprise | None = None,
    channel: str,
    answers: list[str],
    form: dict[str, Any],
    idempotency_key: str | None,
    gaozhi: bool = False,
    draft: Case | None = None,
    window: Window | None = None,
    consent: AgentConsent | None = None,
) -> Case:
    """Submit an application (a draft's, when given). The same idempotency key returns the case
    already submitted, so a double click or a retried request never makes a second case.

    At a window (`channel="window"`) the applicant is there: the visit is counted and the case
    waits at that window's centre for acceptance. An agent-point submission needs the resident's
    consent (ONE-4): `consent`, or the agent's newest one in force covering the item.
    """
    key = (idempotency_key or "").strip() or None
    if key is not None:
        existing = _existing_for_key(actor, key)
        if existing is not None:
            return existing
    allowed, on_behalf = _may_submit_for(actor, applicant_person, applicant_enterprise)
    if not allowed:
        raise PermissionDenied(_("无权为该申请人提交申请"))
    version = item.current
    clean_answers = _validate_application(
        version=version,
        item=item,
        applicant_person=applicant_person,
        applicant_enterprise=applicant_enterprise,
        channel=channel,
        answers=answers,
        form=form,
        gaozhi=gaozhi,
    )
    if channel == Case.CHANNEL_WINDOW and window is None:
        profile = permissions.staff_profile(actor)
        window = profile.window if profile else None
    if channel == Case.CHANNEL_WINDOW and window is not None and window.centre.level == ServiceCentre.LEVEL_VILLAGE:
        # A 嘎查村（社区）代办员 applying for a resident: the case came through the agent point, and
        # the resident did not travel to a hall.
        channel = Case.CHANNEL_AGENT_POINT
    if channel == Case.CHANNEL_AGENT_POINT and on_behalf:
        from govhall.agents.services import agent_case_link, submission_consent

        consent = submission_consent(
            actor=actor, item=item, applicant_person=applicant_person, applicant_enterprise=applicant_enterprise, consent=consent
        )
    try:
        with transaction.atomic():
            now = timezone.now()
            if draft is not None:
                case = case_lock(draft, statuses=(Case.STATUS_DRAFT,))
                if case.submitted_by_id != actor.pk or case.item_id != item.pk:
                    raise PermissionDenied(_("无权提交该草稿"))
            else:
                case = Case(item=item, submitted_by=actor)
            case.number = case_number_allocate(implementation_code=item.implementation_code, day=timezone.localdate(now))
            case.query_code = query_code_new()
            _fill(case, version=version, person=applicant_person, enterprise=applicant_enterprise, on_behalf=on_behalf)
            case.channel, case.answers, case.form, case.gaozhi = channel, clean_answers, form, gaozhi
            case.status = Case.STATUS_SUBMITTED
            case.idempotency_key = key
            case.submitted_at = now
            if window is not None:
                case.window = window
                case.centre = window.centre
            case.save()
            case_event_append(
                case=case,
                kind=KIND_SUBMITTED,
                actor=actor,
                before={"status": Case.STATUS_DRAFT},
                after={
                    "status": case.status,
                    "channel": channel,
                    "item_version": version.number,
                    "answers": clean_answers,
                    "on_behalf": on_behalf,
                    "gaozhi": gaozhi,
                },
            )
            if consent is not None and channel == Case.CHANNEL_AGENT_POINT and on_behalf:
                agent_case_link(actor=actor, case=case, consent=consent)
            if channel == Case.CHANNEL_WINDOW:
                case_visit_record(case=case, actor=actor)
                case.save(update_fields=["visits", "last_visit_on"])
            # 免提交 (DATA-2, DATA-3): materials the government already holds, recorded on the case
            # with the look-ups that found them, in this same transaction.
            from govhall.shareddata.services import case_data_use_record

            case_data_use_record(actor=actor, case=case)
            return case
    except IntegrityError:
        # A retry with the same key committed while this one was validating.
        existing = _existing_for_key(actor, key) if key is not None else None
        if existing is None:
            raise
        return existing


def _existing_for_key(actor, key: str) -> Case | None:
    case = Case.objects.filter(idempotency_key=key).first()
    if case is None:
        return None
    if case.submitted_by_id != getattr(actor, "pk", None):
        # Someone else's key: answer as for a bad request, without revealing their case.
        raise ValidationError("idempotency_key", "conflict", _("请求标识已被使用，请刷新后重试"))
    return case


# --- materials -----------------------------------------------------------------------------------

# Content signatures: the type is decided by the bytes, never by the file name or the browser.
_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def sniff_content_type(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, extension in _SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def private_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "private"


# Where the applicant side may still add files: while drafting, waiting for pre-review, after a
# 补正 notice, and while a 容缺 commitment is open.
UPLOAD_STATUSES = (Case.STATUS_DRAFT, Case.STATUS_SUBMITTED, Case.STATUS_SUPPLEMENT, Case.STATUS_IN_PROGRESS)


def case_material_upload(*, actor, case: Case, material: Material | None, data: bytes, filename: str, name: str = "") -> CaseMaterial:
    """Attach a file to a case: PDF, JPEG or PNG by content, at most GOVHALL_UPLOAD_MAX_BYTES,
    stored under MEDIA_ROOT/private (never served directly)."""
    if not (permissions.is_applicant_side(actor, case) or permissions.can_accept_at_window(actor, case)):
        raise PermissionDenied(_("无权为该办件上传材料"))
    errors = ErrorCollector()
    limit = settings.GOVHALL_UPLOAD_MAX_BYTES
    if not data:
        errors.add("file", "required", _("请选择要上传的文件"))
    elif len(data) > limit:
        errors.add("file", "max_size", _("文件不能超过 %(mb)d MB") % {"mb": limit // (1024 * 1024)})
    sniffed = sniff_content_type(data[:16]) if data else None
    if data and sniffed is None:
        errors.add("file", "content_type", _("只接受 PDF、JPEG 或 PNG 文件（按文件内容判断）"))
    if material is not None and material.version_id != case.item_version_id:
        errors.add("material", "unknown", _("该材料不属于本事项"))
    if material is None and not name.strip():
        errors.add("name", "required", _("请填写材料名称"))
    errors.raise_if_any()
    assert sniffed is not None
    content_type, extension = sniffed
    with transaction.atomic():
        case = case_lock(case, statuses=UPLOAD_STATUSES)
        if (
            case.status == Case.STATUS_IN_PROGRESS
            and not case.commitments.filter(kind=CaseCommitment.KIND_RONGQUE, status=CaseCommitment.STATUS_OPEN).exists()
        ):
            raise Conflict(_("办件已受理，只有容缺受理的办件可以补交材料"))
        relative = Path("cases") / str(case.pk) / f"{uuid.uuid4().hex}.{extension}"
        target = private_root() / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        # The file is written before the row; if the transaction fails, do not leave it behind.
        if material is not None:
            CaseMaterial.objects.filter(case=case, material=material, replaced=False).update(replaced=True)
        row = CaseMaterial.objects.create(
            case=case,
            material=material,
            name=(material.name if material is not None else name.strip())[:200],
            path=str(relative),
            original_name=Path(filename or "upload").name[:200],
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=actor,
        )
        if case.status != Case.STATUS_DRAFT:
            case_event_append(
                case=case, kind="material_uploaded", actor=actor, after={"material": row.name, "sha256": row.sha256, "size": row.size}
            )
        return row


def case_material_path(row: CaseMaterial) -> Path:
    return private_root() / row.path


# --- supplementing and withdrawing ---------------------------------------------------------------


def case_supplement_submit(*, actor, case: Case) -> Case:
    """The applicant has supplemented after a 补正 notice: every point of the notice answered by a
    file uploaded after it; the case goes back to pre-review."""
    if not permissions.is_applicant_side(actor, case):
        raise PermissionDenied(_("无权提交补正材料"))
    with transaction.atomic():
        case = case_lock(case, statuses=(Case.STATUS_SUPPLEMENT,))
        notice = selectors.supplement_notice(case=case)
        points = notice.body.get("points", []) if notice is not None else []
        errors = ErrorCollector()
        for index in selectors.supplement_points_unanswered(case=case, notice=notice):
            errors.add(f"points.{index}", "not_supplemented", _("补正材料“%(name)s”尚未上传") % {"name": points[index].get("name", "")})
        errors.raise_if_any()
        case.status = Case.STATUS_SUBMITTED
        case.save(update_fields=["status", "updated_at"])
        case_event_append(
            case=case, kind="supplemented", actor=actor, before={"status": Case.STATUS_SUPPLEMENT}, after={"status": case.status}
        )
        return case


def case_withdraw(*, actor, case: Case, reason: str) -> Case:
    """The applicant withdraws (撤回) before the decision; open tasks are cancelled."""
    if not (permissions.is_case_owner(actor, case) or (case.on_behalf and case.submitted_by_id == actor.pk)):
        raise PermissionDenied(_("只有申请人本人可以撤回申请"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", "required", _("请填写撤回理由"))
    with transaction.atomic():
        case = case_lock(
            case,
            statuses=(
                Case.STATUS_SUBMITTED,
                Case.STATUS_SUPPLEMENT,
                Case.STATUS_IN_PROGRESS,
                Case.STATUS_SUSPENDED,
                Case.STATUS_TO_DELIVER,
            ),
        )
        # Once decided (even while the licence is still being made) the decision stands.
        if case.decision:
            raise ValidationError("status", "decided", _("已作出决定，不能再撤回申请"))
        before = case.status
        case.status = Case.STATUS_WITHDRAWN
        case.closed_reason = reason[:1000]
        case.finished_at = timezone.now()
        case.save(update_fields=["status", "closed_reason", "finished_at", "updated_at"])
        CaseTask.objects.filter(case=case, status=CaseTask.STATUS_OPEN).update(status=CaseTask.STATUS_CANCELLED)
        case_event_append(
            case=case, kind="withdrawn", actor=actor, before={"status": before}, after={"status": case.status, "reason": reason}
        )
        return case


def case_draft_delete(*, actor, case: Case) -> None:
    with transaction.atomic():
        case = case_lock(case, statuses=(Case.STATUS_DRAFT,))
        if case.submitted_by_id != actor.pk:
            raise PermissionDenied(_("无权删除该草稿"))
        for row in case.materials.all():
            case_material_path(row).unlink(missing_ok=True)
        case.materials.all().delete()
        case.delete()
