"""User actions on hits and tasks: 复核 (dismiss or assign), 交办, 答复/整改, 退回, 办结, 整改建议,
starting a full scan, and setting a rule's parameters. Each function is one action in one transaction; the hit or task row is
locked and its state re-checked, so the second of two supervisors acting at once gets "已被他人处理".
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from govhall.anomalies import permissions
from govhall.anomalies.models import AnomalyHit, Review, RuleSetting, RuleSettingChange, Suggestion, SupervisionTask, TaskAnswer, TaskEvent
from govhall.cases.services.notifications import notify
from govhall.core.calendar import add_working_days
from govhall.core.errors import Conflict, ErrorCollector, PermissionDenied, ValidationError
from govhall.core.jobs import job_create, job_in_progress
from govhall.core.models import Job
from govhall.org.models import Department, Window

SCAN_JOB_KIND = "anomalies.scan"
MAX_DUE_DAYS = 60
REMIND_WORKING_DAYS = 2  # as the case deadlines' reminders (cases.services.deadlines)
CATEGORIES = {code for code, _label in TaskAnswer.CATEGORY_CHOICES}
CLOSE_OUTCOMES = (SupervisionTask.STATUS_RECTIFIED, SupervisionTask.STATUS_CLOSED)


def event_append(*, task: SupervisionTask, kind: str, actor, note: str = "", at: dt.datetime | None = None, **data: Any) -> TaskEvent:
    return TaskEvent.objects.create(task=task, kind=kind, actor=actor, at=at or timezone.now(), note=note, data=data)


def _require_reviewer(actor) -> None:
    if not permissions.can_review(actor):
        raise PermissionDenied(_("只有监管人员可以复核异常和交办任务"))


def _lock_pending(hit_ids: Sequence[int]) -> list[AnomalyHit]:
    hits = list(AnomalyHit.objects.select_for_update().filter(pk__in=hit_ids).order_by("id"))
    if len(hits) != len(set(hit_ids)):
        raise ValidationError("hits", "missing", _("所选异常数据不存在"))
    for hit in hits:
        if hit.status != AnomalyHit.STATUS_PENDING:
            raise Conflict(_("异常数据已被他人复核，当前状态为“%(status)s”，请刷新后查看") % {"status": hit.get_status_display()})
    return hits


# --- 复核 -------------------------------------------------------------------------------------------


def hit_dismiss(*, actor, hit: AnomalyHit, reason: str) -> AnomalyHit:
    """排除: the hit is explained (a legitimate reason); the reason is kept."""
    _require_reviewer(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", "required", _("请填写排除理由"))
    if len(reason) > 500:
        raise ValidationError("reason", "max_length", _("排除理由不能超过 500 字"))
    with transaction.atomic():
        (locked,) = _lock_pending([hit.pk])
        now = timezone.now()
        locked.status, locked.dismiss_reason = AnomalyHit.STATUS_DISMISSED, reason
        locked.reviewed_by, locked.reviewed_at = actor, now
        locked.save(update_fields=["status", "dismiss_reason", "reviewed_by", "reviewed_at"])
        Review.objects.create(hit=locked, reviewer=actor, at=now, decision=Review.DECISION_DISMISS, reason=reason)
    return locked


def _due_date(start: dt.date, due_days: Any, field: str = "due_days") -> tuple[int, dt.date]:
    try:
        days = int(due_days)
    except (TypeError, ValueError):
        raise ValidationError(field, "integer", _("办理时限请填写工作日数")) from None
    if not 1 <= days <= MAX_DUE_DAYS:
        raise ValidationError(field, "range", _("办理时限应为 1 至 %(max)d 个工作日") % {"max": MAX_DUE_DAYS})
    return days, add_working_days(start, days)


def _number(task: SupervisionTask) -> str:
    return f"JB{timezone.localdate(task.created_at):%Y%m%d}{task.pk:05d}"


def task_assign(
    *,
    actor,
    hits: Sequence[AnomalyHit],
    target_kind: str,
    department: Department | None = None,
    window: Window | None = None,
    due_days: int,
    title: str,
    description: str,
    suggestions: Sequence[str] = (),
) -> SupervisionTask:
    """交办: one or several pending hits become one task to a department or to a window, due in
    `due_days` working days from today; the supervisor's 整改建议 go with it."""
    _require_reviewer(actor)
    errors = ErrorCollector()
    title, description = (title or "").strip(), (description or "").strip()
    if not hits:
        errors.add("hits", "required", _("请选择要交办的异常数据"))
    if not title:
        errors.add("title", "required", _("请填写任务标题"))
    if not description:
        errors.add("description", "required", _("请填写交办内容"))
    if target_kind == SupervisionTask.TARGET_DEPARTMENT:
        if department is None or not department.is_active:
            errors.add("department", "required", _("请选择承办部门"))
        window = None
    elif target_kind == SupervisionTask.TARGET_WINDOW:
        if window is None or not window.is_active:
            errors.add("window", "required", _("请选择承办窗口"))
    else:
        errors.add("target_kind", "choice", _("交办对象只能是部门或窗口"))
    texts = [t.strip() for t in suggestions if t and t.strip()]
    if any(len(t) > 500 for t in texts):
        errors.add("suggestions", "max_length", _("每条整改建议不能超过 500 字"))
    errors.raise_if_any()
    today = timezone.localdate()
    days, due = _due_date(today, due_days)
    with transaction.atomic():
        locked = _lock_pending([h.pk for h in hits])
        now = timezone.now()
        if target_kind == SupervisionTask.TARGET_WINDOW:
            department = None  # the window's centre answers it and it counts there, not for a department
        task = SupervisionTask.objects.create(
            number=f"tmp-{uuid.uuid4().hex[:16]}",
            title=title[:200],
            description=description,
            target_kind=target_kind,
            department=department,
            window=window,
            centre=window.centre if window else None,
            created_by=actor,
            created_at=now,
            due_days=days,
            due_date=due,
        )
        task.number = _number(task)
        task.save(update_fields=["number"])
        for hit in locked:
            hit.status, hit.task, hit.reviewed_by, hit.reviewed_at = AnomalyHit.STATUS_ASSIGNED, task, actor, now
            Review.objects.create(hit=hit, reviewer=actor, at=now, decision=Review.DECISION_ASSIGN, reason=title[:500], task=task)
        AnomalyHit.objects.bulk_update(locked, ["status", "task", "reviewed_by", "reviewed_at"])
        for text in texts:
            Suggestion.objects.create(task=task, text=text, created_by=actor, created_at=now)
        event_append(
            task=task,
            kind="assigned",
            actor=actor,
            at=now,
            note=description,
            target=task.target_label,
            due_date=due.isoformat(),
            due_days=days,
            hits=[h.pk for h in locked],
            suggestions=len(texts),
        )
        task_notify(
            task,
            permissions.task_answerers(task),
            "",
            gettext_noop("监管交办任务 %(number)s：%(title)s。请于 %(due)s 前答复核查情况和整改措施。"),
        )
    return task


