"""Supervision facts and rollups (SUP-1).

`CaseFact` is one flat row per case — a live govhall case (kept in step with it) or a record
imported from another system — holding exactly what the indicators and the anomaly rules read.
`Rollup` holds the indicator counters per dimension (county, region, department, window, item,
staff, centre) and day, maintained incrementally as facts are added, changed or removed; the
`rebuild_rollups` command recomputes them from scratch (and must give the same rows).

Field names are a contract used by anomalies, monitor and histimport: add fields, never rename.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.catalog.models import Item
from govhall.org.models import Department, Division, ServiceCentre, Window


def _reference(to: Any, verbose_name: str, on_delete: Any, *, null: bool = False) -> Any:
    """A reference of a fact: enforced by Django on delete (`on_delete`), not by the database, and
    without an index of its own (see CaseFact)."""
    return models.ForeignKey(
        to,
        on_delete=on_delete,
        null=null,
        blank=null,
        related_name="+",
        verbose_name=verbose_name,
        db_constraint=False,
        db_index=False,
    )


class CaseFact(models.Model):
    """One case, flat, as the indicators and the anomaly rules read it.

    A fact table, written far more than it is looked up by its references: the references to
    region, department, centre, window, item and staff have no database foreign-key constraint
    and no single-column index. Django still enforces their on_delete rules (PROTECT, SET_NULL)
    when those objects are deleted through the ORM; live facts take their references from the
    case and imported ones are checked against the loaded departments, items, centres, windows and
    staff row by row (histimport.rows), and each batch again against the tables before it is
    inserted (histimport.writer.stale_references: something deleted while a long import ran).
    The price: deleting a user, window, item, centre or region scans the facts (no index to find
    theirs) — a second or so at 1.5M facts, for something done rarely. Measured on a 200,000-row import into PostgreSQL (idle
    2-core machine): the eight deferred constraint checks cost 61 µs per row at COMMIT and the ten
    dropped indexes 30 µs per row at INSERT, more than the COPY of the whole row (7 µs).
    The indexes kept serve the department drill-down (by department and date), the resumable
    import (source + 办件编号), the live case (case) and the rejected facts by applicant.
    """

    SOURCE_LIVE = "govhall"

    APPLICANT_PERSON, APPLICANT_ENTERPRISE = "person", "enterprise"
    APPLICANT_CHOICES = [(APPLICANT_PERSON, _("自然人")), (APPLICANT_ENTERPRISE, _("法人"))]

    source = models.CharField("数据来源", max_length=32, default=SOURCE_LIVE, help_text="govhall 为本系统办件，其余为导入来源系统代码")
    external_id = models.CharField("办件编号", max_length=64)
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="fact", verbose_name="本系统办件"
    )
    # The references below have no database constraint and no index of their own (see the class
    # docstring): a history import of a million rows would otherwise spend most of its time on them.
    division = _reference(Division, "区划", models.PROTECT)
    department = _reference(Department, "实施部门", models.PROTECT)
    centre = _reference(ServiceCentre, "服务中心", models.PROTECT, null=True)
    window = _reference(Window, "受理窗口", models.SET_NULL, null=True)
    item = _reference(Item, "事项", models.PROTECT)
    staff = _reference(settings.AUTH_USER_MODEL, "受理人", models.SET_NULL, null=True)
    decider = _reference(settings.AUTH_USER_MODEL, "决定人", models.SET_NULL, null=True)
    applicant_kind = models.CharField("申请人类型", max_length=12, choices=APPLICANT_CHOICES, blank=True)
    applicant_key = models.CharField(
        "申请人标识摘要", max_length=64, blank=True, help_text="证件号码的加盐 SM3 摘要，只用于识别同一申请人，不可还原"
    )
    channel = models.CharField("办理渠道", max_length=20, help_text="取值同办件渠道：window/online/mobile/kiosk/agent_point/cross_region")
    status = models.CharField("状态", max_length=20, help_text="取值同办件状态")
    decision = models.CharField("决定", max_length=10, blank=True, help_text="approved / denied / 空")
    instant = models.BooleanField("即办件", default=False)
    full_online = models.BooleanField("全程网办", default=False, help_text="网上申请、电子送达、零跑动")
    submitted_at = models.DateTimeField("申请时间", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    finished_at = models.DateTimeField("办结时间", null=True, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True, help_text="本地日期，汇总按此归期")
    decided_on = models.DateField("决定日期", null=True, blank=True, help_text="本地日期，汇总按此归期")
    legal_limit_days = models.PositiveSmallIntegerField("法定时限（工作日）", null=True, blank=True)
    limit_days = models.PositiveSmallIntegerField("承诺时限（工作日）", null=True, blank=True)
    used_days = models.PositiveSmallIntegerField("实际用时（工作日）", null=True, blank=True, help_text="不含特别程序")
    paused_days = models.PositiveSmallIntegerField("特别程序（工作日）", default=0)
    pause_count = models.PositiveSmallIntegerField("特别程序次数", default=0)
    extension_days = models.PositiveSmallIntegerField("延期（工作日）", default=0)
    due_date = models.DateField("办理期限", null=True, blank=True)
    overdue = models.BooleanField("超期", default=False)
    visits = models.PositiveSmallIntegerField("跑动次数", default=0)
    step_count = models.PositiveSmallIntegerField("办理环节数", default=0)
    actor_count = models.PositiveSmallIntegerField("经办人数", default=0, help_text="受理、审查、决定等环节的不同经办人")
    off_hours_actions = models.PositiveSmallIntegerField("非工作时间操作数", default=0)
    rating_level = models.PositiveSmallIntegerField("评价等级", null=True, blank=True, help_text="1 非常不满意 … 5 非常满意")
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    rated_on = models.DateField("评价日期", null=True, blank=True)
    imported_at = models.DateTimeField("写入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "监管办件事实"
        verbose_name_plural = "监管办件事实"
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="casefact_source_external_unique")]
        indexes = [
            models.Index(fields=["department", "accepted_on"], name="casefact_dept_accepted"),
            models.Index(fields=["department", "decided_on"], name="casefact_dept_decided"),
            # The rule “repeated rejections of one applicant” looks up rejected facts by applicant;
            # most facts are not rejections, so only those are indexed.
            models.Index(
                fields=["applicant_key", "decided_on"],
                name="casefact_applicant_rejected",
                condition=~models.Q(applicant_key="") & (models.Q(decision="denied") | models.Q(status="not_accepted")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class Rollup(models.Model):
    """Indicator counters of one dimension value on one day. Which date a counter counts on is part
    of each indicator's definition (受理日期, 决定日期 or 评价日期)."""

    DIM_COUNTY, DIM_DIVISION, DIM_DEPARTMENT, DIM_CENTRE = "county", "division", "department", "centre"
    DIM_WINDOW, DIM_ITEM, DIM_STAFF = "window", "item", "staff"
    DIM_CHOICES = [
        (DIM_COUNTY, _("全县")),
        (DIM_DIVISION, _("区划")),
        (DIM_DEPARTMENT, _("部门")),
        (DIM_CENTRE, _("服务中心")),
        (DIM_WINDOW, _("窗口")),
        (DIM_ITEM, _("事项")),
        (DIM_STAFF, _("工作人员")),
    ]

    dim = models.CharField("维度", max_length=12, choices=DIM_CHOICES)
    key = models.CharField("维度值", max_length=40, help_text="对象主键；全县为空")
    day = models.DateField("日期")
    # Counters are plain integers (no >= 0 check): an incremental update adds a fact's new
    # contribution and subtracts its old one in one statement, so a row may pass through a
    # negative delta on its way to the (never negative) result.
    # Counted on the 受理日期.
    accepted = models.IntegerField("受理数", default=0)
    online = models.IntegerField("网上受理数", default=0)
    full_online = models.IntegerField("全程网办数", default=0)
    instant = models.IntegerField("即办件数", default=0)
    visits = models.IntegerField("跑动次数合计", default=0)
    # Counted on the 决定日期.
    decided = models.IntegerField("办结数", default=0)
    on_time = models.IntegerField("按期办结数", default=0)
    overdue = models.IntegerField("超期办结数", default=0)
    rejected = models.IntegerField("驳回数", default=0)
    on_the_spot = models.IntegerField("立等可取数", default=0)
    limit_days = models.IntegerField("承诺时限合计", default=0)
    legal_days = models.IntegerField("法定时限合计", default=0)
    used_days = models.IntegerField("实际用时合计", default=0)
    # Counted on the 评价日期.
    rated = models.IntegerField("评价数", default=0)
    bad_rated = models.IntegerField("差评数", default=0)
    satisfied = models.IntegerField("满意数", default=0)

    class Meta:
        verbose_name = "指标汇总"
        verbose_name_plural = "指标汇总"
        constraints = [models.UniqueConstraint(fields=["dim", "key", "day"], name="rollup_dim_key_day_unique")]
        permissions = [
            ("view_indicators", "查看监管指标"),
            ("view_all_indicators", "查看全县各维度监管指标（不限本部门）"),
        ]
        indexes = [models.Index(fields=["dim", "day"], name="rollup_dim_day")]

    def __str__(self) -> str:
        return f"{self.dim}:{self.key}@{self.day}"


