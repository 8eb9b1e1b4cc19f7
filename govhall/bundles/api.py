"""JSON API of bundles under /api/bundles/: the public list and detail (with the questionnaire),
submitting, the applicant's bundle cases, and the clerk's one acceptance and one delivery.

A bundle case outside the user's reach is a 404, never a 403."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Header, Router, Schema, Status
from ninja.security import django_auth

from govhall.applicants.models import Enterprise, Person
from govhall.bundles import selectors
from govhall.bundles.models import Bundle, BundleCase
from govhall.bundles.services import (
    Upload,
    bundle_case_accept,
    bundle_case_deliver,
    bundle_case_refuse,
    bundle_case_submit,
    bundle_case_sync,
)
from govhall.cases.models import Case
from govhall.core.errors import PermissionDenied, ValidationError

router = Router(tags=["一件事一次办"])


class OptionOut(Schema):
    key: str
    label: str


class QuestionOut(Schema):
    key: str
    text: str
    options: list[OptionOut]


class BundleItemOut(Schema):
    code: str
    name: str
    department: str
    options: list[str]


class BundleOut(Schema):
    code: str
    name: str
    audience: str
    limit_days: int
    items: int


class FieldOut(Schema):
    key: str
    label: str
    kind: str
    required: bool
    choices: list[str]


class MaterialOut(Schema):
    identity: str
    name: str
    required: bool
    items: list[str]


class BundleDetailOut(Schema):
    code: str
    name: str
    audience: str
    description: str
    limit_days: int
    limit_basis: str
    lead_department: str
    questions: list[QuestionOut]
    items: list[BundleItemOut]
    fields: list[FieldOut]
    materials: list[MaterialOut]


class FileIn(Schema):
    identity: str
    filename: str
    content_base64: str


class SubmitIn(Schema):
    enterprise_id: int | None = None
    answers: list[str] = []
    values: dict[str, str] = {}
    contact_name: str = ""
    contact_phone: str = ""
    address: str = ""
    files: list[FileIn] = []


class PartOut(Schema):
    item: str
    department: str
    case_id: int
    number: str
    status: str
    status_label: str
    decision: str
    licence: str | None


class WindowSubmitIn(SubmitIn):
    person_id_number: str = ""
    enterprise_uscc: str = ""


class BundleCaseOut(Schema):
    id: int
    number: str
    bundle: str
    status: str
    status_label: str
    submitted_at: str
    accepted_on: str | None
    due_date: str | None
    due_note: str
    overdue: bool
    parts: list[PartOut]


class DeliverIn(Schema):
    method: str
    address: str = ""


class ReasonIn(Schema):
    reason: str


def _bundle_out(bundle: Bundle) -> dict[str, Any]:
    return {
        "code": bundle.code,
        "name": bundle.name,
        "audience": bundle.audience,
        "limit_days": bundle.limit_days,
        "items": len(bundle.bundle_items.all()),
    }


def _case_out(bundle_case: BundleCase) -> dict[str, Any]:
    bundle_case_sync(bundle_case)
    parts = []
    for row in selectors.part_progress(bundle_case):
        parts.append(
            {
                "item": row.part.item.name,
                "department": row.case.department.name if row.case.department else "",
                "case_id": row.case.pk,
                "number": row.case.number or "",
                "status": row.case.status,
                "status_label": str(row.case.get_status_display()),
                "decision": row.case.decision,
                "licence": row.licence.identifier if row.licence else None,
            }
        )
    return {
        "id": bundle_case.pk,
        "number": bundle_case.number,
        "bundle": bundle_case.bundle.name,
        "status": bundle_case.status,
        "status_label": str(bundle_case.get_status_display()),
        "submitted_at": bundle_case.submitted_at.isoformat(),
        "accepted_on": bundle_case.accepted_on.isoformat() if bundle_case.accepted_on else None,
        "due_date": bundle_case.due_date.isoformat() if bundle_case.due_date else None,
        "due_note": bundle_case.due_note,
        "overdue": bundle_case.overdue,
        "parts": parts,
    }


@router.get("/", response=list[BundleOut], summary="主题套餐（公开）")
def bundle_list(request):
    return [_bundle_out(b) for b in selectors.public_bundles()]


@router.get("/cases", response=list[BundleCaseOut], auth=django_auth, summary="我的一件事办件")
def my_cases(request):
    return [_case_out(bc) for bc in selectors.bundle_cases_for_applicant(user=request.user)[:100]]


@router.get("/cases/{int:bundle_case_id}", response=BundleCaseOut, auth=django_auth, summary="一件事办件详情（各事项进度）")
def case_detail(request, bundle_case_id: int):
    return _case_out(selectors.get_bundle_case_for_user(user=request.user, bundle_case_id=bundle_case_id))


@router.post("/cases/{int:bundle_case_id}/accept", response=BundleCaseOut, auth=django_auth, summary="一次受理（窗口）")
def accept(request, bundle_case_id: int):
    bundle_case = selectors.get_bundle_case_for_staff(user=request.user, bundle_case_id=bundle_case_id)
    if not selectors.can_accept(request.user, bundle_case):
        raise Http404
    bundle_case_accept(actor=request.user, bundle_case=bundle_case)
    return _case_out(selectors.get_bundle_case_for_staff(user=request.user, bundle_case_id=bundle_case_id))


@router.post("/cases/{int:bundle_case_id}/refuse", response=BundleCaseOut, auth=django_auth, summary="不予受理（整个套餐）")
def refuse(request, bundle_case_id: int, body: ReasonIn):
    bundle_case = selectors.get_bundle_case_for_staff(user=request.user, bundle_case_id=bundle_case_id)
    if not selectors.can_accept(request.user, bundle_case):
        raise Http404
    bundle_case_refuse(actor=request.user, bundle_case=bundle_case, reason=body.reason)
    return _case_out(selectors.get_bundle_case_for_staff(user=request.user, bundle_case_id=bundle_case_id))


@router.post("/cases/{int:bundle_case_id}/deliver", response=BundleCaseOut, auth=django_auth, summary="一次出件（全部事项办结后）")
def deliver(request, bundle_case_id: int, body: DeliverIn):
    bundle_case = selectors.get_bundle_case_for_staff(user=request.user, bundle_case_id=bundle_case_id)
    if not selectors.can_accept(request.user, bundle_case):
        raise Http404
    bundle_case_deliver(actor=request.user, bundle_case=bundle_case, method=body.method, address=body.address)
    return _case_out(selectors.get_bundle_case_for_staff(user=request.user, bundle_case_id=bundle_case_id))


@router.get("/{code}", response=BundleDetailOut, summary="套餐详情与情形问卷（公开）")
def bundle_detail(request, code: str, answers: str = ""):
    """`answers` (comma-separated "q1.y") narrows the items, fields and materials to the plan."""
    bundle = selectors.get_public_bundle(code)
    plan = selectors.bundle_plan(bundle, [a for a in answers.split(",") if a])
    return {
        "code": bundle.code,
        "name": bundle.name,
        "audience": bundle.audience,
        "description": bundle.description,
        "limit_days": bundle.limit_days,
        "limit_basis": bundle.limit_basis,
        "lead_department": bundle.lead_department.name if bundle.lead_department else "",
        "questions": [
            {"key": q.key, "text": q.text, "options": [{"key": o.key, "label": o.label} for o in q.options.all()]} for q in plan.questions
        ],
        "items": [
            {
                "code": bi.item.code,
                "name": bi.item.name,
                "department": bi.item.department.name,
                "options": [f"{o.question.key}.{o.key}" for o in bi.options.all()],
            }
            for bi in plan.items
        ],
        "fields": [
            {"key": s.key, "label": _(s.label), "kind": s.kind, "required": required, "choices": list(s.choices)}
            for s, required in plan.fields
        ],
        "materials": [{"identity": pm.identity, "name": pm.name, "required": pm.required, "items": pm.item_names} for pm in plan.materials],
    }


@router.post("/{code}/submit", response={201: BundleCaseOut}, auth=django_auth, summary="提交一件事（一张表单、一套材料）")
def submit(request, code: str, body: SubmitIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    bundle = selectors.get_public_bundle(code)
    person = Person.objects.filter(user=request.user).first()
    enterprise = None
    if body.enterprise_id is not None:
        enterprise = Enterprise.objects.filter(pk=body.enterprise_id, legal_representative__user=request.user).first()
        if enterprise is None:
            raise ValidationError("enterprise_id", "unknown", _("法人不存在，或您不是该法人的法定代表人"))
        person = None
    if person is None and enterprise is None:
        raise PermissionDenied(_("请先登记申请人身份"))
    uploads = {}
    for f in body.files:
        try:
            uploads[f.identity] = Upload(base64.b64decode(f.content_base64, validate=True), f.filename)
        except (binascii.Error, ValueError):
            raise ValidationError("files", "base64", _("文件内容须为 Base64 编码")) from None
    bundle_case = bundle_case_submit(
        actor=request.user,
        bundle=bundle,
        applicant_person=person,
        applicant_enterprise=enterprise,
        channel=Case.CHANNEL_ONLINE,
        answers=body.answers,
        values=body.values,
        contact={"contact_name": body.contact_name, "contact_phone": body.contact_phone, "address": body.address},
        uploads=uploads,
        idempotency_key=idempotency_key,
    )
    return Status(201, _case_out(selectors.get_bundle_case_for_user(user=request.user, bundle_case_id=bundle_case.pk)))


@router.post("/{code}/window-submit", response={201: BundleCaseOut}, auth=django_auth, summary="窗口代为提交一件事（申请人在窗口）")
def window_submit(request, code: str, body: WindowSubmitIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    """A clerk at a window submits for a registered person (公民身份号码) or enterprise (统一社会信用代码);
    the bundle waits at the window's centre for the one acceptance."""
    if not (request.user.has_perm("cases.submit_on_behalf") and selectors.clerk_centre_id(request.user) is not None):
        raise PermissionDenied(_("只有窗口工作人员可以代为提交"))
    bundle = selectors.get_public_bundle(code)
    person = enterprise = None
    if body.enterprise_uscc.strip():
        enterprise = Enterprise.objects.filter(uscc=body.enterprise_uscc.strip().upper()).first()
        if enterprise is None:
            raise ValidationError("enterprise_uscc", "unknown", _("该统一社会信用代码的法人尚未登记"))
    else:
        person = Person.objects.filter(id_number=body.person_id_number.strip().upper()).first()
        if person is None:
            raise ValidationError("person_id_number", "unknown", _("该公民身份号码的自然人尚未登记"))
    bundle_case = bundle_case_submit(
        actor=request.user,
        bundle=bundle,
        applicant_person=person,
        applicant_enterprise=enterprise,
        channel=Case.CHANNEL_WINDOW,
        answers=body.answers,
        values=body.values,
        contact={"contact_name": body.contact_name, "contact_phone": body.contact_phone, "address": body.address},
        idempotency_key=idempotency_key,
    )
    return Status(201, _case_out(selectors.get_bundle_case_for_staff(user=request.user, bundle_case_id=bundle_case.pk)))
