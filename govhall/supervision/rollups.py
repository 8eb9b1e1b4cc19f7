"""Rollups: the indicator counters per (dimension, key, day), kept in step with the facts.

A fact contributes to one row per dimension on each of up to three days:

- on its 受理日期 (`accepted_on`): accepted, online, full_online, instant, visits;
- on its 决定日期 (`decided_on`): decided, on_time, overdue, rejected, on_the_spot, limit_days,
  legal_days, used_days;
- on its 评价日期 (`rated_on`): rated, bad_rated, satisfied.

The dimensions and their keys (always text): county "" (one row per day for the whole county),
division (区划代码), department, centre, window, item, staff (受理人) — the primary keys as text.
A fact without a centre, window or staff has no row in that dimension.

`COUNTERS` below is the single definition: each counter has a Python rule (for incremental
updates) and the equivalent SQL expression (for `rebuild`), so that rebuild equals incremental.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from govhall.supervision.models import CaseFact, Rollup, RollupMonth

# 网上受理: the case came in through the web portal or the mobile app.
ONLINE_CHANNELS = ("online", "mobile")
# 评价等级: 1–2 are 差评 (国办发〔2019〕51号); 4–5 (满意, 非常满意) count as 满意.
BAD_LEVELS = (1, 2)
SATISFIED_LEVELS = (4, 5)

ACCEPTED, DECIDED, RATED = "accepted_on", "decided_on", "rated_on"


def _timed(f: Any) -> bool:
    """A decided case whose working-day use can be set against a legal limit (时限压缩率)."""
    return bool(f.legal_limit_days) and f.used_days is not None


@dataclass(frozen=True)
class Counter:
    name: str
    date: str  # which date of the fact the counter counts on
    value: Callable[[Any], int]
    sql: str  # the same rule over casefact columns (summed by rebuild)


_ONLINE_SQL = "CASE WHEN channel IN ('online', 'mobile') THEN 1 ELSE 0 END"
_TIMED_SQL = "legal_limit_days > 0 AND used_days IS NOT NULL"

COUNTERS: list[Counter] = [
    Counter("accepted", ACCEPTED, lambda f: 1, "1"),
    Counter("online", ACCEPTED, lambda f: int(f.channel in ONLINE_CHANNELS), _ONLINE_SQL),
    Counter("full_online", ACCEPTED, lambda f: int(bool(f.full_online)), "CASE WHEN full_online THEN 1 ELSE 0 END"),
    Counter("instant", ACCEPTED, lambda f: int(bool(f.instant)), "CASE WHEN instant THEN 1 ELSE 0 END"),
    Counter("visits", ACCEPTED, lambda f: int(f.visits or 0), "COALESCE(visits, 0)"),
    Counter("decided", DECIDED, lambda f: 1, "1"),
    Counter("on_time", DECIDED, lambda f: int(not f.overdue), "CASE WHEN overdue THEN 0 ELSE 1 END"),
    Counter("overdue", DECIDED, lambda f: int(bool(f.overdue)), "CASE WHEN overdue THEN 1 ELSE 0 END"),
    Counter(
        "rejected",
        DECIDED,
        lambda f: int(f.status == "not_accepted" or f.decision == "denied"),
        "CASE WHEN status = 'not_accepted' OR decision = 'denied' THEN 1 ELSE 0 END",
    ),
    Counter(
        "on_the_spot",
        DECIDED,
        lambda f: int(f.decision == "approved" and f.decided_on == f.accepted_on),
        "CASE WHEN decision = 'approved' AND decided_on = accepted_on THEN 1 ELSE 0 END",
    ),
    Counter(
        "limit_days",
        DECIDED,
        lambda f: int(f.limit_days or 0) if _timed(f) else 0,
        f"CASE WHEN {_TIMED_SQL} THEN COALESCE(limit_days, 0) ELSE 0 END",
    ),
    Counter(
        "legal_days",
        DECIDED,
        lambda f: int(f.legal_limit_days) if _timed(f) else 0,
        f"CASE WHEN {_TIMED_SQL} THEN legal_limit_days ELSE 0 END",
    ),
    Counter("used_days", DECIDED, lambda f: int(f.used_days) if _timed(f) else 0, f"CASE WHEN {_TIMED_SQL} THEN used_days ELSE 0 END"),
    Counter("rated", RATED, lambda f: 1, "1"),
    Counter("bad_rated", RATED, lambda f: int(f.rating_level in BAD_LEVELS), "CASE WHEN rating_level IN (1, 2) THEN 1 ELSE 0 END"),
    Counter("satisfied", RATED, lambda f: int(f.rating_level in SATISFIED_LEVELS), "CASE WHEN rating_level IN (4, 5) THEN 1 ELSE 0 END"),
]
COUNTER_NAMES = [c.name for c in COUNTERS]
_INDEX = {name: i for i, name in enumerate(COUNTER_NAMES)}
# (date attribute, [(position, counter)]) for each of the three dates.
_BY_DATE = [(d, [(i, c) for i, c in enumerate(COUNTERS) if c.date == d]) for d in (ACCEPTED, DECIDED, RATED)]
# The rated date counts only when there is a level.
_DATE_SQL_CONDITION = {
    ACCEPTED: "accepted_on IS NOT NULL",
    DECIDED: "decided_on IS NOT NULL",
    RATED: "rated_on IS NOT NULL AND rating_level IS NOT NULL",
}

DIMS = [d for d, _label in Rollup.DIM_CHOICES]
# The fact attribute holding each dimension's key (None: the whole county, key "").
DIM_ATTRS: dict[str, str | None] = {
    Rollup.DIM_COUNTY: None,
    Rollup.DIM_DIVISION: "division_id",
    Rollup.DIM_DEPARTMENT: "department_id",
    Rollup.DIM_CENTRE: "centre_id",
    Rollup.DIM_WINDOW: "window_id",
    Rollup.DIM_ITEM: "item_id",
    Rollup.DIM_STAFF: "staff_id",
}

RowKey = tuple[str, str, dt.date]


def fact_dim_keys(fact: Any) -> list[tuple[str, str]]:
    """The (dim, key) pairs a fact counts under."""
    pairs = [(Rollup.DIM_COUNTY, "")]
    for dim, attr in DIM_ATTRS.items():
        if attr is None:
            continue
        value = getattr(fact, attr)
        if value is not None and value != "":
            pairs.append((dim, str(value)))
    return pairs


def contributions(fact: Any) -> dict[RowKey, list[int]]:
    """What one fact adds to the rollups: {(dim, key, day): [counter values in COUNTER_NAMES order]}."""
    result: dict[RowKey, list[int]] = {}
    _add_fact(result, fact, 1)
    return result


def _add_fact(acc: dict[RowKey, list[int]], fact: Any, sign: int) -> None:
    dates: tuple[str, ...] = (ACCEPTED, DECIDED) if fact.rating_level is None else (ACCEPTED, DECIDED, RATED)
    pairs = None
    width = len(COUNTERS)
    for date_attr, counters in _BY_DATE:
        if date_attr not in dates:
            continue
        day = getattr(fact, date_attr)
        if day is None:
            continue
        values = [(i, c.value(fact) * sign) for i, c in counters]
        if pairs is None:
            pairs = fact_dim_keys(fact)
        for dim, key in pairs:
            row = acc.get((dim, key, day))
            if row is None:
                row = acc[(dim, key, day)] = [0] * width
            for i, v in values:
                row[i] += v


def delta(old: Any | None, new: Any | None) -> dict[RowKey, list[int]]:
    """Contribution of `new` minus that of `old` (either may be None), zero rows left out."""
    acc: dict[RowKey, list[int]] = {}
    if old is not None:
        _add_fact(acc, old, -1)
    if new is not None:
        _add_fact(acc, new, 1)
    return {k: v for k, v in acc.items() if any(v)}


@dataclass(frozen=True)
class _Target:
    table: str
    date_column: str  # "day" or "month"

    @property
    def columns(self) -> list[str]:
        return ["dim", "key", self.date_column, *COUNTER_NAMES]

    @property
    def conflict(self) -> str:
        return f"ON CONFLICT (dim, key, {self.date_column}) DO UPDATE SET " + ", ".join(
            f"{c} = {self.table}.{c} + excluded.{c}" for c in COUNTER_NAMES
        )


DAY = _Target(Rollup._meta.db_table, "day")
MONTH = _Target(RollupMonth._meta.db_table, "month")
_UPSERT_CHUNK = 500  # rows per multi-row VALUES statement (SQLite)
_ARRAY_CHUNK = 50_000  # rows per unnest() statement (PostgreSQL)


def _months(rows: dict[RowKey, list[int]]) -> dict[RowKey, list[int]]:
    result: dict[RowKey, list[int]] = {}
    for (dim, key, day), values in rows.items():
        month = day.replace(day=1)
        row = result.get((dim, key, month))
        if row is None:
            result[(dim, key, month)] = list(values)
        else:
            for i, v in enumerate(values):
                row[i] += v
    return {k: v for k, v in result.items() if any(v)}


def _upsert(cursor, target: _Target, items: list[tuple[RowKey, list[int]]]) -> None:
    if connection.vendor == "postgresql":
        # One array per column: 19 parameters whatever the number of rows, so the statement is
        # parsed once and the rows travel as arrays (a multi-row VALUES with 10 000 placeholders
        # spends its time in the driver's query parsing).
        arrays = ", ".join(["%s::text[]", "%s::text[]", "%s::date[]", *["%s::int[]"] * len(COUNTER_NAMES)])
        sql = f"INSERT INTO {target.table} ({', '.join(target.columns)}) SELECT * FROM unnest({arrays}) {target.conflict}"
        for start in range(0, len(items), _ARRAY_CHUNK):
            columns: list[list[Any]] = [[] for _c in target.columns]
            for (dim, key, day), values in items[start : start + _ARRAY_CHUNK]:
                columns[0].append(dim)
                columns[1].append(key)
                columns[2].append(day)
                for i, v in enumerate(values, start=3):
                    columns[i].append(v)
            cursor.execute(sql, columns)
        return
    adapt = connection.ops.adapt_datefield_value
    placeholders = "(" + ", ".join(["%s"] * len(target.columns)) + ")"
    for start in range(0, len(items), _UPSERT_CHUNK):
        chunk = items[start : start + _UPSERT_CHUNK]
        params: list[Any] = []
        for (dim, key, day), values in chunk:
            params.extend((dim, key, adapt(day)))
            params.extend(values)
        sql = f"INSERT INTO {target.table} ({', '.join(target.columns)}) VALUES {', '.join([placeholders] * len(chunk))} {target.conflict}"
        cursor.execute(sql, params)


def _delete_zero_rows(cursor, target: _Target, items: list[tuple[RowKey, list[int]]]) -> None:
    negative = [(dim, key, connection.ops.adapt_datefield_value(day)) for (dim, key, day), values in items if any(v < 0 for v in values)]
    if negative:
        zero = " AND ".join(f"{c} = 0" for c in COUNTER_NAMES)
        cursor.executemany(f"DELETE FROM {target.table} WHERE dim = %s AND key = %s AND {target.date_column} = %s AND {zero}", negative)


def apply_delta(rows: dict[RowKey, list[int]]) -> int:
    """Add counter deltas (keyed by day) to the day and month rollup rows (created as needed) with
    atomic increments; rows left all zero by a negative delta are deleted, so incremental rows equal
    rebuilt ones. Returns the number of day rows touched."""
    if not rows:
        return 0
    days = list(rows.items())
    months = list(_months(rows).items())
    with transaction.atomic(), connection.cursor() as cursor:
        _upsert(cursor, DAY, days)
        _upsert(cursor, MONTH, months)
        _delete_zero_rows(cursor, DAY, days)
        _delete_zero_rows(cursor, MONTH, months)
    return len(days)


def apply_facts(facts: Iterable[Any], sign: int = 1) -> int:
    """Add (`sign=1`) or remove (`sign=-1`) the facts' contributions to the rollups, in bulk.

    `facts` are CaseFact instances (saved or not) or any objects with the same attributes
    (`*_id` foreign keys, dates as `datetime.date`). Contributions are summed in Python first, then
    written to the day rows (`Rollup`) and the month rows (`RollupMonth`) with atomic increments —
    `INSERT … ON CONFLICT (dim, key, day) DO UPDATE SET x = x + excluded.x`, as multi-row VALUES of
    500 rows on SQLite and as one `INSERT … SELECT * FROM unnest(arrays)` per 50 000 rows on
    PostgreSQL — inside one transaction (the caller's, when there is one). The caller keeps facts
    and rollups in step: add a fact's contribution when the fact is written, remove it (sign=-1,
    with the values as they were) before the fact changes or is deleted.

    For large imports of facts already written to the table, `apply_stored` does the same in SQL.
    Returns the number of day rows touched.
    """
    if sign not in (1, -1):
        raise ValueError("sign must be 1 or -1")
    acc: dict[RowKey, list[int]] = {}
    for fact in facts:
        _add_fact(acc, fact, sign)
    return apply_delta(acc)


def _key_sql(dim: str) -> str:
    attr = DIM_ATTRS[dim]
    if attr is None:
        return "''"
    column = CaseFact._meta.get_field(attr.removesuffix("_id")).column  # type: ignore[union-attr]
    return f"CAST({column} AS TEXT)"


def _month_sql(expr: str, *, with_params: bool = False) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', CAST({expr} AS timestamp)) AS date)"
    # "%" is doubled only in statements executed with query parameters.
    return f"strftime('%%Y-%%m-01', {expr})" if with_params else f"strftime('%Y-%m-01', {expr})"


def _aggregate_sql(
    dim: str, target: _Target, where: str = "", sign: int = 1, *, upsert: bool = True, relation: str = "", with_params: bool = False
) -> str:
    """INSERT … SELECT of one dimension's contributions of the facts matching `where` (all facts
    when empty) in `relation` (the facts table when empty), grouped by key and day (or month),
    added to the existing rows."""
    facts = relation or CaseFact._meta.db_table
    key = _key_sql(dim)
    attr = DIM_ATTRS[dim]
    branches = []
    for date_attr, counters in _BY_DATE:
        names = {c.name for _i, c in counters}
        columns = ", ".join((f"{sign} * SUM({c.sql})" if c.name in names else "0") + f" AS {c.name}" for c in COUNTERS)
        period = date_attr if target is DAY else _month_sql(date_attr, with_params=with_params)
        condition = _DATE_SQL_CONDITION[date_attr]
        if attr is not None:
            condition += f" AND {attr} IS NOT NULL"
        if where:
            condition += f" AND ({where})"
        group = period if attr is None else f"{key}, {period}"
        branches.append(f"SELECT {key} AS k, {period} AS d, {columns} FROM {facts} WHERE {condition} GROUP BY {group}")
    sums = ", ".join(f"SUM({c})" for c in COUNTER_NAMES)
    return (
        f"INSERT INTO {target.table} ({', '.join(target.columns)}) "
        f"SELECT '{dim}', k, d, {sums} FROM ({' UNION ALL '.join(branches)}) AS parts WHERE true GROUP BY k, d "
        + (target.conflict if upsert else "")
    )


def apply_stored(*, first_id: int, last_id: int, sign: int = 1) -> None:
    """Add (or remove) the contributions of the facts with ids first_id..last_id, already in the
    table, with SQL aggregates (GROUP BY) — the fast path for bulk imports that write facts with
    COPY or bulk_create: a few statements per batch instead of one row per fact and dimension.
    Call it in the transaction that wrote the facts (and with sign=-1 before deleting them)."""
    if sign not in (1, -1):
        raise ValueError("sign must be 1 or -1")
    where = f"id BETWEEN {int(first_id)} AND {int(last_id)}"
    with transaction.atomic(), connection.cursor() as cursor:
        for target in (DAY, MONTH):
            for dim in DIMS:
                cursor.execute(_aggregate_sql(dim, target, where, sign))
            if sign < 0:
                zero = " AND ".join(f"{c} = 0" for c in COUNTER_NAMES)
                cursor.execute(f"DELETE FROM {target.table} WHERE {zero}")


def add_stored(relation: str, where: str, params: Sequence[Any] = ()) -> None:
    """Add the contributions of the facts of `relation` (the facts table, or a table with the same
    columns, such as an import's table of the rows a batch really inserted) matching `where` (SQL
    with `params`) to the day rows and the month rows: one INSERT … SELECT … GROUP BY … ON CONFLICT
    DO UPDATE per dimension and table, in the caller's transaction. Importers must keep both tables:
    month, year and whole-period figures read the month rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        for target in (DAY, MONTH):
            for dim in DIMS:
                # `where` appears once in each of the three date branches.
                sql = _aggregate_sql(dim, target, where, relation=relation, with_params=True)
                cursor.execute(sql, list(params) * len(_BY_DATE))


