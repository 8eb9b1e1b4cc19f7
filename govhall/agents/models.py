"""帮办代办 (SPEC ONE-4): the resident's consent to a village agent, the link from an agent-point case
to the consent it was submitted under, and the hand-over log of papers and results."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.applicants.models import Person
from govhall.cases.models import Case
from govhall.catalog.models import Item
from govhall.org.models import ServiceCentre


class AgentConsent(models.Model):
    """代办授权: a resident authorises one agent of one 代办点 to apply for them."""

    SCOPE_ITEMS, SCOPE_ALL = "items", "all"
    SCOPE_CHOICES = [(SCOPE_ITEMS, _("指定事项")), (SCOPE_ALL, _("全部事项（90天内）"))]
    METHOD_WRITTEN, METHOD_SIGNATURE, METHOD_CODE = "written", "signature", "code"
    METHOD_CHOICES = [
        (METHOD_WRITTEN, _("书面授权委托书")),
        (METHOD_SIGNATURE, _("现场签字确认")),
        (METHOD_CODE, _("手机验证码确认")),
    ]
    STATUS_PENDING, STATUS_VALID, STATUS_EXPIRED, STATUS_REVOKED = "pending", "valid", "expired", "revoked"
    STATUS_LABELS = {
        STATUS_PENDING: _("待确认"),
        STATUS_VALID: _("有效"),
        STATUS_EXPIRED: _("已过期"),
        STATUS_REVOKED: _("已撤销"),
    }

    resident = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="agent_consents", verbose_name="委托人（居民）")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agent_consents", verbose_name="代办员")
    point = models.ForeignKey(ServiceCentre, on_delete=models.PROTECT, related_name="agent_consents", verbose_name="代办点")
    scope = models.CharField("授权范围", max_length=10, choices=SCOPE_CHOICES)
    items = models.ManyToManyField(Item, blank=True, related_name="+", verbose_name="授权事项")
    method = models.CharField("授权方式", max_length=10, choices=METHOD_CHOICES)
    text_version = models.CharField("授权书文本版本", max_length=20)
    # 书面授权委托书 scan or signature image: private file, checked by content like case materials.
    file_path = models.CharField("文件存储路径", max_length=300, blank=True, help_text="相对 MEDIA_ROOT/private")
    file_content_type = models.CharField("文件类型", max_length=40, blank=True)
    file_size = models.PositiveIntegerField("文件大小（字节）", default=0)
    file_sha256 = models.CharField("文件 SHA-256", max_length=64, blank=True)
    phone = models.CharField("验证码手机号", max_length=20, blank=True)
    code_hash = models.CharField("验证码哈希", max_length=64, blank=True)
    code_sent_at = models.DateTimeField("验证码发出时间", null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField("验证码错误次数", default=0)
    code_confirmed_at = models.DateTimeField("验证码确认时间", null=True, blank=True)
    given_at = models.DateTimeField("授权时间", null=True, blank=True, help_text="验证码方式在确认后才生效")
    valid_until = models.DateField("有效期至")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="撤销人"
    )
    revoke_reason = models.CharField("撤销理由", max_length=300, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "代办授权"
        verbose_name_plural = "代办授权"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["agent", "-id"], name="consent_agent_newest"),
            models.Index(fields=["resident", "-id"], name="consent_resident_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.resident.name} → {self.agent} ({self.get_scope_display()})"

    def status_on(self, day: date | None = None) -> str:
        if self.revoked_at is not None:
            return self.STATUS_REVOKED
        if self.given_at is None:
            return self.STATUS_PENDING
        if self.valid_until < (day or timezone.localdate()):
            return self.STATUS_EXPIRED
        return self.STATUS_VALID

    @property
    def status(self) -> str:
        return self.status_on()

    @property
    def status_label(self) -> str:
        return str(self.STATUS_LABELS[self.status])


def valid_consents(day: date) -> Q:
    """Consents in force on `day` (given, not revoked, not past their last day)."""
    return Q(given_at__isnull=False, revoked_at__isnull=True, valid_until__gte=day)


class AgentCase(models.Model):
    """An agent-point case and the consent it was submitted under."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="agent_link", verbose_name="办件")
    consent = models.ForeignKey(AgentConsent, on_delete=models.PROTECT, related_name="cases", verbose_name="代办授权")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="代办员")
    point = models.ForeignKey(ServiceCentre, on_delete=models.PROTECT, related_name="+", verbose_name="代办点")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "代办办件"
        verbose_name_plural = "代办办件"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.case} ← {self.consent_id}"


class HandOver(models.Model):
    """交接: one step of the papers' and the result's way between resident, agent and centre."""

    STEP_RECEIVED, STEP_FORWARDED, STEP_RETURNED, STEP_DELIVERED = 1, 2, 3, 4
    STEP_CHOICES = [
        (STEP_RECEIVED, _("收件")),
        (STEP_FORWARDED, _("递交")),
        (STEP_RETURNED, _("回传")),
        (STEP_DELIVERED, _("送达")),
    ]
    STEP_HINTS = {
        STEP_RECEIVED: _("代办员从居民处接收申请材料"),
        STEP_FORWARDED: _("代办员将材料递交上级便民服务中心或政务服务中心，由窗口人员确认接收"),
        STEP_RETURNED: _("办理结果由中心交回代办员"),
        STEP_DELIVERED: _("代办员将结果交给居民，居民签收"),
    }

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="handovers", verbose_name="办件")
    step = models.PositiveSmallIntegerField("环节", choices=STEP_CHOICES)
    papers = models.JSONField("材料清单", default=list, help_text="收件、递交、回传时交接的材料或结果名称")
    note = models.CharField("说明", max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="交出/登记人")
    at = models.DateTimeField("时间")
    centre = models.ForeignKey(
        ServiceCentre,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="接收中心",
        help_text="递交、回传时的中心",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="接收人"
    )
    received_at = models.DateTimeField("接收确认时间", null=True, blank=True)
    # 送达: the resident's signature image (private file).
    signature_path = models.CharField("居民签收图片", max_length=300, blank=True)
    signature_sha256 = models.CharField("签收图片 SHA-256", max_length=64, blank=True)

    class Meta:
        verbose_name = "代办交接"
        verbose_name_plural = "代办交接"
        ordering = ["case", "step"]
        constraints = [
            models.UniqueConstraint(fields=["case", "step"], name="handover_once_per_step"),
            models.CheckConstraint(condition=Q(step__gte=1, step__lte=4), name="handover_step_known"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_step_display()}"

    @property
    def confirmed(self) -> bool:
        return self.step != self.STEP_FORWARDED or self.received_at is not None
