"""Cases (办件) and their append-only, hash-chained event log (CASE-1, CASE-7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govhall.applicants.models import Enterprise, Person
from govhall.catalog.models import Item, ItemVersion, Material
from govhall.org.models import Department, ServiceCentre, Window


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
    # Status codes are stable (the API, the rollups and imported history use them).
    STATUS_DRAFT, STATUS_SUBMITTED, STATUS_SUPPLEMENT = "draft", "submitted", "supplement"
    STATUS_NOT_ACCEPTED, STATUS_IN_PROGRESS, STATUS_SUSPENDED = "not_accepted", "in_progress", "suspended"
    STATUS_TO_DELIVER, STATUS_DONE = "to_deliver", "done"
    STATUS_WITHDRAWN, STATUS_TERMINATED, STATUS_REVOKED = "withdrawn", "terminated", "revoked"
    # The first slice's name: 已受理 is 办理中.
    STATUS_ACCEPTED = STATUS_IN_PROGRESS
    STATUS_CHOICES = [
        (STATUS_DRAFT, _("草稿")),
        (STATUS_SUBMITTED, _("待预审")),
        (STATUS_SUPPLEMENT, _("待补正")),
        (STATUS_NOT_ACCEPTED, _("不予受理")),
        (STATUS_IN_PROGRESS, _("办理中")),
        (STATUS_SUSPENDED, _("特别程序中")),
        (STATUS_TO_DELIVER, _("待送达")),
        (STATUS_DONE, _("已办结")),
        (STATUS_WITHDRAWN, _("已撤回")),
        (STATUS_TERMINATED, _("已终止")),
        (STATUS_REVOKED, _("已撤销")),
    ]
    # The clock runs from acceptance until the decision, except while suspended.
    CLOCK_STATUSES = (STATUS_IN_PROGRESS, STATUS_SUSPENDED)
    OPEN_STATUSES = (STATUS_SUBMITTED, STATUS_SUPPLEMENT, STATUS_IN_PROGRESS, STATUS_SUSPENDED, STATUS_TO_DELIVER)
    FINAL_STATUSES = (STATUS_NOT_ACCEPTED, STATUS_DONE, STATUS_WITHDRAWN, STATUS_TERMINATED, STATUS_REVOKED)

    DECISION_APPROVED, DECISION_DENIED = "approved", "denied"
    DECISION_CHOICES = [("", _("未决定")), (DECISION_APPROVED, _("准予")), (DECISION_DENIED, _("不予"))]

    DELIVERY_WINDOW, DELIVERY_POST, DELIVERY_ELECTRONIC = "window", "post", "electronic"
    DELIVERY_CHOICES = [
        (DELIVERY_WINDOW, _("窗口领取")),
        (DELIVERY_POST, _("邮寄送达")),
        (DELIVERY_ELECTRONIC, _("电子送达")),
    ]

    # Drafts have no number yet: it is allocated on submission.
    number = models.CharField("办件编号", max_length=64, unique=True, null=True, blank=True)
    query_code = models.CharField("查询码", max_length=6, blank=True)
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
    # The department answerable for the case (the item version's 实施主体), kept for fast lists.
    department = models.ForeignKey(Department, null=True, on_delete=models.PROTECT, related_name="cases", verbose_name="实施主体")
    centre = models.ForeignKey(
        ServiceCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name="受理中心"
    )
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases", verbose_name="受理窗口")
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="受理人"
    )
    gaozhi = models.BooleanField("告知承诺办理", default=False, help_text="申请人以书面承诺代替部分证明材料（CASE-8）")
    # The clock (CASE-5): start day not counted, pauses excluded, extension added.
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    limit_days = models.PositiveSmallIntegerField("承诺时限（工作日）", null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField("延期（工作日）", default=0)
    due_date = models.DateField("办理期限", null=True, blank=True, help_text="特别程序期间按今日结束估算，恢复后重算")
    clock_as_of = models.DateField("期限计算日", null=True, blank=True, help_text="办理期限按此日计算（特别程序视为至此日）")
    overdue = models.BooleanField("已超期", default=False)
    reminded_on = models.DateField("已提醒日期", null=True, blank=True)
    decision = models.CharField("决定", max_length=10, choices=DECISION_CHOICES, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decision_reason = models.CharField("不予许可理由", max_length=1000, blank=True)
    delivery_method = models.CharField("送达方式", max_length=12, choices=DELIVERY_CHOICES, blank=True)
    delivery_address = models.CharField("邮寄地址", max_length=300, blank=True)
    delivery_note = models.CharField("送达说明", max_length=300, blank=True, help_text="邮件单号、电子送达地址等")
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    finished_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_reason = models.CharField("撤回/终止/撤销理由", max_length=1000, blank=True)
    # 最多跑一次 (CASE-6): visits to the hall for this case, at most one per day.
    visits = models.PositiveSmallIntegerField("跑动次数", default=0)
    last_visit_on = models.DateField("最近到场日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        ordering = ["-id"]
        permissions = [
            ("submit_on_behalf", "代申请人提交办件"),
            ("accept_case", "窗口受理办件"),
            ("review_case", "审查办件"),
            ("decide_case", "审核决定办件、批准延期、终止办件"),
            ("view_all_cases", "查看全部办件（监管、审计）"),
            ("manage_processes", "设置事项审批流程"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(applicant_person__isnull=False, applicant_enterprise__isnull=True)
                | Q(applicant_person__isnull=True, applicant_enterprise__isnull=False),
                name="case_exactly_one_applicant",
            )
        ]
        # Lists a county reads every day over ten years of cases: a department's open cases by
        # due date, an applicant's cases newest first, the pre-review queue.
        indexes = [
            models.Index(fields=["department", "status", "due_date"], name="case_dept_status_due"),
            models.Index(fields=["applicant_person", "-id"], name="case_person_newest"),
            models.Index(fields=["applicant_enterprise", "-id"], name="case_enterprise_newest"),
            models.Index(fields=["submitted_by", "-id"], name="case_submitter_newest"),
            models.Index(fields=["status", "due_date"], name="case_status_due"),
        ]

    def __str__(self) -> str:
        return self.number or f"草稿 #{self.pk}"

    @property
    def applicant(self) -> Person | Enterprise:
        return self.applicant_person or self.applicant_enterprise  # type: ignore[return-value]


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


class CaseMaterial(models.Model):
    """An uploaded file of a case: stored outside the web root, served only through a
    permission-checked view (the file's type is checked by its content, not its name)."""

    REVIEW_PENDING, REVIEW_OK, REVIEW_MISSING, REVIEW_DEFECTIVE = "", "ok", "missing", "defective"
    REVIEW_CHOICES = [
        (REVIEW_PENDING, _("未审核")),
        (REVIEW_OK, _("合格")),
        (REVIEW_MISSING, _("缺少")),
        (REVIEW_DEFECTIVE, _("有误")),
    ]

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials", verbose_name="办件")
    material = models.ForeignKey(Material, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="材料")
    name = models.CharField("材料名称", max_length=200)
    path = models.CharField("存储路径", max_length=300, help_text="相对 MEDIA_ROOT/private")
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    replaced = models.BooleanField("已被替换", default=False)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.name}"


