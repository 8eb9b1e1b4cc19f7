"""The demo's review of the hits: tasks, answers and suggestions from a scan, once."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from govhall.anomalies.models import AnomalyHit, SupervisionTask
from govhall.anomalies.tests.conftest import DAY
from govhall.demo.anomalies_demo import load_anomalies_demo

pytestmark = pytest.mark.django_db


class Report:
    def __init__(self) -> None:
        self.created: Counter[str] = Counter()


def test_the_demo_reviews_the_hits_it_finds_and_runs_once(make_fact, supervisor, dept_admin):
    for i in range(12):
        make_fact(off_hours_actions=1 + i % 2, accepted_at=dt.datetime.combine(DAY + dt.timedelta(days=i), dt.time(9, 30), tzinfo=dt.UTC))
    report = Report()
    load_anomalies_demo(report=report, log=lambda message: None)
    assert report.created["anomaly_hits"] == 12
    tasks = list(SupervisionTask.objects.all())
    assert len(tasks) == 4
    assert all(t.department is not None and t.description for t in tasks)
    assert AnomalyHit.objects.filter(status=AnomalyHit.STATUS_DISMISSED).exclude(dismiss_reason="").count() >= 4
    assert SupervisionTask.objects.filter(status=SupervisionTask.STATUS_AWAITING).exists()
    again = Report()
    load_anomalies_demo(report=again, log=lambda message: None)
    assert not any(again.created.values())
