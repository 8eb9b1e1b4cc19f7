"""Anomaly hits (SUP-2), their review (复核) and the tasks assigned from them (交办/整改, SUP-3).

A rule of `rules.py` finds a suspicious case fact (or a bunch of ratings) and records one
`AnomalyHit`, unique per rule and subject, so scanning the same history again adds nothing. A
supervisor reviews each hit: dismissed with a reason (已排除), or assigned (已交办) as a
`SupervisionTask` to a department (its department admin answers) or to a window (the admin of the
window's centre answers), with a due date in working days. The answer (`TaskAnswer`) records the
rectification (整改) and its category; the supervisor closes the task or returns it for a new
answer. 整改建议 (`Suggestion`) hang on the task; the answering side says which it adopted.

Every change is logged: hit decisions in `Review`, task steps in `TaskEvent` (insert only).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govhall.catalog.models import Item
from govhall.org.models import Department, Division, ServiceCentre, Window

SEVERITY_HIGH, SEVERITY_MEDIUM, SEVERITY_LOW = "high", "medium", "low"
SEVERITY_CHOICES = [(SEVERITY_HIGH, _("高")), (SEVERITY_MEDIUM, _("中")), (SEVERITY_LOW, _("低"))]


class AnomalyHit(models.Model):
    STATUS_PENDING, STATUS_DISMISSED, STATUS_ASSIGNED = "pending", "dismissed", "assigned"
    STATUS_CHOICES = [(STATUS_PENDING, _("待复核")), (STATUS_DISMISSED, _("已排除")), (STATUS_ASSIGNED, _("已交办"))]

    rule = models.CharField("规则", max_length=32, help_text="规则代码，见 anomalies.rules.RULES")
    severity = models.CharField("严重程度", max_length=8, choices=SEVERITY_CHOICES)
    subject_key = models.CharField("对象标识", max_length=120, help_text="同一规则下唯一：fact:<id>、applicant:<摘要>:<id>、device:…")
    fact = models.ForeignKey(
        "supervision.CaseFact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="办件事实"
    )
    rating = models.ForeignKey("ratings.Rating", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="评价")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="部门")
    centre = models.ForeignKey(ServiceCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="服务中心")
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="窗口")
    division = models.ForeignKey(Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="区划")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="事项")
    occurred_on = models.DateField("发生日期", null=True, blank=True, help_text="受理、决定或评价的本地日期，按此筛选日期范围")
    summary = models.CharField("摘要", max_length=300)
    detail = models.JSONField("明细", default=dict, blank=True)
    detected_at = models.DateTimeField("发现时间")
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=STATUS_PENDING)
    dismiss_reason = models.CharField("排除理由", max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="复核人"
    )
    reviewed_at = models.DateTimeField("复核时间", null=True, blank=True)
    task = models.ForeignKey(
        "SupervisionTask", null=True, blank=True, on_delete=models.PROTECT, related_name="hits", verbose_name="交办任务"
    )

    class Meta:
        verbose_name = "异常数据"
        verbose_name_plural = "异常数据"
        ordering = ["-detected_at", "-id"]
        permissions = [
            ("view_all_anomalies", "查看全部异常数据和交办任务"),
            ("review_anomaly", "复核异常数据、交办任务、办结或退回任务、发起全量扫描"),
            ("answer_task", "答复交办给本部门或本中心窗口的任务"),
        ]
        constraints = [models.UniqueConstraint(fields=["rule", "subject_key"], name="anomalyhit_rule_subject_unique")]
        indexes = [
            models.Index(fields=["status", "department"], name="anomalyhit_open_by_department"),
            models.Index(fields=["rule", "status"], name="anomalyhit_by_rule_status"),
            models.Index(fields=["occurred_on"], name="anomalyhit_by_occurred"),
        ]

    def __str__(self) -> str:
        return f"{self.rule}:{self.subject_key}"


class Review(models.Model):
    """复核: one decision on one hit (insert only)."""

    DECISION_DISMISS, DECISION_ASSIGN = "dismiss", "assign"
    DECISION_CHOICES = [(DECISION_DISMISS, _("排除")), (DECISION_ASSIGN, _("交办"))]

    hit = models.ForeignKey(AnomalyHit, on_delete=models.PROTECT, related_name="reviews", verbose_name="异常数据")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="复核人")
    at = models.DateTimeField("复核时间")
    decision = models.CharField("复核结论", max_length=10, choices=DECISION_CHOICES)
    reason = models.CharField("理由", max_length=500, blank=True)
    task = models.ForeignKey("SupervisionTask", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="交办任务")

    class Meta:
        verbose_name = "复核记录"
        verbose_name_plural = "复核记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.hit_id}:{self.decision}"


class SupervisionTask(models.Model):
    TARGET_DEPARTMENT, TARGET_WINDOW = "department", "window"
    TARGET_CHOICES = [(TARGET_DEPARTMENT, _("部门")), (TARGET_WINDOW, _("窗口"))]

    STATUS_AWAITING = "awaiting"
    STATUS_ANSWERED = "answered"
    STATUS_RETURNED = "returned"
    STATUS_RECTIFIED = "rectified"
    STATUS_CLOSED = "closed"
    STATUS_CHOICES = [
        (STATUS_AWAITING, _("待答复")),
        (STATUS_ANSWERED, _("已答复")),
        (STATUS_RETURNED, _("退回重办")),
        (STATUS_RECTIFIED, _("已整改")),
        (STATUS_CLOSED, _("已办结")),
    ]
    WAITING_STATUSES = (STATUS_AWAITING, STATUS_RETURNED)  # the department owes an answer
    OPEN_STATUSES = (STATUS_AWAITING, STATUS_RETURNED, STATUS_ANSWERED)

    number = models.CharField("任务编号", max_length=20, unique=True)
    title = models.CharField("标题", max_length=200)
    description = models.TextField("交办内容")
    target_kind = models.CharField("交办对象", max_length=12, choices=TARGET_CHOICES)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="supervision_tasks", verbose_name="承办部门"
    )
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="承办窗口")
    centre = models.ForeignKey(
        ServiceCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="窗口所在中心"
    )
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=STATUS_AWAITING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="交办人")
    created_at = models.DateTimeField("交办时间")
    due_days = models.PositiveSmallIntegerField("办理时限（工作日）")
    due_date = models.DateField("答复期限")
    answered_at = models.DateTimeField("最近答复时间", null=True, blank=True)
    answered_late = models.BooleanField("超期答复", default=False)
    return_count = models.PositiveSmallIntegerField("退回次数", default=0)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="办结人"
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    close_note = models.CharField("办结意见", max_length=500, blank=True)

    class Meta:
        verbose_name = "交办任务"
        verbose_name_plural = "交办任务"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_kind="department", department__isnull=False, window__isnull=True)
                | Q(target_kind="window", window__isnull=False, centre__isnull=False),
                name="supervisiontask_has_its_target",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="supervisiontask_open_by_due"),
            models.Index(fields=["department", "status"], name="supervisiontask_by_department"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def awaiting_answer(self) -> bool:
        return self.status in self.WAITING_STATUSES

    def is_overdue(self, today) -> bool:
        """Overdue: the department still owes an answer and the due date has passed."""
        return self.awaiting_answer and self.due_date < today

    @property
    def target_label(self) -> str:
        if self.target_kind == self.TARGET_WINDOW and self.window is not None:
            return f"{self.centre.name if self.centre else ''} {self.window.number} {self.window.name}".strip()
        return self.department.name if self.department else ""


class TaskAnswer(models.Model):
    """答复 and 整改 of one task; a task returned by the supervisor gets a new answer."""

    CATEGORY_PROCESS = "process"
    CATEGORY_APPROVAL = "approval"
    CATEGORY_SERVICE = "service"
    CATEGORY_OTHER = "other"
    CATEGORY_CHOICES = [
        (CATEGORY_PROCESS, _("优化工作机制合并简化办理流程")),
        (CATEGORY_APPROVAL, _("规范行使权力严格审批程序")),
        (CATEGORY_SERVICE, _("深化服务理念完善便民措施")),
        (CATEGORY_OTHER, _("其他")),
    ]

    task = models.ForeignKey(SupervisionTask, on_delete=models.PROTECT, related_name="answers", verbose_name="交办任务")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="答复人")
    answered_at = models.DateTimeField("答复时间")
    content = models.TextField("核查情况及答复")
    category = models.CharField("整改类别", max_length=10, choices=CATEGORY_CHOICES)
    measures = models.TextField("整改措施")
    late = models.BooleanField("超期答复", default=False)

    class Meta:
        verbose_name = "任务答复"
        verbose_name_plural = "任务答复"
        ordering = ["answered_at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id}@{self.answered_at:%Y-%m-%d}"


class Suggestion(models.Model):
    """整改建议 of the supervisor on a task; the answering side says whether it adopted it."""

    task = models.ForeignKey(SupervisionTask, on_delete=models.PROTECT, related_name="suggestions", verbose_name="交办任务")
    text = models.CharField("整改建议", max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="提出人")
    created_at = models.DateTimeField("提出时间")
    adopted = models.BooleanField("已采纳", null=True, blank=True, help_text="空：尚未答复")
    adopted_at = models.DateTimeField("采纳时间", null=True, blank=True)

    class Meta:
        verbose_name = "整改建议"
        verbose_name_plural = "整改建议"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text


class TaskEvent(models.Model):
    """One row per step of a task (全过程留痕); only ever inserted."""

    task = models.ForeignKey(SupervisionTask, on_delete=models.PROTECT, related_name="events", verbose_name="交办任务")
    kind = models.CharField("动作", max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间")
    note = models.TextField("说明", blank=True)
    data = models.JSONField("数据", default=dict)

    class Meta:
        verbose_name = "任务记录"
        verbose_name_plural = "任务记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id}:{self.kind}"


class ScanState(models.Model):
    """Where the periodic scan stopped: the facts updated and the ratings made since are scanned next."""

    key = models.CharField("键", max_length=40, unique=True)
    facts_updated_at = models.DateTimeField("已扫描办件的更新时间", null=True, blank=True)
    rating_id = models.PositiveBigIntegerField("已扫描评价的最大ID", default=0)
    scanned_at = models.DateTimeField("最近扫描时间", null=True, blank=True)

    class Meta:
        verbose_name = "扫描水位"
        verbose_name_plural = "扫描水位"

    def __str__(self) -> str:
        return self.key


class RuleSetting(models.Model):
    """A rule's parameters as a supervisor set them on the rules page (预警规则), and whether it runs.

    Only the parameters changed from the default are stored; they override the deployment's
    GOVHALL_ANOMALY_PARAMS, which overrides the defaults of `rules.py`. A rule without a row runs
    with the deployment's values. Every change is logged in `RuleSettingChange` with its reason."""

    rule = models.CharField("规则", max_length=32, unique=True, help_text="规则代码，见 anomalies.rules.RULES")
    enabled = models.BooleanField("启用", default=True, help_text="停用的规则不再扫描；已发现的异常数据照常复核")
    params = models.JSONField("参数", default=dict, blank=True, help_text="与默认值不同的参数")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="修改人")
    updated_at = models.DateTimeField("修改时间")

    class Meta:
        verbose_name = "预警规则设置"
        verbose_name_plural = "预警规则设置"
        permissions = [("configure_rules", "设置预警规则的参数、启用或停用规则")]

    def __str__(self) -> str:
        return self.rule


class RuleSettingChange(models.Model):
    """One change of a rule's setting (insert only): what it was, what it became, who, why."""

    rule = models.CharField("规则", max_length=32)
    enabled_before = models.BooleanField("原启用状态")
    enabled_after = models.BooleanField("新启用状态")
    params_before = models.JSONField("原参数", default=dict, help_text="修改前生效的全部参数")
    params_after = models.JSONField("新参数", default=dict, help_text="修改后生效的全部参数")
    reason = models.CharField("修改原因", max_length=500)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="修改人")
    changed_at = models.DateTimeField("修改时间")

    class Meta:
        verbose_name = "预警规则修改记录"
        verbose_name_plural = "预警规则修改记录"
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["rule", "-changed_at"], name="rulesettingchange_by_rule")]

    def __str__(self) -> str:
        return f"{self.rule} {self.changed_at:%Y-%m-%d %H:%M}"
