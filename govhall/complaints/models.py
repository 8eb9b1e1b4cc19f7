"""Complaints and 12345 work orders (RATE-3), the knowledge base (知识库, RATE-3) and the 办不成事
problem log (RATE-4).

A work order runs the 12345 closed loop (SPEC appendix "Ratings and complaints"): registered →
dispatched to a department with a due date in working days → the department replies (or returns
it: wrong department) → the complainant's satisfaction is asked (回访) → closed. 不满意 reopens it:
back to the department with a new due date. Every step writes one `ComplaintEvent`.

A due date that cannot be computed yet (the working-day calendar of its year is not loaded) is
left empty with `due_pending` set; the periodic sweep (`tasks.due_dates_fill`) fills it later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govhall.core.identifiers import mask_phone, mask_ric
from govhall.org.models import Department, ServiceCentre, Window


class ImmutableEvent(Exception):
    pass


class Complaint(models.Model):
    SOURCE_WINDOW, SOURCE_WEB, SOURCE_HOTLINE = "window", "web", "hotline"
    SOURCE_CHOICES = [(SOURCE_WINDOW, _("投诉窗口")), (SOURCE_WEB, _("网站")), (SOURCE_HOTLINE, _("12345热线"))]

    KIND_CONSULT, KIND_COMPLAINT, KIND_HELP, KIND_SUGGESTION, KIND_REPORT = "consult", "complaint", "help", "suggestion", "report"
    KIND_CHOICES = [
        (KIND_CONSULT, _("咨询")),
        (KIND_COMPLAINT, _("投诉")),
        (KIND_HELP, _("求助")),
        (KIND_SUGGESTION, _("建议")),
        (KIND_REPORT, _("举报")),
    ]

    AREA_CHOICES = [
        ("service", _("政务服务")),
        ("realestate", _("不动产登记")),
        ("social", _("社保医保")),
        ("police", _("户籍证件")),
        ("market", _("市场监管")),
        ("tax", _("税费")),
        ("construction", _("工程建设")),
        ("online", _("网上办事")),
        ("other", _("其他")),
    ]

    URGENCY_NORMAL, URGENCY_URGENT = "normal", "urgent"
    URGENCY_CHOICES = [(URGENCY_NORMAL, _("一般")), (URGENCY_URGENT, _("紧急"))]

    STATUS_REGISTERED = "registered"
    STATUS_DISPATCHED = "dispatched"
    STATUS_RETURNED = "returned"
    STATUS_REPLIED = "replied"
    STATUS_CALLED_BACK = "called_back"
    STATUS_CLOSED = "closed"
    STATUS_CHOICES = [
        (STATUS_REGISTERED, _("已登记待分派")),
        (STATUS_DISPATCHED, _("已分派待办理")),
        (STATUS_RETURNED, _("部门退回待重新分派")),
        (STATUS_REPLIED, _("已答复待回访")),
        (STATUS_CALLED_BACK, _("已回访待办结")),
        (STATUS_CLOSED, _("已办结")),
    ]
    OPEN_STATUSES = (STATUS_REGISTERED, STATUS_DISPATCHED, STATUS_RETURNED, STATUS_REPLIED, STATUS_CALLED_BACK)

    SATISFIED, BASICALLY, UNSATISFIED = "satisfied", "basically", "unsatisfied"
    SATISFACTION_CHOICES = [(SATISFIED, _("满意")), (BASICALLY, _("基本满意")), (UNSATISFIED, _("不满意"))]

    number = models.CharField("工单编号", max_length=20, unique=True)
    centre = models.ForeignKey(ServiceCentre, on_delete=models.PROTECT, related_name="complaints", verbose_name="受理中心")
    source = models.CharField("来源", max_length=10, choices=SOURCE_CHOICES)
    hotline_number = models.CharField("12345工单号", max_length=40, blank=True)
    kind = models.CharField("诉求类型", max_length=12, choices=KIND_CHOICES, default=KIND_COMPLAINT)
    area = models.CharField("诉求领域", max_length=20, choices=AREA_CHOICES, default="service")
    title = models.CharField("标题", max_length=200)
    content = models.TextField("诉求内容")
    urgency = models.CharField("紧急程度", max_length=10, choices=URGENCY_CHOICES, default=URGENCY_NORMAL)

    anonymous = models.BooleanField("匿名", default=False)
    complainant_name = models.CharField("诉求人姓名", max_length=60, blank=True)
    complainant_phone = models.CharField("联系电话", max_length=20, blank=True)
    complainant_id_number = models.CharField("公民身份号码", max_length=18, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_filed",
        verbose_name="网上提交人",
    )

    related_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="涉及部门"
    )
    related_item = models.ForeignKey(
        "catalog.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="涉及事项"
    )
    related_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="涉及办件"
    )
    related_window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="涉及窗口")

    status = models.CharField("状态", max_length=12, choices=STATUS_CHOICES, default=STATUS_REGISTERED)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    registered_at = models.DateTimeField("登记时间")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints", verbose_name="承办部门"
    )
    dispatched_at = models.DateTimeField("分派时间", null=True, blank=True)
    due_from = models.DateField("期限起算日", null=True, blank=True)
    due_days = models.PositiveSmallIntegerField("办理时限（工作日）", null=True, blank=True)
    due_date = models.DateField("答复期限", null=True, blank=True)
    due_pending = models.BooleanField("期限待定", default=False, help_text="起算年度的工作日历未载入，载入后由定时任务补算")
    reply = models.TextField("答复内容", blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="答复人"
    )
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    replied_late = models.BooleanField("超期答复", default=False)
    satisfaction = models.CharField("满意度", max_length=12, choices=SATISFACTION_CHOICES, blank=True)
    callback_note = models.TextField("回访记录", blank=True)
    called_back_at = models.DateTimeField("回访时间", null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "投诉工单"
        verbose_name_plural = "投诉工单"
        ordering = ["-registered_at", "-id"]
        permissions = [
            ("register_complaint", "登记投诉和12345工单"),
            ("dispatch_complaint", "分派投诉工单"),
            ("reply_complaint", "答复或退回分派给本部门的工单"),
            ("callback_complaint", "回访并办结工单"),
            ("view_all_complaints", "查看全部投诉工单"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["hotline_number"], condition=~Q(hotline_number=""), name="complaint_hotline_number_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="complaint_open_by_due"),
            models.Index(fields=["department", "status"], name="complaint_by_department"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def phone_masked(self) -> str:
        return "" if self.anonymous else mask_phone(self.complainant_phone)

    @property
    def id_number_masked(self) -> str:
        return mask_ric(self.complainant_id_number)

    @property
    def shown_name(self) -> str:
        return str(_("匿名")) if self.anonymous else self.complainant_name

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


EVENT_LABELS = {
    "registered": _("登记"),
    "dispatched": _("分派"),
    "returned": _("部门退回"),
    "replied": _("答复"),
    "called_back": _("回访"),
    "reopened": _("不满意重办"),
    "closed": _("办结"),
    "logged": _("登记"),
    "escalated": _("报送包案领导"),
    "solving": _("协调解决"),
    "solved": _("已解决"),
    "unsolvable": _("无法解决"),
}


class ComplaintEvent(models.Model):
    """One row per step of a work order (全过程留痕); only ever inserted."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events", verbose_name="工单")
    kind = models.CharField("动作", max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间")
    note = models.TextField("说明", blank=True)
    data = models.JSONField("数据", default=dict)

    class Meta:
        verbose_name = "工单记录"
        verbose_name_plural = "工单记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableEvent("complaint events are append-only")
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.kind, self.kind))


