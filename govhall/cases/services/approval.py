"""并联审批 (CASE-4, CASE-5, CASE-6, CASE-8): the process of an accepted case, its tasks, the clock's
pauses and extensions, the decision, termination and the verification of 告知承诺.

The engine (SpiffWorkflow, `cases.workflows.engine`) is only ever touched here, under the case's
row lock: two departments finishing their parallel reviews at the same moment queue on that lock,
so neither overwrites the other's step.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases import permissions
from govhall.cases.clock import case_clock_refresh
from govhall.cases.models import (
    Case,
    CaseCommitment,
    CaseDocument,
    CaseExtension,
    CasePause,
    CaseTask,
    ProcessBinding,
    ProcessDefinition,
    ProcessInstance,
)
from govhall.cases.services.events import case_document_issue, case_event_append, case_lock
from govhall.cases.workflows import engine
from govhall.catalog.models import Item, ItemVersion
from govhall.catalog.permissions import can_edit_department_items
from govhall.core.calendar import add_working_days
from govhall.core.errors import Conflict, ErrorCollector, PermissionDenied, ValidationError
from govhall.licences.services import licence_issue_for_case, licence_revoke_for_case
from govhall.org.models import Department

# 行政许可法 第42条: 20 working days, extendable by 10 with the approval of the head of the organ.
MAX_EXTENSION_DAYS = 10
# 告知承诺: when the item does not say, the department verifies within this many working days.
DEFAULT_VERIFY_DAYS = 20


# --- which process a case runs -------------------------------------------------------------------


def builtin_definition(code: str) -> ProcessDefinition:
    """The stored row of a shipped default; a new row when the shipped file changed, so running
    cases keep the model they started with."""
    xml = engine.builtin_xml(code)
    model = engine.load(xml)
    definition = ProcessDefinition.objects.filter(builtin=code, sha256=model.sha256).first()
    if definition is None:
        definition = ProcessDefinition.objects.create(
            name=engine.BUILTIN[code][0], builtin=code, process_id=model.process_id, bpmn=xml, sha256=model.sha256
        )
    return definition


def binding_for_version(version: ItemVersion) -> ProcessBinding | None:
    return (
        ProcessBinding.objects.filter(item_id=version.item_id, from_version__number__lte=version.number)
        .select_related("definition")
        .order_by("-from_version__number", "-id")
        .first()
    )


def process_for_version(version: ItemVersion) -> tuple[ProcessDefinition, list[Department]]:
    """(definition, 会商 departments) for cases of this version: the admin's binding if any, else
    即办件 / 会商联审 / 承诺件 with 制证 for licences / 承诺件."""
    binding = binding_for_version(version)
    co = list(binding.co_departments.order_by("id")) if binding else []
    if binding is not None and binding.definition is not None:
        return binding.definition, co
    if version.handling_type == "instant":
        return builtin_definition("instant"), []
    if co:
        return builtin_definition("joint_review"), co
    if version.result_type == "licence":
        return builtin_definition("promised_certify"), []
    return builtin_definition("promised"), []


def process_bind(
    *,
    actor,
    item: Item,
    reason: str,
    bpmn: bytes | None = None,
    filename: str = "",
    builtin: str = "",
    co_departments: list[Department] | None = None,
) -> ProcessBinding:
    """Set the process of an item from its current version on: an uploaded BPMN file (validated,
    a broken model refused with the reason), a named default, or the automatic default."""
    if not (actor.has_perm("cases.manage_processes") and can_edit_department_items(actor, item.department)):
        raise PermissionDenied(_("无权设置该事项的审批流程"))
    errors = ErrorCollector()
    if not (reason or "").strip():
        errors.add("reason", "required", _("请填写设置原因"))
    if bpmn is not None and builtin:
        errors.add("bpmn", "one_source", _("上传模型和选择内置模板只能二选一"))
    if builtin and builtin not in engine.BUILTIN:
        errors.add("builtin", "choice", _("内置模板无效"))
    co = list(co_departments or [])
    if item.department in co:
        errors.add("co_departments", "lead", _("会商部门不能包含实施主体本身"))
    errors.raise_if_any()
    model = engine.check_upload(bpmn) if bpmn is not None else None
    with transaction.atomic():
        definition = None
        if model is not None and bpmn is not None:
            definition = ProcessDefinition.objects.create(
                name=f"{model.name}（{filename or item.name}）"[:100],
                process_id=model.process_id,
                bpmn=bpmn.decode("utf-8"),
                sha256=model.sha256,
                uploaded_by=actor,
            )
        elif builtin:
            definition = builtin_definition(builtin)
        binding = ProcessBinding.objects.create(
            item=item, from_version=item.current, definition=definition, reason=reason.strip()[:500], created_by=actor
        )
        binding.co_departments.set(co)
        return binding


# --- the process of a case -----------------------------------------------------------------------


def _sync_tasks(*, case: Case, ready: list[engine.ReadyTask], actor) -> list[CaseTask]:
    now = timezone.now()
    known = set(CaseTask.objects.filter(case=case).values_list("spiff_id", flat=True))
    by_uscc = {}
    codes = {t.department_code for t in ready if t.department_code}
    if codes:
        by_uscc = {d.uscc: d for d in Department.objects.filter(uscc__in=codes)}
    created = []
    for task in ready:
        if task.spiff_id in known:
            continue
        department = by_uscc.get(task.department_code or "", case.department) if task.role != "clerk" else None
        row = CaseTask.objects.create(
            case=case,
            spiff_id=task.spiff_id,
            spec=task.spec,
            name=task.name[:100],
            role=task.role,
            is_decision=task.is_decision,
            department=department,
            centre=case.centre if task.role == "clerk" else None,
            opened_at=now,
        )
        created.append(row)
        case_event_append(
            case=case,
            kind="task_opened",
            actor=actor,
            after={"task": row.name, "role": row.role, "department": department.name if department else ""},
        )
    return created


def process_start(*, case: Case, actor) -> ProcessInstance:
    """Start the case's process at acceptance (inside the acceptance transaction)."""
    definition, co = process_for_version(case.item_version)
    model = engine.load(definition.bpmn)
    lead = case.department
    data = {
        "departments": [lead.uscc, *[d.uscc for d in co]] if lead else [d.uscc for d in co],
        "lead_department": lead.uscc if lead else "",
        "needs_certificate": case.item_version.result_type == "licence",
    }
    state, ready, finished = engine.start(model, data)
    instance = ProcessInstance.objects.create(case=case, definition=definition, state=state, finished=finished)
    _sync_tasks(case=case, ready=ready, actor=actor)
    return instance


