"""Applying online (CASE-1, CASE-3, CASE-7): drafts, submission, materials, my cases, supplementing,
withdrawal, 容缺 materials and the documents, for the applicant (or whoever submitted for them).

Every case is fetched through `get_case_for_user`: someone else's case is a 404, never a 403."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from govhall.applicants.models import Enterprise, Person
from govhall.cases import services
from govhall.cases.api_schemas import (
    ApplicationIn,
    CaseDetail,
    CasePage,
    MaterialOut,
    ReasonIn,
    SubmitIn,
    case_detail,
    case_summaries,
    idempotency_key_from,
    item_or_400,
    material_out,
    page_slice,
)
from govhall.cases.documents import document_filename, document_pdf
from govhall.cases.models import Case
from govhall.cases.selectors import cases_for_applicant, get_case_for_user
from govhall.catalog.models import Material
from govhall.core.errors import ValidationError

router = Router(tags=["办件·申请人"], auth=django_auth)

# What an applicant may choose for themself: the window, kiosk and agent-point channels are
# recorded by the staff or device that serves them (网办率 is counted from this field).
APPLICANT_CHANNELS = (Case.CHANNEL_ONLINE, Case.CHANNEL_MOBILE)

PDF_RESPONSE: dict[str, Any] = {"responses": {200: {"description": "PDF", "content": {"application/pdf": {}}}}}
FILE_RESPONSE: dict[str, Any] = {
    "responses": {200: {"description": "原文件（PDF、JPEG 或 PNG）", "content": {"application/octet-stream": {}}}}
}


def _applicant(user, enterprise_id: int | None) -> tuple[Person | None, Enterprise | None]:
    """The applicant's own person record, or an enterprise they are the legal representative of."""
    if enterprise_id is not None:
        enterprise = Enterprise.objects.filter(pk=enterprise_id, legal_representative__user=user).first()
        if enterprise is None:
            raise ValidationError("enterprise", "unknown", _("法人不存在，或您不是该法人的法定代表人"))
        return None, enterprise
    person = Person.objects.filter(user=user).first()
    if person is None:
        raise ValidationError("applicant", "not_registered", _("请先完成实名登记后再申请"))
    return person, None


def _channel(channel: str) -> str:
    if channel not in APPLICANT_CHANNELS:
        raise ValidationError("channel", "choice", _("网上申请的办理渠道只能是 online（网上办）或 mobile（掌上办）"))
    return channel


def _detail(case: Case, user) -> dict[str, Any]:
    return case_detail(get_case_for_user(user=user, case_id=case.pk))


# --- drafts and submission -----------------------------------------------------------------------


@router.post("/drafts", response={201: CaseDetail}, summary="保存申请草稿")
def draft_create(request, body: ApplicationIn):
    person, enterprise = _applicant(request.user, body.enterprise)
    case = services.case_draft_save(
        actor=request.user,
        item=item_or_400(body.item),
        applicant_person=person,
        applicant_enterprise=enterprise,
        channel=_channel(body.channel),
        answers=body.answers,
        form=body.form,
        gaozhi=body.gaozhi,
    )
    return Status(201, _detail(case, request.user))


@router.put("/drafts/{int:case_id}", response=CaseDetail, summary="修改申请草稿")
def draft_update(request, case_id: int, body: ApplicationIn):
    draft = get_case_for_user(user=request.user, case_id=case_id)
    person, enterprise = _applicant(request.user, body.enterprise)
    case = services.case_draft_save(
        actor=request.user,
        item=item_or_400(body.item),
        applicant_person=person,
        applicant_enterprise=enterprise,
        channel=_channel(body.channel),
        answers=body.answers,
        form=body.form,
        gaozhi=body.gaozhi,
        case=draft,
    )
    return _detail(case, request.user)


@router.delete("/drafts/{int:case_id}", response={204: None}, summary="删除申请草稿")
def draft_delete(request, case_id: int):
    services.case_draft_delete(actor=request.user, case=get_case_for_user(user=request.user, case_id=case_id))
    return Status(204, None)