class MaterialReview(models.Model):
    """The clerk's finding on one required material at the latest pre-review (审核要点 against the list)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="material_reviews", verbose_name="办件")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="+", verbose_name="材料")
    result = models.CharField("审核结果", max_length=10, choices=CaseMaterial.REVIEW_CHOICES)
    note = models.CharField("说明", max_length=300, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="审核人")
    reviewed_at = models.DateTimeField("审核时间", auto_now=True)

    class Meta:
        verbose_name = "材料审核"
        verbose_name_plural = "材料审核"
        constraints = [models.UniqueConstraint(fields=["case", "material"], name="material_review_once_per_case")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.material_id} {self.result}"


class CaseDocument(models.Model):
    """A numbered statutory document issued on a case (受理通知书, 一次性告知书, 决定书 …) as PDF."""

    KIND_ACCEPTANCE = "acceptance"
    KIND_NOT_ACCEPTED = "not_accepted"
    KIND_SUPPLEMENT = "supplement"
    KIND_RONGQUE = "rongque"
    KIND_APPROVAL = "approval"
    KIND_DENIAL = "denial"
    KIND_EXTENSION = "extension"
    KIND_TERMINATION = "termination"
    KIND_REVOCATION = "revocation"
    KIND_CHOICES = [
        (KIND_ACCEPTANCE, _("受理通知书")),
        (KIND_NOT_ACCEPTED, _("不予受理通知书")),
        (KIND_SUPPLEMENT, _("补正材料一次性告知书")),
        (KIND_RONGQUE, _("容缺受理通知书")),
        (KIND_APPROVAL, _("准予决定书")),
        (KIND_DENIAL, _("不予决定书")),
        (KIND_EXTENSION, _("延期办理告知书")),
        (KIND_TERMINATION, _("终止办理告知书")),
        (KIND_REVOCATION, _("撤销决定书")),
    ]
    # 文号 word per kind: 〔year〕 and a yearly sequence follow it.
    NUMBER_WORDS = {
        KIND_ACCEPTANCE: "受",
        KIND_NOT_ACCEPTED: "不受",
        KIND_SUPPLEMENT: "补",
        KIND_RONGQUE: "容",
        KIND_APPROVAL: "准",
        KIND_DENIAL: "不准",
        KIND_EXTENSION: "延",
        KIND_TERMINATION: "终",
        KIND_REVOCATION: "撤",
    }

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents", verbose_name="办件")
    kind = models.CharField("文书", max_length=20, choices=KIND_CHOICES)
    number = models.CharField("文号", max_length=60, unique=True)
    body = models.JSONField("内容", default=dict, help_text="理由、材料清单、期限等，据此生成 PDF")
    path = models.CharField("存储路径", max_length=300)
    sha256 = models.CharField("SHA-256", max_length=64)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="出具人")
    issued_at = models.DateTimeField("出具时间")

    class Meta:
        verbose_name = "办件文书"
        verbose_name_plural = "办件文书"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.number


class DocumentCounter(models.Model):
    kind = models.CharField("文书", max_length=20)
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "文书编号计数"
        verbose_name_plural = "文书编号计数"
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="document_counter_per_kind_year")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} {self.last}"


class CasePause(models.Model):
    """A period that does not count against the limit (行政许可法 §45): 听证, 检验检测, 专家评审, 公示 …"""

    KIND_CHOICES = [
        ("hearing", _("听证")),
        ("testing", _("检验检测")),
        ("inspection", _("现场核查")),
        ("expert", _("专家评审")),
        ("publicity", _("公示")),
        ("appraisal", _("鉴定")),
        ("supplement", _("补正材料")),
        ("other", _("其他特别程序")),
    ]

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="pauses", verbose_name="办件")
    kind = models.CharField("特别程序", max_length=20, choices=KIND_CHOICES)
    reason = models.CharField("启动理由", max_length=500)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    end_reason = models.CharField("结束说明", max_length=500, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="启动人")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="结束人"
    )

    class Meta:
        verbose_name = "特别程序"
        verbose_name_plural = "特别程序"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.started_on}"


class CaseExtension(models.Model):
    """延期 (行政许可法 §42): asked for by the handling staff, approved by a section head."""

    STATUS_PENDING, STATUS_APPROVED, STATUS_REFUSED = "pending", "approved", "refused"
    STATUS_CHOICES = [(STATUS_PENDING, _("待审批")), (STATUS_APPROVED, _("已批准")), (STATUS_REFUSED, _("未批准"))]

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="extensions", verbose_name="办件")
    days = models.PositiveSmallIntegerField("延长工作日")
    reason = models.CharField("延期理由", max_length=500)
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=STATUS_PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="审批人"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    note = models.CharField("审批意见", max_length=500, blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.days}"


class CaseCommitment(models.Model):
    """A written commitment: 容缺受理 (materials to follow by a deadline, no decision before) or
    告知承诺 (approved on the commitment, verified within a set period; a false one revokes)."""

    KIND_RONGQUE, KIND_GAOZHI = "rongque", "gaozhi"
    KIND_CHOICES = [(KIND_RONGQUE, _("容缺受理承诺")), (KIND_GAOZHI, _("告知承诺"))]
    STATUS_OPEN, STATUS_FULFILLED, STATUS_PASSED, STATUS_FAILED = "open", "fulfilled", "passed", "failed"
    STATUS_CHOICES = [
        (STATUS_OPEN, _("待履行")),
        (STATUS_FULFILLED, _("已补齐")),
        (STATUS_PASSED, _("核查属实")),
        (STATUS_FAILED, _("核查不实")),
    ]

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="commitments", verbose_name="办件")
    kind = models.CharField("类型", max_length=10, choices=KIND_CHOICES)
    materials = models.JSONField("涉及材料", default=list, help_text="材料名称列表")
    text = models.TextField("承诺内容")
    due_date = models.DateField("期限", help_text="容缺：补齐材料期限；告知承诺：核查期限")
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=STATUS_OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="办结人"
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    note = models.CharField("核查说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "承诺"
        verbose_name_plural = "承诺"
        ordering = ["id"]
        indexes = [models.Index(fields=["kind", "status", "due_date"], name="commitment_open_due")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.status}"


class ProcessDefinition(models.Model):
    """A BPMN 2.0 model (CASE-4): one of the shipped defaults or one an admin uploaded."""

    name = models.CharField("名称", max_length=100)
    builtin = models.CharField("内置模板", max_length=30, blank=True, help_text="内置模板的代码；上传的为空")
    process_id = models.CharField("流程标识", max_length=100)
    bpmn = models.TextField("BPMN XML")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "审批流程模型"
        verbose_name_plural = "审批流程模型"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ProcessBinding(models.Model):
    """Which process an item runs from a version on (until a later binding), with the departments
    that review in parallel (会商联审). Without a binding the default template follows from the
    item version: 即办件, 承诺件, or 承诺件 with 制证 when the result is a licence."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="process_bindings", verbose_name="事项")
    from_version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="+", verbose_name="自版本起")
    definition = models.ForeignKey(
        ProcessDefinition, null=True, blank=True, on_delete=models.PROTECT, related_name="bindings", verbose_name="流程模型"
    )
    co_departments = models.ManyToManyField(Department, blank=True, related_name="+", verbose_name="会商部门")
    reason = models.CharField("原因", max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="设置人")
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = "事项流程设置"
        verbose_name_plural = "事项流程设置"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.from_version_id}"


