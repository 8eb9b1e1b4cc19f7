"""Staff pages, mounted at /staff/anomalies/: the hit list (filters, Excel, full scan), one hit with
its fact and the review forms (排除 / 交办), the rules, the task list and one task with the answer,
return, close and suggestion forms.

Every view: parse → call one service or selector → render. Hits are for supervisors and auditors
only; tasks also for the department or centre that answers them; everyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govhall.anomalies import permissions, services
from govhall.anomalies.forms import AnswerForm, AssignForm, CloseForm, DismissForm, ReturnForm, SuggestionForm
from govhall.anomalies.models import SEVERITY_CHOICES, AnomalyHit, RuleSetting, RuleSettingChange, SupervisionTask
from govhall.anomalies.rules import RULES, rule_choices
from govhall.anomalies.selectors import (
    HitFilters,
    TaskFilters,
    get_hit_for_user,
    get_task_for_user,
    hit_counts,
    hits_filtered,
    hits_for_user,
    remaining_days_for,
    task_counts,
    tasks_filtered,
    tasks_for_user,
)
from govhall.cases.models import Case
from govhall.core.errors import DomainError, PermissionDenied
from govhall.core.http import capped_rows, local_time, remaining_label, xlsx_response
from govhall.core.jobs import jobs_for_user
from govhall.org.models import Department, Window
from govhall.ratings.models import Rating

PAGE_SIZE = 30
CASE_STATUSES = {code: label for code, label in Case.STATUS_CHOICES}
CASE_DECISIONS = {code: label for code, label in Case.DECISION_CHOICES if code}


def apply_errors(form: Form, exc: DomainError) -> None:
    for error in exc.errors:
        if error.field and error.field in form.fields:
            form.add_error(error.field, str(error.message))
        else:
            form.add_error(None, str(error.message))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def hit_filters(params) -> HitFilters:
    return HitFilters(
        rule=params.get("rule", "") if params.get("rule", "") in RULES else "",
        severity=params.get("severity", ""),
        status=params.get("status", ""),
        department=_int(params.get("department")),
        window=_int(params.get("window")),
        start=_date(params.get("start")),
        end=_date(params.get("end")),
        q=params.get("q", "").strip(),
    )


def _rule_name(code: str) -> str:
    rule = RULES.get(code)
    return str(rule.name) if rule else code


# --- hits -----------------------------------------------------------------------------------------

HIT_HEADER = [
    "编号",
    "规则",
    "严重程度",
    "状态",
    "部门",
    "窗口",
    "事项",
    "办件编号",
    "发生日期",
    "摘要",
    "发现时间",
    "复核人",
    "排除理由",
    "交办任务",
]


# Rows in one Excel export at most; past it the sheet ends with a line asking to narrow the filter.
EXPORT_LIMIT = 50_000


def _export_hits(qs) -> HttpResponse:
    return xlsx_response(
        _("异常数据"),
        [_(h) for h in HIT_HEADER],
        capped_rows(
            (
                [
                    h.pk,
                    _rule_name(h.rule),
                    str(h.get_severity_display()),
                    str(h.get_status_display()),
                    h.department.name if h.department else "",
                    f"{h.window.number} {h.window.name}" if h.window else "",
                    h.item.name if h.item else "",
                    h.detail.get("external_id", ""),
                    h.occurred_on.isoformat() if h.occurred_on else "",
                    h.summary,
                    local_time(h.detected_at),
                    (h.reviewed_by.get_full_name() or h.reviewed_by.username) if h.reviewed_by else "",
                    h.dismiss_reason,
                    h.task.number if h.task else "",
                ]
                for h in qs.select_related("reviewed_by")[: EXPORT_LIMIT + 1].iterator(chunk_size=2000)
            ),
            EXPORT_LIMIT,
        ),
        [8, 16, 8, 8, 24, 16, 30, 22, 11, 50, 17, 10, 30, 16],
    )


@login_required
@require_GET
def hit_list(request: HttpRequest) -> HttpResponse:
    scope = hits_for_user(user=request.user)
    filters = hit_filters(request.GET)
    qs = hits_filtered(scope, filters)
    if request.GET.get("export") == "xlsx":
        return _export_hits(qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    without_status = query.copy()
    without_status.pop("status", None)
    return render(
        request,
        "anomalies/staff/hits.html",
        {
            "page": page,
            "hits": [{"h": h, "rule_name": _rule_name(h.rule)} for h in page],
            "filters": filters,
            "query": query.urlencode(),
            "counts": hit_counts(hits_filtered(scope, replace(filters, status=""))),
            "base_query": without_status.urlencode(),
            "rules": rule_choices(),
            "severities": SEVERITY_CHOICES,
            "statuses": AnomalyHit.STATUS_CHOICES,
            "departments": Department.objects.filter(is_active=True).order_by("id"),
            "windows": Window.objects.filter(is_active=True).select_related("centre").order_by("centre_id", "number"),
            "can_review": permissions.can_review(request.user),
            "jobs": jobs_for_user(user=request.user, kind=services.SCAN_JOB_KIND, limit=3),
        },
    )


@login_required
@require_POST
def scan(request: HttpRequest) -> HttpResponse:
    hits_for_user(user=request.user)  # 404 for people who do not see hits
    try:
        job = services.scan_start(actor=request.user)
    except DomainError as exc:
        messages.error(request, "；".join(e.message for e in exc.errors))
        return redirect("anomalies_staff:hits")
    return redirect("staff-job", job.pk)


def _rule_changes(change: RuleSettingChange) -> list[str]:
    """What one change did, in words: 启用/停用 and each parameter from → to."""
    rule = RULES.get(change.rule)
    labels = {p.name: str(p.label) for p in rule.params} if rule else {}
    said = []
    if change.enabled_before != change.enabled_after:
        said.append(_("启用规则") if change.enabled_after else _("停用规则"))
    for name, after in change.params_after.items():
        before = change.params_before.get(name)
        if before != after:
            said.append(_("%(label)s：%(before)s → %(after)s") % {"label": labels.get(name, name), "before": before, "after": after})
    return said or [_("未改动参数")]


def _rules_page(request: HttpRequest, *, editing: str = "", posted: Any = None, errors: Any = None, status: int = 200) -> HttpResponse:
    stored = {s.rule: s for s in RuleSetting.objects.select_related("updated_by")}
    history: dict[str, list[tuple[RuleSettingChange, list[str]]]] = {}
    for change in RuleSettingChange.objects.select_related("changed_by").order_by("-changed_at", "-id")[:200]:
        if len(history.setdefault(change.rule, [])) < 5:
            history[change.rule].append((change, _rule_changes(change)))
    rules = []
    for rule in RULES.values():
        data = rule.as_dict(stored.get(rule.code))
        data["setting"] = stored.get(rule.code)
        data["history"] = history.get(rule.code, [])
        if rule.code == editing and posted is not None:  # the form as it was sent, with its errors
            data["enabled"] = posted.get("enabled") == "on"
            for p in data["params"]:
                p["posted"] = posted.get(f"params.{p['name']}", "")
            data["reason"] = posted.get("reason", "")
            data["errors"] = errors or {}
        rules.append(data)
    context = {"rules": rules, "can_configure": services.can_configure_rules(request.user)}
    return render(request, "anomalies/staff/rules.html", context, status=status)


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    hits_for_user(user=request.user)
    return _rules_page(request)


@login_required
@require_POST
def rule_update(request: HttpRequest, code: str) -> HttpResponse:
    """A supervisor saves one rule's parameters and whether it runs, with the reason (one form per
    rule on the rules page); errors show in that rule's form."""
    hits_for_user(user=request.user)
    if code not in RULES:
        raise Http404
    rule = RULES[code]
    try:
        services.rule_setting_update(
            actor=request.user,
            code=code,
            enabled=request.POST.get("enabled") == "on",
            params={p.name: request.POST.get(f"params.{p.name}") for p in rule.params},
            reason=request.POST.get("reason", ""),
        )
    except PermissionDenied:
        raise Http404 from None
    except DomainError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(error.field, []).append(str(error.message))
        return _rules_page(request, editing=code, posted=request.POST, errors=errors, status=400)
    messages.success(
        request,
        _("已保存“%(rule)s”的设置，从下次扫描起生效；已发现的异常数据不变。如需按新设置检查历史数据，请发起全量扫描。")
        % {"rule": rule.name},
    )
    return redirect(reverse("anomalies_staff:rules") + f"#rule-{code}")