class KnowledgeEntry(models.Model):
    STATUS_PUBLISHED, STATUS_DRAFT = "published", "draft"
    STATUS_CHOICES = [(STATUS_PUBLISHED, _("已发布")), (STATUS_DRAFT, _("草稿"))]

    question = models.CharField("问题", max_length=300)
    answer = models.TextField("解答")
    topic = models.CharField("主题", max_length=40, blank=True)
    keywords = models.CharField("关键词", max_length=200, blank=True, help_text="以空格或逗号分隔")
    items = models.ManyToManyField("catalog.Item", blank=True, related_name="knowledge_entries", verbose_name="关联事项")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="knowledge_entries", verbose_name="维护部门"
    )
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=STATUS_PUBLISHED)
    # The question's Chinese, full pinyin and initials (question hits rank first); search_text adds
    # keywords and topic the same way, and the answer's Chinese.
    question_search = models.TextField("问题检索文本", blank=True)
    search_text = models.TextField("检索文本", blank=True)
    view_count = models.PositiveIntegerField("浏览次数", default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="更新人"
    )
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = "知识库条目"
        verbose_name_plural = "知识库条目"
        ordering = ["-updated_at", "-id"]
        permissions = [("manage_knowledge", "维护知识库")]
        indexes = [models.Index(fields=["status", "topic"], name="knowledge_by_status_topic")]

    def __str__(self) -> str:
        return self.question


