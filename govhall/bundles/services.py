"""Bundle actions (ONE-1, ONE-5): submit, accept (once for every item), 补正 / 不予受理 for the
whole bundle, and the one delivery. Each is one transaction that calls the case services for every
child case, so a child case is exactly an ordinary case of its item (parallel approval needs
nothing here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.applicants.models import Enterprise, Person
from govhall.bundles import selectors
from govhall.bundles.models import Bundle, BundleCase, BundleCasePart
from govhall.cases.models import Case, CaseMaterial
from govhall.cases.services import (
    SupplementPoint,
    case_accept,
    case_deliver,
    case_draft_save,
    case_material_upload,
    case_refuse,
    case_request_supplement,
    case_submit,
)
from govhall.cases.services.submission import case_number_allocate, query_code_new
from govhall.catalog.form_fields import form_values_clean, version_fields
from govhall.core.calendar import CalendarError, add_working_days
from govhall.core.errors import Conflict, ErrorCollector, PermissionDenied, ValidationError
from govhall.org.models import ServiceCentre, Window

# The generic contact fields every child case carries (as the single-item apply page stores them).
CONTACT_LABELS = {"contact_name": "联系人", "contact_phone": "联系电话", "address": "通讯地址"}


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str


def _may_submit_for(actor, person: Person | None, enterprise: Enterprise | None) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    if person is not None and person.user_id == actor.pk:
        return True
    if enterprise is not None and enterprise.legal_representative is not None and enterprise.legal_representative.user_id == actor.pk:
        return True
    return actor.has_perm("cases.submit_on_behalf")


def bundle_due(start: dt.date, days: int) -> tuple[dt.date | None, str]:
    """The bundle's overall due date: `days` working days after acceptance (the day of acceptance
    not counted, as for a single case — 行政许可法 第八十二条 counts working days). A year whose
    calendar is not loaded leaves it empty and says so; the sweep fills it in later."""
    try:
        return add_working_days(start, days), ""
    except CalendarError as exc:
        return None, _("期限待定（%(year)s年工作日历未载入）") % {"year": exc.year}


def _check_answers(plan: selectors.Plan, answers: list[str], errors: ErrorCollector, *, submitting: bool) -> None:
    known = {f"{q.key}.{o.key}" for q in plan.questions for o in q.options.all()}
    seen: set[str] = set()
    for ref in answers:
        if ref not in known:
            errors.add("answers", "unknown_option", _("情形选项“%(ref)s”不属于该套餐") % {"ref": ref})
            continue
        question_key = ref.split(".", 1)[0]
        if question_key in seen:
            errors.add("answers", "one_per_question", _("情形问题“%(question)s”只能选择一个选项") % {"question": question_key})
        seen.add(question_key)
    if submitting:
        for question in plan.unanswered:
            errors.add(f"answers.{question.key}", "required", _("请回答：%(text)s") % {"text": question.text})


def _county_centre() -> ServiceCentre | None:
    return ServiceCentre.objects.filter(level=ServiceCentre.LEVEL_COUNTY).order_by("id").first()


def bundle_case_submit(
    *,
    actor,
    bundle: Bundle,
    applicant_person: Person | None = None,
    applicant_enterprise: Enterprise | None = None,
    channel: str,
    answers: list[str],
    values: dict[str, Any],
    contact: dict[str, str] | None = None,
    uploads: dict[str, Upload] | None = None,
    idempotency_key: str | None = None,
    window: Window | None = None,
) -> BundleCase:
    """One questionnaire, one form (each field once), one set of materials (each document once):
    one child case per item that applies, all in one transaction. `values` by field key,
    `uploads` by material identity (selectors.material_identity)."""
    key = (idempotency_key or "").strip()[:90] or None
    if key is not None:
        existing = BundleCase.objects.filter(idempotency_key=key).first()
        if existing is not None:
            if existing.submitted_by_id != getattr(actor, "pk", None):
                raise ValidationError("idempotency_key", "conflict", _("请求标识已被使用，请刷新后重试"))
            return existing
    if not _may_submit_for(actor, applicant_person, applicant_enterprise):
        raise PermissionDenied(_("无权为该申请人提交申请"))
    errors = ErrorCollector()
    if bundle.status != Bundle.STATUS_ACTIVE:
        errors.add("bundle", "inactive", _("该套餐当前不可申请"))
    if (applicant_person is None) == (applicant_enterprise is None):
        errors.add("applicant", "exactly_one", _("申请人须为一个自然人或一个法人"))
    elif bundle.audience == Bundle.AUDIENCE_ENTERPRISE and applicant_enterprise is None:
        errors.add("applicant", "audience", _("该套餐面向法人办理"))
    elif bundle.audience == Bundle.AUDIENCE_PERSON and applicant_person is None:
        errors.add("applicant", "audience", _("该套餐面向个人办理"))
    if channel not in dict(Case.CHANNEL_CHOICES):
        errors.add("channel", "choice", _("办理渠道无效"))
    answers = [str(a) for a in (answers or [])]
    plan = selectors.bundle_plan(bundle, answers)
    _check_answers(plan, answers, errors, submitting=True)
    if not plan.items:
        errors.add("answers", "no_items", _("按所选情形，本套餐没有需要办理的事项"))
    form = form_values_clean(plan.fields, values or {}, submitting=True, errors=errors)
    contact = {k: str(v).strip() for k, v in (contact or {}).items() if k in CONTACT_LABELS}
    if not contact.get("contact_phone"):
        errors.add("contact_phone", "required", _("请填写联系电话"))
    identities = {pm.identity for pm in plan.materials}
    for identity in uploads or {}:
        if identity not in identities:
            errors.add("materials", "unknown", _("材料“%(name)s”不属于本套餐") % {"name": identity.split(":", 1)[-1]})
    errors.raise_if_any()
    if channel == Case.CHANNEL_WINDOW and window is None:
        from govhall.cases.permissions import staff_profile

        profile = staff_profile(actor)
        window = profile.window if profile else None
    contact_form = {CONTACT_LABELS[k]: v[:200] for k, v in contact.items() if v}
    try:
        with transaction.atomic():
            now = timezone.now()
            bundle_case = BundleCase.objects.create(
                bundle=bundle,
                number=case_number_allocate(implementation_code=bundle.code.replace("-", "").upper(), day=timezone.localdate(now)),
                query_code=query_code_new(),
                applicant_person=applicant_person,
                applicant_enterprise=applicant_enterprise,
                submitted_by=actor,
                channel=channel,
                answers=plan.answers,
                form={**contact_form, **form},
                idempotency_key=key,
                # Always a centre (the bundle's, else the county centre): a bundle case with none would
                # be in every centre's queue.
                centre=window.centre if window is not None else (bundle.centre or _county_centre()),
                window=window,
                submitted_at=now,
            )
            drafts: dict[int, Case] = {}
            for bi in plan.items:
                labels = {spec.label for spec, _r in version_fields(bi.item.current)}
                child_form = {
                    **contact_form,
                    "申请事项说明": _("一件事一次办：%(bundle)s（%(number)s）") % {"bundle": bundle.name, "number": bundle_case.number},
                    **{label: value for label, value in form.items() if label in labels},
                }
                drafts[bi.item_id] = case_draft_save(
                    actor=actor,
                    item=bi.item,
                    applicant_person=applicant_person,
                    applicant_enterprise=applicant_enterprise,
                    channel=channel,
                    answers=list(bi.item_answers or []),
                    form=child_form,
                )
            # One upload serves every item that needs the document: stored once, each child case's
            # material row points at the same file.
            for pm in plan.materials:
                upload = (uploads or {}).get(pm.identity)
                if upload is None:
                    continue
                first: CaseMaterial | None = None
                for bi, material in pm.uses:
                    case = drafts[bi.item_id]
                    if first is None:
                        first = case_material_upload(actor=actor, case=case, material=material, data=upload.data, filename=upload.filename)
                        continue
                    CaseMaterial.objects.create(
                        case=case,
                        material=material,
                        name=material.name[:200],
                        path=first.path,
                        original_name=first.original_name,
                        content_type=first.content_type,
                        size=first.size,
                        sha256=first.sha256,
                        uploaded_by=actor,
                    )
            for seq, bi in enumerate(plan.items, start=1):
                draft = drafts[bi.item_id]
                case = case_submit(
                    actor=actor,
                    item=bi.item,
                    applicant_person=applicant_person,
                    applicant_enterprise=applicant_enterprise,
                    channel=channel,
                    answers=list(draft.answers),
                    form=draft.form,
                    idempotency_key=f"{key}:{seq}" if key else None,
                    draft=draft,
                    window=window,
                )
                BundleCasePart.objects.create(bundle_case=bundle_case, item=bi.item, seq=seq, case=case)
            return bundle_case
    except IntegrityError:
        # Two submissions with the same idempotency key at once: the other one won; return its case.
        existing = BundleCase.objects.filter(idempotency_key=key).first() if key is not None else None
        if existing is None or existing.submitted_by_id != getattr(actor, "pk", None):
            raise
        return existing


# --- the clerk's decisions for the whole bundle ---------------------------------------------------------


def _lock(bundle_case: BundleCase, *, actor, statuses: tuple[str, ...]) -> BundleCase:
    if not selectors.can_accept(actor, bundle_case):
        raise PermissionDenied(_("您所在的中心不能受理该套餐"))
    locked = BundleCase.objects.select_for_update().get(pk=bundle_case.pk)
    bundle_case_sync(locked)
    if locked.status not in statuses:
        raise Conflict(_("该套餐办件已被他人处理，当前状态为“%(status)s”，请刷新后查看") % {"status": locked.get_status_display()})
    return locked


def _children(bundle_case: BundleCase) -> list[Case]:
    return [part.case for part in bundle_case.parts.select_related("case__item_version").order_by("seq")]


def bundle_case_accept(*, actor, bundle_case: BundleCase) -> BundleCase:
    """One acceptance: every child case accepted (受理通知书 each, its own clock and process) and
    the bundle's own clock started — its overall limit in working days (ONE-5: 企业开办 1 day)."""
    with transaction.atomic():
        bundle_case = _lock(bundle_case, actor=actor, statuses=(BundleCase.STATUS_SUBMITTED,))
        for case in _children(bundle_case):
            if case.status == Case.STATUS_SUBMITTED:
                case_accept(actor=actor, case=case, via_bundle=True)
        now = timezone.now()
        today = timezone.localdate(now)
        profile_window = getattr(getattr(actor, "staff", None), "window", None)
        bundle_case.status = BundleCase.STATUS_IN_PROGRESS
        bundle_case.accepted_at, bundle_case.accepted_on, bundle_case.accepted_by = now, today, actor
        if profile_window is not None:
            bundle_case.window, bundle_case.centre = profile_window, profile_window.centre
        bundle_case.limit_days = bundle_case.bundle.limit_days
        bundle_case.due_date, bundle_case.due_note = bundle_due(today, bundle_case.limit_days)
        bundle_case.save()
        bundle_case_sync(bundle_case)
        return bundle_case