def task_complete(*, actor, task: CaseTask, outcome: str, opinion: str = "") -> CaseTask:
    """Do one step: 同意 (approve), 不同意 (reject, with the reason) or, at a decision step, 退回
    (return to review). Completing the decision step decides the case."""
    opinion = (opinion or "").strip()
    errors = ErrorCollector()
    if outcome not in dict(CaseTask.OUTCOME_CHOICES):
        errors.add("outcome", "choice", _("办理结论须为同意、退回或不同意"))
    if outcome == CaseTask.OUTCOME_RETURN and not task.is_decision:
        errors.add("outcome", "return_at_decision", _("只有决定环节可以退回重审"))
    if outcome in (CaseTask.OUTCOME_REJECT, CaseTask.OUTCOME_RETURN) and not opinion:
        errors.add("opinion", "required", _("不同意或退回时须填写意见"))
    errors.raise_if_any()
    with transaction.atomic():
        case = case_lock(task.case, statuses=(Case.STATUS_IN_PROGRESS, Case.STATUS_SUSPENDED))
        task = CaseTask.objects.select_for_update(of=("self",)).select_related("department").get(pk=task.pk)
        if task.status != CaseTask.STATUS_OPEN:
            raise Conflict(_("该环节已被他人办理，请刷新后查看"))
        if not permissions.can_do_task(actor, task):
            raise PermissionDenied(_("无权办理该环节"))
        if case.status == Case.STATUS_SUSPENDED and task.is_decision:
            raise ValidationError("status", "suspended", _("办件处于特别程序中，结束后才能作出决定"))
        deciding = task.is_decision and outcome != CaseTask.OUTCOME_RETURN
        if deciding and case.commitments.filter(kind=CaseCommitment.KIND_RONGQUE, status=CaseCommitment.STATUS_OPEN).exists():
            raise ValidationError("commitment", "rongque_open", _("容缺材料尚未补齐，不能作出决定"))
        instance = ProcessInstance.objects.select_for_update().get(case=case)
        state, ready, finished = engine.complete(instance.state, task.spiff_id, outcome)
        now = timezone.now()
        task.status = CaseTask.STATUS_DONE
        task.outcome = outcome
        task.opinion = opinion[:1000]
        task.completed_by = actor
        task.completed_at = now
        task.save()
        case_event_append(
            case=case,
            kind="task_completed",
            actor=actor,
            after={
                "task": task.name,
                "outcome": outcome,
                "opinion": opinion,
                "department": task.department.name if task.department else "",
            },
        )
        if deciding:
            _decide(case=case, actor=actor, approved=outcome == CaseTask.OUTCOME_APPROVE, reason=opinion)
        instance.state = "" if finished else state
        instance.finished = finished
        instance.save(update_fields=["state", "finished", "updated_at"])
        _sync_tasks(case=case, ready=ready, actor=actor)
        if finished:
            if not case.decision:
                raise ValidationError("process", "no_decision", _("流程结束但没有作出决定：请检查该事项的流程模型"))
            before = case.status
            case.status = Case.STATUS_TO_DELIVER
            case.save(update_fields=["status", "updated_at"])
            case_event_append(case=case, kind="process_finished", actor=actor, before={"status": before}, after={"status": case.status})
            # DATA-3: an approved case whose result is a licence gets its signed e-licence (制证).
            licence_issue_for_case(case=case, actor=actor)
        return task


