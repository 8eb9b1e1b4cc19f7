"""The indicators of SUP-1: definitions, and figures summed from the rollups.

Every figure is a ratio of two rollup counters summed over a period (never an average of daily
ratios), so any period, dimension and grain adds up the same way. Functions here read only the
rollup tables, never the facts: the month rows (`RollupMonth`) for the calendar months wholly
inside the period of a month, year or whole-period figure, the day rows (`Rollup`) for the rest —
one SQL statement per call, whatever the number of facts.

Return shapes (used by the dashboard, the scorecards and the monthly report):

- `table(dim, grain, start, end, keys=None) -> list[Row]`, one Row per (key, period) that has
  data, sorted by key label then period. `grain` is "day", "week" (ISO week, starting Monday),
  "month", "year" or "total" (one period: `start`).
- `totals(dim, start, end, keys=None) -> list[Row]`: `table(..., grain="total")`.
- `series(dim, grain, start, end, key="") -> list[Row]`: one key over time, every period present
  (empty periods have zero counts and None values).
- `Row.key` (str, "" for the county), `Row.label`, `Row.period` (the period's first day, a
  `datetime.date`), `Row.counts` ({counter: int} for all of `rollups.COUNTER_NAMES`) and
  `Row.values` ({indicator code: float | None}, None when the denominator is zero). Rates are
  fractions (0.0123 = 1.23 %); `avg_visits` is visits per case.
- `Row.red(code)` tells whether the value is beyond the indicator's red threshold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from django.db import connection
from django.utils.translation import gettext_lazy as _

from govhall.supervision.models import Rollup, RollupMonth
from govhall.supervision.rollups import COUNTER_NAMES, DIMS

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

HIGHER, LOWER = "higher", "lower"
PERCENT, PER_CASE = "%", "次/件"
GRAINS = ["day", "week", "month", "year", "total"]
GRAIN_LABELS = {"day": _("日"), "week": _("周"), "month": _("月"), "year": _("年"), "total": _("合计")}


# Texts are translated lazily (shown in the reader's language).
Text: TypeAlias = "str | _StrPromise"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Text
    numerator: str  # rollup counter
    denominator: str  # rollup counter
    numerator_text: Text
    denominator_text: Text
    cases: Text  # which cases count
    period_date: str  # accepted_on / decided_on / rated_on
    direction: str  # HIGHER or LOWER is better
    red: float  # beyond this (in the bad direction) the figure is red
    unit: str = PERCENT
    complement: bool = False  # value = 1 − numerator / denominator
    core: bool = False  # one of the four core indicators (四项核心指标)
    note: Text = ""

    def value(self, counts: dict[str, int]) -> float | None:
        den = counts.get(self.denominator, 0)
        if not den:
            return None
        ratio = counts.get(self.numerator, 0) / den
        return 1 - ratio if self.complement else ratio

    def is_red(self, value: float | None) -> bool:
        if value is None:
            return False
        return value > self.red if self.direction == LOWER else value < self.red

    def period_label(self) -> str:
        return str(PERIOD_DATE_LABELS[self.period_date])

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": str(self.name),
            "numerator": str(self.numerator_text),
            "denominator": str(self.denominator_text),
            "cases": str(self.cases),
            "period_date": self.period_date,
            "period_date_label": self.period_label(),
            "direction": self.direction,
            "red_threshold": self.red,
            "unit": self.unit,
            "core": self.core,
            "note": str(self.note),
        }


PERIOD_DATE_LABELS = {"accepted_on": _("受理日期"), "decided_on": _("办结日期（作出决定或不予受理之日）"), "rated_on": _("评价日期")}

_DECIDED_CASES = _("期内办结的办件：作出准予或不予许可决定的，以及不予受理的（撤回、终止的不计）")
_ACCEPTED_CASES = _("期内受理的办件（含容缺受理；不予受理、撤回前未受理的不计）")
_RATED_CASES = _("期内作出一事一评或一次一评且关联到办件的评价（同一办件取最新一次）")

_LIST = [
    Indicator(
        "bad_rating_rate",
        _("差评率"),
        "bad_rated",
        "rated",
        _("差评数（评价等级为“不满意”或“非常不满意”）"),
        _("评价数"),
        _RATED_CASES,
        "rated_on",
        LOWER,
        0.01,
        core=True,
    ),
    Indicator(
        "overdue_rate",
        _("超期率"),
        "overdue",
        "decided",
        _("超期办结数（作出决定之日晚于办理期限）"),
        _("办结数"),
        _DECIDED_CASES,
        "decided_on",
        LOWER,
        0.02,
        core=True,
        note=_("办理期限已扣除特别程序、加上批准的延期；尚未办结的超期件不计入（见超期预警）"),
    ),
    Indicator(
        "rejection_rate",
        _("驳回率"),
        "rejected",
        "decided",
        _("驳回数 = 不予受理数 + 不予许可（不予决定）数"),
        _("办结数"),
        _DECIDED_CASES,
        "decided_on",
        LOWER,
        0.10,
        core=True,
        note=_("补正、退回重审不算驳回；撤回、终止不计入分子分母"),
    ),
    Indicator(
        "online_rate",
        _("网办率"),
        "online",
        "accepted",
        _("网上受理数（渠道为网上办或掌上办）"),
        _("受理数"),
        _ACCEPTED_CASES,
        "accepted_on",
        HIGHER,
        0.60,
        core=True,
    ),
    Indicator(
        "on_time_rate",
        _("按期办结率"),
        "on_time",
        "decided",
        _("按期办结数（作出决定之日不晚于办理期限）"),
        _("办结数"),
        _DECIDED_CASES,
        "decided_on",
        HIGHER,
        0.98,
    ),
    Indicator(
        "satisfaction_rate",
        _("满意率"),
        "satisfied",
        "rated",
        _("满意数（评价等级为“满意”或“非常满意”）"),
        _("评价数"),
        _RATED_CASES,
        "rated_on",
        HIGHER,
        0.90,
        note=_("“基本满意”既不计满意也不计差评"),
    ),
    Indicator(
        "full_online_rate",
        _("一网通办率"),
        "full_online",
        "accepted",
        _("全程网办数（网上申请、事项网办深度为全程网办、零跑动、非窗口领取）"),
        _("受理数"),
        _ACCEPTED_CASES,
        "accepted_on",
        HIGHER,
        0.50,
    ),
    Indicator(
        "instant_share",
        _("即办件比例"),
        "instant",
        "accepted",
        _("即办件受理数（事项办件类型为即办件）"),
        _("受理数"),
        _ACCEPTED_CASES,
        "accepted_on",
        HIGHER,
        0.30,
    ),
    Indicator(
        "on_the_spot_share",
        _("立等可取比例"),
        "on_the_spot",
        "decided",
        _("立等可取数（受理当日作出准予决定）"),
        _("办结数"),
        _DECIDED_CASES,
        "decided_on",
        HIGHER,
        0.20,
    ),
    Indicator(
        "avg_visits",
        _("平均跑动次数"),
        "visits",
        "accepted",
        _("跑动次数合计（申请人为该办件到大厅的天数，每天最多计一次）"),
        _("受理数"),
        _ACCEPTED_CASES,
        "accepted_on",
        LOWER,
        1.0,
        unit=PER_CASE,
        note=_("“最多跑一次”：超过 1 次/件为红"),
    ),
    Indicator(
        "time_compression",
        _("时限压缩率"),
        "used_days",
        "legal_days",
        _("实际用时合计（受理次日至决定日的工作日，扣除特别程序）"),
        _("法定时限合计（工作日）"),
        _("期内办结、法定时限大于 0 且有实际用时的办件"),
        "decided_on",
        HIGHER,
        0.50,
        complement=True,
        note=_("时限压缩率 = 1 − 实际用时合计 ÷ 法定时限合计"),
    ),
]
INDICATORS: dict[str, Indicator] = {i.code: i for i in _LIST}
CORE_CODES = [i.code for i in _LIST if i.core]


@dataclass
class Row:
    key: str
    label: str
    period: dt.date
    counts: dict[str, int] = field(default_factory=dict)
    values: dict[str, float | None] = field(default_factory=dict)

    def red(self, code: str) -> bool:
        return INDICATORS[code].is_red(self.values.get(code))

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "period": self.period.isoformat(),
            "counts": self.counts,
            "values": self.values,
            "red": [code for code in self.values if self.red(code)],
        }


def _compile_values() -> Callable[[Sequence[int]], dict[str, float | None]]:
    """A function from a row of counters (a sequence in COUNTER_NAMES order) to the indicator
    values, generated from the definitions as one dict display: the table of a department × month
    over ten years computes thousands of these, and a loop over the definitions per row costs more
    than the query. Value: numerator / denominator (1 − that for a complement), None when the
    denominator is zero — as `Indicator.value`."""
    items = []
    for i in _LIST:
        num, den = COUNTER_NAMES.index(i.numerator), COUNTER_NAMES.index(i.denominator)
        ratio = f"c[{num}] / c[{den}]"
        items.append(f"{i.code!r}: ({'1 - ' + ratio if i.complement else ratio}) if c[{den}] else None")
    source = "def values(c):\n    return {" + ", ".join(items) + "}\n"
    namespace: dict = {}
    exec(compile(source, "<indicators._values>", "exec"), namespace)  # noqa: S102 - our own definitions only
    return namespace["values"]


_values = _compile_values()


def compute_values(counts: dict[str, int]) -> dict[str, float | None]:
    return _values([counts.get(name, 0) for name in COUNTER_NAMES])


def _bucket_sql(grain: str, column: str) -> str:
    if grain == "total":
        return "NULL"
    if grain == "day" or (grain == "month" and column == "month"):
        return column
    vendor = connection.vendor
    if vendor == "postgresql":
        return f"CAST(date_trunc('{grain}', CAST({column} AS timestamp)) AS date)"
    if vendor == "sqlite":
        return {
            "week": f"date({column}, 'weekday 0', '-6 days')",
            "month": f"strftime('%%Y-%%m-01', {column})",
            "year": f"strftime('%%Y-01-01', {column})",
        }[grain]
    raise NotImplementedError(vendor)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _whole_months(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first days of the first and the last calendar month lying wholly within start..end
    (None when there is no such month)."""
    first = start if start.day == 1 else _next_month(start)
    after = (end + dt.timedelta(days=1)).replace(day=1)  # the day after the last whole month
    if first >= after:
        return None
    return first, (after - dt.timedelta(days=1)).replace(day=1)


