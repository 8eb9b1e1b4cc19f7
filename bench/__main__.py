"""govhall benchmarks: `make bench` (or `.venv/bin/python -m bench`).

Each figure is printed beside the baseline it is compared against. Runs against a scratch SQLite
database in a temporary directory (or DATABASE_URL when set), never the demo database. The case
benchmarks run on PostgreSQL databases of their own (bench/pgdb.py; skipped, saying why, when
there is no PostgreSQL); the first run generates a million cases, which takes minutes.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GOVHALL_VAR_DIR", tempfile.mkdtemp(prefix="govhall-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

RESULTS: list[tuple[str, str, str, str]] = []


def report(name: str, value: str, baseline_name: str, baseline: str) -> None:
    RESULTS.append((name, value, baseline_name, baseline))
    print(f"{name:<46} {value:>16}   vs {baseline_name}: {baseline}", flush=True)


def bench_division_import() -> None:
    from govhall.org.divisions import count_rows, import_directory

    directory = settings.SHARED_DATA_DIR / "divisions"
    rows = sum(count_rows(directory / f) for f in ("provinces.csv", "cities.csv", "areas.csv", "streets.csv"))
    start = time.perf_counter()
    import_directory(directory)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    import_directory(directory)
    again = time.perf_counter() - start

    # Floor: csv → sqlite3 executemany into a bare table, no checks.
    import csv

    start = time.perf_counter()
    con = sqlite3.connect(":memory:")
    con.execute("create table d(code text primary key, name text, parent text)")
    for name, parent in (("provinces.csv", None), ("cities.csv", "provinceCode"), ("areas.csv", "cityCode"), ("streets.csv", "areaCode")):
        with open(directory / name, encoding="utf-8") as handle:
            con.executemany(
                "insert into d values (?,?,?)", ((r["code"], r["name"], r.get(parent) if parent else None) for r in csv.DictReader(handle))
            )
    con.commit()
    floor = time.perf_counter() - start
    report(
        "division import, rows/s (first run)",
        f"{rows / ours:,.0f}",
        "bare sqlite3 executemany",
        f"{rows / floor:,.0f} rows/s ({floor / ours:.2f}×)",
    )
    report("division import, re-run (idempotent), rows/s", f"{rows / again:,.0f}", "first run", f"{rows / ours:,.0f} rows/s")


def bench_calendar() -> None:
    import chinese_calendar

    from govhall.core.calendar import add_working_days

    starts = [dt.date(2025, 1, 1) + dt.timedelta(days=i * 3) for i in range(200)]
    start = time.perf_counter()
    for day in starts:
        add_working_days(day, 20)
    ours = (time.perf_counter() - start) / len(starts)

    def naive(day: dt.date, n: int) -> dt.date:
        while n:
            day += dt.timedelta(days=1)
            if chinese_calendar.is_workday(day):
                n -= 1
        return day

    start = time.perf_counter()
    for day in starts:
        naive(day, 20)
    base = (time.perf_counter() - start) / len(starts)
    assert all(add_working_days(d, 20) == naive(d, 20) for d in starts[:20])
    report("add_working_days(20), ms per call (DB table)", f"{ours * 1000:.2f}", "in-memory chinesecalendar loop", f"{base * 1000:.2f} ms")


def bench_catalog_search() -> None:
    from django.db import connection

    from govhall.catalog.models import Item
    from govhall.catalog.selectors import ItemFilters, items_search

    if not Item.objects.exists():
        from govhall.org.roles import ensure_roles

        ensure_roles()
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
    n = Item.objects.count()
    timings, base = [], []
    for q in ("yyzz", "shipin", "许可", "jmsfz", "bdcdj"):
        for _ in range(5):
            start = time.perf_counter()
            list(items_search(filters=ItemFilters(q=q))[:20])
            items_search(filters=ItemFilters(q=q)).count()
            timings.append(time.perf_counter() - start)
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("select id, name from catalog_item where name like %s limit 20", [f"%{q}%"])
                cursor.fetchall()
                cursor.execute("select count(*) from catalog_item where name like %s", [f"%{q}%"])
            base.append(time.perf_counter() - start)
    report(
        f"catalog search page+count over {n} items, ms (median)",
        f"{statistics.median(timings) * 1000:.2f}",
        "raw SQL LIKE on the name only",
        f"{statistics.median(base) * 1000:.2f} ms",
    )


def bench_catalog_excel() -> None:
    from openpyxl import load_workbook

    from govhall.catalog.excel import catalog_export, catalog_import
    from govhall.catalog.excel_format import SHEETS
    from govhall.catalog.models import Item

    items = Item.objects.filter(status=Item.STATUS_ACTIVE).order_by("code")
    n = items.count()
    start = time.perf_counter()
    content = catalog_export(items=items)
    export_s = time.perf_counter() - start

    # Floor: openpyxl merely reading every cell of the same workbook.
    start = time.perf_counter()
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    cells = sum(len(row) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True))
    read_s = time.perf_counter() - start

    workbook = load_workbook(io.BytesIO(content))
    for spec in SHEETS:
        sheet = workbook[spec.name]
        for row in range(2, sheet.max_row + 1):
            if sheet.cell(row, 1).value:
                sheet.cell(row, 1).value = "B" + sheet.cell(row, 1).value
    buffer = io.BytesIO()
    workbook.save(buffer)
    start = time.perf_counter()
    result = catalog_import(actor=None, file=buffer.getvalue())
    import_s = time.perf_counter() - start
    assert result.created == n, result.summary()
    report(f"catalog Excel export, {n} items, s", f"{export_s:.2f}", "openpyxl reading it back", f"{read_s:.2f} s ({cells:,} cells)")
    report("catalog Excel import as new items, items/s", f"{n / import_s:,.0f}", "openpyxl reading the file", f"{n / read_s:,.0f} items/s")


def bench_list_export() -> None:
    """Every list's Excel export (core.http.xlsx_bytes): its time must grow with the rows, not with
    their square (the explorer's 事项×年 list over ten years is ~5,000 rows)."""
    from openpyxl import load_workbook

    from govhall.core.http import xlsx_bytes

    header = [f"列{n}" for n in range(18)]

    def rows(count: int):
        for n in range(count):
            yield [f"新巴尔虎右旗第{n}项", "2026-11", *[f"{(n * 7 + c) % 1000 / 10:.2f}%" for c in range(13)], n, n // 2, n // 3]

    def export(count: int) -> tuple[float, bytes]:
        start = time.perf_counter()
        content = xlsx_bytes([("清单", header, rows(count), [30, 12, *[10] * 16])])
        return time.perf_counter() - start, content

    small, _content = export(5_000)
    large, content = export(20_000)
    start = time.perf_counter()
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    cells = sum(len(row) for row in workbook.active.iter_rows(values_only=True))
    read_s = time.perf_counter() - start
    report(
        "Excel list export, 20,000 rows × 18 columns, s", f"{large:.2f}", "openpyxl reading it back", f"{read_s:.2f} s ({cells:,} cells)"
    )
    report("  the same, 5,000 rows, s", f"{small:.2f}", "4× the rows took", f"{large / small:.1f}× the time (linear: ~4×)")


def bench_cases_scale() -> None:
    from bench import cases_scale

    cases_scale.bench(report)


def bench_cases_throughput() -> None:
    from bench import cases_throughput

    cases_throughput.bench(report)


def bench_supervision_history() -> None:
    from bench import supervision_history

    supervision_history.bench(report)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_calendar", verbosity=0, stdout=io.StringIO())
    print(f"govhall benchmarks — database: {settings.DATABASES['default']['NAME']}\n")
    bench_division_import()
    bench_calendar()
    bench_catalog_search()
    bench_catalog_excel()
    bench_list_export()
    bench_cases_scale()
    bench_cases_throughput()
    bench_supervision_history()


if __name__ == "__main__":
    main()