def _decide(*, case: Case, actor, approved: bool, reason: str) -> None:
    today = timezone.localdate()
    case.decision = Case.DECISION_APPROVED if approved else Case.DECISION_DENIED
    case.decided_at = timezone.now()
    case.decision_reason = "" if approved else reason[:1000]
    case.overdue = bool(case.due_date and today > case.due_date)
    case.save(update_fields=["decision", "decided_at", "decision_reason", "overdue", "updated_at"])
    case_event_append(
        case=case,
        kind="decided",
        actor=actor,
        after={"decision": case.decision, "reason": case.decision_reason, "on_time": not case.overdue},
    )
    case_document_issue(
        case=case,
        kind=CaseDocument.KIND_APPROVAL if approved else CaseDocument.KIND_DENIAL,
        actor=actor,
        body={"decision": case.decision, "reason": case.decision_reason, "result_name": case.item_version.result_name},
    )
    if approved and case.gaozhi:
        days = case.item_version.commitment_verify_days or DEFAULT_VERIFY_DAYS
        CaseCommitment.objects.create(
            case=case,
            kind=CaseCommitment.KIND_GAOZHI,
            materials=[],
            text=_("申请人承诺所填信息和所附材料真实，符合许可条件"),
            due_date=add_working_days(today, days),
            created_by=actor,
        )


# --- special procedures, extension, termination --------------------------------------------------


def case_pause_start(*, actor, case: Case, kind: str, reason: str) -> CasePause:
    """Start a special procedure (听证, 检验检测, 专家评审, 公示 …): the clock stops (行政许可法 §45)."""
    if not permissions.can_handle(actor, case):
        raise PermissionDenied(_("无权办理该办件"))
    errors = ErrorCollector()
    if kind not in dict(CasePause.KIND_CHOICES):
        errors.add("kind", "choice", _("特别程序类型无效"))
    if not (reason or "").strip():
        errors.add("reason", "required", _("请填写启动特别程序的理由"))
    errors.raise_if_any()
    today = timezone.localdate()
    with transaction.atomic():
        case = case_lock(case, statuses=(Case.STATUS_IN_PROGRESS,))
        pause = CasePause.objects.create(case=case, kind=kind, reason=reason.strip()[:500], started_on=today, started_by=actor)
        case.status = Case.STATUS_SUSPENDED
        case_clock_refresh(case, today=today)
        case.save()
        case_event_append(
            case=case,
            kind="pause_started",
            actor=actor,
            before={"status": Case.STATUS_IN_PROGRESS},
            after={"status": case.status, "kind": kind, "reason": pause.reason, "started_on": today.isoformat()},
        )
        return pause


