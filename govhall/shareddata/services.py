"""Shared data services (DATA-2): logged look-ups, pre-filling an application, and recording on a
case which materials the government's own data or an electronic licence replaced (免提交).

Every look-up writes one `LookupLog` row (who, in which role and unit, whose data, which source and
fields, why, for which case) in the same transaction that reads the records. Staff look up only
for a case they handle and only its applicant's data; a case outside their scope is a 404 and
nothing is logged. Applicants look up only their own data and their enterprises'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.applicants.models import Enterprise, Person
from govhall.cases import permissions
from govhall.cases.models import Case, CaseMaterial
from govhall.catalog.models import ItemVersion, Material
from govhall.catalog.selectors import applicable
from govhall.core.errors import PermissionDenied, ValidationError
from govhall.org import roles
from govhall.shareddata.models import SUBJECT_PERSON, CaseDataUse, DataSource, LookupLog, SharedRecord
from govhall.shareddata.registry import source_code_for
from govhall.shareddata.selectors import Subject, case_subjects, handles_case, subjects_of_user

PURPOSE_PREFILL = "本人申请预填"
PURPOSE_SUBMISSION = "申请材料免提交"
ROLE_SELF = "申请人本人"
# The apply page is shown again on every change of the form; the same person looking at the same
# data of theirs again within this window is one look-up, not one per page view.
SELF_LOOKUP_DEDUP = timedelta(minutes=10)


@dataclass
class LookupResult:
    log: LookupLog
    source: DataSource
    fields: list[str]
    records: list[SharedRecord]

    @property
    def rows(self) -> list[dict[str, Any]]:
        """Each record's requested fields, by key."""
        return [{key: record.data.get(key, "") for key in self.fields} for record in self.records]


def _actor_identity(actor, *, own: bool) -> tuple[str, str, str]:
    """(role, unit, name) as the log and the subject's page show them."""
    name = (actor.get_full_name() or actor.username) if actor is not None else ""
    if own:
        return ROLE_SELF, "", name
    profile = permissions.staff_profile(actor)
    held = roles.user_roles(actor)
    role = next((str(label) for code, label in roles.ROLE_LABELS.items() if code in held), _("工作人员"))
    unit = ""
    if profile is not None:
        if profile.department is not None:
            unit = profile.department.name
        elif profile.centre is not None:
            unit = profile.centre.name + (f" {profile.window.number}" if profile.window is not None else "")
    return role, unit, name


def _clean_fields(source: DataSource, fields: list[str] | None) -> list[str]:
    known = [f["key"] for f in source.fields]
    if not fields:
        return known
    unknown = [f for f in fields if f not in known]
    if unknown:
        raise ValidationError(
            "fields", "unknown", _("数据源“%(source)s”没有字段：%(fields)s") % {"source": source.name, "fields": "、".join(unknown)}
        )
    return [key for key in known if key in fields]


def _records(source: DataSource, subject: Subject) -> list[SharedRecord]:
    today = timezone.localdate()
    return [
        r
        for r in SharedRecord.objects.filter(source=source, subject_kind=subject.kind, subject_id=subject.id).order_by("id")
        if (r.valid_from is None or r.valid_from <= today) and (r.valid_to is None or r.valid_to >= today)
    ]


def _active_source(source_code: str) -> DataSource:
    source = DataSource.objects.filter(code=source_code, is_active=True).select_related("owner").first()
    if source is None:
        raise ValidationError("source", "unknown", _("没有该共享数据源"))
    return source


