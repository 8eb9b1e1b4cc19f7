"""营商环境满意度调查 (SUP-5, seed 000 line 18: 在线评价、抽样调查…经常性地开展满意度调查).

A supervisor writes a survey of departments or of 苏木镇 (township governments), opens it, and the
system draws a random sample of the applicants whose cases at each unit finished in the weeks before
it opened; each gets an invitation (and an in-app message) to rate that unit. The answers give each
unit's 满意度 (answers at 满意 or 非常满意 ÷ rating answers), which the 考核评价 scorecards use.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.org.models import Department, Division

# The same five levels, words and order as 好差评 (govhall.ratings.models.LEVEL_CHOICES).
SATISFIED_LEVELS = (4, 5)

# The standard questions offered when a survey is created (editable): the aspects of the
# national 好差评 reasons, an overall rating and a free-text question.
STANDARD_QUESTIONS: list[tuple[str, str]] = [
    ("服务态度", "rating"),
    ("办事效率", "rating"),
    ("办事指南和一次性告知", "rating"),
    ("材料精简和跑动次数", "rating"),
    ("廉洁自律", "rating"),
    ("总体评价", "rating"),
    ("意见建议", "text"),
]


class Survey(models.Model):
    TARGET_DEPARTMENT, TARGET_TOWNSHIP = "department", "township"
    TARGET_CHOICES = [(TARGET_DEPARTMENT, _("部门")), (TARGET_TOWNSHIP, _("苏木镇"))]

    STATUS_DRAFT, STATUS_OPEN, STATUS_CLOSED = "draft", "open", "closed"
    STATUS_CHOICES = [(STATUS_DRAFT, _("草稿")), (STATUS_OPEN, _("进行中")), (STATUS_CLOSED, _("已结束"))]

    title = models.CharField("调查名称", max_length=200)
    intro = models.TextField("说明", blank=True)
    target = models.CharField("评价对象", max_length=12, choices=TARGET_CHOICES, default=TARGET_DEPARTMENT)
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    sample_per_unit = models.PositiveSmallIntegerField("每单位抽样人数", default=30)
    lookback_days = models.PositiveSmallIntegerField(
        "抽样范围（开始前天数）", default=90, help_text="开始日期前这么多天内办结的办件的申请人"
    )
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=STATUS_DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    opened_at = models.DateTimeField("发布时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "满意度调查"
        verbose_name_plural = "满意度调查"
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="survey_closes_after_opening"),
            models.CheckConstraint(condition=Q(sample_per_unit__gte=1), name="survey_sample_at_least_one"),
        ]
        # The scorecards read the surveys of a target kind closing in a period.
        indexes = [models.Index(fields=["target", "closes_on"], name="survey_target_closes")]
        permissions = [
            ("manage_survey", "编制、发布和结束满意度调查"),
            ("view_all_surveys", "查看全部满意度调查结果"),
            ("view_department_surveys", "查看本部门的满意度调查结果"),
        ]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    KIND_RATING, KIND_TEXT = "rating", "text"
    KIND_CHOICES = [(KIND_RATING, _("满意度（五级）")), (KIND_TEXT, _("文字"))]

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions", verbose_name="调查")
    order = models.PositiveSmallIntegerField("序号")
    text = models.CharField("问题", max_length=200)
    kind = models.CharField("类型", max_length=10, choices=KIND_CHOICES, default=KIND_RATING)
    required = models.BooleanField("必答", default=True)

    class Meta:
        verbose_name = "调查问题"
        verbose_name_plural = "调查问题"
        ordering = ["survey", "order", "id"]

    def __str__(self) -> str:
        return self.text


class SurveyInvitation(models.Model):
    """One sampled applicant asked to rate one unit (a department or a 苏木镇) in one survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations", verbose_name="调查")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="被评价部门")
    township = models.ForeignKey(Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="被评价苏木镇")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="抽中的办件")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations", verbose_name="受邀人")
    created_at = models.DateTimeField("邀请时间", default=timezone.now)
    answered_at = models.DateTimeField("答卷时间", null=True, blank=True)

    class Meta:
        verbose_name = "调查邀请"
        verbose_name_plural = "调查邀请"
        ordering = ["survey", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=False, township__isnull=True) | Q(department__isnull=True, township__isnull=False),
                name="invitation_one_unit",
            ),
            models.UniqueConstraint(
                fields=["survey", "user", "department"], condition=Q(department__isnull=False), name="invitation_once_per_department"
            ),
            models.UniqueConstraint(
                fields=["survey", "user", "township"], condition=Q(township__isnull=False), name="invitation_once_per_township"
            ),
        ]
        indexes = [models.Index(fields=["user", "answered_at"], name="invitation_user_pending")]

    def __str__(self) -> str:
        return f"{self.survey} · {self.unit_name}"

    @property
    def unit_key(self) -> str:
        return str(self.department_id) if self.department_id else str(self.township_id or "")

    @property
    def unit_name(self) -> str:
        if self.department_id:
            return self.department.name if self.department else ""
        return self.township.name if self.township else ""


class SurveyResponse(models.Model):
    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="response", verbose_name="邀请")
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)

    class Meta:
        verbose_name = "答卷"
        verbose_name_plural = "答卷"
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"答卷 #{self.pk}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers", verbose_name="答卷")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers", verbose_name="问题")
    level = models.PositiveSmallIntegerField("满意程度", null=True, blank=True)
    text = models.CharField("文字回答", max_length=1000, blank=True)

    class Meta:
        verbose_name = "回答"
        verbose_name_plural = "回答"
        ordering = ["response", "question__order"]
        constraints = [
            models.CheckConstraint(condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5), name="survey_answer_level_1_to_5"),
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once_per_question"),
        ]

    def __str__(self) -> str:
        return str(self.level or self.text[:20])


class SurveyEvent(models.Model):
    """Append-only history of a survey: created, changed, opened (with how many were invited), closed."""

    KIND_LABELS = {
        "created": _("新建草稿"),
        "updated": _("修改草稿"),
        "opened": _("发布"),
        "reopened": _("重新开放"),
        "closed": _("结束"),
    }

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="events", verbose_name="调查")
    kind = models.CharField("动作", max_length=20)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间", default=timezone.now)
    data = models.JSONField("内容", default=dict, blank=True, help_text='如 {"invited": 120}')

    class Meta:
        verbose_name = "调查记录"
        verbose_name_plural = "调查记录"
        ordering = ["survey", "at", "id"]

    def __str__(self) -> str:
        return f"{self.survey} {self.kind}"

    @property
    def label(self) -> str:
        return str(self.KIND_LABELS.get(self.kind, self.kind))