def _fact_rows(hit: AnomalyHit) -> list[tuple[str, Any]]:
    fact = hit.fact
    if fact is None:
        return []

    def person(user) -> str:
        return (user.get_full_name() or user.username) if user else "—"

    def when(value) -> str:
        return local_time(value) or "—"

    return [
        (_("办件编号"), f"{fact.external_id}（{fact.source}）"),
        (_("状态"), f"{CASE_STATUSES.get(fact.status, fact.status)} {CASE_DECISIONS.get(fact.decision, fact.decision)}".strip()),
        (_("即办件"), _("是") if fact.instant else _("否")),
        (_("申请时间"), when(fact.submitted_at)),
        (_("受理时间"), when(fact.accepted_at)),
        (_("决定时间"), when(fact.decided_at)),
        (_("办结时间"), when(fact.finished_at)),
        (_("承诺时限（工作日）"), fact.limit_days if fact.limit_days is not None else "—"),
        (_("实际用时（工作日）"), fact.used_days if fact.used_days is not None else "—"),
        (_("办理期限"), fact.due_date.isoformat() if fact.due_date else "—"),
        (_("超期"), _("是") if fact.overdue else _("否")),
        (_("特别程序次数 / 延期工作日"), f"{fact.pause_count} / {fact.extension_days}"),
        (_("办理环节数 / 经办人数"), f"{fact.step_count} / {fact.actor_count}"),
        (_("受理人 / 决定人"), f"{person(fact.staff)} / {person(fact.decider)}"),
        (_("非工作时间操作数"), fact.off_hours_actions),
    ]


