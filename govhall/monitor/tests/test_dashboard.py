"""The 监管大屏, a department's drill page and the drill-down to its cases."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from govhall.monitor.tests.conftest import MONTH

pytestmark = pytest.mark.django_db

DASHBOARD = "/staff/monitor/"


def test_supervisor_sees_the_dashboard_in_chinese_with_tables_and_chart_data(client, supervisor, facts):
    client.force_login(supervisor)
    response = client.get(DASHBOARD, {"month": "2026-03"})
    assert response.status_code == 200
    html = response.content.decode()
    for text in ["监管大屏", "差评率", "超期率", "驳回率", "网办率", "部门指标一览", "超期率最高的事项", "区域分布"]:
        assert text in html
    assert "vendor/echarts/echarts.min.js" in html
    data = json.loads(response.context["chart_data"] and json.dumps(response.context["chart_data"]))
    assert data["series"]["month"]["labels"][-1] == "2026-03"
    assert len(data["series"]["month"]["labels"]) == 12
    assert len(data["series"]["week"]["labels"]) == 26
    # the numbers are on the page without JavaScript: 20 cases accepted, county 超期率 1/20
    assert response.context["board"].total.count("accepted") == 20
    assert "5.0%" in html


def test_departments_beyond_the_red_line_are_marked_red(client, supervisor, facts, county):
    client.force_login(supervisor)
    response = client.get(DASHBOARD, {"month": "2026-03"})
    rows = {row.label: row for row in response.context["board"].departments}
    market, police, bureau = rows["市场监管局"], rows["公安局"], rows["审批局"]
    assert market.red("overdue_rate") and not market.red("online_rate")
    assert police.red("online_rate") and not police.red("rejection_rate")  # 10 % is on the line, not beyond
    assert not bureau.any_red
    html = response.content.decode()
    market_url = reverse("monitor_staff:department", args=[county.departments["市场监管局"].pk])
    bureau_url = reverse("monitor_staff:department", args=[county.departments["审批局"].pk])
    assert f'<a class="drill-department red" href="{market_url}?month=2026-03">' in html
    assert f'<a class="drill-department" href="{bureau_url}?month=2026-03">' in html
    assert 'class="num indicator overdue_rate red"' in html


def test_a_month_without_cases_marks_nothing_red(client, supervisor, facts):
    client.force_login(supervisor)
    response = client.get(DASHBOARD, {"month": "2026-01"})
    assert response.status_code == 200
    assert not any(row.any_red for row in response.context["board"].departments)
    assert "drill-department red" not in response.content.decode()


def test_worst_items_need_the_minimum_volume(county, facts):
    from govhall.monitor.figures import Scope, month_period, worst
    from govhall.supervision.models import Rollup

    period = month_period(MONTH)
    assert worst(Rollup.DIM_ITEM, "overdue_rate", period, scope=Scope(None)) == []  # 10 decided < 20
    rows = worst(Rollup.DIM_ITEM, "overdue_rate", period, scope=Scope(None), min_volume=5)
    food = county.items["food"]
    assert [(r.key, r.label, r.count("overdue"), r.count("decided")) for r in rows] == [(str(food.pk), food.name, 1, 10)]


def test_department_page_shows_definitions_and_links_to_its_anomalies(client, supervisor, facts, county):
    market = county.departments["市场监管局"]
    client.force_login(supervisor)
    response = client.get(reverse("monitor_staff:department", args=[market.pk]), {"month": "2026-03"})
    assert response.status_code == 200
    html = response.content.decode()
    assert market.name in html
    assert "超期办结数（作出决定之日晚于办理期限）" in html  # the written definition next to the figure
    assert f"/staff/anomalies/?department={market.pk}" in html
    indicators = {i["code"]: i for i in response.context["indicators"]}
    assert indicators["overdue_rate"]["red"] and (indicators["overdue_rate"]["numerator"], indicators["overdue_rate"]["denominator"]) == (
        1,
        10,
    )


def test_drill_down_lists_exactly_the_overdue_cases_and_exports_them(client, supervisor, facts, county):
    market = county.departments["市场监管局"]
    client.force_login(supervisor)
    url = reverse("monitor_staff:department-cases", args=[market.pk])
    response = client.get(url, {"indicator": "overdue_rate", "month": "2026-03"})
    assert response.status_code == 200
    listed = [f.external_id for f, _url in response.context["rows"]]
    assert listed == ["T0000"]
    rest = client.get(url, {"indicator": "online_rate", "which": "rest", "month": "2026-03"})
    assert sorted(f.external_id for f, _url in rest.context["rows"]) == ["T0008", "T0009"]
    other_month = client.get(url, {"indicator": "overdue_rate", "month": "2026-02"})
    assert other_month.context["rows"] == []
    export = client.get(url, {"indicator": "overdue_rate", "month": "2026-03", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[2]][0] == "T0000"
    assert sheet.max_row == 2


def test_a_live_case_fact_links_to_the_case_page(client, supervisor, facts, county):
    from govhall.monitor.views_staff import _case_url

    fact = facts[0]
    assert _case_url(fact) == ""
    fact.case_id = 12345
    assert _case_url(fact) == reverse("cases_staff:case", args=[12345])


def test_dashboard_api_gives_the_chart_data(client, supervisor, facts):
    client.force_login(supervisor)
    response = client.get("/api/monitor/dashboard", {"month": "2026-03"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"]["counts"]["accepted"] == 20
    by_name = {d["label"]: d for d in body["by_department"]}
    assert by_name["市场监管局"]["red"]["overdue_rate"] is True
    assert body["charts"]["series"]["month"]["labels"][-1] == "2026-03"
    assert {d["code"] for d in body["definitions"]} >= {"bad_rating_rate", "overdue_rate", "rejection_rate", "online_rate"}


def test_the_department_cases_export_is_cut_at_the_row_limit_with_a_note(client, supervisor, facts, county, monkeypatch):
    from govhall.monitor import views_staff

    market = county.departments["市场监管局"]
    monkeypatch.setattr(views_staff, "EXPORT_LIMIT", 1)
    client.force_login(supervisor)
    url = reverse("monitor_staff:department-cases", args=[market.pk])
    export = client.get(url, {"indicator": "online_rate", "which": "rest", "month": "2026-03", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.values)
    assert len(rows) == 3 and rows[1][0] in ("T0008", "T0009") and "缩小筛选范围" in rows[2][0]
