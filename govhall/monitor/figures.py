"""The figures of the 监管大屏 (SUP-4): indicator totals and series by county, department, item,
window and region, read from the supervision rollups, and who may see which of them.

The counters and the indicator definitions are those of `govhall.supervision` (SUP-1); this module
adds what the dashboard needs on top: periods, the red thresholds (below), the worst items and
windows with a minimum volume, the region tree and the drill-down from an indicator to its cases.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.org.models import Department, Division, ServiceCentre, StaffProfile
from govhall.supervision import indicators
from govhall.supervision.indicators import CORE_CODES, INDICATORS, LOWER
from govhall.supervision.models import CaseFact, Rollup
from govhall.supervision.rollups import BAD_LEVELS, COUNTER_NAMES, ONLINE_CHANNELS, SATISFIED_LEVELS

COUNTERS = COUNTER_NAMES
CORE = list(CORE_CODES)  # 差评率, 超期率, 驳回率, 网办率
# The rates the dashboard and the scorecards use: code → (numerator counter, denominator counter).
RATES: dict[str, tuple[str, str]] = {
    code: (INDICATORS[code].numerator, INDICATORS[code].denominator) for code in (*CORE, "on_time_rate", "satisfaction_rate")
}

# The worst items and windows are ranked among those with at least this many cases in the
# indicator's denominator (办结数 for 超期率, 评价数 for 差评率), so that one case out of two
# does not top the list.
WORST_MIN_VOLUME = {"overdue_rate": 20, "bad_rating_rate": 10}
WORST_LIMIT = 10

GRAIN_MONTH, GRAIN_WEEK = "month", "week"
SERIES_MONTHS = 12
SERIES_WEEKS = 26


def indicator_label(code: str) -> str:
    return str(INDICATORS[code].name)


def indicator_definition(code: str) -> str:
    """The written definition: numerator ÷ denominator, which cases, which date decides the period."""
    i = INDICATORS[code]
    text = _("%(num)s ÷ %(den)s；统计范围：%(cases)s；按%(date)s归期。") % {
        "num": i.numerator_text,
        "den": i.denominator_text,
        "cases": i.cases,
        "date": i.period_label(),
    }
    return text + (str(i.note) if i.note else "")


def threshold_text(code: str) -> str:
    i = INDICATORS[code]
    sign = ">" if i.direction == LOWER else "<"
    return f"{sign} {i.red * 100:g}%"


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def is_red(code: str, value: float | None) -> bool:
    return INDICATORS[code].is_red(value)


def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


@dataclass
class Figures:
    """The summed counters of one key (department, item, …) over one period, and its rates."""

    key: str
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def count(self, name: str) -> int:
        return int(self.counts.get(name) or 0)

    def rate(self, code: str) -> float | None:
        return INDICATORS[code].value(self.counts)

    def volume(self, code: str) -> int:
        return self.count(RATES[code][1])

    def red(self, code: str) -> bool:
        return is_red(code, self.rate(code))

    def cells(self, codes: Sequence[str] = CORE) -> list[dict[str, Any]]:
        return [
            {
                "code": c,
                "name": indicator_label(c),
                "value": self.rate(c),
                "text": percent(self.rate(c)),
                "red": self.red(c),
                "volume": self.volume(c),
            }
            for c in codes
        ]

    @property
    def any_red(self) -> bool:
        return any(self.red(c) for c in CORE)

    def as_json(self, codes: Sequence[str] = CORE) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "counts": {name: self.count(name) for name in COUNTERS},
            "rates": {c: self.rate(c) for c in codes},
            "red": {c: self.red(c) for c in codes},
        }


# --- periods -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    label: str
    month: dt.date | None = None  # first day, when the period is one month

    @property
    def query(self) -> str:
        return f"month={self.month:%Y-%m}" if self.month else ""


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_period(month: dt.date) -> Period:
    first = month_start(month)
    return Period(first, add_months(first, 1) - dt.timedelta(days=1), f"{first.year}年{first.month}月", first)


def quarter_period(year: int, quarter: int) -> Period:
    first = dt.date(year, 3 * (quarter - 1) + 1, 1)
    return Period(first, add_months(first, 3) - dt.timedelta(days=1), f"{year}年第{quarter}季度")


def year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")


def rolling_period(today: dt.date | None = None) -> Period:
    """The last 12 months up to today (this month included)."""
    today = today or timezone.localdate()
    return Period(add_months(month_start(today), -(SERIES_MONTHS - 1)), today, str(_("近12个月")))


def parse_month(value: str | None) -> dt.date | None:
    """'2026-03' → 2026-03-01; None for anything else."""
    if not value:
        return None
    try:
        parsed = dt.datetime.strptime(value.strip(), "%Y-%m").date()
    except ValueError:
        return None
    return parsed if 2000 <= parsed.year <= 2100 else None


def period_from_query(value: str | None, today: dt.date | None = None) -> Period:
    month = parse_month(value)
    return month_period(month) if month else rolling_period(today)


def recent_months(today: dt.date | None = None, count: int = 24) -> list[dt.date]:
    first = month_start(today or timezone.localdate())
    return [add_months(first, -i) for i in range(count)]


# --- who sees what -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a user's dashboard covers: the whole county (department None) or one department."""

    department: Department | None

    @property
    def county(self) -> bool:
        return self.department is None


