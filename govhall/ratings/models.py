"""好差评 (RATE-1, RATE-2): a rating after each service (一次一评, tied to a hall ticket) and after
each case (一事一评), and the follow-up (差评整改) that every bad rating opens.

Levels and the 差评 line follow the national 政务服务“好差评” rules (国办发〔2019〕51号): five levels,
5 非常满意 … 1 非常不满意; 2 and 1 are 差评. Every 差评 is verified (核实), rectified where it is
warranted (整改) and the rater is called back (回访); real-name 差评 are called back in full.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.org.models import Department, ServiceCentre, Window

LEVEL_CHOICES = [
    (5, _("非常满意")),
    (4, _("满意")),
    (3, _("基本满意")),
    (2, _("不满意")),
    (1, _("非常不满意")),
]
LEVEL_LABELS = dict(LEVEL_CHOICES)
# 国办发〔2019〕51号: 不满意 and 非常不满意 are 差评.
BAD_LEVELS = (1, 2)
GOOD_LEVELS = (3, 4, 5)

# Reason tags of the national 好差评 system (评价原因), stored as codes in Rating.tags.
GOOD_TAGS = [
    ("good_attitude", _("服务态度好")),
    ("efficient", _("办事效率高")),
    ("done_once", _("一次办好")),
    ("clear_guidance", _("指引清晰")),
    ("few_materials", _("材料精简")),
    ("short_wait", _("等候时间短")),
    ("online_easy", _("网上办理便捷")),
    ("proactive", _("主动服务、热情周到")),
    ("good_environment", _("环境整洁舒适")),
]
BAD_TAGS = [
    ("bad_attitude", _("服务态度差")),
    ("multiple_trips", _("多次跑动")),
    ("unreasonable_materials", _("材料要求不合理")),
    ("overtime", _("超时办理")),
    ("not_told_at_once", _("未一次性告知")),
    ("long_wait", _("等候时间长")),
    ("shirking", _("推诿扯皮")),
    ("unclear_guide", _("办事指南不清晰")),
    ("system_fault", _("系统故障、网办不畅")),
    ("unreasonable_fee", _("收费不合理")),
]
TAG_LABELS = dict(GOOD_TAGS + BAD_TAGS)
GOOD_TAG_CODES = {code for code, _label in GOOD_TAGS}
BAD_TAG_CODES = {code for code, _label in BAD_TAGS}


class Rating(models.Model):
    KIND_SERVICE = "service"
    KIND_CASE = "case"
    KIND_CHOICES = [(KIND_SERVICE, _("一次一评")), (KIND_CASE, _("一事一评"))]

    CHANNEL_WINDOW_DEVICE = "window_device"
    CHANNEL_QR = "qr"
    CHANNEL_WEB = "web"
    CHANNEL_APP = "app"
    CHANNEL_KIOSK = "kiosk"
    CHANNEL_SMS = "sms"
    CHANNEL_HOTLINE = "hotline"
    CHANNEL_CHOICES = [
        (CHANNEL_WINDOW_DEVICE, _("窗口评价器")),
        (CHANNEL_QR, _("扫码评价")),
        (CHANNEL_WEB, _("网上评价")),
        (CHANNEL_APP, _("移动端")),
        (CHANNEL_KIOSK, _("自助终端")),
        (CHANNEL_SMS, _("短信")),
        (CHANNEL_HOTLINE, _("12345热线")),
    ]

    kind = models.CharField("评价类型", max_length=10, choices=KIND_CHOICES)
    level = models.PositiveSmallIntegerField("评价等级", choices=LEVEL_CHOICES)
    channel = models.CharField("评价渠道", max_length=16, choices=CHANNEL_CHOICES)
    tags = models.JSONField("评价原因", default=list, blank=True, help_text='原因标签代码，如 ["efficient", "done_once"]')
    comment = models.CharField("评价内容", max_length=500, blank=True)
    centre = models.ForeignKey(
        ServiceCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings", verbose_name="服务中心"
    )
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings", verbose_name="窗口")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings_received", verbose_name="工作人员"
    )
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings", verbose_name="部门")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="ratings", verbose_name="办件")
    ticket = models.OneToOneField(
        "hall.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="rating", verbose_name="排队号"
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings_given", verbose_name="评价人账号"
    )
    rater_name = models.CharField("评价人姓名", max_length=60, blank=True)
    rater_phone = models.CharField("评价人电话", max_length=20, blank=True, help_text="差评回访用")
    real_name = models.BooleanField("实名评价", default=False)
    device = models.CharField("评价设备", max_length=64, blank=True, help_text="窗口评价器编号，或来访 IP 与浏览器标识的摘要")
    created_at = models.DateTimeField("评价时间", default=timezone.now)

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = "评价"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="rating_level_1_to_5"),
            models.CheckConstraint(
                condition=Q(kind="service", ticket__isnull=False) | Q(kind="case", case__isnull=False, ticket__isnull=True),
                name="rating_kind_has_its_object",
            ),
            # 一事一评: one rating per case.
            models.UniqueConstraint(fields=["case"], condition=Q(kind="case"), name="rating_one_per_case"),
        ]
        # The figures page groups a period's ratings by department and by window; the supervision
        # checks look for ratings bunched on one device.
        indexes = [
            models.Index(fields=["department", "created_at"], name="rating_dept_time"),
            models.Index(fields=["window", "created_at"], name="rating_window_time"),
            models.Index(fields=["centre", "created_at"], name="rating_centre_time"),
            models.Index(fields=["device", "created_at"], name="rating_device_time"),
        ]
        permissions = [
            ("rate_at_window", "窗口评价器（窗口人员）"),
            ("handle_centre_followups", "核实整改本中心的差评"),
            ("handle_department_followups", "核实整改本部门的差评"),
            ("view_all_ratings", "查看全部评价和差评整改（监管）"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_level_display()} #{self.pk}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS

    @property
    def tag_labels(self) -> list[str]:
        return [str(TAG_LABELS.get(code, code)) for code in self.tags]


class FollowUp(models.Model):
    """差评整改: verify (核实) → rectify where warranted (整改) → call back (回访) → close.

    国办发〔2019〕51号: every 差评 is verified, rectified and called back; 实名差评回访率100%.
    The limits are working days from the rating day (settings GOVHALL_RATING_VERIFY_DAYS and
    GOVHALL_RATING_FOLLOWUP_DAYS, default 3 and 15)."""

    STATUS_OPEN = "open"
    STATUS_RECTIFYING = "rectifying"
    STATUS_VERIFIED = "verified"
    STATUS_CALLED_BACK = "called_back"
    STATUS_CLOSED = "closed"
    STATUS_CHOICES = [
        (STATUS_OPEN, _("待核实")),
        (STATUS_VERIFIED, _("已核实待回访")),
        (STATUS_RECTIFYING, _("整改中")),
        (STATUS_CALLED_BACK, _("已回访")),
        (STATUS_CLOSED, _("已办结")),
    ]
    OPEN_STATUSES = (STATUS_OPEN, STATUS_RECTIFYING, STATUS_VERIFIED, STATUS_CALLED_BACK)

    SATISFIED = "satisfied"
    BASICALLY = "basically"
    UNSATISFIED = "unsatisfied"
    UNREACHABLE = "unreachable"
    CALLBACK_CHOICES = [
        (SATISFIED, _("满意")),
        (BASICALLY, _("基本满意")),
        (UNSATISFIED, _("不满意")),
        (UNREACHABLE, _("无法联系")),
    ]

    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="followup", verbose_name="差评")
    centre = models.ForeignKey(
        ServiceCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="rating_followups", verbose_name="责任中心"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="rating_followups", verbose_name="责任部门"
    )
    status = models.CharField("状态", max_length=12, choices=STATUS_CHOICES, default=STATUS_OPEN)
    opened_on = models.DateField("差评日期")
    verify_due = models.DateField("核实期限", null=True, blank=True)
    due_date = models.DateField("办结期限", null=True, blank=True)
    due_pending_year = models.PositiveSmallIntegerField(
        "期限待定年份", null=True, blank=True, help_text="该年工作日历未载入，期限待载入后补算"
    )
    finding = models.CharField("核实情况", max_length=1000, blank=True)
    warranted = models.BooleanField("差评属实", null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="核实人"
    )
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    rectification = models.CharField("整改措施", max_length=1000, blank=True)
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="整改人"
    )
    rectified_at = models.DateTimeField("整改时间", null=True, blank=True)
    callback_result = models.CharField("回访情况", max_length=1000, blank=True)
    callback_satisfaction = models.CharField("回访满意度", max_length=12, choices=CALLBACK_CHOICES, blank=True)
    called_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="回访人"
    )
    called_back_at = models.DateTimeField("回访时间", null=True, blank=True)
    close_note = models.CharField("办结说明", max_length=500, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="办结人"
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "差评整改"
        verbose_name_plural = "差评整改"
        ordering = ["status", "due_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(centre__isnull=False) | Q(department__isnull=False), name="followup_has_owner"),
        ]
        indexes = [
            models.Index(fields=["centre", "status", "due_date"], name="followup_centre_open_due"),
            models.Index(fields=["department", "status", "due_date"], name="followup_dept_open_due"),
        ]

    def __str__(self) -> str:
        return f"差评整改 #{self.pk}"

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status != self.STATUS_CLOSED and self.due_date is not None and self.due_date < today

    def is_verify_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.STATUS_OPEN and self.verify_due is not None and self.verify_due < today

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def verify_overdue(self) -> bool:
        return self.is_verify_overdue()


class FollowUpEvent(models.Model):
    """One step of a follow-up (append-only)."""

    KIND_OPENED = "opened"
    KIND_VERIFIED = "verified"
    KIND_RECTIFIED = "rectified"
    KIND_CALLED_BACK = "called_back"
    KIND_CLOSED = "closed"
    KIND_DUE_SET = "due_set"
    KIND_CHOICES = [
        (KIND_OPENED, _("差评生成整改单")),
        (KIND_VERIFIED, _("核实")),
        (KIND_RECTIFIED, _("整改")),
        (KIND_CALLED_BACK, _("回访")),
        (KIND_CLOSED, _("办结")),
        (KIND_DUE_SET, _("补算期限")),
    ]

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="events", verbose_name="差评整改")
    kind = models.CharField("步骤", max_length=12, choices=KIND_CHOICES)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="操作人"
    )
    at = models.DateTimeField("时间", default=timezone.now)
    status_before = models.CharField("原状态", max_length=12, blank=True)
    status_after = models.CharField("新状态", max_length=12, blank=True)
    note = models.CharField("说明", max_length=1000, blank=True)

    class Meta:
        verbose_name = "差评整改记录"
        verbose_name_plural = "差评整改记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.followup_id} {self.kind}"