def shared_lookup(
    *,
    actor,
    subject: Subject,
    source_code: str,
    fields: list[str] | None = None,
    case: Case | None = None,
    purpose: str,
    channel: str = LookupLog.CHANNEL_WEB,
    dedupe: bool = False,
) -> LookupResult:
    """Look up a subject's records in one source, and log it.

    With a case: the actor handles the case (staff) or is its applicant, and the subject is the
    case's applicant; otherwise the case is a 404 and nothing is logged. Without a case: only the
    subject themself (or an enterprise's legal representative).
    """
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("请先登录"))
    own = any(s.kind == subject.kind and s.id == subject.id for s in subjects_of_user(actor))
    if case is not None:
        if not (handles_case(actor, case) or (own and permissions.is_applicant_side(actor, case))):
            raise Http404
        if not any(s.kind == subject.kind and s.id == subject.id for s in case_subjects(case)):
            raise PermissionDenied(_("只能查询本办件申请人的数据"))
        own = own and not handles_case(actor, case)
    elif not own:
        raise PermissionDenied(_("工作人员只能为本人办理的办件查询共享数据"))
    source = _active_source(source_code)
    if subject.kind not in source.subject_kinds:
        raise ValidationError("source", "subject_kind", _("数据源“%(source)s”不含该类主体的数据") % {"source": source.name})
    clean = _clean_fields(source, fields)
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError("purpose", "required", _("请填写查询事由"))
    if len(purpose) > 200:
        raise ValidationError("purpose", "max_length", _("查询事由不能超过200个字"))
    role, unit, name = _actor_identity(actor, own=own)
    with transaction.atomic():
        records = _records(source, subject)
        now = timezone.now()
        log = None
        if dedupe:
            log = (
                LookupLog.objects.filter(
                    actor=actor, subject_kind=subject.kind, subject_id=subject.id, source=source, purpose=purpose, case=case
                )
                .filter(at__gte=now - SELF_LOOKUP_DEDUP, fields=clean)
                .first()
            )
        if log is None:
            log = LookupLog.objects.create(
                actor=actor,
                actor_name=name[:100],
                role=role,
                department_name=unit[:200],
                subject_kind=subject.kind,
                subject_id=subject.id,
                source=source,
                fields=clean,
                purpose=purpose,
                case=case,
                found=len(records),
                channel=channel,
                at=now,
            )
        return LookupResult(log=log, source=source, fields=clean, records=records)


# --- pre-filling an application ---------------------------------------------------------------------


@dataclass
class Waiver:
    """What replaces a material: an electronic licence or a shared data record."""

    material: Material
    kind: str  # CaseDataUse.KIND_*
    source: DataSource | None = None
    record: SharedRecord | None = None
    subject: Subject | None = None
    licence: Any = None

    @property
    def label(self) -> str:
        if self.kind == CaseDataUse.KIND_LICENCE:
            return _("已关联电子证照：%(name)s %(number)s") % {"name": self.licence.licence_type.name, "number": self.licence.number}
        assert self.source is not None
        return _("免提交：已从%(source)s获取") % {"source": self.source.name}


@dataclass
class Prefill:
    form: dict[str, str] = field(default_factory=dict)  # contact_name, contact_phone, address
    filled_from: list[str] = field(default_factory=list)  # source names the form came from
    waivers: dict[int, Waiver] = field(default_factory=dict)  # material id → waiver


def _licences_for(*, person: Person | None, enterprise: Enterprise | None, licence_type: str) -> list[Any]:
    try:
        from govhall.licences.selectors import licences_for_holder
    except ImportError:  # the licences app is not installed in this deployment
        return []
    return list(licences_for_holder(person=person, enterprise=enterprise, licence_type=licence_type))


def _holders(person: Person | None, enterprise: Enterprise | None) -> list[Person | Enterprise]:
    """The applicant first; for an enterprise, then its legal representative (身份证明 of the 法定代表人)."""
    if enterprise is not None:
        return [enterprise] + ([enterprise.legal_representative] if enterprise.legal_representative else [])
    return [person] if person is not None else []


