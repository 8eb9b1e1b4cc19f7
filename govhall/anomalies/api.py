"""JSON API of anomalies under /api/anomalies/: the rules, hits (filtered) and their review, tasks,
the answer, return and close, and the dashboard's counts.

A staff session is needed (django_auth, CSRF token for writes). Hits are for supervisors and
auditors; a task for them and for the department (or centre) that answers it. Anything out of
reach is a 404; a step the role may not take is a 403.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import django_auth

from govhall.anomalies import permissions, selectors, services
from govhall.anomalies.models import AnomalyHit, SupervisionTask
from govhall.anomalies.rules import RULES
from govhall.anomalies.selectors import HitFilters, TaskFilters
from govhall.core.errors import ValidationError
from govhall.org.models import Department, Window

router = Router(tags=["异常预警与交办"], auth=django_auth)

PAGE_SIZE = 50


class ParamOut(Schema):
    name: str
    label: str
    default: int
    value: int
    help: str
    minimum: int
    maximum: int


class RuleOut(Schema):
    code: str
    name: str
    description: str
    severity: str
    severity_label: str
    kind: str
    enabled: bool
    params: list[ParamOut]


class RuleSettingIn(Schema):
    enabled: bool = True
    params: dict[str, int | str] = {}
    reason: str = ""


class HitOut(Schema):
    id: int
    rule: str
    rule_name: str
    severity: str
    status: str
    status_label: str
    summary: str
    detail: dict[str, Any]
    department_id: int | None
    department: str
    window_id: int | None
    item_id: int | None
    fact_id: int | None
    case_id: int | None
    occurred_on: date | None
    detected_at: datetime
    dismiss_reason: str
    task_id: int | None


class HitPage(Schema):
    count: int
    page: int
    results: list[HitOut]


class ReviewIn(Schema):
    decision: str  # "dismiss" or "assign"
    reason: str = ""
    # for "assign":
    target_kind: str = SupervisionTask.TARGET_DEPARTMENT
    department: int | None = None
    window: int | None = None
    due_days: int = 5
    title: str = ""
    description: str = ""
    suggestions: list[str] = []
    also: list[int] = []


class SuggestionOut(Schema):
    id: int
    text: str
    adopted: bool | None


class AnswerOut(Schema):
    content: str
    category: str
    category_label: str
    measures: str
    answered_at: datetime
    late: bool


class TaskOut(Schema):
    id: int
    number: str
    title: str
    description: str
    target_kind: str
    target: str
    department_id: int | None
    window_id: int | None
    status: str
    status_label: str
    due_date: date
    overdue: bool
    return_count: int
    created_at: datetime
    closed_at: datetime | None
    hits: list[int]
    suggestions: list[SuggestionOut]
    answers: list[AnswerOut]


class TaskPage(Schema):
    count: int
    page: int
    results: list[TaskOut]


class AnswerIn(Schema):
    content: str
    category: str
    measures: str
    adopted: list[int] = []


class CloseIn(Schema):
    outcome: str = SupervisionTask.STATUS_RECTIFIED
    note: str = ""


class ReturnIn(Schema):
    reason: str
    due_days: int = 5


class SuggestionIn(Schema):
    text: str


def _hit_out(h: AnomalyHit) -> dict[str, Any]:
    rule = RULES.get(h.rule)
    return {
        "id": h.pk,
        "rule": h.rule,
        "rule_name": str(rule.name) if rule else h.rule,
        "severity": h.severity,
        "status": h.status,
        "status_label": str(h.get_status_display()),
        "summary": h.summary,
        "detail": h.detail,
        "department_id": h.department_id,
        "department": h.department.name if h.department else "",
        "window_id": h.window_id,
        "item_id": h.item_id,
        "fact_id": h.fact_id,
        "case_id": h.detail.get("case_id"),
        "occurred_on": h.occurred_on,
        "detected_at": h.detected_at,
        "dismiss_reason": h.dismiss_reason,
        "task_id": h.task_id,
    }


def _task_out(t: SupervisionTask) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "id": t.pk,
        "number": t.number,
        "title": t.title,
        "description": t.description,
        "target_kind": t.target_kind,
        "target": t.target_label,
        "department_id": t.department_id,
        "window_id": t.window_id,
        "status": t.status,
        "status_label": str(t.get_status_display()),
        "due_date": t.due_date,
        "overdue": t.is_overdue(timezone.localdate()),
        "return_count": t.return_count,
        "created_at": t.created_at,
        "closed_at": t.closed_at,
        "hits": list(t.hits.values_list("id", flat=True)),
        "suggestions": [{"id": s.pk, "text": s.text, "adopted": s.adopted} for s in t.suggestions.all()],
        "answers": [
            {
                "content": a.content,
                "category": a.category,
                "category_label": str(a.get_category_display()),
                "measures": a.measures,
                "answered_at": a.answered_at,
                "late": a.late,
            }
            for a in t.answers.all()
        ],
    }


@router.get("/rules", response=list[RuleOut], summary="预警规则：名称、说明、严重程度和参数")
def rule_list(request):
    selectors.hits_for_user(user=request.user)
    return [rule.as_dict() for rule in RULES.values()]


@router.put("/rules/{code}", response=RuleOut, summary="监管人员设置规则参数、启用或停用（须填写修改原因，从下次扫描起生效）")
def rule_update(request, code: str, payload: RuleSettingIn):
    selectors.hits_for_user(user=request.user)
    if code not in RULES:
        raise Http404
    setting = services.rule_setting_update(
        actor=request.user, code=code, enabled=payload.enabled, params=dict(payload.params), reason=payload.reason
    )
    return RULES[code].as_dict(setting)


@router.get("/hits", response=HitPage, summary="异常数据（可按规则、严重程度、状态、部门、窗口、发生日期筛选）")
def hit_list(
    request,
    rule: str = "",
    severity: str = "",
    status: str = "",
    department: int | None = None,
    window: int | None = None,
    start: date | None = None,
    end: date | None = None,
    page: int = 1,
):
    qs = selectors.hits_filtered(
        selectors.hits_for_user(user=request.user),
        HitFilters(rule=rule, severity=severity, status=status, department=department, window=window, start=start, end=end),
    )
    pages = Paginator(qs, PAGE_SIZE)
    current = pages.get_page(page)
    return {"count": pages.count, "page": current.number, "results": [_hit_out(h) for h in current]}


@router.get("/hits/{hit_id}", response=HitOut, summary="一条异常数据")
def hit_detail(request, hit_id: int):
    return _hit_out(selectors.get_hit_for_user(user=request.user, hit_id=hit_id))


@router.post(
    "/hits/{hit_id}/review", response={200: HitOut, 201: TaskOut}, summary="复核：排除（dismiss，填写理由）或交办（assign，生成任务）"
)
def hit_review(request, hit_id: int, payload: ReviewIn):
    hit = selectors.get_hit_for_user(user=request.user, hit_id=hit_id)
    if payload.decision == "dismiss":
        return Status(200, _hit_out(services.hit_dismiss(actor=request.user, hit=hit, reason=payload.reason)))
    if payload.decision != "assign":
        raise ValidationError("decision", "choice", _("复核结论只能是排除（dismiss）或交办（assign）"))
    department = Department.objects.filter(pk=payload.department).first() if payload.department else None
    window = Window.objects.select_related("centre").filter(pk=payload.window).first() if payload.window else None
    others = list(AnomalyHit.objects.filter(pk__in=payload.also).exclude(pk=hit.pk))
    task = services.task_assign(
        actor=request.user,
        hits=[hit, *others],
        target_kind=payload.target_kind,
        department=department,
        window=window,
        due_days=payload.due_days,
        title=payload.title,
        description=payload.description,
        suggestions=payload.suggestions,
    )
    return Status(201, _task_out(task))


@router.get("/tasks", response=TaskPage, summary="我可见的交办任务（status=open 为未办结，overdue=true 为超期未答复）")
def task_list(request, status: str = "", department: int | None = None, overdue: bool = False, page: int = 1):
    qs = selectors.tasks_filtered(
        selectors.tasks_for_user(user=request.user), TaskFilters(status=status, department=department, overdue=overdue)
    ).prefetch_related("suggestions", "answers")
    pages = Paginator(qs, PAGE_SIZE)
    current = pages.get_page(page)
    return {"count": pages.count, "page": current.number, "results": [_task_out(t) for t in current]}


@router.get("/tasks/{task_id}", response=TaskOut, summary="一项交办任务")
def task_detail(request, task_id: int):
    return _task_out(selectors.get_task_for_user(user=request.user, task_id=task_id))


@router.post("/tasks/{task_id}/answer", response=TaskOut, summary="承办部门（或窗口所在中心）答复并填报整改")
def task_answer(request, task_id: int, payload: AnswerIn):
    task = selectors.get_task_for_user(user=request.user, task_id=task_id)
    services.task_answer(
        actor=request.user,
        task=task,
        content=payload.content,
        category=payload.category,
        measures=payload.measures,
        adopted=payload.adopted,
    )
    return _task_out(SupervisionTask.objects.get(pk=task.pk))


@router.post("/tasks/{task_id}/close", response=TaskOut, summary="监管人员办结任务（rectified 已整改 / closed 已办结）")
def task_close(request, task_id: int, payload: CloseIn):
    task = selectors.get_task_for_user(user=request.user, task_id=task_id)
    return _task_out(services.task_close(actor=request.user, task=task, outcome=payload.outcome, note=payload.note))


@router.post("/tasks/{task_id}/return", response=TaskOut, summary="监管人员退回重办，重新计算答复期限")
def task_return(request, task_id: int, payload: ReturnIn):
    task = selectors.get_task_for_user(user=request.user, task_id=task_id)
    return _task_out(services.task_return(actor=request.user, task=task, reason=payload.reason, due_days=payload.due_days))


@router.post("/tasks/{task_id}/suggestions", response=TaskOut, summary="监管人员添加整改建议")
def task_suggest(request, task_id: int, payload: SuggestionIn):
    task = selectors.get_task_for_user(user=request.user, task_id=task_id)
    services.suggestion_add(actor=request.user, task=task, text=payload.text)
    return _task_out(SupervisionTask.objects.get(pk=task.pk))


@router.get("/summary", response=dict, summary="异常、任务、整改建议的汇总（监管大屏用）")
def summary(request, start: date | None = None, end: date | None = None):
    if not permissions.can_view_hits(request.user):
        selectors.hits_for_user(user=request.user)  # 404
    return selectors.summary(start=start, end=end)