def bundle_case_refuse(*, actor, bundle_case: BundleCase, reason: str) -> BundleCase:
    """不予受理 for the whole bundle: each child case gets its 不予受理通知书 with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", "required", _("请填写不予受理的理由"))
    with transaction.atomic():
        bundle_case = _lock(bundle_case, actor=actor, statuses=(BundleCase.STATUS_SUBMITTED,))
        for case in _children(bundle_case):
            if case.status == Case.STATUS_SUBMITTED:
                case_refuse(actor=actor, case=case, reason=reason, via_bundle=True)
        bundle_case.status = BundleCase.STATUS_NOT_ACCEPTED
        bundle_case.closed_reason = reason[:1000]
        bundle_case.finished_at = timezone.now()
        bundle_case.save()
        return bundle_case


def bundle_case_request_supplement(*, actor, bundle_case: BundleCase, points: list[dict[str, str]]) -> BundleCase:
    """补正 for the whole bundle, told once: each point (`identity` of a material of the plan, or a
    free `name`, with its `problem`) goes to every child case that needs that material; a point
    without a material goes to all of them."""
    errors = ErrorCollector()
    if not points:
        errors.add("points", "required", _("请列出需要补正的全部材料"))
    for point in points:
        if not str(point.get("problem", "")).strip():
            errors.add("points", "problem_required", _("请写明每项材料需要补正的内容"))
    errors.raise_if_any()
    with transaction.atomic():
        bundle_case = _lock(bundle_case, actor=actor, statuses=(BundleCase.STATUS_SUBMITTED,))
        matched: set[str] = set()
        for case in _children(bundle_case):
            mine: list[SupplementPoint] = []
            by_identity = {selectors.material_identity(m): m for m in case.item_version.materials.all()}
            for point in points:
                problem = str(point["problem"]).strip()
                identity = point.get("identity") or ""
                if identity:
                    material = by_identity.get(identity)
                    if material is not None:
                        matched.add(identity)
                        mine.append(SupplementPoint(problem=problem, material_id=material.pk))
                else:
                    mine.append(SupplementPoint(problem=problem, name=str(point.get("name", "")).strip() or _("其他材料")))
            if mine and case.status == Case.STATUS_SUBMITTED:
                case_request_supplement(actor=actor, case=case, points=mine, via_bundle=True)
        unknown = [str(p.get("identity")) for p in points if p.get("identity") and p.get("identity") not in matched]
        if unknown:
            # Rolls back the notices above: a point no item needs would silently be dropped.
            raise ValidationError(
                "points",
                "unknown_material",
                _("材料“%(name)s”不属于本套餐的任何事项") % {"name": unknown[0].split(":", 1)[-1]},
            )
        bundle_case.status = BundleCase.STATUS_SUPPLEMENT
        bundle_case.save(update_fields=["status", "updated_at"])
        return bundle_case


def bundle_case_deliver(*, actor, bundle_case: BundleCase, method: str, address: str = "") -> BundleCase:
    """One delivery when every item is decided: each child delivered (准予 and 不予 alike); the
    bundle is 已办结, or 部分办结 when an item was refused — the others' results stand."""
    if method not in dict(Case.DELIVERY_CHOICES):
        raise ValidationError("method", "choice", _("送达方式无效"))
    if method == Case.DELIVERY_POST and not (address or "").strip():
        raise ValidationError("address", "required", _("邮寄送达须填写邮寄地址"))
    with transaction.atomic():
        locked = BundleCase.objects.select_for_update().get(pk=bundle_case.pk)
        if not selectors.can_accept(actor, locked):
            raise PermissionDenied(_("您所在的中心不能为该套餐出件"))
        bundle_case_sync(locked)
        if locked.status in (BundleCase.STATUS_SUBMITTED, BundleCase.STATUS_SUPPLEMENT, BundleCase.STATUS_IN_PROGRESS):
            raise Conflict(_("尚有事项在办理中，全部办结后一次出件"))
        if locked.status != BundleCase.STATUS_TO_DELIVER:
            raise Conflict(_("该套餐办件已被他人处理，当前状态为“%(status)s”，请刷新后查看") % {"status": locked.get_status_display()})
        for case in _children(locked):
            if case.status == Case.STATUS_TO_DELIVER:
                case_deliver(actor=actor, case=case, method=method, address=address)
        now = timezone.now()
        children = _children(locked)
        all_ok = all(c.status == Case.STATUS_DONE and c.decision == Case.DECISION_APPROVED for c in children)
        locked.status = BundleCase.STATUS_DONE if all_ok else BundleCase.STATUS_PARTLY_DONE
        locked.delivery_method, locked.delivery_address = method, (address or "").strip()[:300]
        locked.delivered_at = locked.finished_at = now
        locked.delivered_by = actor
        locked.overdue = bool(locked.due_date and timezone.localdate(now) > locked.due_date)
        locked.save()
        return locked