# --- 站内消息 of a task ------------------------------------------------------------------------------


def task_notify(task: SupervisionTask, users, kind: str, message: str, *, once: bool = False, **values: Any) -> int:
    """A 站内消息 about `task` to `users`, leading to the task's page. The text is kept in the site's
    language (a message is read later, by someone else, maybe in a job with no request)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = _(message) % {"number": task.number, "title": task.title, "due": f"{task.due_date:%Y-%m-%d}", **values}
    link = reverse("anomalies_staff:task", args=[task.pk])
    return notify(users=users, kind=f"tk{task.pk}{kind}", text=text, link=link, once=once)


# --- 答复 / 整改 ---------------------------------------------------------------------------------------


def _lock_task(task: SupervisionTask, *statuses: str) -> SupervisionTask:
    locked = SupervisionTask.objects.select_for_update(of=("self",)).select_related("department", "window", "centre").get(pk=task.pk)
    if locked.status not in statuses:
        raise Conflict(_("该任务已被他人处理，当前状态为“%(status)s”，请刷新后查看") % {"status": locked.get_status_display()})
    return locked


def task_answer(*, actor, task: SupervisionTask, content: str, category: str, measures: str, adopted: Sequence[int] = ()) -> TaskAnswer:
    """答复: the department (or the centre, for a window) reports what it found and its 整改 —
    the category and the measures — and which of the suggestions it adopted."""
    if not permissions.can_answer(actor, task):
        raise PermissionDenied(_("只有承办部门或窗口所在中心可以答复任务"))
    errors = ErrorCollector()
    content, measures = (content or "").strip(), (measures or "").strip()
    if not content:
        errors.add("content", "required", _("请填写核查情况及答复"))
    if category not in CATEGORIES:
        errors.add("category", "choice", _("请选择整改类别"))
    if not measures:
        errors.add("measures", "required", _("请填写整改措施"))
    errors.raise_if_any()
    with transaction.atomic():
        locked = _lock_task(task, *SupervisionTask.WAITING_STATUSES)
        if not permissions.can_answer(actor, locked):
            raise PermissionDenied(_("只有承办部门或窗口所在中心可以答复任务"))
        now = timezone.now()
        late = timezone.localdate(now) > locked.due_date
        answer = TaskAnswer.objects.create(
            task=locked, answered_by=actor, answered_at=now, content=content, category=category, measures=measures, late=late
        )
        wanted = {int(pk) for pk in adopted}
        own = list(locked.suggestions.all())
        if wanted - {s.pk for s in own}:
            raise ValidationError("adopted", "choice", _("所选整改建议不属于该任务"))
        for suggestion in own:
            if suggestion.pk in wanted and not suggestion.adopted:
                suggestion.adopted, suggestion.adopted_at = True, now
            elif suggestion.pk not in wanted and suggestion.adopted is None:
                suggestion.adopted = False
            suggestion.save(update_fields=["adopted", "adopted_at"])
        locked.status = SupervisionTask.STATUS_ANSWERED
        locked.answered_at, locked.answered_late = now, late
        locked.save(update_fields=["status", "answered_at", "answered_late"])
        event_append(
            task=locked,
            kind="answered",
            actor=actor,
            at=now,
            note=content,
            category=category,
            late=late,
            adopted=sorted(wanted),
        )
        if locked.created_by_id:
            task_notify(
                locked,
                [locked.created_by_id],
                "a",
                gettext_noop("交办任务 %(number)s（%(title)s）已由%(unit)s答复，请审核。"),
                unit=locked.target_label,
            )
    return answer


def task_return(*, actor, task: SupervisionTask, reason: str, due_days: int) -> SupervisionTask:
    """退回: the answer does not satisfy the supervisor; the task waits for a new answer by a new
    due date."""
    _require_reviewer(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", "required", _("请填写退回理由"))
    days, due = _due_date(timezone.localdate(), due_days)
    with transaction.atomic():
        locked = _lock_task(task, SupervisionTask.STATUS_ANSWERED)
        now = timezone.now()
        locked.status = SupervisionTask.STATUS_RETURNED
        locked.due_days, locked.due_date = days, due
        locked.return_count += 1
        locked.save(update_fields=["status", "due_days", "due_date", "return_count"])
        event_append(task=locked, kind="returned", actor=actor, at=now, note=reason, due_date=due.isoformat(), due_days=days)
        task_notify(
            locked,
            permissions.task_answerers(locked),
            "r",
            gettext_noop("交办任务 %(number)s 的答复被退回：%(reason)s。请于 %(due)s 前重新答复。"),
            reason=reason[:200],
        )
    return locked


def task_close(*, actor, task: SupervisionTask, outcome: str, note: str = "") -> SupervisionTask:
    """办结: the supervisor accepts the answer — 已整改 (the rectification is done) or 已办结
    (closed: checked, no rectification needed)."""
    _require_reviewer(actor)
    if outcome not in CLOSE_OUTCOMES:
        raise ValidationError("outcome", "choice", _("办结结论只能是已整改或已办结"))
    note = (note or "").strip()
    with transaction.atomic():
        locked = _lock_task(task, SupervisionTask.STATUS_ANSWERED)
        now = timezone.now()
        locked.status, locked.closed_by, locked.closed_at, locked.close_note = outcome, actor, now, note[:500]
        locked.save(update_fields=["status", "closed_by", "closed_at", "close_note"])
        event_append(task=locked, kind="closed", actor=actor, at=now, note=note, outcome=outcome)
        task_notify(
            locked,
            permissions.task_answerers(locked),
            "c",
            gettext_noop("交办任务 %(number)s（%(title)s）已办结：%(outcome)s。"),
            outcome=str(locked.get_status_display()),
        )
    return locked


def suggestion_add(*, actor, task: SupervisionTask, text: str) -> Suggestion:
    """整改建议 added to an open task."""
    _require_reviewer(actor)
    text = (text or "").strip()
    if not text:
        raise ValidationError("text", "required", _("请填写整改建议"))
    if len(text) > 500:
        raise ValidationError("text", "max_length", _("整改建议不能超过 500 字"))
    with transaction.atomic():
        locked = _lock_task(task, *SupervisionTask.OPEN_STATUSES)
        now = timezone.now()
        suggestion = Suggestion.objects.create(task=locked, text=text, created_by=actor, created_at=now)
        event_append(task=locked, kind="suggested", actor=actor, at=now, note=text)
    return suggestion


# --- scanning -------------------------------------------------------------------------------------


def scan_start(*, actor) -> Job:
    """全量扫描: run every rule over the whole history in the background; the page follows the job.
    Only one at a time: refused while another scan is queued or running (unless it stalled)."""
    from govhall.anomalies.tasks import scan_job

    _require_reviewer(actor)
    with transaction.atomic():
        if job_in_progress(SCAN_JOB_KIND) is not None:
            raise ValidationError("job", "already_running", _("已有全量扫描正在排队或进行中，请等待其完成后再发起"))
        job = job_create(actor=actor, kind=SCAN_JOB_KIND)
        transaction.on_commit(partial(scan_job.enqueue, job.pk))
    return job


# --- 预警规则的参数 ----------------------------------------------------------------------------------


def can_configure_rules(actor) -> bool:
    return bool(actor.is_authenticated and actor.has_perm("anomalies.configure_rules"))


def rule_setting_update(*, actor, code: str, enabled: bool, params: dict[str, Any], reason: str) -> RuleSetting:
    """A supervisor sets a rule's parameters (each a whole number within the parameter's range),
    starts or stops it, and says why. Takes effect from the next scan (hits found before stay);
    the change and the values before and after are logged. Only the parameters that differ from
    the deployment's values are stored, so a later change of the deployment's defaults still
    reaches the others."""
    from govhall.anomalies.rules import RULES

    if not can_configure_rules(actor):
        raise PermissionDenied(_("只有监管人员可以设置预警规则"))
    rule = RULES.get(code)
    if rule is None:
        raise ValidationError("rule", "unknown", _("没有这条预警规则"))
    errors = ErrorCollector()
    reason = (reason or "").strip()
    if not reason:
        errors.add("reason", "required", _("请填写修改原因"))
    elif len(reason) > 500:
        errors.add("reason", "max_length", _("修改原因不能超过500字"))
    known = {p.name: p for p in rule.params}
    for name in params:
        if name not in known:
            errors.add(f"params.{name}", "unknown", _("该规则没有参数“%(name)s”") % {"name": name})
    values: dict[str, int] = {}
    for name, param in known.items():
        raw = params.get(name)
        text = str(raw).strip() if raw is not None else ""
        field = f"params.{name}"
        if not text:
            errors.add(field, "required", _("请填写“%(label)s”") % {"label": param.label})
            continue
        try:
            value = int(text)
        except ValueError:
            errors.add(field, "integer", _("“%(label)s”应为整数") % {"label": param.label})
            continue
        if not param.minimum <= value <= param.maximum:
            errors.add(
                field,
                "range",
                _("“%(label)s”应在%(min)d到%(max)d之间") % {"label": param.label, "min": param.minimum, "max": param.maximum},
            )
            continue
        values[name] = value
    if code == "too_fast" and {"min_steps", "max_steps"} <= values.keys() and values["max_steps"] < values["min_steps"]:
        errors.add("params.max_steps", "min_steps", _("“计入的环节数上限”不能小于“最少环节数”"))
    errors.raise_if_any()

    deployed = rule.deployed()
    now = timezone.now()
    with transaction.atomic():
        setting = RuleSetting.objects.select_for_update().filter(rule=code).first()
        before_enabled, before = rule.enabled(setting), rule.values(setting)
        changed = {name: value for name, value in values.items() if value != deployed[name]}
        if setting is None:
            setting = RuleSetting(rule=code)
        setting.enabled, setting.params, setting.updated_by, setting.updated_at = bool(enabled), changed, actor, now
        setting.save()
        RuleSettingChange.objects.create(
            rule=code,
            enabled_before=before_enabled,
            enabled_after=bool(enabled),
            params_before=before,
            params_after=rule.values(setting),
            reason=reason,
            changed_by=actor,
            changed_at=now,
        )
    return setting


def tasks_remind(*, today: dt.date | None = None) -> int:
    """Daily (core.scheduler): the answerers of a task still owing an answer are told once when it
    is due within 2 working days and once when it is overdue (again after a 退回 sets a new due
    date); how many messages went."""
    today = today or timezone.localdate()
    soon = add_working_days(today, REMIND_WORKING_DAYS)
    sent = 0
    waiting = SupervisionTask.objects.filter(status__in=SupervisionTask.WAITING_STATUSES, due_date__lte=soon).order_by("pk")
    for task in waiting.select_related("department", "window", "centre"):
        users = permissions.task_answerers(task)
        if task.due_date < today:
            message = gettext_noop("交办任务 %(number)s（%(title)s）已超过答复期限 %(due)s，请尽快答复。")
            sent += task_notify(task, users, f"o{task.due_date:%Y%m%d}", message, once=True)
        else:
            message = gettext_noop("交办任务 %(number)s（%(title)s）将于 %(due)s 到期，尚未答复。")
            sent += task_notify(task, users, f"s{task.due_date:%Y%m%d}", message, once=True)
    return sent
