"""一窗综合受理 (CASE-3): the decisions a clerk takes on a submission, each with its document.

受理 starts the clock and the item's approval process; 不予受理 ends the case with a reason; 补正
lists every missing or defective material at once and stops until the applicant supplements;
容缺受理 accepts an item on the 容缺 list with a written commitment and a deadline, and no
decision can be made until the materials arrive. All of them lock the submission first: of two
clerks acting at once, exactly one succeeds and the other is told it was handled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases import permissions
from govhall.cases.clock import case_clock_refresh
from govhall.cases.models import KIND_ACCEPTED, Case, CaseCommitment, CaseDocument, CaseMaterial, MaterialReview
from govhall.cases.services.approval import process_start
from govhall.cases.services.events import case_document_issue, case_event_append, case_lock, case_visit_record
from govhall.catalog.models import Material
from govhall.core.calendar import add_working_days
from govhall.core.errors import ErrorCollector, PermissionDenied, ValidationError


@dataclass(frozen=True)
class MaterialFinding:
    """The clerk's finding on one material of the item's list: ok, missing or defective."""

    material_id: int
    result: str
    note: str = ""


def _require_clerk(actor, case: Case) -> None:
    if not permissions.can_accept_at_window(actor, case):
        raise PermissionDenied(_("您所在的窗口不能受理该事项"))


def _require_not_bundle_part(case: Case, via_bundle: bool) -> None:
    """A child case of a 一件事 bundle is accepted, refused or sent for 补正 together with its
    siblings, in the bundle's own acceptance (govhall.bundles.services), never one by one."""
    if not via_bundle and hasattr(case, "bundle_part"):
        raise ValidationError("case", "bundle_part", _("该办件属于一件事“一次办”办件，请在一件事受理中办理"))


def _record_findings(
    *, actor, case: Case, findings: Sequence[MaterialFinding], errors: ErrorCollector
) -> list[tuple[Material, MaterialFinding]]:
    by_id = {m.pk: m for m in Material.objects.filter(version=case.item_version)}
    recorded = []
    for finding in findings:
        material = by_id.get(finding.material_id)
        if material is None:
            errors.add("findings", "unknown_material", _("材料 %(id)s 不属于本事项") % {"id": finding.material_id})
            continue
        if finding.result not in (CaseMaterial.REVIEW_OK, CaseMaterial.REVIEW_MISSING, CaseMaterial.REVIEW_DEFECTIVE):
            errors.add("findings", "result", _("材料“%(name)s”的审核结果无效") % {"name": material.name})
            continue
        recorded.append((material, finding))
    return recorded


def _save_findings(*, actor, case: Case, recorded: list[tuple[Material, MaterialFinding]]) -> None:
    for material, finding in recorded:
        MaterialReview.objects.update_or_create(
            case=case, material=material, defaults={"result": finding.result, "note": finding.note[:300], "reviewed_by": actor}
        )


def _accept(*, actor, case: Case, kind: str, body: dict, today) -> CaseDocument:
    profile = permissions.staff_profile(actor)
    now = timezone.now()
    case.status = Case.STATUS_IN_PROGRESS
    case.accepted_at = now
    case.accepted_on = today
    case.accepted_by = actor
    if profile is not None and profile.window is not None:
        case.window = profile.window
        case.centre = profile.window.centre
    case.limit_days = case.item_version.promised_limit_days
    case_clock_refresh(case, today=today)
    if case.channel == Case.CHANNEL_WINDOW:
        case_visit_record(case=case, actor=actor, on=today)
    case.save()
    case_event_append(
        case=case,
        kind=KIND_ACCEPTED if kind == CaseDocument.KIND_ACCEPTANCE else "rongque_accepted",
        actor=actor,
        before={"status": Case.STATUS_SUBMITTED},
        after={
            "status": case.status,
            "accepted_on": today.isoformat(),
            "limit_days": case.limit_days,
            "due_date": case.due_date.isoformat() if case.due_date else None,
        },
    )
    body = {
        **body,
        "accepted_on": today.isoformat(),
        "limit_days": case.limit_days,
        "due_date": case.due_date.isoformat() if case.due_date else None,
    }
    document = case_document_issue(case=case, kind=kind, actor=actor, body=body)
    process_start(case=case, actor=actor)
    return document


