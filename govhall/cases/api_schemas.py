"""What the case API sends and receives, and the functions that turn cases into it.

Every endpoint answers with these shapes; identity numbers and phones are always masked (the full
number stays in the pages that need it, behind their own permission).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Schema

from govhall.applicants.models import Enterprise, Person
from govhall.cases import permissions
from govhall.cases.clock import remaining_days
from govhall.cases.models import Case, CaseCommitment, CaseDocument, CaseExtension, CaseMaterial, CasePause, CaseTask
from govhall.cases.selectors import case_timeline
from govhall.catalog.models import Item
from govhall.core.errors import ValidationError

PAGE_SIZE = 20


# --- in ------------------------------------------------------------------------------------------


class ApplicationIn(Schema):
    """An application as the applicant fills it in: the item, as whom (themself or an enterprise
    they represent), the situation options and the form."""

    item: int
    enterprise: int | None = None
    channel: str = Case.CHANNEL_ONLINE
    answers: list[str] = []
    form: dict[str, Any] = {}
    gaozhi: bool = False


class SubmitIn(Schema):
    """Submit a saved draft (`draft`, the other fields default to the draft's) or a new application."""

    draft: int | None = None
    item: int | None = None
    enterprise: int | None = None
    channel: str = Case.CHANNEL_ONLINE
    answers: list[str] = []
    form: dict[str, Any] = {}
    gaozhi: bool = False
    idempotency_key: str = ""


class ReasonIn(Schema):
    reason: str


class NoteIn(Schema):
    note: str = ""


class FindingIn(Schema):
    material: int
    result: str
    note: str = ""


class AcceptIn(Schema):
    findings: list[FindingIn] = []


class RongqueIn(Schema):
    missing_materials: list[int]
    commitment_text: str
    days: int | None = None
    findings: list[FindingIn] = []


class PointIn(Schema):
    problem: str
    material: int | None = None
    name: str = ""


class SupplementRequestIn(Schema):
    points: list[PointIn]


class DeliverIn(Schema):
    method: str
    address: str = ""
    note: str = ""


class PersonIn(Schema):
    """The person at the window, from their identity card; registered if not known yet."""

    id_number: str
    name: str = ""
    phone: str = ""
    address: str = ""


class WindowSubmitIn(Schema):
    item: int
    person: PersonIn | None = None
    enterprise_uscc: str = ""
    answers: list[str] = []
    form: dict[str, Any] = {}
    gaozhi: bool = False
    idempotency_key: str = ""


class CompleteIn(Schema):
    outcome: str
    opinion: str = ""


class PauseStartIn(Schema):
    kind: str
    reason: str


class ExtensionIn(Schema):
    days: int
    reason: str


class ExtensionDecideIn(Schema):
    approve: bool
    note: str = ""


class VerifyIn(Schema):
    passed: bool
    note: str


class BindingIn(Schema):
    """Multipart form beside the optional `bpmn` file."""

    item: int
    reason: str
    builtin: str = ""
    co_departments: list[int] = []


# --- out -----------------------------------------------------------------------------------------


class ChoiceOut(Schema):
    code: str
    label: str


class ApplicantOut(Schema):
    kind: str
    name: str
    id_number: str
    phone: str


class CaseSummary(Schema):
    id: int
    number: str | None
    item_id: int
    item_name: str
    department: str
    channel: ChoiceOut
    status: ChoiceOut
    applicant: ApplicantOut
    on_behalf: bool
    submitted_at: datetime | None
    accepted_on: date | None
    due_date: date | None
    remaining_days: int | None
    overdue: bool


class CasePage(Schema):
    count: int
    page: int
    items: list[CaseSummary]


class StepOut(Schema):
    seq: int
    kind: str
    label: str
    at: datetime


class MaterialOut(Schema):
    id: int
    name: str
    material_id: int | None
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    replaced: bool
    url: str


class DocumentOut(Schema):
    id: int
    kind: ChoiceOut
    number: str
    issued_at: datetime
    url: str


class CommitmentOut(Schema):
    id: int
    kind: ChoiceOut
    status: ChoiceOut
    materials: list[str]
    text: str
    due_date: date
    note: str


class PauseOut(Schema):
    id: int
    kind: ChoiceOut
    reason: str
    started_on: date
    ended_on: date | None
    end_reason: str


class ExtensionOut(Schema):
    id: int
    case_id: int
    case_number: str | None
    days: int
    reason: str
    status: ChoiceOut
    requested_at: datetime
    decided_at: datetime | None
    note: str


class CaseDetail(CaseSummary):
    query_code: str
    item_version: int
    answers: list[str]
    form: dict[str, Any]
    gaozhi: bool
    limit_days: int | None
    extension_days: int
    decision: ChoiceOut
    decision_reason: str
    closed_reason: str
    delivery_method: ChoiceOut
    visits: int
    timeline: list[StepOut]
    documents: list[DocumentOut]
    materials: list[MaterialOut]
    open_commitment: CommitmentOut | None
    pauses: list[PauseOut]
    extensions: list[ExtensionOut]


class TaskSummary(Schema):
    id: int
    name: str
    role: ChoiceOut
    is_decision: bool
    department: str
    status: ChoiceOut
    opened_at: datetime
    case: CaseSummary


class TaskPage(Schema):
    count: int
    page: int
    items: list[TaskSummary]


class TaskDetail(Schema):
    id: int
    name: str
    role: ChoiceOut
    is_decision: bool
    department: str
    status: ChoiceOut
    opened_at: datetime
    completed_at: datetime | None
    outcome: ChoiceOut
    opinion: str
    can_do: bool
    case: CaseDetail


class CommitmentWithCase(CommitmentOut):
    case: CaseSummary


class CommitmentPage(Schema):
    count: int
    page: int
    items: list[CommitmentWithCase]


class ExtensionPage(Schema):
    count: int
    page: int
    items: list[ExtensionOut]


class PageParams(Schema):
    page: int = 1


class DefinitionOut(Schema):
    id: int
    name: str
    builtin: str
    process_id: str


class DepartmentOut(Schema):
    id: int
    name: str


class BindingOut(Schema):
    id: int
    item_id: int
    from_version: int
    definition: DefinitionOut | None
    co_departments: list[DepartmentOut]
    reason: str


# --- building the out shapes ---------------------------------------------------------------------


def choice(code: str, choices) -> dict[str, str]:
    return {"code": code, "label": str(dict(choices).get(code, code))}


def applicant_out(case: Case) -> dict[str, str]:
    person: Person | None = case.applicant_person
    if person is not None:
        return {"kind": "person", "name": person.name, "id_number": person.id_number_masked, "phone": person.phone_masked}
    enterprise: Enterprise | None = case.applicant_enterprise
    if enterprise is None:
        return {"kind": "", "name": "", "id_number": "", "phone": ""}
    # A 统一社会信用代码 is public (on the licence itself); the phone is still masked.
    return {"kind": "enterprise", "name": enterprise.name, "id_number": enterprise.uscc, "phone": enterprise.phone_masked}


def case_summary(case: Case, remaining: dict[int, int | None]) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "item_id": case.item_id,
        "item_name": case.item_version.name,
        "department": case.department.name if case.department else "",
        "channel": choice(case.channel, Case.CHANNEL_CHOICES),
        "status": choice(case.status, Case.STATUS_CHOICES),
        "applicant": applicant_out(case),
        "on_behalf": case.on_behalf,
        "submitted_at": case.submitted_at,
        "accepted_on": case.accepted_on,
        "due_date": case.due_date,
        "remaining_days": remaining.get(case.pk),
        "overdue": case.overdue,
    }


