"""Read paths: the hits and tasks a user may see, their filters and the counts the dashboard reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from govhall.anomalies import permissions
from govhall.anomalies.models import AnomalyHit, Suggestion, SupervisionTask, TaskAnswer
from govhall.anomalies.rules import RULES
from govhall.core.calendar import CalendarError, working_days_signed_many
from govhall.org.models import Department

# --- hits -------------------------------------------------------------------------------------------


def hits_for_user(*, user) -> QuerySet[AnomalyHit]:
    """Every hit for supervisors and auditors; 404 for everyone else."""
    if not permissions.can_view_hits(user):
        raise Http404
    return AnomalyHit.objects.select_related("department", "window", "window__centre", "item", "division", "task")


def get_hit_for_user(*, user, hit_id: int) -> AnomalyHit:
    hit = hits_for_user(user=user).select_related("fact", "reviewed_by").filter(pk=hit_id).first()
    if hit is None:
        raise Http404
    return hit


@dataclass
class HitFilters:
    rule: str = ""
    severity: str = ""
    status: str = ""
    department: int | None = None
    window: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    q: str = ""


def hits_filtered(qs: QuerySet[AnomalyHit], filters: HitFilters) -> QuerySet[AnomalyHit]:
    if filters.rule:
        qs = qs.filter(rule=filters.rule)
    if filters.severity:
        qs = qs.filter(severity=filters.severity)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.window:
        qs = qs.filter(window_id=filters.window)
    if filters.start:
        qs = qs.filter(occurred_on__gte=filters.start)
    if filters.end:
        qs = qs.filter(occurred_on__lte=filters.end)
    if filters.q:
        qs = qs.filter(Q(summary__icontains=filters.q) | Q(detail__external_id=filters.q))
    return qs


def hit_counts(qs: QuerySet[AnomalyHit]) -> dict[str, int]:
    rows = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    return {
        "total": sum(rows.values()),
        "pending": rows.get(AnomalyHit.STATUS_PENDING, 0),
        "dismissed": rows.get(AnomalyHit.STATUS_DISMISSED, 0),
        "assigned": rows.get(AnomalyHit.STATUS_ASSIGNED, 0),
    }


# --- tasks ------------------------------------------------------------------------------------------


def tasks_for_user(*, user) -> QuerySet[SupervisionTask]:
    """Every task for supervisors and auditors; a department admin's department's tasks; a centre
    admin's tasks to windows of the centre; 404 for everyone else."""
    if not permissions.can_see_tasks(user):
        raise Http404
    qs = SupervisionTask.objects.select_related("department", "window", "centre", "created_by")
    if permissions.can_view_hits(user):
        return qs
    department_id, centre_id = permissions.answer_scope(user)
    scope = Q(pk__in=[])
    if department_id:
        scope |= Q(target_kind=SupervisionTask.TARGET_DEPARTMENT, department_id=department_id)
    if centre_id:
        scope |= Q(target_kind=SupervisionTask.TARGET_WINDOW, centre_id=centre_id)
    return qs.filter(scope)


def get_task_for_user(*, user, task_id: int) -> SupervisionTask:
    task = tasks_for_user(user=user).filter(pk=task_id).first()
    if task is None:
        raise Http404
    return task


def overdue_q(today: dt.date) -> Q:
    """Still owes an answer and the due date has passed."""
    return Q(status__in=SupervisionTask.WAITING_STATUSES, due_date__lt=today)


@dataclass
class TaskFilters:
    status: str = ""  # a status, or "open"
    department: int | None = None
    overdue: bool = False


def tasks_filtered(qs: QuerySet[SupervisionTask], filters: TaskFilters) -> QuerySet[SupervisionTask]:
    if filters.status == "open":
        qs = qs.filter(status__in=SupervisionTask.OPEN_STATUSES)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.overdue:
        qs = qs.filter(overdue_q(timezone.localdate())).order_by("due_date", "id")
    return qs


def task_counts(qs: QuerySet[SupervisionTask]) -> dict[str, int]:
    today = timezone.localdate()
    rows = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    suggestions = Suggestion.objects.filter(task__in=qs.values("pk"))
    return {
        "total": sum(rows.values()),
        "open": sum(rows.get(s, 0) for s in SupervisionTask.OPEN_STATUSES),
        "awaiting": sum(rows.get(s, 0) for s in SupervisionTask.WAITING_STATUSES),
        "answered": rows.get(SupervisionTask.STATUS_ANSWERED, 0),
        "overdue": qs.filter(overdue_q(today)).count(),
        "done": rows.get(SupervisionTask.STATUS_RECTIFIED, 0) + rows.get(SupervisionTask.STATUS_CLOSED, 0),
        "suggestions": suggestions.count(),
        "adopted": suggestions.filter(adopted=True).count(),
    }


def remaining_days_for(tasks: list[SupervisionTask], today: dt.date | None = None) -> dict[int, int | None]:
    """Working days left to each waiting task's due date (negative: days late), one calendar query."""
    today = today or timezone.localdate()
    spans = {t.pk: (today, t.due_date) for t in tasks if t.awaiting_answer}
    try:
        counted = working_days_signed_many(spans.values())
    except CalendarError:
        return {pk: None for pk in spans}
    return {pk: counted[span] for pk, span in spans.items()}


