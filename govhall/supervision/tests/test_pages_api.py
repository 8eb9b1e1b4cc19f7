"""Who reaches the indicator explorer and API, and what each sees."""

import io

import pytest
from openpyxl import load_workbook

from govhall.supervision.tests.factories import day, fact

PERIOD = {"start": "2026-11-01", "end": "2026-11-30"}


@pytest.fixture
def two_departments(county):
    fact(county, accepted_on=day(11, 2), decided_on=day(11, 3), decision="approved", used_days=1, overdue=True)
    fact(county, item=county.items["id_card"], staff=county.users["clerk2"], window=county.windows["专窗"], accepted_on=day(11, 4))
    county.windows["综合1"].departments.add(county.departments["市场监管局"])


def _client(client, user):
    client.force_login(user)
    return client


def test_a_supervisor_sees_every_department_with_the_definitions(client, supervisor, two_departments):
    response = _client(client, supervisor).get("/staff/supervision/", {"dim": "department", "grain": "month", **PERIOD})
    assert response.status_code == 200
    text = response.content.decode()
    assert "新巴尔虎右旗市场监督管理局" in text and "新巴尔虎右旗公安局" in text
    assert "指标定义" in text and "不予受理数 + 不予许可" in text  # 驳回率's numerator, written out
    assert 'class="num red"' in text  # 100 % 超期


@pytest.mark.parametrize("who", ["centre_admin", "supervisor"])
def test_county_wide_roles_see_the_county_dimension(client, county, who, two_departments):
    response = _client(client, county.users[who]).get("/staff/supervision/", {"dim": "county", "grain": "total", **PERIOD})
    assert response.status_code == 200
    assert "全县" in response.content.decode()


def test_a_department_admin_sees_only_their_department_and_its_items(client, dept_admin, two_departments):
    c = _client(client, dept_admin)
    text = c.get("/staff/supervision/", {"dim": "department", **PERIOD}).content.decode()
    assert "新巴尔虎右旗市场监督管理局" in text and "新巴尔虎右旗公安局" not in text
    items = c.get("/staff/supervision/", {"dim": "item", **PERIOD}).content.decode()
    assert "居民身份证换领" not in items
    # A window's and a clerk's figures mix every department served there: not for a department admin.
    assert c.get("/api/supervision/indicators", {"dim": "window", **PERIOD}).json()["rows"] == []
    assert c.get("/api/supervision/indicators", {"dim": "staff", **PERIOD}).json()["rows"] == []
    county_rows = c.get("/api/supervision/indicators", {"dim": "county", **PERIOD}).json()["rows"]
    assert county_rows == []


def test_a_department_admin_asking_for_another_departments_key_gets_nothing(client, county, dept_admin, two_departments):
    police = str(county.departments["公安局"].pk)
    rows = _client(client, dept_admin).get("/api/supervision/indicators", {"dim": "department", "keys": police, **PERIOD}).json()["rows"]
    assert rows == []


@pytest.mark.parametrize("who", ["clerk", "approver", "applicant", "sysadmin"])
def test_others_get_a_404(client, county, who):
    c = _client(client, county.users[who])
    assert c.get("/staff/supervision/").status_code == 404
    assert c.get("/api/supervision/indicators").status_code == 404
    assert c.get("/api/supervision/definitions").status_code == 404


def test_anonymous_users_are_sent_to_log_in(client):
    assert client.get("/staff/supervision/").status_code == 302
    assert client.get("/api/supervision/definitions").status_code == 401


def test_the_api_gives_values_counts_and_red_codes(client, supervisor, two_departments):
    body = _client(client, supervisor).get("/api/supervision/indicators", {"dim": "department", "grain": "month", **PERIOD}).json()
    assert (body["dim"], body["grain"], body["start"]) == ("department", "month", "2026-11-01")
    market = next(r for r in body["rows"] if r["label"] == "新巴尔虎右旗市场监督管理局")
    assert market["period"] == "2026-11-01"
    assert market["counts"]["decided"] == 1 and market["values"]["overdue_rate"] == 1.0
    assert "overdue_rate" in market["red"]
    assert market["values"]["bad_rating_rate"] is None


def test_the_api_lists_the_definitions(client, supervisor):
    body = _client(client, supervisor).get("/api/supervision/definitions").json()
    rejection = next(d for d in body if d["code"] == "rejection_rate")
    assert rejection["name"] == "驳回率" and rejection["core"] is True
    assert rejection["period_date"] == "decided_on" and rejection["direction"] == "lower"


def test_bad_queries_name_the_field_and_the_rule(client, supervisor):
    c = _client(client, supervisor)
    response = c.get("/api/supervision/indicators", {"dim": "planet", "start": "2026-13-01"})
    assert response.status_code == 400
    fields = {(e["field"], e["rule"]) for e in response.json()["detail"]}
    assert fields == {("dim", "choice"), ("start", "date")}
    page = c.get("/staff/supervision/", {"start": "2026-11-30", "end": "2026-11-01"})
    assert page.status_code == 400 and "截止日期早于起始日期" in page.content.decode()


def test_the_table_exports_to_excel(client, supervisor, two_departments):
    response = _client(client, supervisor).get("/staff/supervision/", {"dim": "department", "grain": "total", "format": "xlsx", **PERIOD})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("维度值", "周期", "差评率")
    market = next(r for r in rows[1:] if r[0] == "新巴尔虎右旗市场监督管理局")
    assert market[rows[0].index("超期率")] == "100.00%"


@pytest.mark.parametrize(
    ("grain", "start", "message"),
    [
        ("day", "2026-01-01", "按日查询的区间不能超过92天"),
        ("week", "2022-01-01", "按周查询的区间不能超过3年"),
        ("month", "2010-01-01", "按月查询的区间不能超过10年"),
    ],
)
def test_a_range_too_long_for_its_grain_is_refused_naming_the_field(client, supervisor, grain, start, message):
    response = _client(client, supervisor).get(
        "/api/supervision/indicators", {"dim": "item", "grain": grain, "start": start, "end": "2026-11-25"}
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail[0]["field"] == "end" and detail[0]["rule"] == "range" and detail[0]["message"] == message