class ProcessInstance(models.Model):
    """The running process of a case: SpiffWorkflow's serialised state, loaded and saved under the
    case's row lock, so parallel departments never overwrite each other."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="process", verbose_name="办件")
    definition = models.ForeignKey(ProcessDefinition, on_delete=models.PROTECT, related_name="+", verbose_name="流程模型")
    state = models.TextField("流程状态", blank=True, help_text="办结后清空")
    finished = models.BooleanField("已结束", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "流程实例"
        verbose_name_plural = "流程实例"

    def __str__(self) -> str:
        return f"{self.case_id} {self.definition_id}"


class CaseTask(models.Model):
    """A user task of a case's process that someone must do (审查, 审核, 决定, 制证 …)."""

    ROLE_CHOICES = [
        ("clerk", _("窗口人员")),
        ("approver", _("审批人员")),
        ("section_head", _("科室负责人")),
        ("leader", _("分管领导")),
        ("certifier", _("制证人员")),
    ]
    STATUS_OPEN, STATUS_DONE, STATUS_CANCELLED = "open", "done", "cancelled"
    STATUS_CHOICES = [(STATUS_OPEN, _("待办")), (STATUS_DONE, _("已办")), (STATUS_CANCELLED, _("已取消"))]
    OUTCOME_APPROVE, OUTCOME_RETURN, OUTCOME_REJECT = "approve", "return", "reject"
    OUTCOME_CHOICES = [(OUTCOME_APPROVE, _("同意")), (OUTCOME_RETURN, _("退回")), (OUTCOME_REJECT, _("不同意"))]

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks", verbose_name="办件")
    spiff_id = models.CharField("流程任务标识", max_length=40)
    spec = models.CharField("环节标识", max_length=100)
    name = models.CharField("环节", max_length=100)
    role = models.CharField("办理角色", max_length=20, choices=ROLE_CHOICES)
    is_decision = models.BooleanField("决定环节", default=False)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="case_tasks", verbose_name="办理部门"
    )
    centre = models.ForeignKey(ServiceCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="办理中心")
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=STATUS_OPEN)
    opened_at = models.DateTimeField("到达时间")
    completed_at = models.DateTimeField("办理时间", null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="办理人"
    )
    outcome = models.CharField("结论", max_length=10, choices=OUTCOME_CHOICES, blank=True)
    opinion = models.CharField("意见", max_length=1000, blank=True)

    class Meta:
        verbose_name = "审批任务"
        verbose_name_plural = "审批任务"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["department", "status", "role"], name="task_dept_open_role"),
            models.Index(fields=["centre", "status"], name="task_centre_open"),
        ]
        constraints = [models.UniqueConstraint(fields=["case", "spiff_id"], name="task_spiff_id_once_per_case")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.name}"


