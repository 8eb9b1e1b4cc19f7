"""A realistic case history of the demo county as a CSV in the import's column set (SUP-4; `002`:
150.2万 records from the old systems, 1512 anomalies reviewed).

It draws from the county as loaded (`load_demo`): items with their limits and a heavy-tailed
popularity, departments, centres, windows and their clerks, approvers and section heads. Volume
follows the year (春节 low, a busy March and year-end), working days (weekends only online),
growth over the years and the COVID dips; the channel mix shifts to 网上办/掌上办 over time; used
days sit well inside the promised limits, most people come once or not at all, ratings are mostly
非常满意.

About one record in a thousand is a planted anomaly (`ANOMALY_SHARE`), of the kinds the anomaly
rules look for: decided before accepted, done impossibly fast for its steps, overdue without a
special procedure, one person doing every step, repeated rejections of one applicant (three
denials: counted as one anomaly) and work at night. Ordinary records never look like these; a
few of them are overdue too (about 0.4% of the decided ones), but always with a 特别程序 or 延期 on
record (`LATE_AFTER_PAUSE`, `LATE_AFTER_EXTENSION`).

Deterministic for a seed: the same arguments write the same file. Streaming: one row in memory.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO

from govhall.histimport.columns import HEADERS

# `002`: 1512 anomalies reviewed out of 150.2万 imported records.
ANOMALY_SHARE = 1512 / 1_502_000
ANOMALY_KINDS = {
    "out_of_order": 0.2,
    "too_fast": 0.18,
    "overdue_no_pause": 0.2,
    "one_person": 0.15,
    "repeated_rejection": 0.1,
    "off_hours": 0.17,
}
# Ordinary 超期: a share of the cases with a 特别程序 (3% of the timed ones) or a 延期 (0.4%)
# still run past their limit — about 0.4% of the decided cases, all with the pause or extension
# on record (the rule "overdue without a pause" leaves them alone; the planted ones have none).
LATE_AFTER_PAUSE = 0.15
LATE_AFTER_EXTENSION = 0.3
MONTH_WEIGHT = {1: 1.05, 2: 0.65, 3: 1.15, 4: 1.05, 5: 0.95, 6: 1.05, 7: 1.0, 8: 0.95, 9: 1.05, 10: 0.8, 11: 1.05, 12: 1.2}
WEEKDAY_WEIGHT = {0: 1.12, 1: 1.02, 2: 1.0, 3: 1.0, 4: 0.9, 5: 0.8, 6: 0.8}  # Sat/Sun here: a 调休 workday
APPLY_TYPES = {"01": 1.0, "04": 0.5, "05": 1.2, "07": 1.5, "08": 0.3, "09": 0.2, "10": 0.6, "20": 2.0}
CHANNEL_WORDS = {
    "window": "窗口",
    "online": "网上办",
    "mobile": "掌上办",
    "kiosk": "自助终端",
    "agent_point": "代办点",
    "cross_region": "跨区通办",
}
RATINGS = [(5, 0.83), (4, 0.13), (3, 0.033), (2, 0.005), (1, 0.002)]
PERSONS = 220_000
ENTERPRISES = 30_000
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass
class ItemRow:
    code: str  # 实施编码
    department: str
    centre: int
    instant: bool
    limit: int
    legal: int
    person: bool
    enterprise: bool


@dataclass
class CountyData:
    items: list[ItemRow]
    cum_weights: list[float]
    centre_names: dict[int, str]
    county_centre: int
    clerks: dict[int, list[tuple[str, str]]]  # centre → [(username, window number)]
    deciders: dict[str, list[str]]  # department name → usernames (approvers, section heads)
    workdays: list[int]  # ordinals
    workday_set: set[int] = field(default_factory=set)


def load_county(first: dt.date, last: dt.date) -> CountyData:
    """The demo county as `load_demo` left it."""
    from django.contrib.auth.models import Group

    from govhall.catalog.models import Item
    from govhall.core.models import CalendarDay
    from govhall.org.models import Department, ServiceCentre, StaffProfile

    rng = random.Random("histimport-items")
    centres = {c.id: c for c in ServiceCentre.objects.all()}
    county_centre = next((c.id for c in centres.values() if c.level == "county"), None)
    if county_centre is None:
        raise RuntimeError("no county service centre: run load_demo first")
    township_centre = {c.division_id: c.id for c in centres.values() if c.level == "township"}
    departments = {d.id: d for d in Department.objects.all()}
    items, weights = [], []
    for item in Item.objects.filter(status="active", current_version__isnull=False).select_related("current_version").order_by("code"):
        version = item.current_version
        assert version is not None
        if version.item_type not in APPLY_TYPES or not (version.for_person or version.for_enterprise):
            continue
        dept = departments[item.department_id]
        town = dept.kind == "township"
        row = ItemRow(
            code=f"{dept.uscc}{item.code}",
            department=dept.name,
            centre=township_centre.get(dept.division_id, county_centre) if town else county_centre,
            instant=version.handling_type == "instant",
            limit=version.promised_limit_days,
            legal=version.legal_limit_days,
            person=version.for_person,
            enterprise=version.for_enterprise,
        )
        weight = min(rng.paretovariate(1.1), 40.0) * APPLY_TYPES[version.item_type] * (3.0 if row.instant else 1.0)
        if row.limit > 20:
            weight *= 0.2
        items.append(row)
        weights.append(weight)
    if not items:
        raise RuntimeError("no items to generate cases for: run load_demo first")
    cum, total = [], 0.0
    for w in weights:
        total += w
        cum.append(total)
    groups = {
        g.name: set(g.user_set.values_list("id", flat=True)) for g in Group.objects.filter(name__in=["clerk", "approver", "section_head"])
    }
    clerks: dict[int, list[tuple[str, str]]] = {}
    deciders: dict[str, list[str]] = {}
    for profile in StaffProfile.objects.select_related("user", "window", "department").order_by("user_id"):
        uid = profile.user_id
        if uid in groups.get("clerk", set()) and profile.window and profile.centre_id and centres[profile.centre_id].level != "village":
            clerks.setdefault(profile.centre_id, []).append((profile.user.username, profile.window.number))
        if profile.department and (uid in groups.get("approver", set()) or uid in groups.get("section_head", set())):
            deciders.setdefault(profile.department.name, []).append(profile.user.username)
    if county_centre not in clerks:
        raise RuntimeError("no clerks at the county centre: run load_demo first")
    workdays = set(
        CalendarDay.objects.filter(
            is_workday=True, date__gte=first - dt.timedelta(days=10), date__lte=last + dt.timedelta(days=120)
        ).values_list("date", flat=True)
    )
    known = set(
        CalendarDay.objects.filter(date__gte=first - dt.timedelta(days=10), date__lte=last + dt.timedelta(days=120)).values_list(
            "date", flat=True
        )
    )
    ordinals = []
    day = first - dt.timedelta(days=10)
    while day <= last + dt.timedelta(days=120):
        if day in workdays or (day not in known and day.weekday() < 5):
            ordinals.append(day.toordinal())
        day += dt.timedelta(days=1)
    return CountyData(
        items=items,
        cum_weights=cum,
        centre_names={pk: c.name for pk, c in centres.items()},
        county_centre=county_centre,
        clerks=clerks,
        deciders=deciders,
        workdays=ordinals,
        workday_set=set(ordinals),
    )


def covid_factor(day: dt.date) -> float:
    if dt.date(2020, 1, 24) <= day <= dt.date(2020, 2, 29):
        return 0.3
    if day.year == 2020 and day.month == 3:
        return 0.65
    if day.year == 2022 and day.month in (11, 12):
        return 0.6
    return 1.0


def daily_plan(county: CountyData, total: int, first: dt.date, last: dt.date) -> list[tuple[dt.date, int]]:
    """Records per day: exactly `total`, spread by year, month, weekday, holidays and the COVID dips."""
    days, weights = [], []
    day = first
    while day <= last:
        workday = day.toordinal() in county.workday_set
        weight = (0.7 + 0.06 * (day.year - 2017)) * MONTH_WEIGHT[day.month] * covid_factor(day)
        days.append(day)
        weights.append(weight * (WEEKDAY_WEIGHT[day.weekday()] if workday else 0.05))
        day += dt.timedelta(days=1)
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    for i in sorted(range(len(days)), key=lambda i: exact[i] - counts[i], reverse=True)[: total - sum(counts)]:
        counts[i] += 1
    return list(zip(days, counts, strict=True))


_BIRTH_FIRST = dt.date(1940, 1, 1).toordinal()
_BIRTH_SPAN = 365 * 64


def _ric(i: int, salt: int) -> str:
    """The i-th person's 公民身份号码: a birth date and sequence spread by multiplicative hashing."""
    from stdnum.cn import ric

    mixed = (i * 2654435761 + salt) % 4294967291
    birth = dt.date.fromordinal(_BIRTH_FIRST + mixed % _BIRTH_SPAN)
    region = "150727" if birth.year >= 2001 else "152127"  # 新巴尔虎右旗: 152127 until 2001
    body = f"{region}{birth:%Y%m%d}{mixed // _BIRTH_SPAN % 999 + 1:03d}"
    return body + ric.calc_check_digit(body + "0")


