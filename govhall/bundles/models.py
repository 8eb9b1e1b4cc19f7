"""一件事一次办 / 主题套餐 (ONE-1, ONE-5): a bundle joins several catalog items behind one
questionnaire, one form, one set of materials, one acceptance and one delivery; each item is still
a case of its own (`BundleCasePart.case`), approved in parallel by its department."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.applicants.models import Enterprise, Person
from govhall.catalog.models import Item
from govhall.org.models import Department, ServiceCentre, Window


class Bundle(models.Model):
    AUDIENCE_PERSON, AUDIENCE_ENTERPRISE = "person", "enterprise"
    AUDIENCE_CHOICES = [(AUDIENCE_PERSON, _("个人")), (AUDIENCE_ENTERPRISE, _("法人"))]
    STATUS_ACTIVE, STATUS_SUSPENDED = "active", "suspended"
    STATUS_CHOICES = [(STATUS_ACTIVE, _("在用")), (STATUS_SUSPENDED, _("暂停"))]

    code = models.CharField("套餐编码", max_length=20, unique=True)
    name = models.CharField("套餐名称", max_length=100)
    audience = models.CharField("面向", max_length=12, choices=AUDIENCE_CHOICES)
    description = models.TextField("说明", blank=True)
    limit_days = models.PositiveSmallIntegerField("整体办结时限（工作日）")
    limit_basis = models.CharField("时限依据", max_length=300, blank=True)
    lead_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="牵头部门"
    )
    centre = models.ForeignKey(
        ServiceCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="bundles", verbose_name="受理中心"
    )
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=STATUS_ACTIVE)
    seq = models.PositiveSmallIntegerField("排序", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "主题套餐"
        verbose_name_plural = "主题套餐"
        ordering = ["seq", "code"]
        # Acceptance and delivery are the clerk's (cases.accept_case) at the bundle's centre.
        permissions = [("view_all_bundle_cases", "查看全部一件事办件")]

    def __str__(self) -> str:
        return self.name


class BundleQuestion(models.Model):
    """情形 at the bundle level: the answers select which items apply."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="questions")
    seq = models.PositiveSmallIntegerField("序号")
    key = models.CharField("编号", max_length=20)
    text = models.CharField("问题", max_length=200)

    class Meta:
        verbose_name = "套餐情形问题"
        verbose_name_plural = "套餐情形问题"
        ordering = ["bundle_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["bundle", "key"], name="bundle_question_key_unique")]

    def __str__(self) -> str:
        return self.text


class BundleOption(models.Model):
    question = models.ForeignKey(BundleQuestion, on_delete=models.CASCADE, related_name="options")
    seq = models.PositiveSmallIntegerField("序号")
    key = models.CharField("编号", max_length=20)
    label = models.CharField("选项", max_length=200)

    class Meta:
        verbose_name = "套餐情形选项"
        verbose_name_plural = "套餐情形选项"
        ordering = ["question_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="bundle_option_key_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def ref(self) -> str:
        return f"{self.question.key}.{self.key}"


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="bundle_items")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="bundle_items", verbose_name="事项")
    seq = models.PositiveSmallIntegerField("序号")
    # Applies only when one of these answers is chosen; none = always.
    options = models.ManyToManyField(BundleOption, blank=True, related_name="bundle_items", verbose_name="适用情形")
    # The item's own situation answers in this bundle (e.g. ["q1.a"] 企业), so the applicant is
    # asked the bundle's questions only.
    item_answers = models.JSONField("事项情形选项", default=list, blank=True)

    class Meta:
        verbose_name = "套餐事项"
        verbose_name_plural = "套餐事项"
        ordering = ["bundle_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["bundle", "item"], name="bundle_item_once")]

    def __str__(self) -> str:
        return f"{self.bundle} · {self.item}"


class BundleCase(models.Model):
    STATUS_SUBMITTED, STATUS_SUPPLEMENT, STATUS_NOT_ACCEPTED = "submitted", "supplement", "not_accepted"
    STATUS_IN_PROGRESS, STATUS_TO_DELIVER = "in_progress", "to_deliver"
    STATUS_DONE, STATUS_PARTLY_DONE, STATUS_CLOSED = "done", "partly_done", "closed"
    STATUS_CHOICES = [
        (STATUS_SUBMITTED, _("待预审")),
        (STATUS_SUPPLEMENT, _("待补正")),
        (STATUS_NOT_ACCEPTED, _("不予受理")),
        (STATUS_IN_PROGRESS, _("并联办理中")),
        (STATUS_TO_DELIVER, _("待出件")),
        (STATUS_DONE, _("已办结")),
        (STATUS_PARTLY_DONE, _("部分办结")),
        (STATUS_CLOSED, _("已终结")),
    ]
    FINAL_STATUSES = (STATUS_NOT_ACCEPTED, STATUS_DONE, STATUS_PARTLY_DONE, STATUS_CLOSED)

    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="cases", verbose_name="套餐")
    number = models.CharField("套餐办件编号", max_length=64, unique=True)
    query_code = models.CharField("查询码", max_length=6)
    applicant_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="bundle_cases", verbose_name="申请人（自然人）"
    )
    applicant_enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="bundle_cases", verbose_name="申请人（法人）"
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="提交人")
    channel = models.CharField("办理渠道", max_length=20)
    status = models.CharField("状态", max_length=20, choices=STATUS_CHOICES, default=STATUS_SUBMITTED)
    answers = models.JSONField("情形选项", default=list)
    form = models.JSONField("申请表", default=dict, help_text="一张表：各事项共用字段只填一次，按字段名存")
    idempotency_key = models.CharField("幂等键", max_length=100, null=True, blank=True, unique=True)
    centre = models.ForeignKey(ServiceCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="受理中心")
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="受理窗口")
    submitted_at = models.DateTimeField("提交时间")
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="受理人"
    )
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    limit_days = models.PositiveSmallIntegerField("整体时限（工作日）", null=True, blank=True)
    due_date = models.DateField("整体办理期限", null=True, blank=True)
    due_note = models.CharField("期限说明", max_length=100, blank=True, help_text="如：期限待定（2027年工作日历未载入）")
    overdue = models.BooleanField("已超期", default=False)
    closed_reason = models.CharField("不予受理理由", max_length=1000, blank=True)
    delivery_method = models.CharField("送达方式", max_length=12, blank=True)
    delivery_address = models.CharField("邮寄地址", max_length=300, blank=True)
    delivered_at = models.DateTimeField("出件时间", null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="出件人"
    )
    finished_at = models.DateTimeField("办结时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "一件事办件"
        verbose_name_plural = "一件事办件"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "centre"], name="bundle_case_status_centre")]

    def __str__(self) -> str:
        return f"{self.bundle.name} {self.number}"

    @property
    def applicant(self) -> Person | Enterprise:
        return self.applicant_person or self.applicant_enterprise  # type: ignore[return-value]

    @property
    def channel_label(self) -> str:
        from govhall.cases.models import Case

        return str(dict(Case.CHANNEL_CHOICES).get(self.channel, self.channel))

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES


class BundleCasePart(models.Model):
    bundle_case = models.ForeignKey(BundleCase, on_delete=models.CASCADE, related_name="parts", verbose_name="一件事办件")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name="事项")
    seq = models.PositiveSmallIntegerField("序号")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="bundle_part", verbose_name="办件")

    class Meta:
        verbose_name = "一件事子办件"
        verbose_name_plural = "一件事子办件"
        ordering = ["bundle_case_id", "seq"]

    def __str__(self) -> str:
        return f"{self.bundle_case.number} · {self.item.name}"