class Notification(models.Model):
    """A message to a staff member or applicant (站内消息): reminders two working days before a
    case's due date, survey invitations, 交办 tasks and their answers. Read on /notifications/; the
    header shows the unread count. `link` is the page the message is about (else the case's)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name="接收人")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="办件")
    kind = models.CharField("类型", max_length=20)
    text = models.CharField("内容", max_length=500)
    link = models.CharField("链接", max_length=300, blank=True, help_text="站内页面路径；为空时指向办件")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]
        constraints = [models.UniqueConstraint(fields=["user", "case", "kind"], name="notification_once_per_case_kind")]

    def __str__(self) -> str:
        return self.text


# Event kinds (the chain stores the code; pages show the label).
KIND_SUBMITTED, KIND_ACCEPTED = "submitted", "accepted"
EVENT_KIND_LABELS = {
    "draft_saved": _("保存草稿"),
    KIND_SUBMITTED: _("提交申请"),
    "material_uploaded": _("上传材料"),
    "supplement_requested": _("一次性告知补正"),
    "supplemented": _("补正材料"),
    "not_accepted": _("不予受理"),
    KIND_ACCEPTED: _("受理"),
    "rongque_accepted": _("容缺受理"),
    "rongque_fulfilled": _("容缺材料补齐"),
    "task_opened": _("流转至下一环节"),
    "task_completed": _("环节办理"),
    "pause_started": _("启动特别程序"),
    "pause_ended": _("特别程序结束"),
    "extension_requested": _("申请延期"),
    "extension_decided": _("延期审批"),
    "decided": _("作出决定"),
    "document_issued": _("出具文书"),
    "process_finished": _("审批完成"),
    "delivered": _("送达"),
    "done": _("办结"),
    "withdrawn": _("撤回申请"),
    "terminated": _("终止办理"),
    "overdue": _("超期"),
    "visit": _("到场办理"),
    "commitment_verified": _("承诺核查"),
    "revoked": _("撤销许可"),
    "credit_marked": _("记入信用记录"),
}
