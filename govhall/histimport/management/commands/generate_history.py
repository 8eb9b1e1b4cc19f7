"""Write a generated case history of the demo county (`load_demo` must have run) as CSV:

    manage.py generate_history --records 1502000 --out var/history.csv [--start 2017-01-01] [--end …] [--seed 002]

The default end is the day before the demo's live cases begin (demo.cases.DAYS_BACK before today).
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from govhall.demo.cases import DAYS_BACK
from govhall.histimport.generator import generate


def default_end() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=DAYS_BACK + 1)


class Command(BaseCommand):
    help = "生成演示旗县的历史办件（CSV，导入列格式）"

    def add_arguments(self, parser):
        parser.add_argument("--records", type=int, default=1_502_000)
        parser.add_argument("--out", required=True)
        parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2017, 1, 1))
        parser.add_argument("--end", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--seed", default="002")

    def handle(self, *args, records, out, start, end, seed, **options):
        end = end or default_end()
        if end < start:
            raise CommandError("--end is before --start")
        began = time.perf_counter()
        with open(out, "w", encoding="utf-8", newline="") as handle:
            result = generate(handle, records=records, start=start, end=end, seed=seed)
        seconds = time.perf_counter() - began
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(result.anomalies.items()))
        self.stdout.write(
            f"{result.records:,} records {result.first_day}..{result.last_day} in {seconds:.1f} s → {out}; "
            f"planted anomalies: {result.anomaly_total} ({kinds})"
        )