def case_summaries(cases: list[Case]) -> list[dict[str, Any]]:
    remaining = remaining_days(cases)
    return [case_summary(c, remaining) for c in cases]


def material_out(row: CaseMaterial) -> dict[str, Any]:
    return {
        "id": row.pk,
        "name": row.name,
        "material_id": row.material_id,
        "original_name": row.original_name,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "uploaded_at": row.uploaded_at,
        "replaced": row.replaced,
        "url": reverse("api:case_material_file", kwargs={"case_id": row.case_id, "material_id": row.pk}),
    }


def document_out(document: CaseDocument) -> dict[str, Any]:
    return {
        "id": document.pk,
        "kind": choice(document.kind, CaseDocument.KIND_CHOICES),
        "number": document.number,
        "issued_at": document.issued_at,
        "url": reverse("api:case_document_pdf", kwargs={"case_id": document.case_id, "document_id": document.pk}),
    }


def commitment_out(commitment: CaseCommitment) -> dict[str, Any]:
    return {
        "id": commitment.pk,
        "kind": choice(commitment.kind, CaseCommitment.KIND_CHOICES),
        "status": choice(commitment.status, CaseCommitment.STATUS_CHOICES),
        "materials": [m["name"] if isinstance(m, dict) else str(m) for m in commitment.materials],
        "text": commitment.text,
        "due_date": commitment.due_date,
        "note": commitment.note,
    }


