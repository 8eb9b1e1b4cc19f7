"""Shared data (DATA-2, 一次录入、大家共用): the registry of sources, the records they hold about
people and enterprises, every look-up (who, whose data, which fields, for which case) and what
replaced a material on a case (共享数据 or 电子证照, 免提交)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.org.models import Department

SUBJECT_PERSON, SUBJECT_ENTERPRISE = "person", "enterprise"
SUBJECT_KINDS = [(SUBJECT_PERSON, _("自然人")), (SUBJECT_ENTERPRISE, _("法人"))]


class DataSource(models.Model):
    code = models.CharField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    aliases = models.JSONField("别名", default=list, blank=True, help_text="事项目录中使用的其他名称")
    owner = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="数源部门")
    owner_name = models.CharField("数源部门名称", max_length=100, blank=True)
    description = models.CharField("说明", max_length=500, blank=True)
    subject_kinds = models.JSONField("主体类型", default=list)
    fields = models.JSONField("字段", default=list, help_text="[{key, label, personal}]")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "共享数据源"
        verbose_name_plural = "共享数据源"
        ordering = ["id"]
        permissions = [
            ("view_registry", "查看共享数据目录和查询统计"),
            ("lookup_for_case", "为所办理的办件查询共享数据"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owner_label(self) -> str:
        return self.owner.name if self.owner_id and self.owner else self.owner_name

    def field_labels(self) -> dict[str, str]:
        return {f["key"]: f["label"] for f in self.fields}


class SharedRecord(models.Model):
    source = models.ForeignKey(DataSource, on_delete=models.PROTECT, related_name="records", verbose_name="数据源")
    subject_kind = models.CharField("主体类型", max_length=10, choices=SUBJECT_KINDS)
    subject_id = models.CharField("主体标识", max_length=18, help_text="公民身份号码或统一社会信用代码")
    data = models.JSONField("数据", default=dict)
    valid_from = models.DateField("有效期起", null=True, blank=True)
    valid_to = models.DateField("有效期止", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "共享数据记录"
        verbose_name_plural = "共享数据记录"
        ordering = ["id"]
        indexes = [models.Index(fields=["source", "subject_kind", "subject_id"], name="shared_record_by_subject")]

    def __str__(self) -> str:
        return f"{self.source} {self.subject_id}"


class LookupLog(models.Model):
    CHANNEL_WEB, CHANNEL_API = "web", "api"
    CHANNELS = [(CHANNEL_WEB, _("网页")), (CHANNEL_API, _("接口"))]

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="查询人"
    )
    actor_name = models.CharField("查询人姓名", max_length=100, blank=True)
    role = models.CharField("查询身份", max_length=40, help_text="如：窗口人员、审批人员、申请人本人")
    department_name = models.CharField("查询人所在单位", max_length=200, blank=True)
    subject_kind = models.CharField("主体类型", max_length=10, choices=SUBJECT_KINDS)
    subject_id = models.CharField("主体标识", max_length=18)
    source = models.ForeignKey(DataSource, on_delete=models.PROTECT, related_name="lookups", verbose_name="数据源")
    fields = models.JSONField("查询字段", default=list)
    purpose = models.CharField("查询事由", max_length=200)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="办件")
    found = models.PositiveSmallIntegerField("命中记录数", default=0)
    channel = models.CharField("渠道", max_length=5, choices=CHANNELS, default=CHANNEL_WEB)
    at = models.DateTimeField("查询时间", db_index=True)

    class Meta:
        verbose_name = "共享数据查询记录"
        verbose_name_plural = "共享数据查询记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_kind", "subject_id", "-at"], name="lookup_by_subject")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.source}"


class CaseDataUse(models.Model):
    """A material of a case the applicant did not hand in because the government already holds it."""

    KIND_SHARED, KIND_LICENCE = "shared", "licence"
    KINDS = [(KIND_SHARED, _("共享数据")), (KIND_LICENCE, _("电子证照"))]

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="data_uses", verbose_name="办件")
    material = models.ForeignKey("catalog.Material", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="材料")
    material_name = models.CharField("材料名称", max_length=200)
    kind = models.CharField("替代方式", max_length=10, choices=KINDS)
    source = models.ForeignKey(DataSource, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="数据源")
    record = models.ForeignKey(SharedRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="记录")
    licence_identifier = models.CharField("证照标识", max_length=100, blank=True)
    licence_name = models.CharField("证照名称", max_length=100, blank=True)
    licence_number = models.CharField("证照编号", max_length=100, blank=True)
    fields = models.JSONField("使用字段", default=list)
    lookup = models.ForeignKey(LookupLog, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="查询记录")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "免提交材料"
        verbose_name_plural = "免提交材料"
        ordering = ["case_id", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "material"], name="one_data_use_per_case_material")]

    def __str__(self) -> str:
        return f"{self.material_name}：{self.replaced_by}"

    @property
    def replaced_by(self) -> str:
        if self.kind == self.KIND_LICENCE:
            return f"{self.licence_name} {self.licence_number}".strip()
        return self.source.name if self.source else ""
