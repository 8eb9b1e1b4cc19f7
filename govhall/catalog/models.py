"""The item catalog: an item (stable identity) and its versions (every change is a new version).

An `ItemVersion` holds every standard element (CAT-1) and owns its materials, fees, steps, review
checklist, intermediary services and situation questions (CAT-2). Versions are never edited once
written: a case keeps the version it was accepted under (CAT-3).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govhall.catalog import choices
from govhall.core.i18n import translated_choices
from govhall.org.models import Department


class Topic(models.Model):
    AUDIENCE_BOTH = "both"

    name = models.CharField("主题", max_length=40, unique=True)
    audience = models.CharField("面向", max_length=10, choices=[*translated_choices(choices.AUDIENCES), (AUDIENCE_BOTH, _("个人和法人"))])

    class Meta:
        verbose_name = "主题"
        verbose_name_plural = "主题"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    STATUS_ACTIVE, STATUS_SUSPENDED, STATUS_CANCELLED = "active", "suspended", "cancelled"
    STATUS_CHOICES = [(STATUS_ACTIVE, _("在用")), (STATUS_SUSPENDED, _("暂停")), (STATUS_CANCELLED, _("取消"))]

    code = models.CharField("基本编码", max_length=40, unique=True)
    # Denormalised from the current version for listing and search (kept by the services).
    name = models.CharField("事项名称", max_length=200)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="items", verbose_name="实施主体")
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=STATUS_ACTIVE)
    current_version = models.OneToOneField(
        "ItemVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="当前版本"
    )
    search_text = models.TextField("检索文本", blank=True, help_text="名称和结果名称的中文、全拼、首字母，及编码，小写")
    name_search = models.TextField("名称检索文本", blank=True, help_text="名称的中文、全拼、首字母：名称命中的排在前面")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "政务服务事项"
        verbose_name_plural = "政务服务事项"
        ordering = ["code"]
        permissions = [
            ("manage_all_items", "维护全部部门的事项"),
            ("import_catalog", "从 Excel 导入事项清单"),
            ("view_catalog_health", "查看事项清单体检报告"),
        ]
        indexes = [models.Index(fields=["department", "status"], name="item_by_department_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def current(self) -> "ItemVersion":
        """The current version, for code that needs one. `item_create` writes the first version in
        the same transaction as the item, so only a half-built row lacks it; `current_version`
        stays nullable because the item row has to exist before its first version can point at it."""
        if self.current_version is None:
            raise ItemVersion.DoesNotExist(f"事项 {self.code} 还没有版本")
        return self.current_version

    @property
    def implementation_code(self) -> str:
        """实施编码: the implementing body's USCC followed by the basic code."""
        return f"{self.department.uscc}{self.code}"


