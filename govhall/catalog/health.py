"""Catalog health (CAT-6): items missing standard elements, and items whose promised limit is not
below the legal one. (Zero-case items join this report when case handling lands.)"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from govhall.catalog.models import Item


@dataclass
class HealthRow:
    item: Item
    problems: list[str] = field(default_factory=list)


def catalog_health(*, department_id: int | None = None) -> list[HealthRow]:
    qs = (
        Item.objects.filter(status=Item.STATUS_ACTIVE)
        .select_related("department", "current_version")
        .annotate(
            n_materials=Count("current_version__materials", distinct=True),
            n_steps=Count("current_version__steps", distinct=True),
            n_checklist=Count("current_version__checklist", distinct=True),
        )
        .order_by("department_id", "code")
    )
    if department_id:
        qs = qs.filter(department_id=department_id)
    rows = []
    for item in qs:
        v = item.current
        problems = []
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