def pause_out(pause: CasePause) -> dict[str, Any]:
    return {
        "id": pause.pk,
        "kind": choice(pause.kind, CasePause.KIND_CHOICES),
        "reason": pause.reason,
        "started_on": pause.started_on,
        "ended_on": pause.ended_on,
        "end_reason": pause.end_reason,
    }


def extension_out(extension: CaseExtension) -> dict[str, Any]:
    # Staff names stay out: the applicant sees the department's decision, not who took it.
    return {
        "id": extension.pk,
        "case_id": extension.case_id,
        "case_number": extension.case.number,
        "days": extension.days,
        "reason": extension.reason,
        "status": choice(extension.status, CaseExtension.STATUS_CHOICES),
        "requested_at": extension.requested_at,
        "decided_at": extension.decided_at,
        "note": extension.note,
    }


def case_detail(case: Case) -> dict[str, Any]:
    remaining = remaining_days([case])
    open_commitment = case.commitments.filter(status=CaseCommitment.STATUS_OPEN).order_by("due_date", "id").first()
    return {
        **case_summary(case, remaining),
        "query_code": case.query_code,
        "item_version": case.item_version.number,
        "answers": list(case.answers or []),
        "form": case.form if isinstance(case.form, dict) else {},
        "gaozhi": case.gaozhi,
        "limit_days": case.limit_days,
        "extension_days": case.extension_days,
        "decision": choice(case.decision, Case.DECISION_CHOICES),
        "decision_reason": case.decision_reason,
        "closed_reason": case.closed_reason,
        "delivery_method": choice(case.delivery_method, [("", _("未送达")), *Case.DELIVERY_CHOICES]),
        "visits": case.visits,
        "timeline": [{k: step[k] for k in ("seq", "kind", "label", "at")} for step in case_timeline(case=case)],
        "documents": [document_out(d) for d in case.documents.order_by("id")],
        "materials": [material_out(m) for m in case.materials.order_by("id")],
        "open_commitment": commitment_out(open_commitment) if open_commitment else None,
        "pauses": [pause_out(p) for p in case.pauses.order_by("id")],
        "extensions": [extension_out(e) for e in case.extensions.select_related("case").order_by("id")],
    }


def commitments_with_cases(commitments: list[CaseCommitment]) -> list[dict[str, Any]]:
    remaining = remaining_days([c.case for c in commitments])
    return [{**commitment_out(c), "case": case_summary(c.case, remaining)} for c in commitments]


def task_summary(task: CaseTask, remaining: dict[int, int | None]) -> dict[str, Any]:
    return {
        "id": task.pk,
        "name": task.name,
        "role": choice(task.role, CaseTask.ROLE_CHOICES),
        "is_decision": task.is_decision,
        "department": task.department.name if task.department else "",
        "status": choice(task.status, CaseTask.STATUS_CHOICES),
        "opened_at": task.opened_at,
        "case": case_summary(task.case, remaining),
    }


def task_detail(task: CaseTask, *, user) -> dict[str, Any]:
    return {
        "id": task.pk,
        "name": task.name,
        "role": choice(task.role, CaseTask.ROLE_CHOICES),
        "is_decision": task.is_decision,
        "department": task.department.name if task.department else "",
        "status": choice(task.status, CaseTask.STATUS_CHOICES),
        "opened_at": task.opened_at,
        "completed_at": task.completed_at,
        "outcome": choice(task.outcome, [("", ""), *CaseTask.OUTCOME_CHOICES]),
        "opinion": task.opinion,
        "can_do": permissions.can_do_task(user, task),
        "case": case_detail(task.case),
    }


def item_or_400(item_id: int | None) -> Item:
    item = Item.objects.select_related("department", "current_version").filter(pk=item_id).first() if item_id else None
    if item is None:
        raise ValidationError("item", "unknown", _("事项不存在"))
    return item


IDEMPOTENCY_KEY_MAX = 100


def idempotency_key_from(header: str | None, body: str) -> str | None:
    """The request's idempotency key, from the Idempotency-Key header or the body (the same if both)."""
    header, body = (header or "").strip(), (body or "").strip()
    if header and body and header != body:
        raise ValidationError("idempotency_key", "mismatch", _("请求头 Idempotency-Key 与请求体中的 idempotency_key 不一致"))
    key = header or body
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise ValidationError("idempotency_key", "max_length", _("请求标识不能超过 %(n)d 个字符") % {"n": IDEMPOTENCY_KEY_MAX})
    return key or None


def page_slice(page: int) -> slice:
    if page < 1:
        raise ValidationError("page", "min_value", _("页码从1开始"))
    start = (page - 1) * PAGE_SIZE
    return slice(start, start + PAGE_SIZE)