def case_pause_end(*, actor, case: Case, reason: str) -> CasePause:
    """End the open special procedure; its days (start to today, inclusive) do not count."""
    if not permissions.can_handle(actor, case):
        raise PermissionDenied(_("无权办理该办件"))
    if not (reason or "").strip():
        raise ValidationError("reason", "required", _("请填写特别程序的结果"))
    today = timezone.localdate()
    with transaction.atomic():
        case = case_lock(case, statuses=(Case.STATUS_SUSPENDED,))
        pause = CasePause.objects.select_for_update().get(case=case, ended_on__isnull=True)
        pause.ended_on = today
        pause.ended_by = actor
        pause.end_reason = reason.strip()[:500]
        pause.save()
        case.status = Case.STATUS_IN_PROGRESS
        case_clock_refresh(case, today=today)
        case.save()
        case_event_append(
            case=case,
            kind="pause_ended",
            actor=actor,
            before={"status": Case.STATUS_SUSPENDED},
            after={
                "status": case.status,
                "kind": pause.kind,
                "ended_on": today.isoformat(),
                "due_date": case.due_date.isoformat() if case.due_date else None,
            },
        )
        return pause


def case_extension_request(*, actor, case: Case, days: int, reason: str) -> CaseExtension:
    if not permissions.can_handle(actor, case):
        raise PermissionDenied(_("无权办理该办件"))
    errors = ErrorCollector()
    if not 1 <= int(days) <= MAX_EXTENSION_DAYS:
        errors.add("days", "range", _("延期须为 1 至 %(max)d 个工作日（行政许可法第四十二条）") % {"max": MAX_EXTENSION_DAYS})
    if not (reason or "").strip():
        errors.add("reason", "required", _("请填写延期理由"))
    errors.raise_if_any()
    with transaction.atomic():
        case = case_lock(case, statuses=Case.CLOCK_STATUSES)
        if case.extensions.filter(status__in=[CaseExtension.STATUS_PENDING, CaseExtension.STATUS_APPROVED]).exists():
            raise ValidationError("days", "once", _("每个办件只能延期一次，已有待审批或已批准的延期"))
        extension = CaseExtension.objects.create(case=case, days=int(days), reason=reason.strip()[:500], requested_by=actor)
        case_event_append(case=case, kind="extension_requested", actor=actor, after={"days": extension.days, "reason": extension.reason})
        return extension


def case_extension_decide(*, actor, extension: CaseExtension, approve: bool, note: str = "") -> CaseExtension:
    """A section head of the department approves or refuses; not the one who asked."""
    case = extension.case
    if not (permissions.can_handle(actor, case) and actor.has_perm("cases.decide_case")):
        raise PermissionDenied(_("延期须由科室负责人审批"))
    if extension.requested_by_id == actor.pk:
        raise PermissionDenied(_("不能审批自己提出的延期"))
    if not approve and not (note or "").strip():
        raise ValidationError("note", "required", _("不批准时须填写意见"))
    today = timezone.localdate()
    with transaction.atomic():
        case = case_lock(case, statuses=Case.CLOCK_STATUSES)
        extension = CaseExtension.objects.select_for_update().get(pk=extension.pk)
        if extension.status != CaseExtension.STATUS_PENDING:
            raise Conflict(_("该延期申请已被他人审批"))
        extension.status = CaseExtension.STATUS_APPROVED if approve else CaseExtension.STATUS_REFUSED
        extension.decided_by = actor
        extension.decided_at = timezone.now()
        extension.note = (note or "").strip()[:500]
        extension.save()
        before_due = case.due_date
        if approve:
            case.extension_days += extension.days
            case_clock_refresh(case, today=today)
            case.save()
        case_event_append(
            case=case,
            kind="extension_decided",
            actor=actor,
            before={"due_date": before_due.isoformat() if before_due else None},
            after={
                "approved": approve,
                "days": extension.days,
                "due_date": case.due_date.isoformat() if case.due_date else None,
                "note": extension.note,
            },
        )
        if approve:
            case_document_issue(
                case=case,
                kind=CaseDocument.KIND_EXTENSION,
                actor=actor,
                body={"days": extension.days, "reason": extension.reason, "due_date": case.due_date.isoformat() if case.due_date else None},
            )
        return extension


