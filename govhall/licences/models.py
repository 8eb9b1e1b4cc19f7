"""Electronic licences (电子证照) and electronic seals (电子印章), DATA-3.

A `Seal` is one SM2 key pair of a department; rotation retires the current one and creates a new
one, and retired public keys stay published for verification. A `Licence` stores exactly the
fields that were signed (`signed`, the canonical form is rebuilt from it) with its signature, so a
licence file can be checked offline against /licences/keys.json.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.applicants.models import Enterprise, Person
from govhall.org.models import Department


class LicenceType(models.Model):
    """证照类型: the registry the catalog's `licence_type` names map to."""

    HOLDER_PERSON, HOLDER_ENTERPRISE, HOLDER_BOTH = "person", "enterprise", "both"
    HOLDER_CHOICES = [(HOLDER_PERSON, _("自然人")), (HOLDER_ENTERPRISE, _("法人")), (HOLDER_BOTH, _("自然人或法人"))]

    code = models.CharField("类型代码", max_length=20, unique=True, help_text="大写字母和数字，用于证照标识")
    name = models.CharField("证照名称", max_length=100, unique=True)
    number_prefix = models.CharField("证号前缀", max_length=10, help_text="证号 = 前缀 + 发证机关区划代码 + 年份 + 流水号")
    issuer_kind = models.CharField("发证部门", max_length=60, blank=True, help_text="通常由哪类部门颁发，如“市场监督管理局”")
    holder_kind = models.CharField("持证主体", max_length=10, choices=HOLDER_CHOICES, default=HOLDER_BOTH)
    validity_years = models.PositiveSmallIntegerField("有效期（年）", null=True, blank=True, help_text="空表示长期有效")
    fields = models.JSONField("证面项目", default=list, help_text="证面记载的项目名称，按顺序")
    issued_here = models.BooleanField("本系统签发", default=True, help_text="居民身份证等由上级系统制发的证照不在本系统签发")
    one_per_holder = models.BooleanField(
        "每个持证主体一证", default=False, help_text="再次签发（变更、延续）时，原证照标为“已变更”，新证照沿用证号和流水号，版本号加一"
    )

    class Meta:
        verbose_name = "证照类型"
        verbose_name_plural = "证照类型"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Seal(models.Model):
    """电子印章: one SM2 key pair of a department. The private key is stored SM4-encrypted and is
    never rendered, returned or logged."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="seals", verbose_name="部门")
    key_id = models.CharField("密钥标识", max_length=40, unique=True)
    public_key = models.CharField("公钥（十六进制）", max_length=130)
    private_key_encrypted = models.TextField("私钥密文", editable=False)
    created_at = models.DateTimeField("启用时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = "电子印章"
        verbose_name_plural = "电子印章"
        ordering = ["department_id", "-created_at"]
        permissions = [("manage_seals", "创建和轮换电子印章")]
        constraints = [
            models.UniqueConstraint(fields=["department"], condition=Q(retired_at__isnull=True), name="seal_one_current_per_department")
        ]

    def __str__(self) -> str:
        return f"{self.department.name} {self.key_id}"

    @property
    def is_current(self) -> bool:
        return self.retired_at is None


class LicenceCounter(models.Model):
    """Serials per licence type and issuing department (the identifier's <serial>)."""

    licence_type = models.ForeignKey(LicenceType, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["licence_type", "department"], name="licence_counter_unique")]

    def __str__(self) -> str:
        return f"{self.licence_type_id}/{self.department_id}: {self.last}"


class Licence(models.Model):
    STATUS_VALID, STATUS_CHANGED, STATUS_REVOKED, STATUS_CANCELLED = "valid", "changed", "revoked", "cancelled"
    STATUS_EXPIRED = "expired"  # derived from the dates, never stored
    STATUS_CHOICES = [
        (STATUS_VALID, _("有效")),
        (STATUS_CHANGED, _("已变更")),
        (STATUS_REVOKED, _("已撤销")),
        (STATUS_CANCELLED, _("已注销")),
    ]
    STATUS_LABELS = {**dict(STATUS_CHOICES), STATUS_EXPIRED: _("已过期")}

    identifier = models.CharField("证照标识", max_length=120, unique=True)
    version = models.PositiveSmallIntegerField("版本号", default=1)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by", verbose_name="变更前证照"
    )
    number = models.CharField("证号", max_length=60)
    licence_type = models.ForeignKey(LicenceType, on_delete=models.PROTECT, related_name="licences", verbose_name="证照类型")
    holder_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="licences", verbose_name="持证人（自然人）"
    )
    holder_enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="licences", verbose_name="持证人（法人）"
    )
    holder_name = models.CharField("持证人名称", max_length=200)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="licences", verbose_name="发证机关")
    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="licences", verbose_name="签章密钥")
    case = models.OneToOneField("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="licence", verbose_name="办件")
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期至", null=True, blank=True, help_text="空表示长期有效")
    signed = models.JSONField("签名内容", help_text="签名所覆盖的字段，规范化序列化后签名")
    digest = models.CharField("SM3 摘要", max_length=64)
    signature = models.CharField("SM2 签名", max_length=128)
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=STATUS_VALID)
    issued_at = models.DateTimeField("签发时间", default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="签发人"
    )
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="撤销人"
    )
    revoke_reason = models.CharField("撤销理由", max_length=500, blank=True)

    class Meta:
        verbose_name = "电子证照"
        verbose_name_plural = "电子证照"
        ordering = ["-issued_at", "-id"]
        permissions = [
            ("revoke_licence", "撤销本部门签发的电子证照"),
            ("view_department_licences", "查看本部门签发的电子证照"),
            ("view_all_licences", "查看全部电子证照（监管、审计）"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(holder_person__isnull=False, holder_enterprise__isnull=True)
                | Q(holder_person__isnull=True, holder_enterprise__isnull=False),
                name="licence_exactly_one_holder",
            )
        ]
        indexes = [
            models.Index(fields=["holder_person", "licence_type"], name="licence_person_type"),
            models.Index(fields=["holder_enterprise", "licence_type"], name="licence_enterprise_type"),
            models.Index(fields=["department", "-issued_at"], name="licence_department_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.licence_type.name} {self.number}"

    def effective_status(self, today: dt.date | None = None) -> str:
        """The status verification reports: a stored one, or 已过期 once past `valid_until`."""
        if self.status != self.STATUS_VALID:
            return self.status
        today = today or timezone.localdate()
        if self.valid_until is not None and today > self.valid_until:
            return self.STATUS_EXPIRED
        return self.STATUS_VALID

    def effective_status_label(self) -> str:
        return str(self.STATUS_LABELS[self.effective_status()])

    @property
    def holder(self) -> Person | Enterprise:
        return self.holder_person or self.holder_enterprise  # type: ignore[return-value]