def case_accept(*, actor, case: Case, findings: Sequence[MaterialFinding] = (), via_bundle: bool = False) -> CaseDocument:
    """受理: issue the 受理通知书, start the clock (the day of acceptance is not counted) and the
    approval process."""
    _require_clerk(actor, case)
    _require_not_bundle_part(case, via_bundle)
    errors = ErrorCollector()
    recorded = _record_findings(actor=actor, case=case, findings=findings, errors=errors)
    for material, finding in recorded:
        if finding.result != CaseMaterial.REVIEW_OK and material.required:
            errors.add(
                "findings",
                "incomplete",
                _("材料“%(name)s”缺少或有误：请一次性告知补正，或对容缺事项容缺受理") % {"name": material.name},
            )
    errors.raise_if_any()
    today = timezone.localdate()
    with transaction.atomic():
        case = case_lock(case, statuses=(Case.STATUS_SUBMITTED,))
        _save_findings(actor=actor, case=case, recorded=recorded)
        return _accept(actor=actor, case=case, kind=CaseDocument.KIND_ACCEPTANCE, body={}, today=today)


def case_accept_rongque(
    *,
    actor,
    case: Case,
    missing_material_ids: Sequence[int],
    commitment_text: str,
    days: int | None = None,
    findings: Sequence[MaterialFinding] = (),
    via_bundle: bool = False,
) -> CaseDocument:
    """容缺受理 (`004`): accept an item on the 容缺 list while listed materials are still missing,
    on the applicant's written commitment to bring them within `days` working days."""
    _require_clerk(actor, case)
    _require_not_bundle_part(case, via_bundle)
    days = settings.GOVHALL_RONGQUE_DAYS if days is None else days
    errors = ErrorCollector()
    if not case.item_version.rongque:
        errors.add("rongque", "not_listed", _("该事项不在容缺受理清单内"))
    by_id = {m.pk: m for m in Material.objects.filter(version=case.item_version)}
    missing: list[Material] = []
    for material_id in missing_material_ids:
        material = by_id.get(material_id)
        if material is None:
            errors.add("missing_materials", "unknown_material", _("材料 %(id)s 不属于本事项") % {"id": material_id})
        elif not material.rongque_allowed:
            errors.add("missing_materials", "not_rongque", _("材料“%(name)s”不可容缺，须补正后受理") % {"name": material.name})
        else:
            missing.append(material)
    if not missing_material_ids:
        errors.add("missing_materials", "required", _("请选择容缺的材料"))
    if not (commitment_text or "").strip():
        errors.add("commitment_text", "required", _("请填写申请人的书面承诺"))
    if not 1 <= days <= 30:
        errors.add("days", "range", _("补齐期限须为 1 至 30 个工作日"))
    recorded = _record_findings(actor=actor, case=case, findings=findings, errors=errors)
    missing_ids = {m.pk for m in missing}
    for material, finding in recorded:
        if finding.result != CaseMaterial.REVIEW_OK and material.required and material.pk not in missing_ids:
            errors.add("findings", "incomplete", _("材料“%(name)s”缺少或有误且不可容缺，须先补正") % {"name": material.name})
    errors.raise_if_any()
    today = timezone.localdate()
    with transaction.atomic():
        case = case_lock(case, statuses=(Case.STATUS_SUBMITTED,))
        _save_findings(actor=actor, case=case, recorded=recorded)
        due = add_working_days(today, days)
        names = [m.name for m in missing]
        CaseCommitment.objects.create(
            case=case,
            kind=CaseCommitment.KIND_RONGQUE,
            materials=[{"id": m.pk, "name": m.name} for m in missing],
            text=commitment_text.strip(),
            due_date=due,
            created_by=actor,
        )
        return _accept(
            actor=actor,
            case=case,
            kind=CaseDocument.KIND_RONGQUE,
            body={"missing": names, "commitment": commitment_text.strip(), "supplement_due": due.isoformat()},
            today=today,
        )


def case_refuse(*, actor, case: Case, reason: str, via_bundle: bool = False) -> CaseDocument:
    """不予受理 with the reason (行政许可法 §32: not within the department's remit, not needing a
    licence …); the case ends and the applicant gets the 不予受理通知书."""
    _require_clerk(actor, case)
    _require_not_bundle_part(case, via_bundle)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", "required", _("请填写不予受理的理由"))
    with transaction.atomic():
        case = case_lock(case, statuses=(Case.STATUS_SUBMITTED,))
        case.status = Case.STATUS_NOT_ACCEPTED
        case.closed_reason = reason[:1000]
        case.finished_at = timezone.now()
        profile = permissions.staff_profile(actor)
        if profile is not None and profile.window is not None:
            case.window, case.centre = profile.window, profile.window.centre
        case.save()
        case_event_append(
            case=case,
            kind="not_accepted",
            actor=actor,
            before={"status": Case.STATUS_SUBMITTED},
            after={"status": case.status, "reason": reason},
        )
        return case_document_issue(case=case, kind=CaseDocument.KIND_NOT_ACCEPTED, actor=actor, body={"reason": reason})


