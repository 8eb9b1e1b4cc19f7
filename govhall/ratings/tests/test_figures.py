"""Published 好差评 figures by department and window (RATE-2), counted by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.cases.tests.case_steps import on
from govhall.org.models import Window
from govhall.ratings.models import Rating
from govhall.ratings.selectors import rating_figures
from govhall.ratings.services import RatingInput, followup_call_back, followup_verify, rating_submit_for_ticket
from govhall.ratings.tests.conftest import DAY


def rate(ticket, level: int, tags: list[str], name: str = "", phone: str = "") -> Rating:
    with on(ticket.day, 15):
        return rating_submit_for_ticket(
            actor=None,
            token=ticket.token,
            channel=Rating.CHANNEL_QR,
            data=RatingInput(level=level, tags=tags, rater_name=name, rater_phone=phone),
        )


@pytest.fixture
def rated(county, make_ticket, clerk2, centre_admin, dept_admin):
    police_window = Window.objects.create(centre=county.centre, number="C01", name="公安户政窗口", kind=Window.KIND_SPECIALISED)
    police_window.departments.add(county.departments["公安局"])
    market = {"window": county.windows["专窗"], "served_by": clerk2}
    for level in (5, 5, 4):
        rate(make_ticket(**market), level, ["efficient"])
    real = rate(make_ticket(**market), 1, ["bad_attitude"], "王五", "13900001111")
    rate(make_ticket(**market), 2, ["long_wait"])  # anonymous, still open
    for level in (5, 3, 3):
        rate(make_ticket(window=police_window), level, [])
    rate(make_ticket(), 4, ["good_environment"])  # A01: no department
    rate(make_ticket(day=dt.date(2025, 12, 30)), 1, ["overtime"])  # last year: not counted
    with on(DAY, 17):
        followup_verify(actor=dept_admin, followup_id=real.followup.pk, finding="已核实", warranted=False)
        followup_call_back(actor=dept_admin, followup_id=real.followup.pk, result="已解释", satisfaction="satisfied")
    return police_window


def test_figures_by_department(rated):
    rows, total = rating_figures(by="department", date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))

    by_name = {r.name: r for r in rows}
    market = by_name["新巴尔虎右旗市场监督管理局"]
    assert (market.count, market.good, market.bad) == (5, 3, 2)
    assert market.good_rate == pytest.approx(0.6)
    assert market.rectified_rate == pytest.approx(0.5)  # the real-name one verified, the other still open
    assert market.callback_rate == pytest.approx(1.0)  # 1 real-name 差评, called back
    assert market.average == pytest.approx(3.4)
    police = by_name["新巴尔虎右旗公安局"]
    assert (police.count, police.good_rate, police.bad, police.rectified_rate, police.callback_rate) == (3, 1.0, 0, None, None)
    assert police.average == pytest.approx(11 / 3)
    assert by_name["综合窗口（不区分部门）"].count == 1
    assert (total.count, total.good, total.bad) == (9, 7, 2)
    assert total.average == pytest.approx(32 / 9)


def test_figures_by_window(rated, county):
    rows, _total = rating_figures(by="window", date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
    b = county.windows["专窗"]
    a = county.windows["综合1"]
    assert [(r.name, r.count, r.bad) for r in rows] == [
        (f"{b.number} {b.name}", 5, 2),
        ("C01 公安户政窗口", 3, 0),
        (f"{a.number} {a.name}", 1, 0),
    ]


def test_public_figures_page_shows_rates_and_no_personal_data(rated, client):
    with on(dt.date(2026, 11, 2)):
        page = client.get("/ratings/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "2026年政务服务“好差评”公示" in html
    assert "新巴尔虎右旗市场监督管理局" in html and "60.0%" in html and "3.40" in html
    assert "王五" not in html and "1390000" not in html
    with on(dt.date(2026, 11, 2)):
        by_window = client.get("/ratings/?by=window&year=2025").content.decode()
    assert "2025年" in by_window and "综合受理窗口" in by_window


def test_public_figures_api(rated, client):
    with on(dt.date(2026, 11, 2)):
        body = client.get("/api/ratings/figures?by=department").json()
    assert body["year"] == 2026 and body["total"]["count"] == 9
    market = next(r for r in body["rows"] if r["name"] == "新巴尔虎右旗市场监督管理局")
    assert (market["good_rate"], market["bad"], market["rectified_rate"], market["average"]) == (0.6, 2, 0.5, 3.4)