# --- the dashboard's figures ------------------------------------------------------------------------


def summary(start: dt.date | None = None, end: dt.date | None = None) -> dict[str, Any]:
    """Counts of anomalies, tasks and suggestions for the 监管大屏 and the scorecards.

    The period (both ends inclusive, either may be None = open) selects hits by the day the
    anomaly happened (`occurred_on`), tasks and suggestions by the day they were made. Open hits
    and overdue tasks are as of today whatever the period. Returns::

        {
          "hits": {"total", "pending", "dismissed", "assigned",
                   "by_rule": {code: {"name", "severity", "total", "pending"}}},
          "tasks": {"total", "open", "awaiting", "answered", "overdue", "done"},
          "suggestions": {"total", "adopted"},
          "outcomes": {category code: {"label", "count"}},   # 整改 of the closed tasks, by category
          "departments": {department id: {"name", "open_hits", "hits", "tasks", "tasks_open",
                                           "tasks_overdue", "suggestions", "adopted"}},
        }

    `departments` lists every department with a hit or a task; only tasks to a department count
    there (a task to a window belongs to the window's centre, which answers it). Link a department to its open
    hits with `reverse("anomalies_staff:hits") + f"?department={id}&status=pending"`.
    """
    today = timezone.localdate()
    hits = AnomalyHit.objects.all()
    if start:
        hits = hits.filter(occurred_on__gte=start)
    if end:
        hits = hits.filter(occurred_on__lte=end)
    tasks = SupervisionTask.objects.all()
    suggestions = Suggestion.objects.all()
    tz = timezone.get_current_timezone()
    if start:
        moment = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
        tasks, suggestions = tasks.filter(created_at__gte=moment), suggestions.filter(created_at__gte=moment)
    if end:
        moment = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        tasks, suggestions = tasks.filter(created_at__lt=moment), suggestions.filter(created_at__lt=moment)

    by_rule: dict[str, dict[str, Any]] = {
        code: {"name": str(rule.name), "severity": rule.severity, "total": 0, "pending": 0} for code, rule in RULES.items()
    }
    for code, status, n in hits.order_by().values_list("rule", "status").annotate(n=Count("id")):
        counted = by_rule.setdefault(code, {"name": code, "severity": "", "total": 0, "pending": 0})
        counted["total"] += n
        if status == AnomalyHit.STATUS_PENDING:
            counted["pending"] += n
    hit_figures: dict[str, Any] = hit_counts(hits)
    hit_figures["by_rule"] = by_rule

    task_figures = task_counts(tasks)
    del task_figures["suggestions"], task_figures["adopted"]  # by the suggestions' own date below
    suggestion_figures = {"total": suggestions.count(), "adopted": suggestions.filter(adopted=True).count()}

    outcomes: dict[str, dict[str, Any]] = {code: {"label": str(label), "count": 0} for code, label in TaskAnswer.CATEGORY_CHOICES}
    done = tasks.filter(status__in=(SupervisionTask.STATUS_RECTIFIED, SupervisionTask.STATUS_CLOSED))
    last_answers: dict[int, str] = {}
    for task_id, category in (
        TaskAnswer.objects.filter(task__in=done.values("pk")).order_by("answered_at", "id").values_list("task_id", "category")
    ):
        last_answers[task_id] = category
    for category in last_answers.values():
        outcomes[category]["count"] += 1

    departments: dict[int, dict[str, Any]] = {}

    def entry(department_id: int) -> dict[str, Any]:
        return departments.setdefault(
            department_id,
            {"name": "", "open_hits": 0, "hits": 0, "tasks": 0, "tasks_open": 0, "tasks_overdue": 0, "suggestions": 0, "adopted": 0},
        )

    for department_id, status, n in hits.exclude(department=None).order_by().values_list("department_id", "status").annotate(n=Count("id")):
        row = entry(department_id)
        row["hits"] += n
        if status == AnomalyHit.STATUS_PENDING:
            row["open_hits"] += n
    overdue = overdue_q(today)
    for department_id, n, n_open, n_overdue in (
        tasks.filter(target_kind=SupervisionTask.TARGET_DEPARTMENT)
        .exclude(department=None)
        .order_by()
        .values_list("department_id")
        .annotate(
            n=Count("id"),
            n_open=Count("id", filter=Q(status__in=SupervisionTask.OPEN_STATUSES)),
            n_overdue=Count("id", filter=overdue),
        )
    ):
        row = entry(department_id)
        row["tasks"], row["tasks_open"], row["tasks_overdue"] = n, n_open, n_overdue
    for department_id, n, n_adopted in (
        suggestions.filter(task__target_kind=SupervisionTask.TARGET_DEPARTMENT)
        .exclude(task__department=None)
        .order_by()
        .values_list("task__department_id")
        .annotate(n=Count("id"), n_adopted=Count("id", filter=Q(adopted=True)))
    ):
        row = entry(department_id)
        row["suggestions"], row["adopted"] = n, n_adopted
    for department in Department.objects.filter(pk__in=departments).only("name", "short_name"):
        departments[department.pk]["name"] = department.short_name or department.name
    return {"hits": hit_figures, "tasks": task_figures, "suggestions": suggestion_figures, "outcomes": outcomes, "departments": departments}
