"""The hall (HALL-1..3): business types served at a centre, appointment slots, queue tickets and
their calls.

A ticket belongs to one centre, one business type and one day; its number is the type's prefix and
a daily sequence (`A005`). The queue of a business type is ordered: tickets transferred to the
calling window first, then appointment tickets (`priority`), then by sequence.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.org.models import ServiceCentre, Window


def new_token() -> str:
    return secrets.token_urlsafe(16)


class BusinessType(models.Model):
    """A kind of business a centre takes tickets for (取号业务类型), served by some of its windows."""

    centre = models.ForeignKey(ServiceCentre, on_delete=models.PROTECT, related_name="business_types", verbose_name="服务中心")
    name = models.CharField("业务类型", max_length=60)
    prefix = models.CharField("号码前缀", max_length=2, help_text="一至两个大写字母，如 A、QY")
    description = models.CharField("说明", max_length=200, blank=True)
    windows = models.ManyToManyField(Window, blank=True, related_name="business_types", verbose_name="办理窗口")
    appointable = models.BooleanField("可网上预约", default=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "业务类型"
        verbose_name_plural = "业务类型"
        ordering = ["centre_id", "sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "prefix"], name="business_type_prefix_unique_in_centre"),
            models.UniqueConstraint(fields=["centre", "name"], name="business_type_name_unique_in_centre"),
        ]
        permissions = [
            ("call_ticket", "叫号（窗口人员）"),
            ("manage_hall", "管理大厅：业务类型、预约时段、排队统计"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"


class AppointmentSlot(models.Model):
    """A bookable period of one business type on one day, with its capacity (HALL-1)."""

    business_type = models.ForeignKey(BusinessType, on_delete=models.PROTECT, related_name="slots", verbose_name="业务类型")
    day = models.DateField("日期")
    start = models.TimeField("开始")
    end = models.TimeField("结束")
    capacity = models.PositiveSmallIntegerField("可预约人数")
    booked = models.PositiveSmallIntegerField("已预约人数", default=0, help_text="有效预约数，在时段行锁下维护")

    class Meta:
        verbose_name = "预约时段"
        verbose_name_plural = "预约时段"
        ordering = ["day", "start", "business_type_id"]
        constraints = [
            models.UniqueConstraint(fields=["business_type", "day", "start"], name="slot_unique_start"),
            models.CheckConstraint(condition=models.Q(booked__lte=models.F("capacity")), name="slot_booked_within_capacity"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="slot_end_after_start"),
        ]
        indexes = [models.Index(fields=["business_type", "day"], name="slot_by_type_day")]

    def __str__(self) -> str:
        return f"{self.business_type.name} {self.day} {self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def available(self) -> int:
        return self.capacity - self.booked


class Appointment(models.Model):
    STATUS_BOOKED = "booked"
    STATUS_CANCELLED = "cancelled"
    STATUS_CHECKED_IN = "checked_in"
    STATUS_NO_SHOW = "no_show"
    STATUS_CHOICES = [
        (STATUS_BOOKED, _("已预约")),
        (STATUS_CANCELLED, _("已取消")),
        (STATUS_CHECKED_IN, _("已签到")),
        (STATUS_NO_SHOW, _("爽约")),
    ]

    slot = models.ForeignKey(AppointmentSlot, on_delete=models.PROTECT, related_name="appointments", verbose_name="预约时段")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments", verbose_name="预约人账号")
    name = models.CharField("姓名", max_length=60)
    phone = models.CharField("手机号", max_length=20)
    item = models.ForeignKey("catalog.Item", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="拟办事项")
    code = models.CharField("签到码", max_length=8, unique=True)
    status = models.CharField("状态", max_length=12, choices=STATUS_CHOICES, default=STATUS_BOOKED)
    created_at = models.DateTimeField("预约时间", auto_now_add=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)

    class Meta:
        verbose_name = "预约"
        verbose_name_plural = "预约"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "slot"], condition=models.Q(status="booked"), name="appointment_one_active_per_user_slot"
            ),
        ]
        indexes = [models.Index(fields=["user", "status"], name="appointment_by_user_status")]

    def __str__(self) -> str:
        return f"{self.code} {self.slot}"


class TicketCounter(models.Model):
    """The last number given for a business type on a day; locked while a ticket is issued."""

    business_type = models.ForeignKey(BusinessType, on_delete=models.CASCADE, related_name="+", verbose_name="业务类型")
    day = models.DateField("日期")
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "取号计数"
        verbose_name_plural = "取号计数"
        constraints = [models.UniqueConstraint(fields=["business_type", "day"], name="ticket_counter_unique_day")]

    def __str__(self) -> str:
        return f"{self.business_type_id} {self.day}: {self.last}"


class Ticket(models.Model):
    """A queue number (取号). Waiting and service time are `called_at - issued_at` and
    `finished_at - started_at`."""

    SOURCE_KIOSK = "kiosk"
    SOURCE_APPOINTMENT = "appointment"
    SOURCE_WINDOW = "window"
    SOURCE_WEB = "web"
    SOURCE_CHOICES = [
        (SOURCE_KIOSK, _("自助取号机")),
        (SOURCE_APPOINTMENT, _("预约签到")),
        (SOURCE_WINDOW, _("导服台代取")),
        (SOURCE_WEB, _("网上取号")),
    ]
    STATUS_WAITING = "waiting"
    STATUS_CALLED = "called"
    STATUS_SERVING = "serving"
    STATUS_DONE = "done"
    STATUS_SKIPPED = "skipped"
    STATUS_CANCELLED = "cancelled"
    STATUS_CHOICES = [
        (STATUS_WAITING, _("等候中")),
        (STATUS_CALLED, _("已叫号")),
        (STATUS_SERVING, _("办理中")),
        (STATUS_DONE, _("已办结")),
        (STATUS_SKIPPED, _("过号")),
        (STATUS_CANCELLED, _("已取消")),
    ]
    OPEN_STATUSES = (STATUS_WAITING, STATUS_CALLED, STATUS_SERVING)

    centre = models.ForeignKey(ServiceCentre, on_delete=models.PROTECT, related_name="tickets", verbose_name="服务中心")
    business_type = models.ForeignKey(BusinessType, on_delete=models.PROTECT, related_name="tickets", verbose_name="业务类型")
    day = models.DateField("取号日期")
    seq = models.PositiveIntegerField("序号")
    number = models.CharField("号码", max_length=8)
    token = models.CharField("凭条令牌", max_length=32, unique=True, default=new_token, help_text="凭条二维码：查看排队、评价服务")
    source = models.CharField("取号方式", max_length=12, choices=SOURCE_CHOICES)
    appointment = models.OneToOneField(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="ticket", verbose_name="预约"
    )
    priority = models.BooleanField("优先", default=False, help_text="预约签到的号优先叫")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets", verbose_name="取号人账号"
    )
    phone = models.CharField("手机号", max_length=20, blank=True)
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=STATUS_WAITING)
    issued_at = models.DateTimeField("取号时间")
    target_window = models.ForeignKey(
        Window, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="转至窗口", help_text="转号后只由该窗口叫"
    )
    target_type = models.ForeignKey(
        BusinessType,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="转至业务类型",
        help_text="转号至另一业务类型：号码不变，由该类型的窗口按取号时间叫",
    )
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets", verbose_name="办理窗口")
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="办理人"
    )
    called_at = models.DateTimeField("首次叫号时间", null=True, blank=True)
    call_count = models.PositiveSmallIntegerField("叫号次数", default=0)
    started_at = models.DateTimeField("开始办理时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    transfers = models.PositiveSmallIntegerField("转号次数", default=0)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets", verbose_name="所办办件"
    )
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "排队号"
        verbose_name_plural = "排队号"
        ordering = ["-day", "business_type_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["business_type", "day", "seq"], name="ticket_unique_seq")]
        indexes = [
            models.Index(fields=["centre", "day", "status"], name="ticket_queue_by_centre_day"),
            models.Index(fields=["business_type", "day", "status", "priority", "seq"], name="ticket_next_in_type"),
        ]

    def __str__(self) -> str:
        return f"{self.number}（{self.day}）"

    @property
    def waiting_seconds(self) -> int | None:
        if self.called_at is None:
            return None
        return int((self.called_at - self.issued_at).total_seconds())

    @property
    def service_seconds(self) -> int | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return int((self.finished_at - self.started_at).total_seconds())


class TicketCall(models.Model):
    """One call of a ticket to a window (first call or recall); the display board shows these."""

    KIND_CALL = "call"
    KIND_RECALL = "recall"
    KIND_TRANSFER = "transfer"
    KIND_CHOICES = [(KIND_CALL, _("叫号")), (KIND_RECALL, _("重呼")), (KIND_TRANSFER, _("转号"))]

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="calls", verbose_name="排队号")
    centre = models.ForeignKey(ServiceCentre, on_delete=models.CASCADE, related_name="+", verbose_name="服务中心")
    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="+", verbose_name="窗口")
    kind = models.CharField("类型", max_length=10, choices=KIND_CHOICES)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "叫号记录"
        verbose_name_plural = "叫号记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["centre", "-at"], name="ticketcall_board")]

    def __str__(self) -> str:
        return f"{self.ticket_id} → {self.window_id} {self.kind}"


class KioskAttempt(models.Model):
    """One counted kiosk event (a failed check, or a ticket issued) for the rate limits of
    govhall.hall.limits, keyed by client IP ("ip:…") or case number ("case:…"). The database is the
    store shared by all workers (no cache is configured); rows older than a day are swept on write."""

    kind = models.CharField("类别", max_length=16)
    key = models.CharField("键", max_length=100)
    at = models.DateTimeField("时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "自助终端尝试记录"
        indexes = [models.Index(fields=["kind", "key", "at"], name="kiosk_attempt_lookup")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} {self.at:%Y-%m-%d %H:%M}"
