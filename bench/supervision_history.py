"""The 1.5-million-record history (issue 7, SUP-4) on PostgreSQL:

  (a) import of the generated history file with the real importer (histimport.importer):
      rows/s and peak memory (the child's ru_maxrss), beside PostgreSQL's own COPY of the same
      file into a bare table (the floor). Goal: within 3× of COPY, under 500 MB;
  (b) the dashboard's indicator query, county by department × month over all the facts
      (supervision.indicators.table, served from the rollups), beside a full-scan SQL aggregate
      of the same numbers over the facts and beside DuckDB over the facts exported to Parquet.
      Goal: faster than both;
  (c) the anomaly rules over the whole history (anomalies.engine.scan): records/s;
  (d) beside (a), the floor of the data model: PostgreSQL alone putting the same facts, already
      parsed, into the facts table with its indexes and adding their rollups (child_floor). An
      import into this schema cannot be faster than that on the same machine. Then the same for
      the leanest schema one could choose instead (day rows only for county, 区划, 部门 and 中心,
      facts with their key and BRIN dates only): what the goal would leave an importer then.

The file is generated once (manage.py generate_history, a minute or two) and kept in
var/bench/; the database govhall_bench_history is copied afresh from the base database
(bench/pgdb.py) each run, so the import is measured into an empty history every time.

    python -m bench.supervision_history          # everything, printed like `make bench`

Django code runs in child processes on that database (`import`, `floor`, `indicators`, `anomalies`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import pgdb

RECORDS = int(os.environ.get("GOVHALL_BENCH_HISTORY", "1502000"))
SEED = "002"
SOURCE = "bench"
DATABASE = "govhall_bench_history"
CACHE = pgdb.ROOT / "var" / "bench"
DAYS_BACK = 61  # govhall.demo.cases.DAYS_BACK: the history ends before the demo's live cases
FIRST_DAY = dt.date(2017, 1, 1)


def history_end() -> dt.date:
    return dt.date.today() - dt.timedelta(days=DAYS_BACK + 1)


# Bumped when the generator's output changes (g2: ordinary overdue cases with a 特别程序 or 延期),
# so that a cached file of an older generator is not measured.
GENERATOR_VERSION = "g2"


def history_file() -> Path:
    return CACHE / f"history-{RECORDS}-{SEED}-{history_end():%Y%m%d}-{GENERATOR_VERSION}.csv"


# --- in the child processes (Django on the bench database) -----------------------------------------


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.settings")
    django.setup()


def child_clear() -> None:
    """Only the live facts of the demo county stay (an imported demo slice goes)."""
    from govhall.supervision.models import CaseFact
    from govhall.supervision.rollups import rebuild

    CaseFact.objects.exclude(source=CaseFact.SOURCE_LIVE).delete()
    rebuild()


def child_import(path: str) -> None:
    from govhall.histimport.importer import import_history

    started = time.perf_counter()
    outcome = import_history(path=path, source=SOURCE)
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "read": outcome.read,
                "imported": outcome.imported,
                "rejected": outcome.rejected,
            }
        ),
        flush=True,
    )


def _full_scan_sql(month: str) -> str:
    """The counters of supervision.rollups.COUNTERS per department and month, summed straight from
    the facts (each counter on its own date, as the rollups count)."""
    from govhall.supervision.rollups import COUNTER_NAMES, COUNTERS

    branches = []
    for date_attr, condition in (
        ("accepted_on", "accepted_on IS NOT NULL"),
        ("decided_on", "decided_on IS NOT NULL"),
        ("rated_on", "rated_on IS NOT NULL AND rating_level IS NOT NULL"),
    ):
        columns = ", ".join((f"SUM({c.sql})" if c.date == date_attr else "0") + f" AS {c.name}" for c in COUNTERS)
        branches.append(
            f"SELECT department_id AS k, {month.format(date_attr)} AS m, {columns} FROM {{facts}} WHERE {condition} "
            f"GROUP BY department_id, {month.format(date_attr)}"
        )
    sums = ", ".join(f"SUM({c}) AS {c}" for c in COUNTER_NAMES)
    return f"SELECT k, m, {sums} FROM ({' UNION ALL '.join(branches)}) AS parts GROUP BY k, m"


def _median_time(run: Callable[[], Any], rounds: int) -> tuple[float, Any]:
    samples, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def child_indicators(work_dir: str) -> None:
    import duckdb
    from django.db import connection

    from govhall.supervision import indicators
    from govhall.supervision.models import CaseFact
    from govhall.supervision.rollups import COUNTER_NAMES

    first, last = FIRST_DAY, dt.date.today()
    facts = CaseFact.objects.count()
    ours, rows = _median_time(lambda: indicators.table("department", "month", first, last), 7)

    sql = _full_scan_sql("date_trunc('month', {})::date").replace("{facts}", CaseFact._meta.db_table)

    def full_scan():
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    scan, scanned = _median_time(full_scan, 3)
    # Same numbers: the rollup path against the full scan.
    mine = {(str(r.key), r.period): tuple(r.counts[c] for c in COUNTER_NAMES) for r in rows}
    theirs = {(str(k), m): tuple(int(v) for v in values) for k, m, *values in scanned}
    same = mine == theirs

    # DuckDB over the same facts as Parquet (exported through CSV; not timed).
    csv_path, parquet = Path(work_dir) / "facts.csv", Path(work_dir) / "facts.parquet"
    columns = "department_id, channel, status, decision, instant, full_online, accepted_on, decided_on, legal_limit_days, limit_days, used_days, overdue, visits, rating_level, rated_on"
    started = time.perf_counter()
    raw = connection.connection
    with open(csv_path, "wb") as out, raw.cursor() as cursor:
        with cursor.copy(f"COPY (SELECT {columns} FROM {CaseFact._meta.db_table}) TO STDOUT (FORMAT csv, HEADER)") as copy:
            for chunk in copy:
                out.write(chunk)
    duck = duckdb.connect()
    duck.execute(f"COPY (SELECT * FROM read_csv_auto('{csv_path}')) TO '{parquet}' (FORMAT parquet)")
    export_s = time.perf_counter() - started
    csv_path.unlink()
    duck_sql = _full_scan_sql("CAST(date_trunc('month', {}) AS DATE)").replace("{facts}", f"read_parquet('{parquet}')")
    duck_s, duck_rows = _median_time(lambda: duck.execute(duck_sql).fetchall(), 5)
    duck_same = {(str(k), m): tuple(int(v) for v in values) for k, m, *values in duck_rows} == theirs
    print(
        json.dumps(
            {
                "facts": facts,
                "rows": len(rows),
                "ours": ours,
                "scan": scan,
                "duckdb": duck_s,
                "same": same,
                "duck_same": duck_same,
                "export": export_s,
                "parquet_mb": parquet.stat().st_size / 2**20,
            }
        ),
        flush=True,
    )


def child_floor(work_dir: str) -> None:
    """The data model's floor: what PostgreSQL alone spends to hold the imported facts, already
    parsed and typed, with the facts table's indexes and their day and month rollups, in one pass
    over empty tables (no reading, no checking, no duplicates, no resume). Binary COPY of the facts
    into a copy of the facts table with its indexes, then the importer's rollup aggregate over all
    of them at once, a plain INSERT of the day rows and the month rows. Any import that keeps this
    schema costs at least this much of the database's time, whatever it does in Python."""
    from django.db import connection

    from govhall.histimport.writer import _rollup_aggregate_sql
    from govhall.supervision.models import CaseFact, Rollup, RollupMonth
    from govhall.supervision.rollups import COUNTER_NAMES, DAY, MONTH

    facts, day_table, month_table = CaseFact._meta.db_table, Rollup._meta.db_table, RollupMonth._meta.db_table
    names = (
        "bench_lean_by_month",  # a view: dropped first
        "bench_floor_facts",
        "bench_floor_agg",
        "bench_floor_day",
        "bench_floor_month",
        "bench_lean_facts",
        "bench_lean_day_agg",
        "bench_lean_month_agg",
        "bench_lean_day",
        "bench_lean_month",
    )
    dump = Path(work_dir) / "facts.bin"
    connection.ensure_connection()
    raw = connection.connection
    raw.autocommit = True
    timings: dict[str, float] = {}
    with raw.cursor() as cursor:

        def drop() -> None:
            cursor.execute(f"DROP VIEW IF EXISTS {names[0]}")
            for name in names[1:]:
                cursor.execute(f"DROP TABLE IF EXISTS {name}")

        def copy_facts(table: str) -> float:
            started = time.perf_counter()
            with cursor.copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as copy, open(dump, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
            return time.perf_counter() - started

        def timed(label: str, sql: str) -> None:
            started = time.perf_counter()
            cursor.execute(sql)
            timings[label] = time.perf_counter() - started

        drop()
        with (
            open(dump, "wb") as out,
            cursor.copy(f"COPY (SELECT * FROM {facts} WHERE source = '{SOURCE}') TO STDOUT (FORMAT BINARY)") as copy,
        ):
            for chunk in copy:
                out.write(chunk)
        cursor.execute(f"CREATE TABLE bench_floor_facts (LIKE {facts} INCLUDING ALL)")
        cursor.execute(f"CREATE TABLE bench_floor_day (LIKE {day_table} INCLUDING ALL)")
        cursor.execute(f"CREATE TABLE bench_floor_month (LIKE {month_table} INCLUDING ALL)")
        cursor.execute("SET work_mem = '256MB'")
        timings["facts"] = copy_facts("bench_floor_facts")
        timed("aggregate", "CREATE UNLOGGED TABLE bench_floor_agg AS " + _rollup_aggregate_sql("bench_floor_facts"))
        counters = ", ".join(COUNTER_NAMES)
        timed(
            "day",
            f"INSERT INTO bench_floor_day ({', '.join(DAY.columns)}) SELECT dim, k, d, {counters} FROM bench_floor_agg ORDER BY dim, k, d",
        )
        sums = ", ".join(f"SUM({c})" for c in COUNTER_NAMES)
        month = "CAST(date_trunc('month', CAST(d AS timestamp)) AS date)"
        timed(
            "month",
            f"INSERT INTO bench_floor_month ({', '.join(MONTH.columns)}) SELECT dim, k, {month}, {sums} FROM bench_floor_agg GROUP BY dim, k, {month}",
        )
        cursor.execute("SELECT COUNT(*) FROM bench_floor_facts")
        (rows,) = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM bench_floor_day")
        (day_rows,) = cursor.fetchone()

        # The leanest schema the goal's owner could choose instead (docs/history-import.md §
        # Benchmarks), timed the same way: facts with only their primary key, the (来源, 办件编号)
        # key and BRIN indexes on the two dates (instead of the department drill-down B-trees and
        # the others); day rows only for the whole county, 区划, 部门 and 服务中心; month rows for
        # every dimension, summed from the facts by month. Only timed: its on_the_spot counter would
        # compare months, not days.
        cursor.execute(f"CREATE TABLE bench_lean_facts (LIKE {facts} INCLUDING DEFAULTS)")
        cursor.execute("ALTER TABLE bench_lean_facts ADD PRIMARY KEY (id)")
        cursor.execute("CREATE UNIQUE INDEX bench_lean_external ON bench_lean_facts (source, external_id)")
        cursor.execute("CREATE INDEX bench_lean_accepted ON bench_lean_facts USING brin (accepted_on)")
        cursor.execute("CREATE INDEX bench_lean_decided ON bench_lean_facts USING brin (decided_on)")
        timings["lean_facts"] = copy_facts("bench_lean_facts")
        dump.unlink()
        coarse = [Rollup.DIM_COUNTY, Rollup.DIM_DIVISION, Rollup.DIM_DEPARTMENT, Rollup.DIM_CENTRE]
        timed("lean_day_aggregate", "CREATE UNLOGGED TABLE bench_lean_day_agg AS " + _rollup_aggregate_sql("bench_lean_facts", dims=coarse))
        dated = ("accepted_on", "decided_on", "rated_on")
        by_month = ", ".join(
            f"CAST(date_trunc('month', {f.column}) AS date) AS {f.column}" if f.column in dated else f.column
            for f in CaseFact._meta.concrete_fields
        )
        cursor.execute(f"CREATE VIEW bench_lean_by_month AS SELECT {by_month} FROM bench_lean_facts")
        timed("lean_month_aggregate", "CREATE UNLOGGED TABLE bench_lean_month_agg AS " + _rollup_aggregate_sql("bench_lean_by_month"))
        cursor.execute(f"CREATE TABLE bench_lean_day (LIKE {day_table} INCLUDING ALL)")
        cursor.execute(f"CREATE TABLE bench_lean_month (LIKE {month_table} INCLUDING ALL)")
        timed(
            "lean_day",
            f"INSERT INTO bench_lean_day ({', '.join(DAY.columns)}) SELECT dim, k, d, {counters} FROM bench_lean_day_agg ORDER BY dim, k, d",
        )
        timed(
            "lean_month",
            f"INSERT INTO bench_lean_month ({', '.join(MONTH.columns)}) SELECT dim, k, d, {counters} FROM bench_lean_month_agg ORDER BY dim, k, d",
        )
        cursor.execute("SELECT COUNT(*) FROM bench_lean_day")
        (lean_day_rows,) = cursor.fetchone()
        drop()
    print(json.dumps({"rows": rows, "day_rows": day_rows, "lean_day_rows": lean_day_rows, **timings}), flush=True)


def child_anomalies() -> None:
    try:
        from govhall.anomalies.engine import scan
    except ImportError as exc:
        print(json.dumps({"skipped": f"anomalies.engine.scan is missing ({exc})"}), flush=True)
        return
    from govhall.supervision.models import CaseFact

    facts = CaseFact.objects.count()
    started = time.perf_counter()
    result = scan()
    seconds = time.perf_counter() - started
    print(
        json.dumps({"facts": facts, "records": result.records, "seconds": seconds, "hits": getattr(result, "created", None)}, default=str),
        flush=True,
    )


# --- in the parent process ------------------------------------------------------------------------


def run_measured(args: list[str], var_dir: str) -> tuple[str, int]:
    """Run a child on the bench database; (its stdout, its peak resident memory in bytes) —
    os.wait4 gives the rusage of that one child (ru_maxrss in KiB on Linux)."""
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=pgdb.ROOT,
        env=pgdb.child_env(DATABASE, var_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    out = process.stdout.read()
    err = process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{err[-3000:]}")
    return out, usage.ru_maxrss * 1024


def prepare(var_dir: str, log=print) -> Path:
    """A fresh copy of the base database (migrated) and the cached history file."""
    if not pgdb.exists(pgdb.BASE_DB):
        pgdb.ensure_base(var_dir=var_dir, log=log)
    pgdb.drop(DATABASE)
    with pgdb.connect("postgres", autocommit=True) as conn:
        conn.execute(f'create database "{DATABASE}" template "{pgdb.BASE_DB}"')
    manage = str(pgdb.ROOT / "manage.py")
    pgdb.run_django(DATABASE, [manage, "migrate", "--noinput", "-v", "0"], var_dir=var_dir, capture=True)
    pgdb.run_django(DATABASE, ["-m", "bench.supervision_history", "clear"], var_dir=var_dir, capture=True)
    path = history_file()
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        log(f"  generating {RECORDS:,} history records into {path} (kept for later runs)…")
        scratch = path.with_suffix(".tmp")
        out = pgdb.run_django(
            DATABASE,
            [
                manage,
                "generate_history",
                "--records",
                str(RECORDS),
                "--out",
                str(scratch),
                "--seed",
                SEED,
                "--end",
                history_end().isoformat(),
            ],
            var_dir=var_dir,
            capture=True,
        )
        scratch.rename(path)
        log("  " + out.strip())
    return path


def copy_floor(path: Path) -> float:
    """Seconds for PostgreSQL's COPY of the file into a bare table of text columns."""
    with open(path, encoding="utf-8") as handle:
        header = handle.readline().strip().split(",")
    columns = ", ".join(f"c{i} text" for i in range(len(header)))
    with pgdb.connect(DATABASE) as conn:
        conn.execute("drop table if exists bench_history_bare")
        conn.execute(f"create table bench_history_bare ({columns})")
        conn.commit()
        started = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy("copy bench_history_bare from stdin (format csv, header)") as copy,
            open(path, "rb") as handle,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        conn.commit()
        seconds = time.perf_counter() - started
        conn.execute("drop table bench_history_bare")
        conn.commit()
    return seconds


def bench(report: Callable[[str, str, str, str], None]) -> None:
    reason = pgdb.unavailable_reason()
    if reason:
        print(f"history benchmarks skipped: {reason}")
        return
    var_dir = tempfile.mkdtemp(prefix="govhall-bench-history-")
    path = prepare(var_dir)
    size_mb = path.stat().st_size / 2**20

    out, peak = run_measured(["-m", "bench.supervision_history", "import", str(path)], var_dir)
    result = json.loads(out.strip().splitlines()[-1])
    floor = copy_floor(path)
    rows = result["read"]
    ours = result["seconds"]
    report(
        f"history import {rows:,} rows ({size_mb:,.0f} MB CSV), rows/s",
        f"{rows / ours:,.0f}",
        "PostgreSQL COPY into a bare table",
        f"{rows / floor:,.0f} rows/s ({ours / floor:.1f}× the COPY time; goal ≤ 3×)",
    )
    report("history import, peak memory of the importing process", f"{peak / 2**20:,.0f} MB", "goal", "< 500 MB")
    if result["rejected"]:
        print(f"  note: {result['rejected']:,} rows rejected")

    out, _peak = run_measured(["-m", "bench.supervision_history", "floor", var_dir], var_dir)
    fl = json.loads(out.strip().splitlines()[-1])
    total = fl["facts"] + fl["aggregate"] + fl["day"] + fl["month"]
    report(
        "  floor of the data model in SQL alone (parsed facts + rollups), s",
        f"{total:,.1f}",
        "PostgreSQL COPY into a bare table",
        f"{floor:,.1f} s ({total / floor:.1f}× the COPY time: facts with their indexes {fl['facts']:.1f} s, "
        f"rollup aggregate {fl['aggregate']:.1f} s, {fl['day_rows']:,} day rows {fl['day']:.1f} s, month rows {fl['month']:.1f} s)",
    )

    lean = fl["lean_facts"] + fl["lean_day_aggregate"] + fl["lean_month_aggregate"] + fl["lean_day"] + fl["lean_month"]
    report(
        "  the same for the leanest schema (docs: § Benchmarks), s",
        f"{lean:,.1f}",
        "PostgreSQL COPY into a bare table",
        f"{floor:,.1f} s ({lean / floor:.1f}× the COPY time: facts with key + BRIN dates {fl['lean_facts']:.1f} s, "
        f"{fl['lean_day_rows']:,} day rows of county/区划/部门/中心 {fl['lean_day_aggregate'] + fl['lean_day']:.1f} s, "
        f"month rows of all {fl['lean_month_aggregate'] + fl['lean_month']:.1f} s)",
    )

    out, _peak = run_measured(["-m", "bench.supervision_history", "indicators", var_dir], var_dir)
    ind = json.loads(out.strip().splitlines()[-1])
    report(
        f"indicators department×month over {ind['facts']:,} facts, ms",
        f"{ind['ours'] * 1000:,.1f}",
        "full-scan SQL aggregate / DuckDB on Parquet",
        f"{ind['scan'] * 1000:,.0f} ms ({ind['scan'] / ind['ours']:.0f}×) / {ind['duckdb'] * 1000:,.0f} ms ({ind['duckdb'] / ind['ours']:.0f}×)"
        + ("" if ind["same"] and ind["duck_same"] else "  [NUMBERS DIFFER]"),
    )

    out, _peak = run_measured(["-m", "bench.supervision_history", "anomalies"], var_dir)
    anomalies = json.loads(out.strip().splitlines()[-1])
    if "skipped" in anomalies:
        print(f"  anomaly scan skipped: {anomalies['skipped']}")
        return
    report(
        f"anomaly rules over {anomalies['records']:,} facts, records/s",
        f"{anomalies['records'] / anomalies['seconds']:,.0f}",
        "whole scan",
        f"{anomalies['seconds']:.1f} s",
    )


def main(argv: list[str]) -> None:
    command = argv[0] if argv else "bench"
    if command == "bench":

        def report(name: str, value: str, baseline_name: str, baseline: str) -> None:
            print(f"{name:<60} {value:>14}   vs {baseline_name}: {baseline}", flush=True)

        bench(report)
        return
    _setup()
    if command == "clear":
        child_clear()
    elif command == "import":
        child_import(argv[1])
    elif command == "indicators":
        child_indicators(argv[1])
    elif command == "floor":
        child_floor(argv[1])
    elif command == "anomalies":
        child_anomalies()
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
