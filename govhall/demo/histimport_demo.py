"""历史办件 of the demo county, as the region's 政务服务网 exports them, generated
(histimport.generator) and loaded through the real importer, so that the indicators have a past
and the anomaly rules a few planted hits to find.

The demo loads the year up to yesterday (settings.GOVHALL_DEMO_HISTORY_DAYS; the tests take two
months) at the county's real volume (about 420 records a day): the 政务服务网 goes on handling most
of the county's cases beside govhall's few hundred live ones, so the dashboard's trend has the
county's volume in every month instead of falling to the live cases alone in the last two. The
full history (`002`: 150.2万 records since 2017) takes minutes, too long for `make demo` on SQLite.
Load the full history with

    manage.py generate_history --records 1502000 --out var/history.csv
    manage.py import_history var/history.csv --source nmgzwfw

Idempotent: nothing is done when the demo's import has run (and the importer itself skips every
record it already has).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from govhall.histimport.generator import generate
from govhall.histimport.importer import import_history
from govhall.histimport.models import ImportRun

SOURCE = "nmgzwfw"  # 内蒙古政务服务网, the system before govhall
SEED = "150727-history"
FULL_RECORDS, FULL_FIRST_DAY = 1_502_000, dt.date(2017, 1, 1)


def slice_size(first: dt.date, last: dt.date, full_last: dt.date) -> int:
    """Records for first..last at the volume of the full history (150.2万 from 2017 to full_last)."""
    return round(FULL_RECORDS * ((last - first).days + 1) / ((full_last - FULL_FIRST_DAY).days + 1))


def load_histimport_demo(*, report: Any, log: Callable[[str], None]) -> None:
    if ImportRun.objects.filter(source=SOURCE, status=ImportRun.STATUS_DONE).exists():
        return
    last = timezone.localdate() - dt.timedelta(days=1)
    first = last - dt.timedelta(days=settings.GOVHALL_DEMO_HISTORY_DAYS - 1)
    records = slice_size(first, last, last)
    folder = Path(settings.MEDIA_ROOT) / "histimport"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"demo-history-{first:%Y%m%d}-{last:%Y%m%d}.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        generated = generate(handle, records=records, start=first, end=last, seed=SEED, id_prefix="NM", accepted_until=last)
    outcome = import_history(path=path, source=SOURCE)
    ImportRun.objects.filter(pk=outcome.run.pk).update(file_name="政务服务网历史办件（演示）.csv")
    report.created["history_records"] += outcome.imported
    report.created["history_anomalies"] += generated.anomaly_total
    log(
        f"  历史办件：{first}至{last} {outcome.imported} 件（{outcome.seconds:.1f} 秒），"
        f"其中预置异常 {generated.anomaly_total} 件；拒收 {outcome.rejected}"
    )