# --- state from the child cases ------------------------------------------------------------------------


def bundle_case_sync(bundle_case: BundleCase, *, today: dt.date | None = None) -> BundleCase:
    """The bundle's status follows its children while it is open: 补正 while a child waits for
    it, back to 待预审 when all are supplemented, 待出件 once every accepted item is decided; and
    its clock's overdue flag. Saves only what changed."""
    if bundle_case.pk is not None:
        # The caller's copy may predate the last action (accept returns a fresh one).
        bundle_case.refresh_from_db(fields=["status", "accepted_at", "due_date", "overdue", "finished_at"])
    if bundle_case.is_final:
        return bundle_case
    statuses = [s for s in Case.objects.filter(bundle_part__bundle_case=bundle_case).values_list("status", flat=True)]
    before = (bundle_case.status, bundle_case.overdue)
    if bundle_case.accepted_at is None:
        if Case.STATUS_SUPPLEMENT in statuses:
            bundle_case.status = BundleCase.STATUS_SUPPLEMENT
        elif statuses and all(s == Case.STATUS_SUBMITTED for s in statuses):
            bundle_case.status = BundleCase.STATUS_SUBMITTED
    else:
        open_ = (Case.STATUS_SUBMITTED, Case.STATUS_SUPPLEMENT, Case.STATUS_IN_PROGRESS, Case.STATUS_SUSPENDED)
        if statuses and not any(s in open_ for s in statuses):
            if any(s == Case.STATUS_TO_DELIVER for s in statuses):
                bundle_case.status = BundleCase.STATUS_TO_DELIVER
            else:
                # Nothing left to hand out (every item withdrawn or terminated): the bundle ends.
                bundle_case.status = BundleCase.STATUS_CLOSED
                bundle_case.finished_at = bundle_case.finished_at or timezone.now()
        else:
            bundle_case.status = BundleCase.STATUS_IN_PROGRESS
        today = today or timezone.localdate()
        bundle_case.overdue = bool(bundle_case.due_date and today > bundle_case.due_date)
    if (bundle_case.status, bundle_case.overdue) != before:
        bundle_case.save(update_fields=["status", "overdue", "finished_at", "updated_at"])
    return bundle_case


def bundle_due_dates_fill() -> int:
    """Periodic sweep: bundle cases accepted when their year's calendar was not loaded get their
    due date once it is. Returns how many were filled."""
    filled = 0
    for bundle_case in BundleCase.objects.filter(due_date__isnull=True, accepted_on__isnull=False).exclude(due_note=""):
        assert bundle_case.accepted_on is not None
        due, note = bundle_due(bundle_case.accepted_on, bundle_case.limit_days or bundle_case.bundle.limit_days)
        if due is not None:
            bundle_case.due_date, bundle_case.due_note = due, note
            bundle_case.save(update_fields=["due_date", "due_note", "updated_at"])
            filled += 1
    return filled
