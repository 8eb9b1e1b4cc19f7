"""并联审批 for department staff (CASE-4, CASE-5, CASE-6, CASE-8): my tasks with the days left,
completing a step, special procedures, extension, termination and the 告知承诺 verifications; and
for administrators, which process an item runs (a BPMN upload or a shipped template).

A task or case the user may not see is a 404; one they may see but not act on is a 403 from the
service."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from govhall.cases import permissions, services
from govhall.cases.api_schemas import (
    BindingIn,
    BindingOut,
    CaseDetail,
    CommitmentPage,
    CommitmentWithCase,
    CompleteIn,
    ExtensionDecideIn,
    ExtensionIn,
    ExtensionOut,
    ExtensionPage,
    PageParams,
    PauseStartIn,
    ReasonIn,
    TaskDetail,
    TaskPage,
    VerifyIn,
    case_detail,
    commitments_with_cases,
    extension_out,
    item_or_400,
    page_slice,
    task_detail,
    task_summary,
)
from govhall.cases.clock import remaining_days
from govhall.cases.models import CaseCommitment, CaseExtension, CaseTask, ProcessBinding
from govhall.cases.selectors import (
    extensions_pending_for_head,
    get_case_for_user,
    get_task_for_user,
    tasks_for_staff,
    verifications_for_department,
)
from govhall.cases.workflows.engine import MAX_UPLOAD_BYTES
from govhall.core.errors import ValidationError
from govhall.org.models import Department

router = Router(tags=["办件·审批"], auth=django_auth)
admin_router = Router(tags=["办件·流程设置"], auth=django_auth)


# --- tasks ---------------------------------------------------------------------------------------


@router.get("/tasks", response=TaskPage, summary="我的待办（剩余工作日最少的在前）")
def my_tasks(request, params: Query[PageParams]):
    window = page_slice(params.page)
    # The selector orders by due date, which is the order of the working days left.
    qs = tasks_for_staff(user=request.user).select_related("case__department", "case__applicant_person", "case__applicant_enterprise")
    tasks = list(qs[window])
    remaining = remaining_days([t.case for t in tasks])
    # Within the page, cases whose clock has stopped (no days left to count) go last.
    tasks.sort(key=lambda t: (remaining[t.case_id] is None, remaining[t.case_id] or 0))
    return {"count": qs.count(), "page": params.page, "items": [task_summary(t, remaining) for t in tasks]}


def _task_for_staff(user, task_id: int) -> CaseTask:
    """The task if the user may see its case; the steps inside a department (opinions, who is on
    it) are for staff, so an applicant gets the same 404 as for someone else's case."""
    if permissions.staff_profile(user) is None and not user.has_perm("cases.view_all_cases"):
        raise Http404
    return get_task_for_user(user=user, task_id=task_id)


@router.get("/tasks/{int:task_id}", response=TaskDetail, summary="待办详情（含办件、材料、文书、办理过程）")
def task_get(request, task_id: int):
    return task_detail(_task_for_staff(request.user, task_id), user=request.user)


@router.post("/tasks/{int:task_id}/complete", response=TaskDetail, summary="办理环节：同意、退回（决定环节）或不同意")
def task_complete(request, task_id: int, body: CompleteIn):
    task = _task_for_staff(request.user, task_id)
    services.task_complete(actor=request.user, task=task, outcome=body.outcome, opinion=body.opinion)
    return task_detail(_task_for_staff(request.user, task_id), user=request.user)


# --- the clock: special procedures and extension -------------------------------------------------


@router.post("/{int:case_id}/pause/start", response=CaseDetail, summary="启动特别程序（听证、检验检测、专家评审等，暂停计时）")
def pause_start(request, case_id: int, body: PauseStartIn):
    case = get_case_for_user(user=request.user, case_id=case_id)
    services.case_pause_start(actor=request.user, case=case, kind=body.kind, reason=body.reason)
    return case_detail(get_case_for_user(user=request.user, case_id=case_id))


@router.post("/{int:case_id}/pause/end", response=CaseDetail, summary="结束特别程序（恢复计时）")
def pause_end(request, case_id: int, body: ReasonIn):
    case = get_case_for_user(user=request.user, case_id=case_id)
    services.case_pause_end(actor=request.user, case=case, reason=body.reason)
    return case_detail(get_case_for_user(user=request.user, case_id=case_id))


@router.post("/{int:case_id}/extensions", response={201: ExtensionOut}, summary="申请延期（至多10个工作日，须科室负责人批准）")
def extension_request(request, case_id: int, body: ExtensionIn):
    case = get_case_for_user(user=request.user, case_id=case_id)
    extension = services.case_extension_request(actor=request.user, case=case, days=body.days, reason=body.reason)
    return Status(201, extension_out(extension))