@dataclass(frozen=True)
class SupplementPoint:
    """One thing to supplement: a material of the item (by id) or another point, and the problem."""

    problem: str
    material_id: int | None = None
    name: str = ""


def case_request_supplement(*, actor, case: Case, points: Sequence[SupplementPoint], via_bundle: bool = False) -> CaseDocument:
    """补正: one notice listing every missing or defective material at once (一次性告知). The
    acceptance clock does not start until the applicant has supplemented."""
    _require_clerk(actor, case)
    _require_not_bundle_part(case, via_bundle)
    errors = ErrorCollector()
    by_id = {m.pk: m for m in Material.objects.filter(version=case.item_version)}
    listed: list[dict] = []
    if not points:
        errors.add("points", "required", _("请列出需要补正的全部材料"))
    for point in points:
        if not point.problem.strip():
            errors.add("points", "problem_required", _("请写明每项材料需要补正的内容"))
            continue
        if point.material_id is not None:
            material = by_id.get(point.material_id)
            if material is None:
                errors.add("points", "unknown_material", _("材料 %(id)s 不属于本事项") % {"id": point.material_id})
                continue
            listed.append({"material_id": material.pk, "name": material.name, "problem": point.problem.strip()})
        elif point.name.strip():
            listed.append({"material_id": None, "name": point.name.strip(), "problem": point.problem.strip()})
        else:
            errors.add("points", "name_required", _("请写明需要补正的材料名称"))
    errors.raise_if_any()
    with transaction.atomic():
        case = case_lock(case, statuses=(Case.STATUS_SUBMITTED,))
        case.status = Case.STATUS_SUPPLEMENT
        profile = permissions.staff_profile(actor)
        if profile is not None and profile.window is not None:
            case.window, case.centre = profile.window, profile.window.centre
        case.save()
        for entry in listed:
            if entry["material_id"] is not None:
                MaterialReview.objects.update_or_create(
                    case=case,
                    material_id=entry["material_id"],
                    defaults={"result": CaseMaterial.REVIEW_DEFECTIVE, "note": str(entry["problem"])[:300], "reviewed_by": actor},
                )
        case_event_append(
            case=case,
            kind="supplement_requested",
            actor=actor,
            before={"status": Case.STATUS_SUBMITTED},
            after={"status": case.status, "points": listed},
        )
        return case_document_issue(case=case, kind=CaseDocument.KIND_SUPPLEMENT, actor=actor, body={"points": listed})


def commitment_fulfil(*, actor, case: Case) -> CaseCommitment:
    """The 容缺 materials have arrived: each committed material has a file uploaded after the
    commitment. From now on the decision may be made."""
    if not (
        permissions.is_applicant_side(actor, case) or permissions.can_accept_at_window(actor, case) or permissions.can_handle(actor, case)
    ):
        raise PermissionDenied(_("无权办理该办件"))
    with transaction.atomic():
        case = case_lock(case, statuses=(Case.STATUS_IN_PROGRESS, Case.STATUS_SUSPENDED))
        commitment = (
            case.commitments.select_for_update().filter(kind=CaseCommitment.KIND_RONGQUE, status=CaseCommitment.STATUS_OPEN).first()
        )
        if commitment is None:
            raise ValidationError("commitment", "none_open", _("该办件没有待补齐的容缺材料"))
        errors = ErrorCollector()
        for entry in commitment.materials:
            uploaded = CaseMaterial.objects.filter(
                case=case, material_id=entry["id"], replaced=False, uploaded_at__gte=commitment.created_at
            ).exists()
            if not uploaded:
                errors.add("materials", "missing", _("容缺材料“%(name)s”尚未上传") % {"name": entry["name"]})
        errors.raise_if_any()
        commitment.status = CaseCommitment.STATUS_FULFILLED
        commitment.closed_by = actor
        commitment.closed_at = timezone.now()
        commitment.save(update_fields=["status", "closed_by", "closed_at"])
        case_event_append(
            case=case,
            kind="rongque_fulfilled",
            actor=actor,
            after={"materials": [m["name"] for m in commitment.materials], "late": timezone.localdate() > commitment.due_date},
        )
        return commitment