class CantDoProblem(models.Model):
    """办不成事反映 (RATE-4): what the normal path failed to do, escalated to a named leader."""

    STATUS_LOGGED, STATUS_ESCALATED, STATUS_SOLVING, STATUS_SOLVED, STATUS_UNSOLVABLE = (
        "logged",
        "escalated",
        "solving",
        "solved",
        "unsolvable",
    )
    STATUS_CHOICES = [
        (STATUS_LOGGED, _("已登记")),
        (STATUS_ESCALATED, _("已报领导")),
        (STATUS_SOLVING, _("协调解决中")),
        (STATUS_SOLVED, _("已解决")),
        (STATUS_UNSOLVABLE, _("无法解决")),
    ]
    OPEN_STATUSES = (STATUS_LOGGED, STATUS_ESCALATED, STATUS_SOLVING)

    ROOT_CAUSES = [
        ("catalog", _("清单问题")),
        ("process", _("流程问题")),
        ("staff", _("人员问题")),
        ("system", _("系统问题")),
        ("policy", _("政策问题")),
    ]

    number = models.CharField("编号", max_length=20, unique=True)
    centre = models.ForeignKey(ServiceCentre, on_delete=models.PROTECT, related_name="cant_do_problems", verbose_name="服务中心")
    reporter_name = models.CharField("反映人", max_length=60)
    reporter_phone = models.CharField("联系电话", max_length=20, blank=True)
    item = models.ForeignKey("catalog.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="想办的事项")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="相关办件")
    wanted = models.CharField("想办的事", max_length=200)
    description = models.TextField("问题描述")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="接待人")
    received_at = models.DateTimeField("登记时间")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cant_do_problems_led",
        verbose_name="包案领导",
    )
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="责任部门")
    escalated_at = models.DateTimeField("报送时间", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=STATUS_CHOICES, default=STATUS_LOGGED)
    due_from = models.DateField("期限起算日", null=True, blank=True)
    due_days = models.PositiveSmallIntegerField("解决时限（工作日）", null=True, blank=True)
    due_date = models.DateField("解决期限", null=True, blank=True)
    due_pending = models.BooleanField("期限待定", default=False)
    solution = models.TextField("解决情况", blank=True)
    root_causes = models.JSONField("问题根源", default=list, blank=True)
    finished_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "办不成事反映"
        verbose_name_plural = "办不成事反映"
        ordering = ["-received_at", "-id"]
        permissions = [
            ("log_cant_do", "登记办不成事反映"),
            ("solve_cant_do", "协调解决办不成事（包案领导）"),
            ("view_all_cant_do", "查看全部办不成事反映"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.wanted}"

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.reporter_phone)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def root_cause_labels(self) -> list[str]:
        labels = dict(self.ROOT_CAUSES)
        return [str(labels.get(code, code)) for code in self.root_causes or []]


class CantDoEvent(models.Model):
    problem = models.ForeignKey(CantDoProblem, on_delete=models.PROTECT, related_name="events", verbose_name="办不成事")
    kind = models.CharField("动作", max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间")
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "办不成事记录"
        verbose_name_plural = "办不成事记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableEvent("events are append-only")
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.kind, self.kind))