@router.get("/extensions", response=ExtensionPage, summary="待我审批的延期申请")
def extensions_pending(request, params: Query[PageParams]):
    window = page_slice(params.page)
    qs = extensions_pending_for_head(user=request.user).order_by("requested_at", "id")
    return {"count": qs.count(), "page": params.page, "items": [extension_out(e) for e in qs[window]]}


def _extension_for_user(user, extension_id: int) -> CaseExtension:
    extension = CaseExtension.objects.select_related("case").filter(pk=extension_id).first()
    if extension is None:
        raise Http404
    get_case_for_user(user=user, case_id=extension.case_id)  # 404 for someone who may not see the case
    return extension


@router.post("/extensions/{int:extension_id}/decide", response=ExtensionOut, summary="审批延期申请")
def extension_decide(request, extension_id: int, body: ExtensionDecideIn):
    extension = _extension_for_user(request.user, extension_id)
    decided = services.case_extension_decide(actor=request.user, extension=extension, approve=body.approve, note=body.note)
    return extension_out(CaseExtension.objects.select_related("case").get(pk=decided.pk))


@router.post("/{int:case_id}/terminate", response=CaseDetail, summary="终止办理（写明理由，出具终止办理告知书）")
def terminate(request, case_id: int, body: ReasonIn):
    case = get_case_for_user(user=request.user, case_id=case_id)
    services.case_terminate(actor=request.user, case=case, reason=body.reason)
    return case_detail(get_case_for_user(user=request.user, case_id=case_id))


# --- 告知承诺 verification -------------------------------------------------------------------------


@router.get("/verifications", response=CommitmentPage, summary="本部门待核查的告知承诺（期限最近的在前）")
def verifications(request, params: Query[PageParams]):
    window = page_slice(params.page)
    qs = verifications_for_department(user=request.user).select_related(
        "case__department", "case__applicant_person", "case__applicant_enterprise"
    )
    return {"count": qs.count(), "page": params.page, "items": commitments_with_cases(list(qs[window]))}


@router.post("/commitments/{int:commitment_id}/verify", response=CommitmentWithCase, summary="核查告知承诺（不实则撤销许可并记入信用记录）")
def commitment_verify(request, commitment_id: int, body: VerifyIn):
    commitment = CaseCommitment.objects.select_related("case").filter(pk=commitment_id).first()
    if commitment is None:
        raise Http404
    get_case_for_user(user=request.user, case_id=commitment.case_id)
    services.commitment_verify(actor=request.user, commitment=commitment, passed=body.passed, note=body.note)
    verified = CaseCommitment.objects.select_related(
        "case__item_version", "case__department", "case__applicant_person", "case__applicant_enterprise"
    ).get(pk=commitment_id)
    return commitments_with_cases([verified])[0]


# --- process binding (administrators) ------------------------------------------------------------


def _binding_out(binding: ProcessBinding) -> dict:
    definition = binding.definition
    return {
        "id": binding.pk,
        "item_id": binding.item_id,
        "from_version": binding.from_version.number,
        "definition": (
            {"id": definition.pk, "name": definition.name, "builtin": definition.builtin, "process_id": definition.process_id}
            if definition is not None
            else None
        ),
        "co_departments": [{"id": d.pk, "name": d.name} for d in binding.co_departments.order_by("id")],
        "reason": binding.reason,
    }


@admin_router.post(
    "/process-bindings",
    response={201: BindingOut},
    summary="设置事项的审批流程（上传 BPMN 模型或选择内置模板，可加会商部门）",
    description="multipart/form-data：item、reason、builtin（instant / promised / promised_certify / joint_review，可空）、"
    "co_departments（可重复）与可选的 bpmn 文件。模型有误时返回 400，message 为引擎给出的原因。",
)
def process_binding_create(request, form: Form[BindingIn], bpmn: File[UploadedFile | None] = None):
    item = item_or_400(form.item)
    departments = {d.pk: d for d in Department.objects.filter(pk__in=form.co_departments)}
    unknown = [str(pk) for pk in form.co_departments if pk not in departments]
    if unknown:
        raise ValidationError("co_departments", "unknown", _("会商部门不存在：%(ids)s") % {"ids": "、".join(unknown)})
    # One byte past the engine's limit is enough for it to refuse an oversized model.
    data = bpmn.read(MAX_UPLOAD_BYTES + 1) if bpmn is not None else None
    binding = services.process_bind(
        actor=request.user,
        item=item,
        reason=form.reason,
        bpmn=data,
        filename=(bpmn.name or "") if bpmn is not None else "",
        builtin=form.builtin,
        co_departments=[departments[pk] for pk in dict.fromkeys(form.co_departments)],
    )
    return Status(201, _binding_out(binding))
