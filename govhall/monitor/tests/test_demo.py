"""The demo phase builds last month's report once."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pytest

from govhall.demo.monitor_demo import load_monitor_demo
from govhall.monitor.models import MonthlyReport

pytestmark = pytest.mark.django_db


def test_demo_builds_last_months_report_once(facts):
    report = SimpleNamespace(created=Counter())
    load_monitor_demo(report=report, log=lambda message: None)
    load_monitor_demo(report=report, log=lambda message: None)
    assert report.created["monitor_reports"] == 1
    assert MonthlyReport.objects.get().pdf.read().startswith(b"%PDF")