def case_terminate(*, actor, case: Case, reason: str) -> Case:
    """终止办理 by the department (the applicant died, the enterprise was dissolved …), with reason."""
    if not (permissions.can_handle(actor, case) and actor.has_perm("cases.decide_case")):
        raise PermissionDenied(_("终止办理须由科室负责人决定"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", "required", _("请填写终止办理的理由"))
    with transaction.atomic():
        case = case_lock(case, statuses=Case.CLOCK_STATUSES)
        # 终止 ends a procedure before its decision; a decision once made is revoked, not terminated.
        if case.decision:
            raise ValidationError("status", "decided", _("已作出决定，不能终止办理"))
        before = case.status
        case.status = Case.STATUS_TERMINATED
        case.closed_reason = reason[:1000]
        case.finished_at = timezone.now()
        case.save()
        CaseTask.objects.filter(case=case, status=CaseTask.STATUS_OPEN).update(status=CaseTask.STATUS_CANCELLED)
        ProcessInstance.objects.filter(case=case).update(state="", finished=True)
        case_event_append(
            case=case, kind="terminated", actor=actor, before={"status": before}, after={"status": case.status, "reason": reason}
        )
        case_document_issue(case=case, kind=CaseDocument.KIND_TERMINATION, actor=actor, body={"reason": reason})
        return case


# --- 告知承诺 verification (CASE-8) ---------------------------------------------------------------


def commitment_verify(*, actor, commitment: CaseCommitment, passed: bool, note: str) -> CaseCommitment:
    """Verify a 告知承诺 after approval: true → closed; false → the result is revoked and the
    applicant's credit record marked."""
    case = commitment.case
    if not permissions.can_handle(actor, case):
        raise PermissionDenied(_("无权核查该承诺"))
    note = (note or "").strip()
    if not note:
        raise ValidationError("note", "required", _("请填写核查情况"))
    with transaction.atomic():
        case = case_lock(case, statuses=(Case.STATUS_TO_DELIVER, Case.STATUS_DONE))
        commitment = CaseCommitment.objects.select_for_update().get(pk=commitment.pk)
        if commitment.kind != CaseCommitment.KIND_GAOZHI or commitment.status != CaseCommitment.STATUS_OPEN:
            raise Conflict(_("该承诺已核查"))
        commitment.status = CaseCommitment.STATUS_PASSED if passed else CaseCommitment.STATUS_FAILED
        commitment.closed_by = actor
        commitment.closed_at = timezone.now()
        commitment.note = note[:500]
        commitment.save()
        case_event_append(case=case, kind="commitment_verified", actor=actor, after={"passed": passed, "note": note})
        if not passed:
            before = case.status
            case.status = Case.STATUS_REVOKED
            case.closed_reason = note[:1000]
            case.save()
            case_event_append(
                case=case, kind="revoked", actor=actor, before={"status": before}, after={"status": case.status, "reason": note}
            )
            applicant = case.applicant
            case_event_append(
                case=case,
                kind="credit_marked",
                actor=actor,
                after={"subject": getattr(applicant, "uscc", None) or getattr(applicant, "id_number", ""), "reason": _("告知承诺不实")},
            )
            case_document_issue(case=case, kind=CaseDocument.KIND_REVOCATION, actor=actor, body={"reason": note})
            # DATA-3: the revoked result's e-licence is revoked with it.
            licence_revoke_for_case(case=case, actor=actor, reason=note)
        return commitment
