"""The generated county history is consistent: what the scale benchmark measures on must look like
what the product would have recorded. Pure Python (no database): a small county with the working
days of the real calendar and the builtin processes' steps.

Run with `.venv/bin/python -m pytest bench`.
"""

import datetime as dt
import random
import re
from collections import Counter

import chinese_calendar
import pytest
from stdnum.cn import ric

from bench.cases_county import TZ, County, ItemRef, daily_plan
from bench.cases_data import CASE_COLUMNS, Month
from bench.cases_people import People, ric_number
from govhall.cases.workflows.engine import ReadyTask

END = dt.datetime(2026, 11, 25, 15, 0, tzinfo=TZ)
STEPS = {
    "instant": ["decide"],
    "promised": ["review", "decide"],
    "promised_certify": ["review", "decide", "certify"],
}
ROLES = {"review": "approver", "decide": "section_head", "certify": "certifier"}


def _county() -> County:
    workdays = []
    day = dt.date(2016, 1, 1)
    while day <= dt.date(2026, 12, 31):
        if chinese_calendar.is_workday(day):
            workdays.append(day.toordinal())
        day += dt.timedelta(days=1)

    def item(pk, *, instant=False, limit=0, licence=False):
        return ItemRef(pk, pk, f"11150727MB0000000X15210{pk:07d}", 21, 1, False, instant, limit, licence, True, True, True)

    items = [item(1, instant=True), item(2, limit=5), item(3, limit=20, licence=True)]
    county = County(
        county_centre=1,
        workdays=workdays,
        workday_set=set(workdays),
        items=items,
        item_weights=[3.0, 1.0, 1.0],
        clerks={1: [(10, 100), (11, 101)]},
        agents=[20],
        approvers={21: [30]},
        heads={21: [31]},
        definitions={"instant": 1, "promised": 2, "promised_certify": 3},
        dept_uscc={21: "11150727MB0000000X"},
    )
    # The builtin processes' steps, as the engine would give them (state strings stand in).
    for code, specs in STEPS.items():
        for licence in (False, True):
            county.snapshots[(code, 21, licence)] = [
                (
                    f"state:{code}:{i}",
                    [ReadyTask(f"spiff-{spec}", spec, spec, "clerk" if code == "instant" else ROLES[spec], None, spec == "decide")],
                )
                for i, spec in enumerate(specs)
            ]
    return county


def _people() -> People:
    persons = [(i, (1000 + i) if i % 10 < 7 else None, 1950 + i % 50) for i in range(1, 400)]
    return People(persons=persons, enterprises=[(i, 1000 + i) for i in range(1, 40)])


@pytest.fixture(scope="module")
def history():
    """Two months: an old one (all settled) and the current one (cases open at every stage)."""
    county, people = _county(), _people()
    months = []
    next_id = 1
    for first, last in ((dt.date(2019, 3, 1), dt.date(2019, 3, 31)), (dt.date(2026, 11, 1), END.date())):
        rng = random.Random(f"test-{first}")
        month = Month(county, people, END, rng, focus=False)
        for day, n in daily_plan(county, 1500, first, last):
            for item in rng.choices(county.items, weights=county.item_weights, k=n):
                month.case(next_id, day, item)
                next_id += 1
        months.append(month)
    return months


def _cases(month):
    columns = [c.strip() for c in CASE_COLUMNS.split(",")]
    return [dict(zip(columns, row, strict=True)) for row in month.rows["cases"]]


def test_the_plan_spreads_exactly_the_total_with_few_cases_on_days_off():
    county = _county()
    plan = daily_plan(county, 100_000, dt.date(2017, 1, 1), dt.date(2026, 11, 25))
    assert sum(n for _day, n in plan) == 100_000
    by_month = Counter()
    off = 0
    for day, n in plan:
        by_month[day.year, day.month] += n
        if day.toordinal() not in county.workday_set:
            off += n
    assert by_month[2024, 2] < by_month[2024, 3]  # 春节
    assert by_month[2017, 3] < by_month[2025, 3]  # growth
    assert off < 0.03 * 100_000


def test_identity_numbers_are_valid_with_the_code_of_the_birth_year():
    rng = random.Random(1)
    for birth in (dt.date(1958, 7, 1), dt.date(2000, 12, 31), dt.date(2001, 1, 1), dt.date(2006, 5, 20)):
        number = ric_number(rng, birth)
        assert ric.validate(number) == number
        assert number.startswith("150727" if birth.year >= 2001 else "152127")


def test_case_numbers_follow_the_format_and_the_daily_sequence(history):
    numbers = [c["number"] for month in history for c in _cases(month)]
    assert len(numbers) == len(set(numbers))
    for number in numbers:
        assert re.fullmatch(r"11150727MB0000000X15210\d{7}20\d{6}\d{4}", number)
    first_of_day = [n for n in numbers if n.endswith("0001")]
    assert first_of_day


def test_an_old_month_is_settled_and_mostly_done(history):
    cases = _cases(history[0])
    statuses = Counter(c["status"] for c in cases)
    assert statuses["done"] > 0.85 * len(cases)
    assert set(statuses) <= {"done", "not_accepted", "withdrawn", "terminated"}
    assert not [t for t in history[0].rows["tasks"] if t[8] == "open"]
    for c in cases:
        if c["status"] == "done":
            assert c["submitted_at"] <= c["accepted_at"] <= c["decided_at"] <= c["delivered_at"] == c["finished_at"]
            assert c["decision"] in ("approved", "denied")


def test_open_cases_have_exactly_the_open_task_of_their_stage(history):
    month = history[1]
    open_tasks = Counter(t[0] for t in month.rows["tasks"] if t[8] == "open")
    states = {row[0]: row[2] for row in month.rows["processes"]}
    cases = _cases(month)
    in_progress = [c for c in cases if c["status"] in ("in_progress", "suspended")]
    assert in_progress, "the current month should have cases in progress"
    for c in cases:
        if c["status"] in ("in_progress", "suspended"):
            assert open_tasks[c["id"]] == 1
            assert states[c["id"]].startswith("state:")
            assert c["overdue"] == (c["due_date"] < END.date())
        else:
            assert open_tasks[c["id"]] == 0
    assert {c["status"] for c in cases} >= {"done", "in_progress", "submitted"}


def test_every_event_happened_by_the_end_in_order(history):
    for month in history:
        last: dict[int, tuple[int, dt.datetime]] = {}
        for case_id, seq, _kind, at, *_rest in month.rows["events"]:
            previous_seq, previous_at = last.get(case_id, (0, at))
            assert at <= END
            assert seq == previous_seq + 1
            assert previous_at <= at
            last[case_id] = (seq, at)
