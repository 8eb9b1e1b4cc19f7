"""一窗综合受理 at the window (CASE-1, CASE-2, CASE-3, CASE-6): submitting for the person at the
counter, the pre-review queue, the acceptance decisions, delivery and the overdue 容缺 commitments.

The services decide who may act; of two clerks deciding on one submission the second gets 409
"已被他人处理" from the service's row lock."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status
from ninja.security import django_auth

from govhall.applicants.models import Enterprise, Person
from govhall.applicants.services import person_register
from govhall.cases import permissions, services
from govhall.cases.api_schemas import (
    AcceptIn,
    CaseDetail,
    CasePage,
    CommitmentPage,
    DeliverIn,
    PageParams,
    PersonIn,
    ReasonIn,
    RongqueIn,
    SupplementRequestIn,
    WindowSubmitIn,
    case_detail,
    case_summaries,
    commitments_with_cases,
    idempotency_key_from,
    item_or_400,
    page_slice,
)
from govhall.cases.models import Case
from govhall.cases.selectors import deliveries_for_clerk, get_case_for_user, prereview_queue_for_clerk, rongque_commitments_for_staff
from govhall.core.errors import FieldError, PermissionDenied, ValidationError

router = Router(tags=["办件·窗口"], auth=django_auth)


def _refetched(case: Case, user) -> dict:
    return case_detail(get_case_for_user(user=user, case_id=case.pk))


# --- submitting for the person at the window -----------------------------------------------------


def _window_person(actor, data: PersonIn) -> Person:
    """The person by their 公民身份号码, registered now if this is their first application."""
    id_number = (data.id_number or "").strip().upper()
    person = Person.objects.filter(id_number=id_number).first() if id_number else None
    if person is not None:
        name = (data.name or "").strip()
        if name and name != person.name:
            raise ValidationError("person.name", "mismatch", _("姓名与该公民身份号码已登记的姓名不一致，请核对身份证件"))
        return person
    try:
        return person_register(actor=actor, name=data.name, id_number=id_number, phone=data.phone, address=data.address)
    except ValidationError as exc:
        raise ValidationError.many([FieldError(f"person.{e.field}", e.rule, e.message) for e in exc.errors]) from None


@router.post(
    "/window/submit",
    response={200: CaseDetail, 201: CaseDetail},
    summary="窗口代申请人提交申请（按公民身份号码查找，未登记的先登记）",
    description="办理渠道记为综合窗口，并计一次跑动。请求标识（Idempotency-Key）的用法同网上提交。",
)
def window_submit(request, body: WindowSubmitIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    profile = permissions.staff_profile(request.user)
    # Checked before anyone is looked up or registered: only window staff act for others here.
    if profile is None or profile.window is None or not request.user.has_perm("cases.submit_on_behalf"):
        raise PermissionDenied(_("只有窗口人员可以代申请人提交申请"))
    key = idempotency_key_from(idempotency_key, body.idempotency_key)
    item = item_or_400(body.item)
    replay = key is not None and Case.objects.filter(idempotency_key=key, submitted_by=request.user).exists()
    # Registering the person and submitting are one action: a refused application registers no one.
    with transaction.atomic():
        person: Person | None = None
        enterprise: Enterprise | None = None
        if body.enterprise_uscc.strip():
            enterprise = Enterprise.objects.filter(uscc=body.enterprise_uscc.strip().upper()).first()
            if enterprise is None:
                raise ValidationError("enterprise_uscc", "unknown", _("该统一社会信用代码尚未登记，请先登记法人"))
        elif body.person is not None:
            person = _window_person(request.user, body.person)
        else:
            raise ValidationError("person", "required", _("请填写申请人的公民身份号码和姓名"))
        case = services.case_submit(
            actor=request.user,
            item=item,
            applicant_person=person,
            applicant_enterprise=enterprise,
            channel=Case.CHANNEL_WINDOW,
            answers=body.answers,
            form=body.form,
            gaozhi=body.gaozhi,
            idempotency_key=key,
            window=profile.window,
        )
    return Status(200 if replay else 201, _refetched(case, request.user))


# --- queues --------------------------------------------------------------------------------------


@router.get("/window/queue", response=CasePage, summary="待预审的申请（先到先办）")
def prereview_queue(request, params: Query[PageParams]):
    window = page_slice(params.page)
    qs = prereview_queue_for_clerk(user=request.user).select_related("department")
    return {"count": qs.count(), "page": params.page, "items": case_summaries(list(qs[window]))}


@router.get("/window/deliveries", response=CasePage, summary="待送达的办理结果（一个窗口出件）")
def deliveries(request, params: Query[PageParams]):
    window = page_slice(params.page)
    qs = deliveries_for_clerk(user=request.user).select_related("department")
    return {"count": qs.count(), "page": params.page, "items": case_summaries(list(qs[window]))}


@router.get("/window/rongque-overdue", response=CommitmentPage, summary="逾期未补齐的容缺材料承诺")
def rongque_overdue(request, params: Query[PageParams]):
    window = page_slice(params.page)
    qs = rongque_commitments_for_staff(user=request.user, overdue_only=True).select_related(
        "case__department", "case__applicant_person", "case__applicant_enterprise"
    )
    return {"count": qs.count(), "page": params.page, "items": commitments_with_cases(list(qs[window]))}


# --- decisions on a submission -------------------------------------------------------------------


@router.post("/{int:case_id}/accept", response=CaseDetail, summary="受理（出具受理通知书，开始计时）")
def accept(request, case_id: int, body: AcceptIn):
    case = get_case_for_user(user=request.user, case_id=case_id)
    findings = [services.MaterialFinding(material_id=f.material, result=f.result, note=f.note) for f in body.findings]
    services.case_accept(actor=request.user, case=case, findings=findings)
    return _refetched(case, request.user)


@router.post("/{int:case_id}/accept-rongque", response=CaseDetail, summary="容缺受理（申请人书面承诺限期补齐材料）")
def accept_rongque(request, case_id: int, body: RongqueIn):
    case = get_case_for_user(user=request.user, case_id=case_id)
    services.case_accept_rongque(
        actor=request.user,
        case=case,
        missing_material_ids=body.missing_materials,
        commitment_text=body.commitment_text,
        days=body.days,
        findings=[services.MaterialFinding(material_id=f.material, result=f.result, note=f.note) for f in body.findings],
    )
    return _refetched(case, request.user)


@router.post("/{int:case_id}/refuse", response=CaseDetail, summary="不予受理（写明理由，出具不予受理通知书）")
def refuse(request, case_id: int, body: ReasonIn):
    case = get_case_for_user(user=request.user, case_id=case_id)
    services.case_refuse(actor=request.user, case=case, reason=body.reason)
    return _refetched(case, request.user)


@router.post("/{int:case_id}/request-supplement", response=CaseDetail, summary="一次性告知补正（列出全部需补正的材料）")
def request_supplement(request, case_id: int, body: SupplementRequestIn):
    case = get_case_for_user(user=request.user, case_id=case_id)
    points = [services.SupplementPoint(problem=p.problem, material_id=p.material, name=p.name) for p in body.points]
    services.case_request_supplement(actor=request.user, case=case, points=points)
    return _refetched(case, request.user)


@router.post("/{int:case_id}/deliver", response=CaseDetail, summary="送达办理结果并办结")
def deliver(request, case_id: int, body: DeliverIn):
    case = get_case_for_user(user=request.user, case_id=case_id)
    services.case_deliver(actor=request.user, case=case, method=body.method, address=body.address, note=body.note)
    return _refetched(case, request.user)
