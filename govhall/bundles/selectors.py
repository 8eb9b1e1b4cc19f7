"""Reading bundles: which items, fields and materials a questionnaire's answers make (the plan),
who may see a bundle case, the clerk's queues, and each case's progress."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from govhall.bundles.models import Bundle, BundleCase, BundleCasePart, BundleItem, BundleQuestion
from govhall.cases import permissions
from govhall.cases.models import Case
from govhall.catalog.form_fields import FormField, union_fields
from govhall.catalog.models import Material
from govhall.catalog.selectors import applicable
from govhall.shareddata.registry import source_code_for

# --- the plan: items, one form, one set of materials ---------------------------------------------------

_NOISE = re.compile(r"[\s（）()【】\[\]、，,。.：:；;“”\"'《》<>·\-—_/]+")


def material_identity(material: Material) -> str:
    """Two materials are the same document when they are the same e-licence type or the same
    shared-data source, or have the same name once spaces, punctuation and 复印件/原件 are dropped."""
    if material.licence_type:
        return f"licence:{material.licence_type.strip()}"
    code = source_code_for(material.shared_source)
    if code:
        return f"shared:{code}"
    name = unicodedata.normalize("NFKC", material.name)
    name = _NOISE.sub("", name).replace("复印件", "").replace("原件", "")
    return f"name:{name}"


def identity_field(identity: str) -> str:
    """A form field name for a material identity (stable, safe in HTML)."""
    return "m_" + hashlib.sha1(identity.encode()).hexdigest()[:12]


@dataclass
class PlanMaterial:
    identity: str
    name: str
    uses: list[tuple[BundleItem, Material]] = field(default_factory=list)
    required: bool = False
    depends: bool = True  # only in some of the items' own situations (视情形提交)
    waiver: Any = None  # shareddata.services.Waiver, when the government holds it

    @property
    def field(self) -> str:
        return identity_field(self.identity)

    @property
    def item_names(self) -> list[str]:
        return list(dict.fromkeys(bi.item.name for bi, _m in self.uses))


@dataclass
class Plan:
    bundle: Bundle
    answers: list[str]
    questions: list[BundleQuestion]
    items: list[BundleItem]
    skipped: list[BundleItem]
    fields: list[tuple[FormField, bool]]
    materials: list[PlanMaterial]

    @property
    def unanswered(self) -> list[BundleQuestion]:
        answered = {ref.split(".", 1)[0] for ref in self.answers}
        return [q for q in self.questions if q.key not in answered]

    @property
    def material_count_before(self) -> int:
        return sum(len(pm.uses) for pm in self.materials)


def bundle_questions(bundle: Bundle) -> list[BundleQuestion]:
    return list(bundle.questions.prefetch_related("options"))


def bundle_items(bundle: Bundle) -> list[BundleItem]:
    return list(
        bundle.bundle_items.select_related("item__current_version__department", "item__department").prefetch_related("options__question")
    )


def bundle_plan(bundle: Bundle, answers: list[str]) -> Plan:
    """The items, form fields and de-duplicated materials for these answers ("q.o" refs). An item
    tied to options applies when one of them is chosen, or while its question is unanswered (so a
    partly answered questionnaire hides nothing the applicant may still need)."""
    questions = bundle_questions(bundle)
    known = {f"{q.key}.{o.key}" for q in questions for o in q.options.all()}
    selected = [a for a in answers if a in known]
    answered = {ref.split(".", 1)[0] for ref in selected}
    chosen, skipped = [], []
    for bi in bundle_items(bundle):
        refs = {(o.question.key, f"{o.question.key}.{o.key}") for o in bi.options.all()}
        if not refs or any(ref in selected or q not in answered for q, ref in refs):
            chosen.append(bi)
        else:
            skipped.append(bi)
    versions = [bi.item.current for bi in chosen]
    by_identity: dict[str, PlanMaterial] = {}
    for bi in chosen:
        materials, _steps = applicable(bi.item.current, set(bi.item_answers or []))
        for material in materials:
            identity = material_identity(material)
            pm = by_identity.setdefault(identity, PlanMaterial(identity=identity, name=material.name))
            pm.uses.append((bi, material))
            # A material of the item's own situations not settled by the bundle is 视情形.
            material_refs = {f"{o.question.key}.{o.key}" for o in material.options.all()}
            depends = bool(material_refs) and not (material_refs & set(bi.item_answers or []))
            pm.depends = pm.depends and depends
            pm.required = pm.required or (material.required and not depends)
    return Plan(
        bundle=bundle,
        answers=sorted(selected),
        questions=questions,
        items=chosen,
        skipped=skipped,
        fields=union_fields(versions),
        materials=list(by_identity.values()),
    )


def plan_waivers(plan: Plan, *, actor, person, enterprise) -> None:
    """Mark the materials the government already holds (免提交) for the applicant's own view
    (logged look-ups, as on the single-item apply page)."""
    if person is None and enterprise is None or not plan.materials:
        return
    from govhall.shareddata.services import application_prefill

    firsts = [pm.uses[0][1] for pm in plan.materials if pm.uses[0][1].shared_source or pm.uses[0][1].licence_type]
    if not firsts:
        return
    prefill = application_prefill(actor=actor, item_version=firsts[0].version, person=person, enterprise=enterprise, materials=firsts)
    for pm in plan.materials:
        pm.waiver = prefill.waivers.get(pm.uses[0][1].pk)


# --- scope ---------------------------------------------------------------------------------------------


def public_bundles() -> QuerySet[Bundle]:
    return Bundle.objects.filter(status=Bundle.STATUS_ACTIVE).prefetch_related(
        Prefetch("bundle_items", queryset=BundleItem.objects.select_related("item__department"))
    )


def get_public_bundle(code: str) -> Bundle:
    bundle = Bundle.objects.filter(code=code, status=Bundle.STATUS_ACTIVE).select_related("lead_department", "centre").first()
    if bundle is None:
        raise Http404
    return bundle


def _applicant_q(user) -> Q:
    return Q(submitted_by=user) | Q(applicant_person__user=user) | Q(applicant_enterprise__legal_representative__user=user)


def bundle_cases_for_applicant(*, user) -> QuerySet[BundleCase]:
    if not user.is_authenticated:
        return BundleCase.objects.none()
    return BundleCase.objects.filter(_applicant_q(user)).select_related("bundle").distinct().order_by("-id")


def is_applicant_side(user, bundle_case: BundleCase) -> bool:
    return user.is_authenticated and BundleCase.objects.filter(_applicant_q(user), pk=bundle_case.pk).exists()


def clerk_centre_id(user) -> int | None:
    """The centre of a clerk at a window who may accept, or None."""
    profile = permissions.staff_profile(user)
    if profile is None or profile.window is None or not user.has_perm("cases.accept_case"):
        return None
    return profile.window.centre_id


def can_accept(user, bundle_case: BundleCase) -> bool:
    """One acceptance at the bundle's centre (a clerk of another centre does not see it)."""
    centre_id = clerk_centre_id(user)
    return centre_id is not None and bundle_case.centre_id == centre_id


