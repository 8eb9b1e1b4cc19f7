"""Catalog health (CAT-6): items with no case over a period (零办件, `003`: about a fifth of a
county's items), items whose promised limit is not below the legal one, items missing elements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from govhall.catalog.models import Item


@dataclass
class HealthRow:
    item: Item
    problems: list[str] = field(default_factory=list)


# The period over which an item with no submitted case counts as 零办件.
ZERO_CASE_DAYS = 365
ZERO_CASE_PROBLEM = "零办件（近一年无申请）"


def catalog_health(*, department_id: int | None = None, zero_case_days: int = ZERO_CASE_DAYS) -> list[HealthRow]:
    from govhall.cases.models import Case  # cases build on the catalog; imported here, not at load

    since = timezone.now() - dt.timedelta(days=zero_case_days)
    recent_cases = Case.objects.filter(item=OuterRef("pk"), submitted_at__gte=since)
    qs = (
        Item.objects.filter(status=Item.STATUS_ACTIVE)
        .select_related("department", "current_version")
        .annotate(
            n_materials=Count("current_version__materials", distinct=True),
            n_steps=Count("current_version__steps", distinct=True),
            n_checklist=Count("current_version__checklist", distinct=True),
            has_recent_case=Exists(recent_cases),
        )
        .order_by("department_id", "code")
    )
    if department_id:
        qs = qs.filter(department_id=department_id)
    rows = []
    for item in qs:
        v = item.current
        problems = []
        # An item published within the period has not had the whole period to be applied for.
        if not item.has_recent_case and item.created_at < since:
            problems.append(ZERO_CASE_PROBLEM)
        if v.handling_type == "promised" and v.promised_limit_days >= v.legal_limit_days:
            problems.append(f"承诺时限（{v.promised_limit_days}）未少于法定时限（{v.legal_limit_days}）")
        if not item.n_materials:
            problems.append("缺少申请材料")
        if not item.n_steps:
            problems.append("缺少办理环节")
        if not item.n_checklist:
            problems.append("缺少审核要点")
        if not v.conditions:
            problems.append("缺少受理条件")
        if not v.result_name:
            problems.append("缺少结果名称")
        if not v.phone:
            problems.append("缺少咨询电话")
        if not v.location:
            problems.append("缺少办理地点")
        if v.item_type != "20" and not v.accountability:
            problems.append("缺少追责情形")
        if problems:
            rows.append(HealthRow(item=item, problems=problems))
    return rows


def health_summary(rows: list[HealthRow]) -> dict[str, int]:
    summary: dict[str, int] = {}
    for row in rows:
        for problem in row.problems:
            key = problem.split("（")[0] if problem.startswith("承诺时限") else problem
            summary[key] = summary.get(key, 0) + 1
    return summary