@router.post(
    "/submit",
    response={200: CaseDetail, 201: CaseDetail},
    summary="提交申请（201 新办件；同一请求标识重复提交返回原办件，200）",
    description=(
        "请求标识放在请求头 Idempotency-Key 或请求体 idempotency_key 中：网络重试或重复点击时返回已提交的"
        "同一办件，不会产生第二个办件。提交草稿时传 draft，其余字段缺省取草稿中的内容。"
    ),
)
def submit(request, body: SubmitIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    key = idempotency_key_from(idempotency_key, body.idempotency_key)
    draft = get_case_for_user(user=request.user, case_id=body.draft) if body.draft is not None else None
    given = body.model_fields_set
    item_id = body.item if "item" in given or draft is None else draft.item_id
    if draft is not None and "enterprise" not in given:
        enterprise_id = draft.applicant_enterprise_id
    else:
        enterprise_id = body.enterprise
    person, enterprise = _applicant(request.user, enterprise_id)
    # A retry answers with the case the first request made (200); only a new case is 201.
    replay = key is not None and Case.objects.filter(idempotency_key=key, submitted_by=request.user).exists()
    case = services.case_submit(
        actor=request.user,
        item=item_or_400(item_id),
        applicant_person=person,
        applicant_enterprise=enterprise,
        channel=_channel(body.channel if "channel" in given or draft is None else draft.channel),
        answers=body.answers if "answers" in given or draft is None else draft.answers,
        form=body.form if "form" in given or draft is None else draft.form,
        gaozhi=body.gaozhi if "gaozhi" in given or draft is None else draft.gaozhi,
        idempotency_key=key,
        draft=draft,
    )
    return Status(200 if replay else 201, _detail(case, request.user))


# --- my cases ------------------------------------------------------------------------------------


class MineParams(Schema):
    status: str = ""
    page: int = 1


@router.get("/mine", response=CasePage, summary="我的办件（按状态筛选，分页）")
def my_cases(request, params: Query[MineParams]):
    if params.status and params.status not in dict(Case.STATUS_CHOICES):
        raise ValidationError("status", "choice", _("办件状态“%(status)s”不存在") % {"status": params.status})
    window = page_slice(params.page)
    qs = cases_for_applicant(user=request.user, status=params.status).select_related("applicant_person", "applicant_enterprise")
    return {"count": qs.count(), "page": params.page, "items": case_summaries(list(qs[window]))}


@router.get("/{int:case_id}", response=CaseDetail, summary="办件详情：状态、期限、剩余工作日、办理过程、文书、材料")
def case_get(request, case_id: int):
    return case_detail(get_case_for_user(user=request.user, case_id=case_id))


# --- materials -----------------------------------------------------------------------------------


class MaterialForm(Schema):
    material: int | None = None
    name: str = ""


@router.post("/{int:case_id}/materials", response={201: MaterialOut}, summary="上传申请材料（PDF、JPEG、PNG）")
def material_upload(request, case_id: int, form: Form[MaterialForm], file: File[UploadedFile]):
    case = get_case_for_user(user=request.user, case_id=case_id)
    material = None
    if form.material is not None:
        material = Material.objects.filter(pk=form.material).first()
        if material is None:
            raise ValidationError("material", "unknown", _("该材料不属于本事项"))
    # Read one byte past the limit: enough for the service to refuse a file that is too large
    # without holding all of it in memory.
    data = file.read(settings.GOVHALL_UPLOAD_MAX_BYTES + 1)
    row = services.case_material_upload(
        actor=request.user, case=case, material=material, data=data, filename=file.name or "", name=form.name
    )
    return Status(201, material_out(row))


@router.get("/{int:case_id}/materials", response=list[MaterialOut], summary="办件的申请材料")
def material_list(request, case_id: int):
    case = get_case_for_user(user=request.user, case_id=case_id)
    return [material_out(m) for m in case.materials.order_by("id")]


@router.get(
    "/{int:case_id}/materials/{int:material_id}/file",
    url_name="case_material_file",
    summary="下载申请材料原文件",
    openapi_extra=FILE_RESPONSE,
)
def material_file(request, case_id: int, material_id: int):
    case = get_case_for_user(user=request.user, case_id=case_id)
    row = case.materials.filter(pk=material_id).first()
    if row is None:
        raise Http404
    path = services.case_material_path(row)
    if not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), content_type=row.content_type, as_attachment=True, filename=row.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- after submission ----------------------------------------------------------------------------


@router.post("/{int:case_id}/supplement", response=CaseDetail, summary="补正材料后重新提交预审")
def supplement(request, case_id: int):
    case = services.case_supplement_submit(actor=request.user, case=get_case_for_user(user=request.user, case_id=case_id))
    return _detail(case, request.user)


@router.post("/{int:case_id}/withdraw", response=CaseDetail, summary="撤回申请")
def withdraw(request, case_id: int, body: ReasonIn):
    case = services.case_withdraw(actor=request.user, case=get_case_for_user(user=request.user, case_id=case_id), reason=body.reason)
    return _detail(case, request.user)


@router.post("/{int:case_id}/rongque/fulfil", response=CaseDetail, summary="容缺材料已补齐")
def rongque_fulfil(request, case_id: int):
    case = get_case_for_user(user=request.user, case_id=case_id)
    services.commitment_fulfil(actor=request.user, case=case)
    return _detail(case, request.user)


@router.get(
    "/{int:case_id}/documents/{int:document_id}/pdf",
    url_name="case_document_pdf",
    summary="下载文书（受理通知书、一次性告知书、决定书等）PDF",
    openapi_extra=PDF_RESPONSE,
)
def document_download(request, case_id: int, document_id: int):
    case = get_case_for_user(user=request.user, case_id=case_id)
    document = case.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    response = FileResponse(
        io.BytesIO(document_pdf(document)), content_type="application/pdf", as_attachment=True, filename=document_filename(document)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
