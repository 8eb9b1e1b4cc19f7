"""考核评价: the scorecard arithmetic against hand-computed small data."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from govhall.monitor.figures import month_period
from govhall.monitor.scorecards import _on_time_counts, department_scorecards, township_scorecards
from govhall.monitor.tests.conftest import MONTH

pytestmark = pytest.mark.django_db


def test_department_scores_ranks_and_breakdown_by_hand(facts):
    cards = {c.name: c for c in department_scorecards(month_period(MONTH), today=dt.date(2026, 5, 1))}
    market, police = cards["市场监管局"], cards["公安局"]
    # 市场监管局: 按期 9/10 → 22.5; 差评 0/10 → 20; 网办 8/10 → 15 × 0.8/0.9 = 13.33; 驳回 0 → 10;
    # 满意 10/10 → 10; no follow-ups → left out: 75.83 of 80 → 94.79.
    assert [line.points for line in market.lines] == [22.5, 20.0, 13.33, 10.0, 10.0, None, None, None]
    assert market.score == 94.79
    # 公安局: 按期 10/10 → 25; 差评 0/5 → 20; 网办 2/10 → 3.33; 驳回 1/10 → 10 × (1 − 0.1/0.2) = 5; 满意 5/5 → 10:
    # 63.33 of 80 → 79.16.
    assert [line.points for line in police.lines] == [25.0, 20.0, 3.33, 5.0, 10.0, None, None, None]
    assert police.score == 79.16
    assert (market.rank, police.rank) == (1, 2)
    assert cards["审批局"].score is None and cards["审批局"].rank is None


def test_work_orders_replied_on_time_count_in_the_score(facts, county):
    from govhall.complaints.models import Complaint

    market = county.departments["市场监管局"]
    common = {"centre": county.centre, "source": Complaint.SOURCE_WINDOW, "title": "t", "content": "c", "department": market}
    registered = timezone.make_aware(dt.datetime(2026, 3, 2, 9))
    Complaint.objects.create(
        number="GD1",
        registered_at=registered,
        due_date=dt.date(2026, 3, 10),
        replied_at=timezone.make_aware(dt.datetime(2026, 3, 9, 10)),
        **common,
    )
    Complaint.objects.create(
        number="GD2",
        registered_at=registered,
        due_date=dt.date(2026, 3, 10),
        replied_at=timezone.make_aware(dt.datetime(2026, 3, 12, 10)),
        **common,
    )
    card = next(c for c in department_scorecards(month_period(MONTH), today=dt.date(2026, 5, 1)) if c.department_id == market.pk)
    line = card.line("complaint_on_time")
    assert (line.numerator, line.denominator, line.points) == (1, 2, 2.5)
    # 75.83 + 2.5 of 85 → 92.15
    assert card.score == 92.15


def test_items_still_open_and_not_yet_due_are_not_counted():
    today = dt.date(2026, 3, 15)
    late_open = (1, dt.date(2026, 3, 10), None)
    not_due_yet = (1, dt.date(2026, 3, 20), None)
    done_on_due_day = (1, dt.date(2026, 3, 10), timezone.make_aware(dt.datetime(2026, 3, 10, 23, 0)))
    assert _on_time_counts([late_open, not_due_yet, done_on_due_day], today) == {1: (1, 2)}


def test_township_scorecard_sums_the_cases_of_its_area(facts):
    cards = {c.name: c for c in township_scorecards(month_period(MONTH), today=dt.date(2026, 5, 1))}
    town = cards["阿拉坦额莫勒镇"]
    assert town.score == 79.16 and town.rank == 1  # all of 公安局's cases were in this 镇
    assert cards["呼伦镇"].score is None


def test_scorecard_page_and_export(client, supervisor, facts):
    client.force_login(supervisor)
    response = client.get("/staff/monitor/scorecards/", {"kind": "month", "value": "2026-03"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "部门考核评价" in html and "94.79" in html and "计分规则" in html
    export = client.get("/staff/monitor/scorecards/", {"kind": "month", "value": "2026-03", "format": "xlsx"})
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames[1] == "计分规则"
    first = [c.value for c in book.worksheets[0][2]]
    assert first[:3] == [1, "新巴尔虎右旗市场监督管理局", 94.79]
    township = client.get("/staff/monitor/scorecards/", {"level": "township", "kind": "quarter", "value": "2026-1"})
    assert "苏木镇考核评价" in township.content.decode() and "2026年第1季度" in township.content.decode()