def rebuild() -> dict[str, int]:
    """Recompute every day and month rollup row from the facts with SQL aggregates, in one
    transaction. Returns the number of day rows per dimension."""
    counts: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {DAY.table}")
        cursor.execute(f"DELETE FROM {MONTH.table}")
        for dim in DIMS:
            # The table is empty: plain inserts, no conflict handling.
            cursor.execute(_aggregate_sql(dim, DAY, upsert=False))
            counts[dim] = cursor.rowcount
        sums = ", ".join(f"SUM({c})" for c in COUNTER_NAMES)
        month = _month_sql("day")
        cursor.execute(
            f"INSERT INTO {MONTH.table} ({', '.join(MONTH.columns)}) "
            f"SELECT dim, key, {month}, {sums} FROM {DAY.table} GROUP BY dim, key, {month}"
        )
    return counts


def rollup_snapshot() -> dict[RowKey, tuple[int, ...]]:
    """All day rollup rows as {(dim, key, day): counters}: for comparing incremental with rebuilt."""
    return {(r[0], r[1], r[2]): tuple(r[3:]) for r in Rollup.objects.values_list(*DAY.columns)}


def month_snapshot() -> dict[RowKey, tuple[int, ...]]:
    return {(r[0], r[1], r[2]): tuple(r[3:]) for r in RollupMonth.objects.values_list(*MONTH.columns)}