def _hit_context(request: HttpRequest, hit: AnomalyHit, **forms: Form) -> dict[str, Any]:
    others = AnomalyHit.objects.none()
    if hit.status == AnomalyHit.STATUS_PENDING and hit.department_id is not None:
        others = AnomalyHit.objects.filter(status=AnomalyHit.STATUS_PENDING, department_id=hit.department_id).exclude(pk=hit.pk)[:20]
        others = AnomalyHit.objects.filter(pk__in=[h.pk for h in others]).order_by("-id")
    ratings = []
    if hit.rule == "rating_burst":
        ratings = list(Rating.objects.filter(pk__in=hit.detail.get("ratings", [])[:50]).select_related("window").order_by("created_at"))
    rule = RULES.get(hit.rule)
    return {
        "hit": hit,
        "rule": rule.as_dict() if rule else None,
        "fact_rows": _fact_rows(hit),
        "case_id": hit.fact.case_id if hit.fact else None,
        "ratings": ratings,
        "reviews": hit.reviews.select_related("reviewer", "task"),
        "can_review": permissions.can_review(request.user) and hit.status == AnomalyHit.STATUS_PENDING,
        "dismiss_form": forms.get("dismiss_form") or DismissForm(),
        "assign_form": forms.get("assign_form")
        or AssignForm(
            others=others,
            initial={"department": hit.department_id, "window": hit.window_id, "title": f"{_rule_name(hit.rule)}：{hit.summary}"[:200]},
        ),
    }


@login_required
@require_GET
def hit_detail(request: HttpRequest, hit_id: int) -> HttpResponse:
    hit = get_hit_for_user(user=request.user, hit_id=hit_id)
    return render(request, "anomalies/staff/hit.html", _hit_context(request, hit))


