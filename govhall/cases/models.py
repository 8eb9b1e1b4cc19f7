"""Cases (办件) and their append-only, hash-chained event log (CASE-1, CASE-7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govhall.applicants.models import Enterprise, Person
from govhall.catalog.models import Item, ItemVersion


class Case(models.Model):
    # CASE-1: every case records its channel (网办率 depends on it).
    CHANNEL_WINDOW, CHANNEL_ONLINE, CHANNEL_MOBILE = "window", "online", "mobile"
    CHANNEL_KIOSK, CHANNEL_AGENT_POINT, CHANNEL_CROSS_REGION = "kiosk", "agent_point", "cross_region"
    CHANNEL_CHOICES = [
        (CHANNEL_WINDOW, _("综合窗口")),
        (CHANNEL_ONLINE, _("网上办")),
        (CHANNEL_MOBILE, _("掌上办")),
        (CHANNEL_KIOSK, _("自助终端")),
        (CHANNEL_AGENT_POINT, _("代办点")),
        (CHANNEL_CROSS_REGION, _("跨区通办")),
    ]
    # Later slices add states (补正, 暂停, 办结 …) to this list; the codes are stable.
    STATUS_DRAFT, STATUS_SUBMITTED, STATUS_ACCEPTED = "draft", "submitted", "accepted"
    STATUS_CHOICES = [
        (STATUS_DRAFT, _("草稿")),
        (STATUS_SUBMITTED, _("已提交")),
        (STATUS_ACCEPTED, _("已受理")),
    ]

    number = models.CharField("办件编号", max_length=64, unique=True)
    query_code = models.CharField("查询码", max_length=6)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="cases", verbose_name="事项")
    # A case keeps the version it was submitted under, whatever the catalog publishes later.
    item_version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="cases", verbose_name="事项版本")
    applicant_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name="申请人（自然人）"
    )
    applicant_enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name="申请人（法人）"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="submitted_cases", verbose_name="提交人"
    )
    on_behalf = models.BooleanField("代为提交", default=False, help_text="窗口人员或代办员代申请人提交")
    channel = models.CharField("办理渠道", max_length=20, choices=CHANNEL_CHOICES)
    answers = models.JSONField("情形选项", default=list, help_text='所选情形选项，如 ["q1.a", "q2.n"]')
    form = models.JSONField("申请表", default=dict)
    status = models.CharField("状态", max_length=20, choices=STATUS_CHOICES, default=STATUS_DRAFT)
    idempotency_key = models.CharField("幂等键", max_length=100, null=True, blank=True, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        ordering = ["-id"]
        permissions = [("submit_on_behalf", "代申请人提交办件")]
        constraints = [
            models.CheckConstraint(
                condition=Q(applicant_person__isnull=False, applicant_enterprise__isnull=True)
                | Q(applicant_person__isnull=True, applicant_enterprise__isnull=False),
                name="case_exactly_one_applicant",
            )
        ]

    def __str__(self) -> str:
        return self.number


class CaseNumberCounter(models.Model):
    """The last daily sequence handed out per implementation code and day; locked to allocate."""

    implementation_code = models.CharField("实施编码", max_length=60)
    day = models.DateField("日期")
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "办件编号计数"
        verbose_name_plural = "办件编号计数"
        constraints = [models.UniqueConstraint(fields=["implementation_code", "day"], name="case_counter_per_code_day")]

    def __str__(self) -> str:
        return f"{self.implementation_code} {self.day:%Y%m%d} {self.last:04d}"


class CaseLogHead(models.Model):
    """The end of the global event chain (one row). Locking it serialises appends; comparing it with
    the last event reveals a deleted tail."""

    last_hash = models.CharField("最新哈希", max_length=64, blank=True)
    count = models.PositiveBigIntegerField("事件数", default=0)

    class Meta:
        verbose_name = "办件日志链头"
        verbose_name_plural = "办件日志链头"

    def __str__(self) -> str:
        return f"{self.count} {self.last_hash[:12]}"


class ImmutableEvent(Exception):
    pass


class CaseEvent(models.Model):
    """全过程留痕 (CASE-7): one row per action, only ever inserted, chained by SM3 hashes."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name="办件")
    seq = models.PositiveIntegerField("序号")
    kind = models.CharField("动作", max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间")
    before = models.JSONField("变更前", default=dict)
    after = models.JSONField("变更后", default=dict)
    prev_hash = models.CharField("前一哈希", max_length=64, blank=True)
    hash = models.CharField("哈希", max_length=64, unique=True)

    class Meta:
        verbose_name = "办件事件"
        verbose_name_plural = "办件事件"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_per_case")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableEvent("case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEvent("case events are append-only")


KIND_SUBMITTED, KIND_ACCEPTED = "submitted", "accepted"
# What the applicant reads on the tracking page for each kind of event.
EVENT_KIND_LABELS = {
    KIND_SUBMITTED: _("提交申请"),
    KIND_ACCEPTED: _("受理"),
}
