"""Each indicator's definition against hand-computed figures, the periods and grains, labels."""

import datetime as dt

import pytest

from govhall.supervision import indicators
from govhall.supervision.tests.factories import day, fact

WEEK = (day(11, 2), day(11, 8))


@pytest.fixture
def week_of_cases(county):
    """Five cases of the week of 2 November 2026 (see each line)."""
    # Online, 全程网办, decided on time in 2 of 20 legal days, rated 非常满意.
    fact(
        county,
        channel="online",
        full_online=True,
        accepted_on=day(11, 2),
        decided_on=day(11, 4),
        decision="approved",
        used_days=2,
        rating_level=5,
        rated_on=day(11, 5),
    )
    # 即办件 at the window, two visits, approved on the day of acceptance (立等可取), rated 非常不满意.
    fact(
        county,
        instant=True,
        visits=2,
        accepted_on=day(11, 2),
        decided_on=day(11, 2),
        decision="approved",
        legal_limit_days=1,
        limit_days=0,
        used_days=0,
        rating_level=1,
        rated_on=day(11, 3),
    )
    # Mobile, one visit, denied late (超期) after 10 working days, rated 基本满意.
    fact(
        county,
        channel="mobile",
        visits=1,
        accepted_on=day(11, 3),
        decided_on=day(11, 6),
        decision="denied",
        overdue=True,
        used_days=10,
        rating_level=3,
        rated_on=day(11, 6),
    )
    # 不予受理: decided (refused) without being accepted.
    fact(county, status="not_accepted", decided_on=day(11, 3), legal_limit_days=20)
    # Accepted at the window, one visit, still being handled.
    fact(county, status="in_progress", visits=1, accepted_on=day(11, 4))


def _county_week():
    rows = indicators.totals("county", *WEEK)
    assert len(rows) == 1
    return rows[0]


def test_the_accepted_day_indicators_count_cases_accepted_in_the_period(week_of_cases):
    row = _county_week()
    assert row.counts["accepted"] == 4
    assert row.values["online_rate"] == pytest.approx(2 / 4)  # online + mobile
    assert row.values["full_online_rate"] == pytest.approx(1 / 4)
    assert row.values["instant_share"] == pytest.approx(1 / 4)
    assert row.values["avg_visits"] == pytest.approx((0 + 2 + 1 + 1) / 4)


def test_the_decided_day_indicators_count_cases_decided_or_refused_in_the_period(week_of_cases):
    row = _county_week()
    assert row.counts["decided"] == 4
    assert row.values["overdue_rate"] == pytest.approx(1 / 4)
    assert row.values["on_time_rate"] == pytest.approx(3 / 4)
    # 驳回 = 不予许可 (the denial) + 不予受理 (the refusal).
    assert row.values["rejection_rate"] == pytest.approx(2 / 4)
    assert row.values["on_the_spot_share"] == pytest.approx(1 / 4)


def test_time_compression_sets_used_working_days_against_legal_limits_of_decided_cases(week_of_cases):
    row = _county_week()
    # The refusal has no used days and does not count; 2 + 0 + 10 used of 20 + 1 + 20 legal.
    assert (row.counts["used_days"], row.counts["legal_days"]) == (12, 41)
    assert row.values["time_compression"] == pytest.approx(1 - 12 / 41)


def test_the_rating_indicators_count_ratings_made_in_the_period(week_of_cases):
    row = _county_week()
    assert row.counts["rated"] == 3
    assert row.values["bad_rating_rate"] == pytest.approx(1 / 3)
    # 基本满意 is neither 满意 nor 差评.
    assert row.values["satisfaction_rate"] == pytest.approx(1 / 3)


def test_a_case_counts_in_the_period_of_each_of_its_dates(county):
    fact(county, accepted_on=day(10, 30), decided_on=day(11, 2), decision="approved", used_days=1, rating_level=2, rated_on=day(12, 1))
    rows = {r.period: r.counts for r in indicators.table("department", "month", day(10, 1), day(12, 31))}
    assert rows[day(10, 1)]["accepted"] == 1 and rows[day(10, 1)]["decided"] == 0
    assert rows[day(11, 1)]["decided"] == 1 and rows[day(11, 1)]["accepted"] == 0
    assert rows[day(12, 1)]["bad_rated"] == 1


def test_no_denominator_gives_no_value_not_zero(county):
    fact(county, status="in_progress", accepted_on=day(11, 2))
    row = _county_week()
    assert row.values["overdue_rate"] is None
    assert row.values["bad_rating_rate"] is None
    assert not row.red("overdue_rate")


def test_weeks_start_on_monday_and_years_on_the_first_of_january(county):
    fact(county, status="in_progress", accepted_on=day(11, 8))  # a Sunday
    fact(county, status="in_progress", accepted_on=day(11, 9))  # the next Monday
    weeks = [(r.period, r.counts["accepted"]) for r in indicators.table("county", "week", day(11, 1), day(11, 30))]
    assert weeks == [(day(11, 2), 1), (day(11, 9), 1)]
    years = indicators.table("county", "year", day(1, 1), day(12, 31))
    assert [(r.period, r.counts["accepted"]) for r in years] == [(day(1, 1), 2)]