def scope_for_user(user) -> Scope:
    """The county for supervisors, auditors and centre admins; their own department for a
    department admin; 404 for everyone else."""
    if not user.is_authenticated or not user.has_perm("monitor.view_dashboard"):
        raise Http404
    if user.has_perm("monitor.view_county"):
        return Scope(None)
    try:
        department = user.staff.department
    except StaffProfile.DoesNotExist:
        department = None
    if department is None:
        raise Http404
    return Scope(department)


def require_county(user) -> None:
    if not user.is_authenticated or not user.has_perm("monitor.view_county"):
        raise Http404


def get_department_for_user(*, user, department_id: int) -> Department:
    scope = scope_for_user(user)
    if scope.department is not None and scope.department.pk != department_id:
        raise Http404
    department = Department.objects.filter(pk=department_id).first()
    if department is None:
        raise Http404
    return department


# --- counters from the rollups -----------------------------------------------------------------


def counts_by_key(dim: str, period: Period, keys: Iterable[Any] | None = None) -> dict[str, dict[str, int]]:
    """The counters of each key of `dim` with data, summed over the period."""
    rows = indicators.totals(dim, period.start, period.end, keys=None if keys is None else [str(k) for k in keys])
    return {row.key: row.counts for row in rows}


def totals(scope: Scope, period: Period) -> Figures:
    """The scope's counters over the period (the headline figures)."""
    if scope.department is None:
        found = counts_by_key(Rollup.DIM_COUNTY, period)
        counts = next(iter(found.values()), {})
        return Figures("", str(_("全县")), counts)
    found = counts_by_key(Rollup.DIM_DEPARTMENT, period, [scope.department.pk])
    return Figures(str(scope.department.pk), department_label(scope.department), found.get(str(scope.department.pk), {}))


def series(scope: Scope, grain: str, end: dt.date) -> list[Figures]:
    """The scope's counters per month (the last 12 months up to `end`) or per week (26 weeks);
    periods without cases are there, empty."""
    if grain == GRAIN_WEEK:
        start = end - dt.timedelta(days=end.weekday()) - dt.timedelta(weeks=SERIES_WEEKS - 1)
    else:
        start = add_months(month_start(end), -(SERIES_MONTHS - 1))
    if scope.department is None:
        rows = indicators.series(Rollup.DIM_COUNTY, grain, start, end)
    else:
        rows = indicators.series(Rollup.DIM_DEPARTMENT, grain, start, end, key=str(scope.department.pk))
    label = "%Y-%m" if grain != GRAIN_WEEK else "%m-%d"
    return [Figures(r.period.isoformat(), r.period.strftime(label), r.counts) for r in rows]


def department_label(department: Department) -> str:
    return department.short_name or department.name


def department_rows(scope: Scope, period: Period) -> list[Figures]:
    """Each department's figures over the period: all active departments for the county (those
    without cases too), the user's own department otherwise."""
    departments = (
        Department.objects.filter(is_active=True) if scope.department is None else Department.objects.filter(pk=scope.department.pk)
    )
    departments = departments.order_by("id")
    found = counts_by_key(Rollup.DIM_DEPARTMENT, period, None if scope.department is None else [scope.department.pk])
    return [Figures(str(d.pk), department_label(d), found.get(str(d.pk), {}), {"department": d}) for d in departments]