_DATES: dict[str, dt.date] = {}  # SQLite returns dates as text: parsed once per distinct value


def _as_date(value) -> dt.date:
    if type(value) is dt.date:
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)[:10]
    day = _DATES.get(text)
    if day is None:
        day = _DATES[text] = dt.date.fromisoformat(text)
    return day


def period_start(day: dt.date, grain: str) -> dt.date:
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "year":
        return day.replace(month=1, day=1)
    return day


def periods(start: dt.date, end: dt.date, grain: str) -> list[dt.date]:
    """The first days of every period of `grain` from `start` to `end` (inclusive)."""
    if grain == "total":
        return [start]
    result: list[dt.date] = []
    day = period_start(start, grain)
    while day <= end:
        result.append(day)
        if grain == "day":
            day += dt.timedelta(days=1)
        elif grain == "week":
            day += dt.timedelta(days=7)
        elif grain == "month":
            day = _next_month(day)
        else:
            day = day.replace(year=day.year + 1)
    return result


def _check(dim: str, grain: str) -> None:
    if dim not in DIMS:
        raise ValueError(f"unknown dimension {dim!r}")
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}")


def _fetch(dim: str, grain: str, start: dt.date, end: dt.date, keys: Iterable[str] | None) -> list[tuple]:
    """Rows (key, period, *counters in COUNTER_NAMES order), one per (key, period) with data,
    summed in the database in one statement.

    Month, year and whole-period figures read the month rows (`RollupMonth`) for the calendar
    months lying wholly within start..end, and the day rows (`Rollup`) only for the partial months
    at either end — a department × month table over ten years reads a few thousand month rows and
    at most two months of day rows. Day and week figures read the day rows."""
    _check(dim, grain)
    adapt = connection.ops.adapt_datefield_value
    key_where, key_params = "", []
    if keys is not None:
        key_params = [str(k) for k in keys]
        if not key_params:
            return []
        key_where = " AND key IN (" + ", ".join(["%s"] * len(key_params)) + ")"
    counters = ", ".join(COUNTER_NAMES)
    branches: list[tuple[str, str, str]] = []  # (table, date column, bucket expression)
    params: list = []
    day_ranges = [(start, end)]
    whole = _whole_months(start, end) if grain in ("month", "year", "total") else None
    if whole is not None:
        first, last = whole
        branches.append((RollupMonth._meta.db_table, "month", _bucket_sql(grain, "month")))
        params += [dim, adapt(first), adapt(last), *key_params]
        day_ranges = []
        if start < first:
            day_ranges.append((start, first - dt.timedelta(days=1)))
        if end >= _next_month(last):
            day_ranges.append((_next_month(last), end))
    for low, high in day_ranges:
        branches.append((Rollup._meta.db_table, "day", _bucket_sql(grain, "day")))
        params += [dim, adapt(low), adapt(high), *key_params]
    if grain in ("year", "total") and len(branches) > 1:
        # A year or the whole period adds month rows and day rows: one outer SUM over the plain
        # integer columns (bigint, never numeric, on PostgreSQL).
        selects = [
            f"SELECT key, {bucket} AS p, {counters} FROM {table} WHERE dim = %s AND {column} >= %s AND {column} <= %s{key_where}"
            for table, column, bucket in branches
        ]
        sums = ", ".join(f"SUM({c})" for c in COUNTER_NAMES)
        sql = f"SELECT key, p, {sums} FROM ({' UNION ALL '.join(selects)}) AS parts GROUP BY key, p"
    else:
        # The branches cover different periods (whole months from the month rows, the partial
        # months at either end from the day rows), so each is summed on its own; rows already one
        # per (key, period) — days from the day rows, months from the month rows — are read as
        # they are.
        selects = []
        for table, column, bucket in branches:
            where = f"dim = %s AND {column} >= %s AND {column} <= %s{key_where}"
            if bucket == column:
                selects.append(f"SELECT key, {column} AS p, {counters} FROM {table} WHERE {where}")
            else:
                sums = ", ".join(f"SUM({c})" for c in COUNTER_NAMES)
                group = "key" if grain == "total" else f"key, {bucket}"
                selects.append(f"SELECT key, {bucket} AS p, {sums} FROM {table} WHERE {where} GROUP BY {group}")
        sql = " UNION ALL ".join(selects)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def sums(
    dim: str, grain: str, start: dt.date, end: dt.date, *, keys: Iterable[str] | None = None
) -> dict[tuple[str, dt.date], dict[str, int]]:
    """{(key, period start): counts} summed in the database from the rollups."""
    total = grain == "total"
    return {
        (key, start if total else _as_date(period)): dict(zip(COUNTER_NAMES, values, strict=True))
        for key, period, *values in _fetch(dim, grain, start, end, keys)
    }


