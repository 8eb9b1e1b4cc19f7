"""What the 监管大屏 shows, assembled once for the page, its charts (JSON) and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from govhall.monitor.figures import (
    CORE,
    GRAIN_MONTH,
    GRAIN_WEEK,
    Figures,
    Period,
    Scope,
    anomaly_rows,
    department_rows,
    indicator_definition,
    indicator_label,
    is_red,
    region_tree,
    series,
    threshold_text,
    totals,
    worst,
    worst_counts,
)
from govhall.supervision.indicators import INDICATORS
from govhall.supervision.models import Rollup

HEADLINE_RATES = [*CORE, "on_time_rate", "satisfaction_rate"]


def anomalies_url(department_id: int | None = None, *, user=None) -> str:
    """The anomalies list, for a department its hits waiting for review; "" while it has no page.
    A user who may not see the hits (a department admin) gets the 交办 tasks they answer instead."""
    if user is not None and not user.has_perm("anomalies.view_all_anomalies"):
        try:
            return reverse("anomalies_staff:tasks")
        except NoReverseMatch:
            return ""
    try:
        url = reverse("anomalies_staff:hits")
    except NoReverseMatch:
        return ""
    return f"{url}?department={department_id}&status=pending" if department_id else url


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    total: Figures
    months: list[Figures]
    weeks: list[Figures]
    departments: list[Figures]
    worst_items_overdue: list[Figures]
    worst_items_bad: list[Figures]
    worst_windows_overdue: list[Figures]
    worst_windows_bad: list[Figures]
    tree: dict[str, Any] | None
    anomalies: list[tuple[str, Any]]

    @property
    def definitions(self) -> list[dict[str, str]]:
        return [
            {"code": c, "name": indicator_label(c), "definition": indicator_definition(c), "threshold": threshold_text(c)}
            for c in HEADLINE_RATES
        ]

    def headline_cells(self) -> list[dict[str, Any]]:
        return self.total.cells(HEADLINE_RATES)

    def chart_data(self) -> dict[str, Any]:
        def line(rows: list[Figures]) -> dict[str, Any]:
            return {"labels": [r.label for r in rows], "rates": {c: [r.rate(c) for r in rows] for c in CORE}}

        departments = [d for d in self.departments if d.count("accepted") or d.count("decided") or d.count("rated")]
        return {
            "names": {c: indicator_label(c) for c in CORE},
            "thresholds": {c: INDICATORS[c].red for c in CORE},
            "directions": {c: INDICATORS[c].direction for c in CORE},
            "series": {GRAIN_MONTH: line(self.months), GRAIN_WEEK: line(self.weeks)},
            "departments": {
                "ids": [int(d.key) for d in departments],
                "labels": [d.label for d in departments],
                "rates": {c: [d.rate(c) for d in departments] for c in CORE},
                "red": {c: [is_red(c, d.rate(c)) for d in departments] for c in CORE},
            },
            "tree": self.tree,
        }

    def as_json(self) -> dict[str, Any]:
        def figures(rows: list[Figures]) -> list[dict[str, Any]]:
            return [r.as_json() | {"owner": r.extra.get("owner", "")} for r in rows]

        return {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat(), "label": self.period.label},
            "department": self.scope.department.pk if self.scope.department else None,
            "total": self.total.as_json(HEADLINE_RATES),
            "definitions": self.definitions,
            "by_department": figures(self.departments),
            "worst": {
                "items_by_overdue_rate": figures(self.worst_items_overdue),
                "items_by_bad_rating_rate": figures(self.worst_items_bad),
                "windows_by_overdue_rate": figures(self.worst_windows_overdue),
                "windows_by_bad_rating_rate": figures(self.worst_windows_bad),
            },
            "anomalies": [{"label": label, "value": value} for label, value in self.anomalies],
            "charts": self.chart_data(),
        }


def build_dashboard(scope: Scope, period: Period, today: dt.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    end = min(period.end, today)
    items = worst_counts(Rollup.DIM_ITEM, period, scope=scope)
    windows = worst_counts(Rollup.DIM_WINDOW, period, scope=scope)
    return Dashboard(
        scope=scope,
        period=period,
        total=totals(scope, period),
        months=series(scope, GRAIN_MONTH, end),
        weeks=series(scope, GRAIN_WEEK, end),
        departments=department_rows(scope, period),
        worst_items_overdue=worst(Rollup.DIM_ITEM, "overdue_rate", period, scope=scope, counts=items),
        worst_items_bad=worst(Rollup.DIM_ITEM, "bad_rating_rate", period, scope=scope, counts=items),
        worst_windows_overdue=worst(Rollup.DIM_WINDOW, "overdue_rate", period, scope=scope, counts=windows),
        worst_windows_bad=worst(Rollup.DIM_WINDOW, "bad_rating_rate", period, scope=scope, counts=windows),
        tree=region_tree(period) if scope.county else None,
        anomalies=anomaly_rows(scope, period),
    )