def worst(
    dim: str,
    code: str,
    period: Period,
    *,
    scope: Scope,
    min_volume: int | None = None,
    limit: int = WORST_LIMIT,
    counts: dict[str, dict[str, int]] | None = None,
) -> list[Figures]:
    """The items or windows with the highest rate of `code` (超期率, 差评率) among those with at
    least `min_volume` cases in its denominator; ties by volume. A department's dashboard ranks its
    own items only (windows serve many departments). `counts`: the dimension's counters over the
    period when the caller already has them (`worst_counts`), to rank by two indicators at once."""
    from govhall.catalog.models import Item
    from govhall.org.models import Window

    if scope.department is not None and dim != Rollup.DIM_ITEM:
        return []
    minimum = WORST_MIN_VOLUME.get(code, 10) if min_volume is None else min_volume
    found = counts if counts is not None else worst_counts(dim, period, scope=scope)
    rows = [Figures(key, "", counts) for key, counts in found.items()]
    rows = [r for r in rows if r.volume(code) >= max(minimum, 1) and (r.rate(code) or 0) > 0]
    rows.sort(key=lambda r: (-(r.rate(code) or 0), -r.volume(code), r.key))
    rows = rows[:limit]
    ids = [int(r.key) for r in rows if r.key.isdigit()]
    if dim == Rollup.DIM_ITEM:
        names = {
            i.pk: (i.name, i.department.short_name or i.department.name)
            for i in Item.objects.filter(pk__in=ids).select_related("department")
        }
        for r in rows:
            name, owner = names.get(int(r.key), (r.key, "")) if r.key.isdigit() else (r.key, "")
            r.label, r.extra["owner"] = name, owner
    else:
        windows = {w.pk: w for w in Window.objects.filter(pk__in=ids).select_related("centre")}
        for r in rows:
            w = windows.get(int(r.key)) if r.key.isdigit() else None
            r.label = f"{w.number} {w.name}" if w else r.key
            r.extra["owner"] = w.centre.name if w else ""
    return rows


def worst_counts(dim: str, period: Period, *, scope: Scope) -> dict[str, dict[str, int]]:
    """The counters `worst` ranks: every item or window, or a department's own items."""
    from govhall.catalog.models import Item

    if scope.department is None:
        return counts_by_key(dim, period)
    if dim != Rollup.DIM_ITEM:
        return {}
    return counts_by_key(dim, period, Item.objects.filter(department=scope.department).values_list("pk", flat=True))


# --- the region tree -----------------------------------------------------------------------------


def county_division() -> Division | None:
    """The county whose data this is: the division most facts belong to, at county level."""
    from django.conf import settings

    code = getattr(settings, "GOVHALL_COUNTY_CODE", "") or ""
    if code:
        found = Division.objects.filter(code=code).first()
        if found:
            return found
    department = Department.objects.select_related("division").order_by("id").first()
    if department is None:
        return None
    division: Division | None = department.division
    while division is not None and division.level > Division.LEVEL_COUNTY and division.parent_id:
        division = division.parent
    return division


def county_townships() -> list[Division]:
    """Every 苏木镇 (township-level division) of the county, by code: the units of the township
    scorecards and of the township 满意度调查."""
    county = county_division()
    found = Division.objects.filter(level=Division.LEVEL_TOWNSHIP)
    if county is not None:
        found = found.filter(code__startswith=county.code)
    return list(found.order_by("code"))


