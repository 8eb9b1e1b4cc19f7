"""The demo county as the case generator sees it (bench/cases_data.py): items with their
popularity, centres, clerks and departments' staff, the working-day calendar, the builtin
processes, and the shape of the year (how many cases on which day, through which channel)."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
FIRST_DAY = dt.date(2017, 1, 1)
LAST_DAY = dt.date(2026, 12, 31)
SEED = "govhall-cases-2017"
# Item types an applicant applies for, with how often (处罚, 强制 and 检查 are the administration's
# own acts, not applications).
APPLY_TYPES = {"01": 1.0, "04": 0.5, "05": 1.2, "07": 1.5, "08": 0.3, "09": 0.2, "10": 0.6, "20": 2.0}
MONTH_WEIGHT = {1: 1.05, 2: 0.65, 3: 1.15, 4: 1.05, 5: 0.95, 6: 1.05, 7: 1.0, 8: 0.95, 9: 1.05, 10: 0.8, 11: 1.05, 12: 1.1}
WEEKDAY_WEIGHT = {0: 1.12, 1: 1.02, 2: 1.0, 3: 1.0, 4: 0.9, 5: 0.8, 6: 0.8}  # a Sat/Sun here is a 调休 workday
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PAUSE_KINDS = ["hearing", "testing", "inspection", "expert", "publicity"]


def covid_factor(day: dt.date) -> float:
    if dt.date(2020, 1, 24) <= day <= dt.date(2020, 2, 29):
        return 0.3
    if day.year == 2020 and day.month == 3:
        return 0.65
    if day.year == 2022 and day.month in (11, 12):
        return 0.6
    return 1.0


# --- the demo county -----------------------------------------------------------------------------


@dataclass
class ItemRef:
    id: int
    version_id: int
    code: str  # 实施编码: the department's USCC + the basic code
    department_id: int
    centre_id: int
    town: bool  # a 苏木镇's item, handled at its own centre
    instant: bool
    limit: int
    licence: bool
    for_person: bool
    for_enterprise: bool
    gaozhi: bool


@dataclass
class County:
    county_centre: int
    workdays: list[int]  # date ordinals, sorted
    workday_set: set[int]
    items: list[ItemRef]
    item_weights: list[float]
    clerks: dict[int, list[tuple[int, int]]]  # centre → [(user id, window id)]
    agents: list[int]  # 代办员 of the village points
    approvers: dict[int, list[int]]  # department → user ids
    heads: dict[int, list[int]]
    definitions: dict[str, int]  # builtin process code → ProcessDefinition id
    dept_uscc: dict[int, str]
    snapshots: dict = field(default_factory=dict)


def load_county(*, department_only: int | None = None) -> County:
    from django.contrib.auth.models import Group

    from govhall.cases.services.approval import builtin_definition
    from govhall.catalog.models import Item
    from govhall.core.models import CalendarDay
    from govhall.org.models import Department, ServiceCentre, StaffProfile

    workdays = sorted(d.toordinal() for d in CalendarDay.objects.filter(is_workday=True).values_list("date", flat=True))
    centre_of_division = {c.division_id: c.id for c in ServiceCentre.objects.filter(level="township")}
    county_centre = ServiceCentre.objects.get(level="county").id
    departments = {d.id: d for d in Department.objects.all()}
    rng = random.Random(SEED + "-items")
    items, weights = [], []
    for item in Item.objects.filter(status="active", current_version__isnull=False).select_related("current_version").order_by("id"):
        version = item.current
        if version.item_type not in APPLY_TYPES or not (version.for_person or version.for_enterprise):
            continue
        if department_only and (item.department_id != department_only or version.handling_type == "instant"):
            continue
        dept = departments[item.department_id]
        town = dept.kind == "township"
        ref = ItemRef(
            id=item.id,
            version_id=version.id,
            code=f"{dept.uscc}{item.code}",
            department_id=item.department_id,
            centre_id=centre_of_division.get(dept.division_id, county_centre) if town else county_centre,
            town=town,
            instant=version.handling_type == "instant",
            limit=version.promised_limit_days,
            licence=version.result_type == "licence",
            for_person=version.for_person,
            for_enterprise=version.for_enterprise,
            gaozhi=version.commitment_allowed,
        )
        # A few items take most cases: a heavy-tailed popularity times the kind of item.
        weight = min(rng.paretovariate(1.1), 40.0) * APPLY_TYPES[version.item_type] * (3.0 if ref.instant else 1.0)
        if ref.limit > 20:  # arbitration, 工伤认定 …: rare
            weight *= 0.2
        items.append(ref)
        weights.append(weight)

    groups = {
        g.name: set(g.user_set.values_list("id", flat=True)) for g in Group.objects.filter(name__in=["clerk", "approver", "section_head"])
    }
    levels = dict(ServiceCentre.objects.values_list("id", "level"))
    clerks: dict[int, list[tuple[int, int]]] = defaultdict(list)
    agents: list[int] = []
    approvers: dict[int, list[int]] = defaultdict(list)
    heads: dict[int, list[int]] = defaultdict(list)
    for profile in StaffProfile.objects.order_by("user_id"):
        if profile.user_id in groups.get("clerk", set()) and profile.window_id and profile.centre_id:
            if levels.get(profile.centre_id) == "village":
                agents.append(profile.user_id)
            else:
                clerks[profile.centre_id].append((profile.user_id, profile.window_id))
        if profile.department_id:
            if profile.user_id in groups.get("approver", set()):
                approvers[profile.department_id].append(profile.user_id)
            if profile.user_id in groups.get("section_head", set()):
                heads[profile.department_id].append(profile.user_id)
    return County(
        county_centre=county_centre,
        workdays=workdays,
        workday_set=set(workdays),
        items=items,
        item_weights=weights,
        clerks=dict(clerks),
        agents=agents,
        approvers=dict(approvers),
        heads=dict(heads),
        definitions={code: builtin_definition(code).pk for code in ("instant", "promised", "promised_certify")},
        dept_uscc={d.id: d.uscc for d in departments.values()},
    )


def process_path(county: County, code: str, department_id: int, licence: bool) -> list[tuple[str, list]]:
    """[(serialized state while these tasks are ready, the ready tasks)] of a builtin process run
    with 同意 at every step: the states saved for open cases, so they can be worked on."""
    key = (code, department_id, licence)
    if key not in county.snapshots:
        from govhall.cases.models import ProcessDefinition
        from govhall.cases.workflows import engine

        model = engine.load(ProcessDefinition.objects.get(pk=county.definitions[code]).bpmn)
        uscc = county.dept_uscc[department_id]
        state, ready, finished = engine.start(model, {"departments": [uscc], "lead_department": uscc, "needs_certificate": licence})
        path = []
        while not finished:
            path.append((state, ready))
            state, ready, finished = engine.complete(state, ready[0].spiff_id, "approve")
        county.snapshots[key] = path
    return county.snapshots[key]


# --- the working-day clock, on date ordinals ------------------------------------------------------


def add_wd(county: County, day: int, n: int) -> int | None:
    """The n-th working day after `day` (None past the loaded calendar)."""
    if n == 0:
        return day
    i = bisect.bisect_right(county.workdays, day) + n - 1
    return county.workdays[i] if i < len(county.workdays) else None


def at(day: int, hours: float) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromordinal(day), dt.time(0), tzinfo=TZ) + dt.timedelta(hours=hours)


def office_after(county: County, when: dt.datetime, rng: random.Random, *, spread: float = 2.0) -> dt.datetime:
    """The first office moment (08:30–12:00, 14:30–17:30 on a working day) at or after `when`, plus
    a little handling time."""
    local = when.astimezone(TZ)
    day = local.date().toordinal()
    hour = (local - local.replace(hour=0, minute=0, second=0, microsecond=0)).total_seconds() / 3600
    if day in county.workday_set and hour < 17.0:
        start = max(hour, 8.5)
        if 12.0 <= start < 14.5:
            start = 14.5
        return at(day, min(start + rng.random() * spread, 17.4))
    following = add_wd(county, day, 1)
    return at(following or day + 1, 8.5 + rng.random() * spread)


def office_hours(rng: random.Random) -> float:
    return rng.choice((rng.uniform(8.6, 11.9), rng.uniform(14.6, 17.3)))


def daily_plan(county: County, total: int, first: dt.date, last: dt.date) -> list[tuple[dt.date, int]]:
    """Cases per day: exactly `total`, spread by year, month, weekday, holidays and the COVID dips."""
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


def channel_for(rng: random.Random, day: dt.date, workday: bool, town_item: bool) -> str:
    years = day.year - 2017 + day.timetuple().tm_yday / 366
    online = 0.08 + 0.04 * years
    mobile = max(0.0, 0.028 * (years - 2))
    if not workday:  # the hall is closed: only online
        return "mobile" if rng.random() < mobile / (online + mobile) else "online"
    r = rng.random()
    for channel, share in (
        ("online", online),
        ("mobile", mobile),
        ("kiosk", 0.03 if day.year >= 2019 else 0.0),
        ("agent_point", 0.15 if town_item else 0.03),
        ("cross_region", 0.01 if day.year >= 2021 else 0.0),
    ):
        if r < share:
            return channel
        r -= share
    return "window"