def table(dim: str, grain: str, start: dt.date, end: dt.date, *, keys: Iterable[str] | None = None) -> list[Row]:
    """The indicators per key of `dim` and period of `grain` between `start` and `end` (inclusive,
    by the date each counter counts on). `keys` limits the keys (None: all; [] gives nothing).
    Only (key, period) pairs with data appear. Sorted by label, then period."""
    found = _fetch(dim, grain, start, end, keys)
    names = labels(dim, {r[0] for r in found})
    # Sorted by label, key and period: the keys' order once, then the rows by (key's place, period).
    place = {key: i for i, key in enumerate(sorted({r[0] for r in found}, key=lambda k: (names.get(k, k), k)))}
    total = grain == "total"
    if not total:
        found.sort(key=lambda r: (place[r[0]], _as_date(r[1])))
    else:
        found.sort(key=lambda r: place[r[0]])
    counter_names, values = COUNTER_NAMES, _values
    return [
        Row(key, names.get(key, key), start if total else _as_date(period), dict(zip(counter_names, counts, strict=True)), values(counts))
        for key, period, *counts in found
    ]


def totals(dim: str, start: dt.date, end: dt.date, *, keys: Iterable[str] | None = None) -> list[Row]:
    """One Row per key with data: the whole period summed (Row.period = start)."""
    return table(dim, "total", start, end, keys=keys)