def region_tree(period: Period) -> dict[str, Any]:
    """county → 苏木镇 (townships, from the facts' divisions) → their departments and centres, each
    node with its 受理数 (the treemap's size), 超期率 and 差评率; a county-level group holds the
    county departments. Only nodes with cases are kept."""
    county = county_division()
    divisions = counts_by_key(Rollup.DIM_DIVISION, period)
    departments = counts_by_key(Rollup.DIM_DEPARTMENT, period)
    centres = counts_by_key(Rollup.DIM_CENTRE, period)
    total = next(iter(counts_by_key(Rollup.DIM_COUNTY, period).values()), {})

    def node(name: str, counts: dict[str, int], children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        figures = Figures("", name, counts)
        out: dict[str, Any] = {
            "name": name,
            "value": figures.count("accepted"),
            "overdue_rate": figures.rate("overdue_rate"),
            "bad_rating_rate": figures.rate("bad_rating_rate"),
            "red": figures.any_red,
        }
        if children:
            out["children"] = children
        return out

    county_code = county.code if county else ""
    township_counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for code, counts in divisions.items():
        if len(code) < 9 or (county_code and not code.startswith(county_code)):
            continue
        target = township_counts[code[:9]]
        for name in COUNTERS:
            target[name] += counts.get(name, 0)
    names = dict(Division.objects.filter(code__in=list(township_counts)).values_list("code", "name"))
    dept_by_division: dict[str, list[Department]] = defaultdict(list)
    for d in Department.objects.select_related("division").order_by("id"):
        dept_by_division[d.division_id[:9] if len(d.division_id) >= 9 else ""].append(d)
    centre_by_division: dict[str, list[ServiceCentre]] = defaultdict(list)
    for c in ServiceCentre.objects.order_by("id"):
        centre_by_division[c.division_id[:9] if len(c.division_id) >= 9 else ""].append(c)

    def units(code: str) -> list[dict[str, Any]]:
        out = [node(department_label(d), departments[str(d.pk)]) for d in dept_by_division.get(code, []) if str(d.pk) in departments]
        out += [node(c.name, centres[str(c.pk)]) for c in centre_by_division.get(code, []) if str(c.pk) in centres]
        return out

    children = []
    county_units = units("")
    if county_units:
        # The county departments' own cases (a case also counts under its centre: not added twice).
        direct: dict[str, int] = dict.fromkeys(COUNTERS, 0)
        for d in dept_by_division.get("", []):
            for name, value in departments.get(str(d.pk), {}).items():
                direct[name] += value
        children.append(node(str(_("旗县直属")), direct, county_units))
    for code in sorted(township_counts):
        children.append(node(names.get(code, code), township_counts[code], units(code)))
    return node(county.name if county else str(_("全县")), total, children)


# --- drill-down to the cases ---------------------------------------------------------------------

# Which facts make up an indicator's numerator, and which date puts them in a period.
DRILL_DATE = {code: INDICATORS[code].period_date for code in RATES}


def _numerator(code: str) -> Q:
    """The facts a counter counts, the same rule as `supervision.rollups.COUNTERS`."""
    return {
        "bad_rating_rate": Q(rating_level__in=BAD_LEVELS),
        "overdue_rate": Q(overdue=True),
        "rejection_rate": Q(status="not_accepted") | Q(decision="denied"),
        "online_rate": Q(channel__in=ONLINE_CHANNELS),
        "on_time_rate": Q(overdue=False),
        "satisfaction_rate": Q(rating_level__in=SATISFIED_LEVELS),
    }[code]


def _denominator(code: str) -> Q:
    date_field = DRILL_DATE[code]
    if date_field == "rated_on":
        return Q(rating_level__isnull=False, rated_on__isnull=False)
    if date_field == "decided_on":
        return Q(decided_on__isnull=False)
    return Q()


DRILL_NUMERATOR, DRILL_DENOMINATOR, DRILL_REST = "numerator", "all", "rest"


def drill_facts(*, department: Department, code: str, period: Period, which: str = DRILL_NUMERATOR) -> QuerySet[CaseFact]:
    """The department's facts behind an indicator in the period: those counted in the numerator
    (e.g. the overdue ones), all in the denominator, or the rest (e.g. the ones not handled online)."""
    if code not in RATES:
        raise Http404
    date_field = DRILL_DATE[code]
    facts = CaseFact.objects.filter(
        Q(department=department) & Q(**{f"{date_field}__gte": period.start, f"{date_field}__lte": period.end}) & _denominator(code)
    )
    if which == DRILL_NUMERATOR:
        facts = facts.filter(_numerator(code))
    elif which == DRILL_REST:
        facts = facts.exclude(_numerator(code))
    return facts.select_related("item", "window", "case", "staff").order_by(f"-{date_field}", "-id")


# --- anomalies (SUP-2/3, govhall.anomalies) --------------------------------------------------------


def anomaly_summary(period: Period | None = None) -> dict[str, Any] | None:
    """`govhall.anomalies.selectors.summary(start, end)`; None when that app does not provide it."""
    try:
        from govhall.anomalies import selectors
    except ImportError:
        return None
    summary = getattr(selectors, "summary", None)
    if summary is None:
        return None
    return summary(period.start, period.end) if period else summary()


def anomaly_rows(scope: Scope, period: Period | None = None) -> list[tuple[str, Any]]:
    """The anomaly and task figures of the scope in the period (open ones as of today), labelled."""
    found = anomaly_summary(period)
    if not found:
        return []
    if scope.department is not None:
        by_department = found.get("departments", {})
        mine = by_department.get(scope.department.pk) or by_department.get(str(scope.department.pk)) or {}
        return [
            (str(_("待复核异常")), mine.get("open_hits", 0)),
            (str(_("未办结任务")), mine.get("tasks_open", 0)),
            (str(_("超期任务")), mine.get("tasks_overdue", 0)),
            (str(_("异常线索")), mine.get("hits", 0)),
            (str(_("交办任务")), mine.get("tasks", 0)),
            (str(_("整改建议")), mine.get("suggestions", 0)),
            (str(_("采纳建议")), mine.get("adopted", 0)),
        ]
    hits, tasks, suggestions = found.get("hits", {}), found.get("tasks", {}), found.get("suggestions", {})
    return [
        (str(_("待复核异常")), hits.get("pending", 0)),
        (str(_("未办结任务")), tasks.get("open", 0)),
        (str(_("超期任务")), tasks.get("overdue", 0)),
        (str(_("异常线索")), hits.get("total", 0)),
        (str(_("已复核（排除）")), hits.get("dismissed", 0)),
        (str(_("已复核（交办）")), hits.get("assigned", 0)),
        (str(_("交办任务")), tasks.get("total", 0)),
        (str(_("已整改任务")), tasks.get("done", 0)),
        (str(_("整改建议")), suggestions.get("total", 0)),
        (str(_("采纳建议")), suggestions.get("adopted", 0)),
    ] + [
        (str(_("整改成效：%(label)s")) % {"label": outcome.get("label", code)}, outcome.get("count", 0))
        for code, outcome in found.get("outcomes", {}).items()
        if outcome.get("count")
    ]