def application_prefill(
    *,
    actor,
    item_version: ItemVersion,
    person: Person | None = None,
    enterprise: Enterprise | None = None,
    materials: list[Material] | None = None,
    case: Case | None = None,
    purpose: str = PURPOSE_PREFILL,
    dedupe: bool = True,
) -> Prefill:
    """The form values and the waivable materials for an applicant's own application.

    Each source is looked up once per subject (and logged, as the applicant's own look-up); a
    material is waived by a valid electronic licence of its type held by the applicant, else by a
    record of its shared source.
    """
    prefill = Prefill()
    if person is None and enterprise is None:
        return prefill
    holders = _holders(person, enterprise)
    cache: dict[tuple[str, str], LookupResult | None] = {}

    def lookup(source_code: str, holder: Person | Enterprise) -> LookupResult | None:
        subject = Subject.of(holder)
        key = (source_code, subject.id)
        if key not in cache:
            source = DataSource.objects.filter(code=source_code, is_active=True).first()
            if source is None or subject.kind not in source.subject_kinds:
                cache[key] = None
            else:
                cache[key] = shared_lookup(actor=actor, subject=subject, source_code=source_code, case=case, purpose=purpose, dedupe=dedupe)
        return cache[key]

    # 一次录入、大家共用: the contact fields from the household or enterprise register.
    contact = person or (enterprise.legal_representative if enterprise else None)
    if enterprise is not None:
        found = lookup("enterprise_registration", enterprise)
        if found and found.records:
            data = found.records[0].data
            prefill.form["address"] = str(data.get("address", ""))
            prefill.form["contact_name"] = str(data.get("legal_representative", ""))
            prefill.filled_from.append(found.source.name)
    if contact is not None:
        found = lookup("household", contact)
        if found and found.records:
            data = found.records[0].data
            prefill.form.setdefault("contact_name", str(data.get("name", "")))
            prefill.form.setdefault("address", str(data.get("address", "")))
            prefill.filled_from.append(found.source.name)
        prefill.form["contact_phone"] = contact.phone
    prefill.form = {k: v for k, v in prefill.form.items() if v}

    for material in materials if materials is not None else list(item_version.materials.all()):
        waiver = None
        if material.licence_type:
            for holder in holders:
                licences = _licences_for(
                    person=holder if isinstance(holder, Person) else None,
                    enterprise=holder if isinstance(holder, Enterprise) else None,
                    licence_type=material.licence_type,
                )
                if licences:
                    waiver = Waiver(material=material, kind=CaseDataUse.KIND_LICENCE, licence=licences[0], subject=Subject.of(holder))
                    break
        code = source_code_for(material.shared_source)
        if waiver is None and code:
            for holder in holders:
                found = lookup(code, holder)
                if found and found.records:
                    waiver = Waiver(
                        material=material,
                        kind=CaseDataUse.KIND_SHARED,
                        source=found.source,
                        record=found.records[0],
                        subject=Subject.of(holder),
                    )
                    break
        if waiver is not None:
            prefill.waivers[material.pk] = waiver
    return prefill


def case_data_use_record(*, actor, case: Case) -> list[CaseDataUse]:
    """At submission (inside its transaction): record on the case each applicable material that
    shared data or an electronic licence replaced and the applicant did not upload. The look-ups
    are logged against the case."""
    if case.applicant_person is None and case.applicant_enterprise is None:
        return []
    own = any(s.kind == t.kind and s.id == t.id for s in subjects_of_user(actor) for t in case_subjects(case))
    if not (own or handles_case(actor, case)):
        # Submitted by someone who may not look up the applicant's data (a village agent): the
        # clerk checks it on the pre-review page through a logged look-up instead.
        return []
    materials, _steps = applicable(case.item_version, set(case.answers or []))
    uploaded = set(CaseMaterial.objects.filter(case=case, replaced=False, material__isnull=False).values_list("material_id", flat=True))
    candidates = [m for m in materials if m.pk not in uploaded and (m.shared_source or m.licence_type)]
    if not candidates:
        return []
    prefill = application_prefill(
        actor=actor,
        item_version=case.item_version,
        person=case.applicant_person,
        enterprise=case.applicant_enterprise,
        materials=candidates,
        case=case,
        purpose=PURPOSE_SUBMISSION,
        dedupe=False,
    )
    logs = {log.source_id: log for log in LookupLog.objects.filter(case=case)}
    uses = []
    for waiver in prefill.waivers.values():
        if waiver.kind == CaseDataUse.KIND_LICENCE:
            licence = waiver.licence
            use = CaseDataUse(
                case=case,
                material=waiver.material,
                material_name=waiver.material.name[:200],
                kind=waiver.kind,
                licence_identifier=str(licence.identifier)[:100],
                licence_name=licence.licence_type.name[:100],
                licence_number=str(licence.number)[:100],
                fields=[str(f) for f in (getattr(licence.licence_type, "fields", None) or [])],
            )
        else:
            assert waiver.source is not None
            use = CaseDataUse(
                case=case,
                material=waiver.material,
                material_name=waiver.material.name[:200],
                kind=waiver.kind,
                source=waiver.source,
                record=waiver.record,
                fields=[f["key"] for f in waiver.source.fields],
                lookup=logs.get(waiver.source.pk),
            )
        uses.append(use)
    CaseDataUse.objects.filter(case=case).delete()
    return CaseDataUse.objects.bulk_create(uses)