def _uscc(i: int, salt: int) -> str:
    from stdnum.cn import uscc

    mixed = (i * 2246822519 + salt) % (31**9)
    digits = []
    for _ in range(9):
        mixed, r = divmod(mixed, 31)
        digits.append(USCC_ALPHABET[r])
    body = ("92", "92", "93", "91")[i % 4] + "150727" + "".join(digits)
    return body + uscc.calc_check_digit(body)


class Pool:
    """Applicants, made when first drawn (a pool of ~220k persons and 30k enterprises; a few come
    often, most once or twice)."""

    def __init__(self, seed: str):
        self.persons: dict[int, str] = {}
        self.enterprises: dict[int, str] = {}
        self.salt = int.from_bytes(seed.encode()[:8].ljust(8, b"\0"), "big") % 1_000_003

    def person(self, i: int) -> str:
        number = self.persons.get(i)
        if number is None:
            number = self.persons[i] = _ric(i, self.salt)
        return number

    def enterprise(self, i: int) -> str:
        number = self.enterprises.get(i)
        if number is None:
            number = self.enterprises[i] = _uscc(i, self.salt)
        return number


@dataclass
class Generated:
    records: int = 0
    anomalies: Counter = field(default_factory=Counter)
    first_day: dt.date | None = None
    last_day: dt.date | None = None

    @property
    def anomaly_total(self) -> int:
        return sum(self.anomalies.values())