class RollupMonth(models.Model):
    """The same counters as `Rollup`, summed per calendar month (`month` is its first day): what
    month, year and whole-period figures read, so a county-by-department-by-month table over ten
    years reads a few thousand rows. Kept with the day rows by `rollups.apply_facts` and rebuilt from
    them by `rollups.rebuild`."""

    dim = models.CharField("维度", max_length=12, choices=Rollup.DIM_CHOICES)
    key = models.CharField("维度值", max_length=40)
    month = models.DateField("月份", help_text="当月1日")
    accepted = models.IntegerField("受理数", default=0)
    online = models.IntegerField("网上受理数", default=0)
    full_online = models.IntegerField("全程网办数", default=0)
    instant = models.IntegerField("即办件数", default=0)
    visits = models.IntegerField("跑动次数合计", default=0)
    decided = models.IntegerField("办结数", default=0)
    on_time = models.IntegerField("按期办结数", default=0)
    overdue = models.IntegerField("超期办结数", default=0)
    rejected = models.IntegerField("驳回数", default=0)
    on_the_spot = models.IntegerField("立等可取数", default=0)
    limit_days = models.IntegerField("承诺时限合计", default=0)
    legal_days = models.IntegerField("法定时限合计", default=0)
    used_days = models.IntegerField("实际用时合计", default=0)
    rated = models.IntegerField("评价数", default=0)
    bad_rated = models.IntegerField("差评数", default=0)
    satisfied = models.IntegerField("满意数", default=0)

    class Meta:
        verbose_name = "指标月汇总"
        verbose_name_plural = "指标月汇总"
        constraints = [models.UniqueConstraint(fields=["dim", "key", "month"], name="rollupmonth_dim_key_month_unique")]
        indexes = [models.Index(fields=["dim", "month"], name="rollupmonth_dim_month")]

    def __str__(self) -> str:
        return f"{self.dim}:{self.key}@{self.month:%Y-%m}"