def subject_label(kind: str) -> str:
    return _("自然人") if kind == SUBJECT_PERSON else _("法人")


def sources_link_owners() -> int:
    """Point each source at its owner department (the department whose short name, or the end of
    whose name, is the source's owner name). Idempotent; returns how many were linked."""
    from govhall.org.models import Department

    linked = 0
    for source in DataSource.objects.filter(owner__isnull=True).exclude(owner_name=""):
        department = (
            Department.objects.filter(short_name=source.owner_name).order_by("id").first()
            or Department.objects.filter(name__endswith=source.owner_name).order_by("id").first()
        )
        if department is not None:
            source.owner = department
            source.save(update_fields=["owner"])
            linked += 1
    return linked


# --- pre-filling the item-specific form fields (一次录入、大家共用) -------------------------------------


@dataclass
class FieldPrefill:
    value: str
    source: str  # the source's or licence's name, shown beside the field


def form_field_prefill(
    *,
    actor,
    fields: list[Any],
    person: Person | None = None,
    enterprise: Enterprise | None = None,
    purpose: str = PURPOSE_PREFILL,
    dedupe: bool = True,
) -> dict[str, FieldPrefill]:
    """Values of form fields (catalog.form_fields.FormField) the government already holds about
    the applicant: from a valid electronic licence of theirs (`licence:营业执照.法定代表人`) or from a
    shared data source (`enterprise_registration.legal_representative`; a logged look-up, once per
    source and subject). The first source that has a value wins."""
    out: dict[str, FieldPrefill] = {}
    if person is None and enterprise is None:
        return out
    holders = _holders(person, enterprise)
    cache: dict[tuple[str, str], LookupResult | None] = {}
    licence_cache: dict[tuple[str, str], Any] = {}

    def shared(source_code: str) -> tuple[dict[str, Any], str] | None:
        source = DataSource.objects.filter(code=source_code, is_active=True).first()
        if source is None:
            return None
        for holder in holders:
            subject = Subject.of(holder)
            if subject.kind not in source.subject_kinds:
                continue
            key = (source_code, subject.id)
            if key not in cache:
                try:
                    cache[key] = shared_lookup(actor=actor, subject=subject, source_code=source_code, purpose=purpose, dedupe=dedupe)
                except PermissionDenied:
                    # Staff look up only for a case they handle: nothing to pre-fill before it exists.
                    cache[key] = None
            found = cache[key]
            if found is not None and found.records:
                return found.records[0].data, found.source.name
        return None

    def licence(type_name: str) -> Any:
        for holder in holders:
            key = (type_name, Subject.of(holder).id)
            if key not in licence_cache:
                found = _licences_for(
                    person=holder if isinstance(holder, Person) else None,
                    enterprise=holder if isinstance(holder, Enterprise) else None,
                    licence_type=type_name,
                )
                licence_cache[key] = found[0] if found else None
            if licence_cache[key] is not None:
                return licence_cache[key]
        return None

    for spec in fields:
        for ref in spec.prefill:
            value, name = "", ""
            if ref.startswith("licence:"):
                type_name, _dot, face = ref[len("licence:") :].partition(".")
                found_licence = licence(type_name)
                if found_licence is not None:
                    value = str((found_licence.signed or {}).get("data", {}).get(face, ""))
                    name = _("电子证照：%(name)s") % {"name": found_licence.licence_type.name}
            else:
                source_code, _dot, key = ref.partition(".")
                found_data = shared(source_code)
                if found_data is not None:
                    value, name = str(found_data[0].get(key, "") or ""), found_data[1]
            if value and value != "—":
                if spec.kind == "number":
                    value = value.replace("万元人民币", "").replace("万元", "").strip()
                out[spec.key] = FieldPrefill(value=value, source=name)
                break
    return out