def series(dim: str, grain: str, start: dt.date, end: dt.date, *, key: str = "") -> list[Row]:
    """One key over time: a Row for every period from start to end, empty ones included."""
    found = sums(dim, grain, start, end, keys=[key])
    label = labels(dim, {key}).get(key, key)
    empty = dict.fromkeys(COUNTER_NAMES, 0)
    rows = []
    for period in periods(start, end, grain):
        counts = found.get((key, period))
        if counts is None:
            rows.append(Row(key=key, label=label, period=period, counts=dict(empty), values=dict.fromkeys(INDICATORS)))
        else:
            rows.append(Row(key=key, label=label, period=period, counts=counts, values=compute_values(counts)))
    return rows


def labels(dim: str, keys: Iterable[str]) -> dict[str, str]:
    """Display names for keys of a dimension: department name, window "中心 窗口号", item name,
    staff name, division name, centre name; the county is “全县”."""
    from django.contrib.auth import get_user_model

    from govhall.catalog.models import Item
    from govhall.org.models import Department, Division, ServiceCentre, Window

    keys = {k for k in keys}
    if dim == Rollup.DIM_COUNTY:
        return {k: str(_("全县")) for k in keys}
    if dim == Rollup.DIM_DIVISION:
        return dict(Division.objects.filter(code__in=keys).values_list("code", "name"))
    ids = [int(k) for k in keys if k.isdigit()]
    if dim == Rollup.DIM_DEPARTMENT:
        return {str(pk): name for pk, name in Department.objects.filter(pk__in=ids).values_list("pk", "name")}
    if dim == Rollup.DIM_CENTRE:
        return {str(pk): name for pk, name in ServiceCentre.objects.filter(pk__in=ids).values_list("pk", "name")}
    if dim == Rollup.DIM_WINDOW:
        return {
            str(pk): f"{centre} {number}"
            for pk, centre, number in Window.objects.filter(pk__in=ids).values_list("pk", "centre__name", "number")
        }
    if dim == Rollup.DIM_ITEM:
        return {str(pk): name for pk, name in Item.objects.filter(pk__in=ids).values_list("pk", "name")}
    if dim == Rollup.DIM_STAFF:
        result = {}
        for user in get_user_model().objects.filter(pk__in=ids).only("username", "first_name", "last_name"):
            result[str(user.pk)] = user.get_full_name() or user.username
        return result
    return {}


def definitions() -> list[dict]:
    """Every indicator's written definition, in display order."""
    return [i.as_dict() for i in _LIST]


def format_value(code: str, value: float | None) -> str:
    if value is None:
        return "—"
    if INDICATORS[code].unit == PERCENT:
        return f"{value * 100:.2f}%"
    return f"{value:.2f}"