def test_a_series_has_every_period_even_empty_ones(county):
    fact(county, status="in_progress", accepted_on=day(11, 4))
    series = indicators.series("county", "day", day(11, 3), day(11, 5))
    assert [(r.period, r.counts["accepted"]) for r in series] == [(day(11, 3), 0), (day(11, 4), 1), (day(11, 5), 0)]
    assert series[0].values["online_rate"] is None


def test_rows_carry_the_names_of_departments_windows_items_and_staff(county):
    fact(county, status="in_progress", accepted_on=day(11, 2))
    assert indicators.totals("department", *WEEK)[0].label == "新巴尔虎右旗市场监督管理局"
    assert indicators.totals("window", *WEEK)[0].label == "新巴尔虎右旗政务服务中心 A01"
    assert indicators.totals("item", *WEEK)[0].label == county.items["food"].name
    assert indicators.totals("staff", *WEEK)[0].label == "李窗口"
    assert indicators.totals("division", *WEEK)[0].label == "新巴尔虎右旗"


def test_keys_limit_the_rows(county):
    fact(county, status="in_progress", accepted_on=day(11, 2))
    fact(county, item=county.items["id_card"], status="in_progress", accepted_on=day(11, 2))
    police = str(county.departments["公安局"].pk)
    assert [r.key for r in indicators.totals("department", *WEEK, keys=[police])] == [police]
    assert indicators.totals("department", *WEEK, keys=[]) == []


def test_values_beyond_the_red_threshold_are_red(county):
    # 1 of 10 decided cases overdue: 10 % against a red line of 2 %.
    for n in range(10):
        fact(county, accepted_on=day(11, 2), decided_on=day(11, 3), decision="approved", used_days=1, overdue=n == 0)
    row = _county_week()
    assert row.values["overdue_rate"] == pytest.approx(0.1)
    assert row.red("overdue_rate")
    assert row.red("on_time_rate")  # 90 % on time is below the 98 % line
    assert not row.red("rejection_rate")
    assert "overdue_rate" in row.as_dict()["red"]


def test_every_indicator_has_a_written_definition():
    codes = {d["code"] for d in indicators.definitions()}
    assert codes == {
        "bad_rating_rate",
        "overdue_rate",
        "rejection_rate",
        "online_rate",
        "on_time_rate",
        "satisfaction_rate",
        "full_online_rate",
        "instant_share",
        "on_the_spot_share",
        "avg_visits",
        "time_compression",
    }
    for d in indicators.definitions():
        assert d["numerator"] and d["denominator"] and d["cases"] and d["period_date"] in ("accepted_on", "decided_on", "rated_on")
    assert indicators.CORE_CODES == ["bad_rating_rate", "overdue_rate", "rejection_rate", "online_rate"]


def test_periods_of_each_grain():
    assert indicators.periods(dt.date(2026, 1, 31), dt.date(2026, 3, 1), "month") == [day(1, 1), day(2, 1), day(3, 1)]


def test_whole_months_read_the_month_rows_and_agree_with_the_day_rows(county):
    fact(county, accepted_on=day(10, 30), decided_on=day(11, 2), decision="approved", used_days=1)
    fact(county, accepted_on=day(11, 30), decided_on=day(12, 1), decision="denied", used_days=1)
    by_month = indicators.table("department", "month", day(10, 1), day(12, 31))
    assert indicators._whole_months(day(10, 1), day(12, 31))
    # The same months asked from the 2nd of October on are summed from the day rows.
    by_day = indicators.table("department", "month", day(10, 2), day(12, 31))
    assert [(r.period, r.counts) for r in by_month] == [(r.period, r.counts) for r in by_day]
    total = indicators.totals("county", day(10, 1), day(12, 31))[0]
    assert (total.counts["accepted"], total.counts["decided"], total.counts["rejected"]) == (2, 2, 1)


def test_months_years_and_totals_over_partial_months_add_month_rows_and_day_rows(county):
    # Whole months come from the month rows, the partial months at either end from the day rows.
    for accepted_on in (day(10, 15), day(10, 31), day(11, 2), day(11, 30), day(12, 1), day(12, 20)):
        fact(county, status="in_progress", accepted_on=accepted_on)
    start, end = day(10, 20), day(12, 10)
    months = indicators.table("department", "month", start, end)
    assert [(r.period, r.counts["accepted"]) for r in months] == [(day(10, 1), 1), (day(11, 1), 2), (day(12, 1), 1)]
    assert [(r.period, r.counts["accepted"]) for r in indicators.table("county", "year", start, end)] == [(day(1, 1), 4)]
    assert [(r.period, r.counts["accepted"]) for r in indicators.totals("department", start, end)] == [(start, 4)]
    assert indicators.totals("department", start, end)[0].values["online_rate"] == 0
    # Only whole months, and only part of one month.
    assert [r.counts["accepted"] for r in indicators.table("county", "month", day(11, 1), day(11, 30))] == [2]
    assert [r.counts["accepted"] for r in indicators.table("county", "month", day(11, 2), day(11, 29))] == [1]
    assert [r.counts["accepted"] for r in indicators.totals("county", day(10, 1), day(12, 31))] == [6]
