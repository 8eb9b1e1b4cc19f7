"""监管月报 of the demo county: last month's report, as the scheduler would have built it on the
first day of this month, so the report list has a PDF and a workbook to open. Needs the
supervision facts (the supervision and history phases run before this one). Idempotent: nothing
is done when a report exists or when there are no facts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from govhall.monitor.figures import add_months, month_start
from govhall.monitor.models import MonthlyReport
from govhall.monitor.reports import report_build
from govhall.supervision.models import CaseFact


def load_monitor_demo(*, report: Any, log: Callable[[str], None]) -> None:
    if MonthlyReport.objects.exists() or not CaseFact.objects.exists():
        return
    month = add_months(month_start(timezone.localdate()), -1)
    report_build(month=month)
    report.created["monitor_reports"] += 1
    log(f"监管月报：{month.year}年{month.month}月")