@login_required
@require_POST
def hit_dismiss(request: HttpRequest, hit_id: int) -> HttpResponse:
    hit = get_hit_for_user(user=request.user, hit_id=hit_id)
    form = DismissForm(request.POST)
    if form.is_valid():
        try:
            services.hit_dismiss(actor=request.user, hit=hit, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已排除该异常"))
            return redirect("anomalies_staff:hit", hit.pk)
    return render(request, "anomalies/staff/hit.html", _hit_context(request, hit, dismiss_form=form), status=400)


@login_required
@require_POST
def hit_assign(request: HttpRequest, hit_id: int) -> HttpResponse:
    hit = get_hit_for_user(user=request.user, hit_id=hit_id)
    others = AnomalyHit.objects.filter(status=AnomalyHit.STATUS_PENDING, department=hit.department).exclude(pk=hit.pk)
    form = AssignForm(request.POST, others=others)
    if form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_assign(
                actor=request.user,
                hits=[hit, *data["also"]],
                target_kind=data["target_kind"],
                department=data["department"],
                window=data["window"],
                due_days=data["due_days"],
                title=data["title"],
                description=data["description"],
                suggestions=form.suggestion_lines(),
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已交办，任务编号 %(n)s") % {"n": task.number})
            return redirect("anomalies_staff:task", task.pk)
    return render(request, "anomalies/staff/hit.html", _hit_context(request, hit, assign_form=form), status=400)


# --- tasks ----------------------------------------------------------------------------------------

TASK_HEADER = [
    "任务编号",
    "标题",
    "交办对象",
    "承办部门",
    "状态",
    "交办时间",
    "答复期限",
    "剩余工作日",
    "超期",
    "退回次数",
    "异常数",
    "整改建议",
    "已采纳",
]


def _task_rows(tasks: list[SupervisionTask]) -> list[dict[str, Any]]:
    left = remaining_days_for(tasks)
    rows = []
    for t in tasks:
        days = left.get(t.pk)
        rows.append({"t": t, "left": days, "label": remaining_label(days), "overdue": days is not None and days < 0})
    return rows


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    scope = tasks_for_user(user=request.user)
    filters = TaskFilters(
        status=request.GET.get("status", ""), department=_int(request.GET.get("department")), overdue=request.GET.get("overdue") == "1"
    )
    qs = tasks_filtered(scope, filters)
    qs = qs.annotate(
        n_hits=Count("hits", distinct=True),
        n_suggestions=Count("suggestions", distinct=True),
        n_adopted=Count("suggestions", filter=Q(suggestions__adopted=True), distinct=True),
    ).order_by(*(("due_date", "id") if filters.overdue else ("-created_at", "-id")))
    if request.GET.get("export") == "xlsx":
        rows = _task_rows(list(qs))
        return xlsx_response(
            _("交办任务"),
            [_(h) for h in TASK_HEADER],
            (
                [
                    r["t"].number,
                    r["t"].title,
                    r["t"].target_label,
                    r["t"].department.name if r["t"].department else "",
                    str(r["t"].get_status_display()),
                    local_time(r["t"].created_at),
                    r["t"].due_date.isoformat(),
                    r["label"],
                    _("是") if r["overdue"] else "",
                    r["t"].return_count,
                    r["t"].n_hits,
                    r["t"].n_suggestions,
                    r["t"].n_adopted,
                ]
                for r in rows
            ),
            [18, 40, 30, 24, 8, 17, 11, 16, 6, 8, 8, 8, 8],
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    by_department = (
        scope.filter(target_kind=SupervisionTask.TARGET_DEPARTMENT)
        .exclude(department=None)
        .order_by()
        .values("department_id", "department__name", "department__short_name")
        .annotate(n=Count("id"), n_open=Count("id", filter=Q(status__in=SupervisionTask.OPEN_STATUSES)))
        .order_by("-n_open", "-n")
    )
    return render(
        request,
        "anomalies/staff/tasks.html",
        {
            "rows": _task_rows(list(page)),
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "counts": task_counts(scope),
            "statuses": SupervisionTask.STATUS_CHOICES,
            "by_department": by_department,
            "sees_hits": permissions.can_view_hits(request.user),
        },
    )


def _task_context(request: HttpRequest, task: SupervisionTask, **forms: Form) -> dict[str, Any]:
    user = request.user
    suggestions = list(task.suggestions.select_related("created_by"))
    left = remaining_days_for([task]).get(task.pk)
    can = {
        "answer": permissions.can_answer(user, task) and task.awaiting_answer,
        "close": permissions.can_review(user) and task.status == SupervisionTask.STATUS_ANSWERED,
        "suggest": permissions.can_review(user) and task.is_open,
    }
    return {
        "t": task,
        "left": left,
        "left_label": remaining_label(left),
        "overdue": left is not None and left < 0,
        "hits": [{"h": h, "rule_name": _rule_name(h.rule)} for h in task.hits.select_related("item", "window").order_by("id")],
        "sees_hits": permissions.can_view_hits(user),
        "answers": task.answers.select_related("answered_by"),
        "suggestions": suggestions,
        "events": task.events.select_related("actor"),
        "can": can,
        "answer_form": forms.get("answer_form") or AnswerForm(suggestions=suggestions),
        "close_form": forms.get("close_form") or CloseForm(),
        "return_form": forms.get("return_form") or ReturnForm(),
        "suggestion_form": forms.get("suggestion_form") or SuggestionForm(),
    }


@login_required
@require_GET
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_task_for_user(user=request.user, task_id=task_id)
    return render(request, "anomalies/staff/task.html", _task_context(request, task))


STEPS = {
    "answer": ("answer_form", _("答复已提交")),
    "close": ("close_form", _("任务已办结")),
    "return": ("return_form", _("已退回重办")),
    "suggest": ("suggestion_form", _("整改建议已添加")),
}


@login_required
@require_POST
def task_step(request: HttpRequest, task_id: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    task = get_task_for_user(user=request.user, task_id=task_id)
    name, done = STEPS[step]
    form: Form
    if step == "answer":
        form = AnswerForm(request.POST, suggestions=list(task.suggestions.all()))
    elif step == "close":
        form = CloseForm(request.POST)
    elif step == "return":
        form = ReturnForm(request.POST)
    else:
        form = SuggestionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if step == "answer":
                services.task_answer(
                    actor=request.user,
                    task=task,
                    content=data["content"],
                    category=data["category"],
                    measures=data["measures"],
                    adopted=[int(pk) for pk in data.get("adopted", [])],
                )
            elif step == "close":
                services.task_close(actor=request.user, task=task, outcome=data["outcome"], note=data["note"])
            elif step == "return":
                services.task_return(actor=request.user, task=task, reason=data["reason"], due_days=data["due_days"])
            else:
                services.suggestion_add(actor=request.user, task=task, text=data["text"])
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("anomalies_staff:task", task.pk)
    return render(request, "anomalies/staff/task.html", _task_context(request, task, **{name: form}), status=400)