def staff_sees(user, bundle_case: BundleCase) -> bool:
    if not user.is_authenticated:
        return False
    if user.has_perm("bundles.view_all_bundle_cases") or user.has_perm("cases.view_all_cases"):
        return True
    profile = permissions.staff_profile(user)
    if profile is None:
        return False
    if user.has_perm("cases.accept_case") and profile.centre_id and bundle_case.centre_id == profile.centre_id:
        return True
    if profile.department_id:
        return bundle_case.parts.filter(case__department_id=profile.department_id).exists()
    return False


def _with_parts(qs: QuerySet[BundleCase]) -> QuerySet[BundleCase]:
    return qs.select_related("bundle", "applicant_person", "applicant_enterprise", "centre").prefetch_related(
        Prefetch(
            "parts",
            queryset=BundleCasePart.objects.select_related("item", "case__department", "case__item_version").order_by("seq"),
        )
    )


def get_bundle_case_for_user(*, user, bundle_case_id: int) -> BundleCase:
    """The applicant's own bundle case, or one in the staff member's scope; else 404."""
    bundle_case = _with_parts(BundleCase.objects.filter(pk=bundle_case_id)).first()
    if bundle_case is None or not (is_applicant_side(user, bundle_case) or staff_sees(user, bundle_case)):
        raise Http404
    return bundle_case


def get_bundle_case_for_staff(*, user, bundle_case_id: int) -> BundleCase:
    bundle_case = _with_parts(BundleCase.objects.filter(pk=bundle_case_id)).first()
    if bundle_case is None or not staff_sees(user, bundle_case):
        raise Http404
    return bundle_case


def bundle_queue_for_clerk(*, user, status: str = BundleCase.STATUS_SUBMITTED) -> QuerySet[BundleCase]:
    """Bundle cases waiting at the clerk's centre: for pre-review (one entry per bundle) or for the
    one delivery."""
    centre_id = clerk_centre_id(user)
    if centre_id is None:
        return BundleCase.objects.none()
    qs = BundleCase.objects.filter(status=status, centre_id=centre_id)
    return _with_parts(qs).order_by("submitted_at", "id")


# --- progress ------------------------------------------------------------------------------------------


@dataclass
class PartProgress:
    part: BundleCasePart
    case: Case
    outcome: str  # what the applicant reads: 办理中, 准予, 不予许可, 不予受理 …
    ok: bool | None  # None while open
    licence: Any = None
    documents: list[Any] = field(default_factory=list)


def part_progress(bundle_case: BundleCase) -> list[PartProgress]:
    rows = []
    for part in bundle_case.parts.all():
        case = part.case
        ok: bool | None = None
        if case.decision == Case.DECISION_APPROVED:
            ok = True
        elif case.decision or case.status in (Case.STATUS_NOT_ACCEPTED, Case.STATUS_WITHDRAWN, Case.STATUS_TERMINATED):
            ok = False
        outcome = case.get_decision_display() if case.decision else case.get_status_display()
        licence = getattr(case, "licence", None) if hasattr(case, "licence") else None
        rows.append(
            PartProgress(
                part=part,
                case=case,
                outcome=str(outcome),
                ok=ok,
                licence=licence,
                documents=list(case.documents.all().order_by("id")) if hasattr(case, "documents") else [],
            )
        )
    return rows


def remaining_days(bundle_case: BundleCase, *, today=None) -> int | None:
    if bundle_case.due_date is None or bundle_case.is_final:
        return None
    from govhall.core.calendar import CalendarError, remaining_working_days

    today = today or timezone.localdate()
    try:
        return remaining_working_days(today, bundle_case.due_date)
    except CalendarError:
        return None