class ItemVersion(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="versions", verbose_name="事项")
    number = models.PositiveIntegerField("版本号")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="修改人")
    reason = models.CharField("修改原因", max_length=500)
    created_at = models.DateTimeField("修改时间", auto_now_add=True)

    name = models.CharField("事项名称", max_length=200)
    name_en = models.CharField("英文名称", max_length=300, blank=True)
    item_type = models.CharField("事项类型", max_length=2, choices=translated_choices(choices.ITEM_TYPES))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name="实施主体")
    level = models.CharField("行使层级", max_length=12, choices=translated_choices(choices.LEVELS), default="county")
    legal_basis = models.TextField("设定依据")
    conditions = models.TextField("受理条件", blank=True)
    for_person = models.BooleanField("面向个人", default=False)
    for_enterprise = models.BooleanField("面向法人", default=False)
    topics = models.ManyToManyField(Topic, blank=True, verbose_name="主题")
    handling_type = models.CharField("办件类型", max_length=10, choices=translated_choices(choices.HANDLING_TYPES))
    legal_limit_days = models.PositiveSmallIntegerField("法定办结时限（工作日）")
    promised_limit_days = models.PositiveSmallIntegerField("承诺办结时限（工作日）")
    visits = models.PositiveSmallIntegerField("到现场次数")
    online_depth = models.CharField("网办深度", max_length=20, choices=translated_choices(choices.ONLINE_DEPTHS))
    tongban_scope = models.CharField("通办范围", max_length=20, choices=translated_choices(choices.TONGBAN_SCOPES), default="none")
    commitment_allowed = models.BooleanField("实行告知承诺", default=False)
    commitment_verify_days = models.PositiveSmallIntegerField("承诺核查期限（工作日）", null=True, blank=True)
    rongque = models.BooleanField("容缺受理", default=False)
    result_name = models.CharField("结果名称", max_length=200, blank=True)
    result_type = models.CharField("结果类型", max_length=20, choices=translated_choices(choices.RESULT_TYPES), default="other")
    licence_type = models.CharField("证照类型", max_length=100, blank=True)
    accountability = models.TextField("追责情形", blank=True)
    random_check = models.BooleanField("随机抽查事项", default=False)
    proof_item = models.BooleanField("证明事项", default=False)
    enterprise_permit = models.BooleanField("涉企经营许可事项", default=False)
    supervision_item = models.BooleanField("监管事项", default=False)
    location = models.CharField("办理地点", max_length=200, blank=True)
    office_hours = models.CharField("办理时间", max_length=200, blank=True)
    phone = models.CharField("咨询电话", max_length=40, blank=True)
    complaint_phone = models.CharField("监督投诉电话", max_length=40, blank=True)
    # 一次录入、大家共用: the item-specific fields of the application form, keys of the field
    # dictionary (catalog/form_fields.py) with whether each is required.
    form_fields = models.JSONField("申请表字段", default=list, blank=True, help_text='如 [{"key": "enterprise_name", "required": true}]')

    class Meta:
        verbose_name = "事项版本"
        verbose_name_plural = "事项版本"
        ordering = ["item_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="item_version_number_unique"),
            models.CheckConstraint(condition=Q(visits__lte=2), name="item_version_visits_0_to_2"),
            models.CheckConstraint(
                condition=Q(handling_type="promised") | Q(promised_limit_days=0),
                name="item_version_instant_has_zero_promised_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    @property
    def public_lists(self) -> list[str]:
        """Which of the 十张清单 this version belongs to."""
        lists = []
        if self.item_type in choices.POWER_TYPES:
            lists.append("power")
        if self.item_type == "20":
            lists.append("public_service")
        if any(fee.amount_fen != 0 for fee in self.fees.all()):
            lists.append("fee")
        if self.intermediaries.exists():
            lists.append("intermediary")
        if self.random_check:
            lists.append("random_check")
        if self.rongque:
            lists.append("rongque")
        if self.tongban_scope != "none":
            lists.append("tongban")
        if self.proof_item:
            lists.append("proof")
        if self.enterprise_permit:
            lists.append("enterprise_permit")
        if self.supervision_item:
            lists.append("supervision")
        return lists


class SituationQuestion(models.Model):
    """情形 question; its options select materials and steps (CAT-2)."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="questions")
    seq = models.PositiveSmallIntegerField("序号")
    key = models.CharField("编号", max_length=20)
    text = models.CharField("问题", max_length=200)

    class Meta:
        verbose_name = "情形问题"
        verbose_name_plural = "情形问题"
        ordering = ["version_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="question_key_unique_in_version")]

    def __str__(self) -> str:
        return self.text


class SituationOption(models.Model):
    question = models.ForeignKey(SituationQuestion, on_delete=models.CASCADE, related_name="options")
    seq = models.PositiveSmallIntegerField("序号")
    key = models.CharField("编号", max_length=20)
    label = models.CharField("选项", max_length=200)

    class Meta:
        verbose_name = "情形选项"
        verbose_name_plural = "情形选项"
        ordering = ["question_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="option_key_unique_in_question")]

    def __str__(self) -> str:
        return self.label


class Material(models.Model):
    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="materials")
    seq = models.PositiveSmallIntegerField("序号")
    name = models.CharField("材料名称", max_length=200)
    source = models.CharField("来源渠道", max_length=20, choices=translated_choices(choices.MATERIAL_SOURCES), default="applicant")
    source_note = models.CharField("来源说明", max_length=200, blank=True)
    originals = models.PositiveSmallIntegerField("原件份数", default=0)
    copies = models.PositiveSmallIntegerField("复印件份数", default=0)
    form = models.CharField("材料形式", max_length=10, choices=translated_choices(choices.MATERIAL_FORMS), default="both")
    required = models.BooleanField("必要", default=True)
    blank_form = models.CharField("空白表格", max_length=200, blank=True)
    sample = models.CharField("示例样表", max_length=200, blank=True)
    spec = models.CharField("填报要求", max_length=500, blank=True)
    rongque_allowed = models.BooleanField("可容缺", default=False)
    shared_source = models.CharField("可由共享数据替代", max_length=100, blank=True)
    licence_type = models.CharField("可由电子证照替代", max_length=100, blank=True)
    # Applies only when one of these options is chosen; empty = applies always.
    options = models.ManyToManyField(SituationOption, blank=True, related_name="materials")

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["version_id", "seq"]

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="fees")
    seq = models.PositiveSmallIntegerField("序号")
    name = models.CharField("收费项目", max_length=200)
    standard = models.CharField("收费标准", max_length=300)
    amount_fen = models.PositiveIntegerField("金额（分）", null=True, blank=True, help_text="按件定额时填写")
    basis = models.CharField("收费依据", max_length=500)

    class Meta:
        verbose_name = "收费"
        verbose_name_plural = "收费"
        ordering = ["version_id", "seq"]

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="steps")
    seq = models.PositiveSmallIntegerField("序号")
    name = models.CharField("环节名称", max_length=100)
    role = models.CharField("办理人员", max_length=20, choices=translated_choices(choices.STEP_ROLES))
    limit_days = models.PositiveSmallIntegerField("环节时限（工作日）")
    options = models.ManyToManyField(SituationOption, blank=True, related_name="steps")

    class Meta:
        verbose_name = "办理环节"
        verbose_name_plural = "办理环节"
        ordering = ["version_id", "seq"]

    def __str__(self) -> str:
        return self.name


class ChecklistPoint(models.Model):
    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="checklist")
    seq = models.PositiveSmallIntegerField("序号")
    text = models.CharField("审核要点", max_length=500)

    class Meta:
        verbose_name = "审核要点"
        verbose_name_plural = "审核要点"
        ordering = ["version_id", "seq"]

    def __str__(self) -> str:
        return self.text


class Intermediary(models.Model):
    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="intermediaries")
    seq = models.PositiveSmallIntegerField("序号")
    name = models.CharField("中介服务事项", max_length=200)
    basis = models.CharField("设定依据", max_length=500)
    provider = models.CharField("服务机构", max_length=200, blank=True)
    fee_basis = models.CharField("收费方式", max_length=200, blank=True)

    class Meta:
        verbose_name = "中介服务"
        verbose_name_plural = "中介服务"
        ordering = ["version_id", "seq"]

    def __str__(self) -> str:
        return self.name


class ItemEvent(models.Model):
    """Append-only history of an item: created, changed, suspended, delegated, transferred …"""

    KINDS = [
        ("created", _("新增")),
        ("changed", _("变更")),
        ("suspended", _("暂停")),
        ("resumed", _("恢复")),
        ("cancelled", _("取消")),
        ("delegated", _("下放")),
        ("transferred", _("划转")),
        ("imported", _("导入")),
    ]
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("类型", max_length=20, choices=KINDS)
    version = models.ForeignKey(ItemVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("原因", max_length=500)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "事项变更记录"
        verbose_name_plural = "事项变更记录"
        ordering = ["item_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reason}"