def _channel_shares(day: dt.date, workday: bool) -> list[tuple[str, float]]:
    """(channel, share) of a day's cases before 综合窗口 takes the rest; town items add 代办点."""
    years = day.year - 2017 + day.timetuple().tm_yday / 366
    online = min(0.08 + 0.045 * years, 0.55)
    mobile = max(0.0, min(0.03 * (years - 2), 0.3))
    if not workday:  # the hall is closed: only online
        return [("mobile", mobile / (online + mobile)), ("online", 1.0)]
    return [
        ("online", online),
        ("mobile", mobile),
        ("kiosk", 0.03 if day.year >= 2019 else 0.0),
        ("cross_region", 0.01 if day.year >= 2021 else 0.0),
        ("agent_point", 0.03),
    ]


def _channel(r: float, shares: list[tuple[str, float]], town: bool) -> str:
    for channel, share in shares:
        if channel == "agent_point" and town:
            share = 0.15
        if r < share:
            return channel
        r -= share
    return "window"


def generate(
    out: TextIO,
    *,
    records: int,
    start: dt.date,
    end: dt.date,
    seed: str = "002",
    county: CountyData | None = None,
    id_prefix: str = "LS",
    accepted_until: dt.date | None = None,
) -> Generated:
    """Write `records` rows (plus the header) for the days `start`..`end` to `out`. With
    `accepted_until` (a file exported that day), the few applications made online on the last
    days whose 受理 would fall after it are left out, so the file can end yesterday."""
    if end < start:
        raise ValueError("end before start")
    county = county or load_county(start, end)
    rng = random.Random(f"histimport-{seed}")
    plan = daily_plan(county, records, start, end)
    planted = max(0, round(records * ANOMALY_SHARE))
    kinds = list(ANOMALY_KINDS)
    kind_cum = []
    acc = 0.0
    for k in kinds:
        acc += ANOMALY_KINDS[k]
        kind_cum.append(acc)
    # Planted positions (a repeated rejection takes three records: the first is the planted one).
    positions = sorted(rng.sample(range(records), min(planted, records)))
    plant_at = {p: kinds[bisect.bisect_left(kind_cum, rng.random() * acc)] for p in positions}

    pool = Pool(seed)
    workdays, workday_set = county.workdays, county.workday_set
    items, cum = county.items, county.cum_weights
    clerks, deciders, centre_names = county.clerks, county.deciders, county.centre_names
    county_centre = county.county_centre
    county_clerks = clerks[county_centre]
    day_text: dict[int, str] = {}

    hh_mm = [f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)]
    ss = [f"{s:02d}" for s in range(60)]

    def stamp(day: int, minutes: float) -> str:
        text = day_text.get(day)
        if text is None:
            text = day_text[day] = dt.date.fromordinal(day).isoformat()
        m = int(minutes)
        return f"{text} {hh_mm[m]}:{ss[int((minutes - m) * 60)]}"

    def add_wd(day: int, n: int) -> int:
        if n <= 0:
            return day
        i = bisect.bisect_right(workdays, day) + n - 1
        return workdays[i] if i < len(workdays) else day + n * 7 // 5

    def next_workday(day: int) -> int:
        return day if day in workday_set else add_wd(day, 1)

    def office(r: float) -> float:
        """Minutes after midnight of an office moment (08:30–12:00, 14:30–17:30)."""
        return 510 + r * 210 if r < 0.55 else 870 + (r - 0.55) / 0.45 * 180

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS)
    result = Generated()
    pending: list[tuple[str, bool, int]] = []  # (applicant, denials still to write) of a repeated rejection
    seq = 0
    rand = rng.random
    last_day = end.toordinal()
    accept_limit = accepted_until.toordinal() if accepted_until else None
    for date, count in plan:
        if not count:
            continue
        day = date.toordinal()
        workday = day in workday_set
        result.first_day = result.first_day or date
        result.last_day = date
        prefix = f"{id_prefix}{date:%Y%m%d}"
        drawn = rng.choices(items, cum_weights=cum, k=count)
        shares = _channel_shares(date, workday)
        for n, item in enumerate(drawn):
            anomaly = plant_at.get(seq)
            seq += 1
            channel = _channel(rand(), shares, item.centre != county_centre)
            centre_clerks = clerks.get(item.centre) or county_clerks
            clerk, window = centre_clerks[int(rand() * len(centre_clerks))]
            # No approver on record: the old system left 决定人 empty (never the clerk: that is 一人包办).
            department_deciders = deciders.get(item.department) or [""]
            decider = department_deciders[int(rand() * len(department_deciders))]
            person = item.person and (not item.enterprise or rand() < 0.5)
            # Applicants: a small core comes often, most come once or twice.
            if person:
                applicant = pool.person(int(PERSONS * rand() ** 1.6))
            else:
                applicant = pool.enterprise(int(ENTERPRISES * rand() ** 1.4))
            online = channel in ("online", "mobile")
            # 申请 and 受理
            if online:
                submit_minutes = rand() * 1440 if rand() < 0.25 else office(rand()) + 60 * (rand() - 0.5)
                submitted = (day, submit_minutes)
                accept_day = day if workday and submit_minutes < 990 else add_wd(day, 1)
                accept_minutes = max(office(rand()), submit_minutes + 5) if accept_day == day else office(rand())
                accept_minutes = min(accept_minutes, 1050)
            else:
                accept_day, accept_minutes = next_workday(day), office(rand())
                submitted = (accept_day, max(accept_minutes - 3 - rand() * 20, 480))
            if accept_limit is not None and accept_day > accept_limit:
                continue  # applied online, not yet 受理 when the file was exported: no record
            decision_word = "准予"
            r = rand()
            if r < 0.01:
                decision_word = "不予"
            elif r < 0.015:
                decision_word = "不予受理"
            paused = pause_count = extension = 0
            late = False
            if item.instant or item.limit == 0:
                used = 0
                decide_day, decide_minutes = accept_day, min(accept_minutes + 3 + rand() * 25, 1065)
                steps, actors, decided_by = 1 + int(rand() * 2), 1, clerk
            else:
                used = max(1, int(item.limit * rand() ** 2.2 + 0.999))
                if rand() < 0.03:
                    paused, pause_count = 1 + int(rand() * 10), 1
                if rand() < 0.004:
                    extension = min(10, item.limit)
                if not anomaly and ((pause_count and rand() < LATE_AFTER_PAUSE) or (extension and rand() < LATE_AFTER_EXTENSION)):
                    # 超期 with a recorded 特别程序 or 延期 (an expert opinion, a site visit that ran
                    # late): counted in 超期率, but not an anomaly.
                    used = item.limit + extension + 1 + int(rand() * 4)
                    late = True
                decide_day = add_wd(accept_day, used + paused)
                decide_minutes = office(rand())
                steps, actors, decided_by = 3 + int(rand() * 3), 2 + int(rand() * 2), decider
            if decision_word == "不予受理":
                # 不予受理: the clerk turns it down at the window; there is no 决定人.
                decide_day, decide_minutes, used, steps, actors, decided_by = accept_day, min(accept_minutes + 10, 1065), 0, 1, 1, ""
            if pending and decision_word != "不予受理" and not item.instant:
                applicant, person, left = pending[-1]
                decision_word = "不予"
                pending[-1] = (applicant, person, left - 1)
                if left == 1:
                    pending.pop()
            limit, legal, visits_base = item.limit, item.legal, 0 if online else 1
            visits = visits_base if rand() > 0.08 else visits_base + 1
            if item.limit and decision_word == "准予" and not online and rand() < 0.4:
                visits += 1  # fetching the licence
            visits = min(visits, 2) if not online else min(visits, 1)
            overdue = "是" if late and decision_word != "不予受理" else "否"
            if anomaly:
                if anomaly == "out_of_order":
                    decide_day, decide_minutes = accept_day, max(accept_minutes - 60 - rand() * 180, 0)
                    if decide_day == accept_day and decide_minutes >= accept_minutes:
                        decide_day -= 1
                elif anomaly == "too_fast":
                    decide_day, decide_minutes, used = accept_day, min(accept_minutes + 0.2 + rand(), 1065), 0
                    steps, actors, decided_by = max(steps, 4), max(actors, 2), decider
                elif anomaly == "overdue_no_pause":
                    limit = max(limit, 1)
                    used = limit + 1 + int(rand() * 8)
                    paused = pause_count = extension = 0
                    decide_day, decide_minutes = add_wd(accept_day, used), office(rand())
                    overdue = "是"
                elif anomaly == "one_person":
                    steps, actors, decided_by = max(steps, 4), 1, clerk
                elif anomaly == "repeated_rejection":
                    decision_word = "不予"
                    pending.append((applicant, person, 2))
                elif anomaly == "off_hours":
                    decide_minutes = 120 + rand() * 180  # 02:00–05:00
                    if decide_day <= accept_day and decide_minutes < accept_minutes:
                        decide_day = add_wd(accept_day, 1)
            finish_minutes = min(decide_minutes + rand() * 90, 1435)
            rating, rated = "", ""
            open_case = decide_day > last_day  # still open when the old system was replaced
            if anomaly and not open_case:
                result.anomalies[anomaly] += 1
            if open_case:
                decision_word = overdue = ""
            elif rand() < 0.62:
                r = rand()
                level, acc_r = 5, 0.0
                for lv, share in RATINGS:
                    acc_r += share
                    if r < acc_r:
                        level = lv
                        break
                rating = str(level)
                rated = stamp(decide_day, min(finish_minutes + 1 + rand() * 120, 1438))
            writer.writerow(
                [
                    "",
                    f"{prefix}{n:05d}",
                    item.code,
                    item.department,
                    centre_names[item.centre],
                    "" if online else window,
                    clerk,
                    decided_by,
                    "自然人" if person else "法人",
                    applicant,
                    CHANNEL_WORDS[channel],
                    stamp(*submitted),
                    stamp(accept_day, accept_minutes),
                    "" if open_case else stamp(decide_day, decide_minutes),
                    "" if open_case else stamp(decide_day, finish_minutes),
                    decision_word,
                    limit,
                    legal,
                    "" if open_case else used,
                    paused,
                    pause_count,
                    extension,
                    dt.date.fromordinal(add_wd(accept_day, limit + paused + extension)).isoformat() if limit else "",
                    overdue,
                    visits,
                    steps,
                    actors,
                    rating,
                    rated,
                ]
            )
            result.records += 1
    return result
