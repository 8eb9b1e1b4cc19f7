"""The anomaly figures on the dashboard and the supervision tasks in the scorecards
(govhall.anomalies: hits waiting for review, tasks answered on time)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govhall.anomalies.models import AnomalyHit, SupervisionTask
from govhall.monitor.figures import month_period
from govhall.monitor.scorecards import department_scorecards
from govhall.monitor.tests.conftest import MONTH

pytestmark = pytest.mark.django_db


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def market_anomalies(county, supervisor, facts):
    market = county.departments["市场监管局"]
    AnomalyHit.objects.create(
        rule="overdue_no_pause",
        severity="high",
        subject_key=f"fact:{facts[0].pk}",
        fact=facts[0],
        department=market,
        occurred_on=dt.date(2026, 3, 5),
        summary="超期且无特别程序",
        detected_at=_aware(dt.date(2026, 3, 6)),
    )
    common = {"target_kind": "department", "department": market, "created_by": supervisor, "due_days": 5, "description": "请整改"}
    SupervisionTask.objects.create(
        number="JB1",
        title="按期",
        created_at=_aware(dt.date(2026, 3, 2)),
        due_date=dt.date(2026, 3, 9),
        answered_at=_aware(dt.date(2026, 3, 9)),
        **common,
    )
    SupervisionTask.objects.create(
        number="JB2",
        title="超期答复",
        created_at=_aware(dt.date(2026, 3, 3)),
        due_date=dt.date(2026, 3, 10),
        answered_at=_aware(dt.date(2026, 3, 10)),
        answered_late=True,  # answered again after a return, past the due date
        **common,
    )
    return market


def test_department_dashboard_counts_its_hits_waiting_for_review(client, dept_admin, market_anomalies):
    client.force_login(dept_admin)
    response = client.get("/staff/monitor/", {"month": "2026-03"})
    figures = dict(response.context["board"].anomalies)
    assert figures["待复核异常"] == 1 and figures["交办任务"] == 2
    html = response.content.decode()
    assert "/staff/anomalies/?department=" not in html  # the hit list is 404 for a department admin
    assert 'href="/staff/anomalies/tasks/"' in html
    page = client.get(f"/staff/monitor/departments/{market_anomalies.pk}/", {"month": "2026-03"})
    assert page.context["anomalies_url"] == "/staff/anomalies/tasks/"
    assert client.get(page.context["anomalies_url"]).status_code == 200


def test_supervisor_follows_a_red_department_to_its_anomalies(client, supervisor, market_anomalies):
    client.force_login(supervisor)
    board = client.get("/staff/monitor/", {"month": "2026-03"}).context["board"]
    assert dict(board.anomalies)["待复核异常"] == 1
    page = client.get(f"/staff/monitor/departments/{market_anomalies.pk}/", {"month": "2026-03"})
    assert dict(page.context["anomalies"])["待复核异常"] == 1
    assert page.context["anomalies_url"] == f"/staff/anomalies/?department={market_anomalies.pk}&status=pending"


def test_tasks_answered_late_lose_their_points(market_anomalies):
    card = next(c for c in department_scorecards(month_period(MONTH), today=dt.date(2026, 5, 1)) if c.department_id == market_anomalies.pk)
    line = card.line("task_on_time")
    assert (line.numerator, line.denominator, line.points) == (1, 2, 2.5)
    # 66.33 + 2.5 of 75 → 91.77
    assert card.score == 91.77


def test_a_task_to_a_window_does_not_count_in_the_departments_scorecard(market_anomalies, county, supervisor):
    SupervisionTask.objects.create(
        number="JB3",
        title="窗口",
        description="请整改",
        target_kind="window",
        window=county.windows["综合1"],
        centre=county.centre,
        department=market_anomalies,  # as older window tasks carried the hits' department
        created_by=supervisor,
        created_at=_aware(dt.date(2026, 3, 3)),
        due_days=5,
        due_date=dt.date(2026, 3, 10),
    )
    card = next(c for c in department_scorecards(month_period(MONTH), today=dt.date(2026, 5, 1)) if c.department_id == market_anomalies.pk)
    line = card.line("task_on_time")
    assert (line.numerator, line.denominator) == (1, 2)
