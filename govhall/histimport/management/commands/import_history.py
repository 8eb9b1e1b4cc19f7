"""Import a history file (CSV or .xlsx in the documented column set) into the supervision facts:

    manage.py import_history FILE --source CODE [--batch 20000]

Prints progress. Run again with the same file and source after an interruption: it continues at
the first row not yet committed. The rejects file's path is printed at the end.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from govhall.core.errors import ValidationError
from govhall.histimport.importer import BATCH, import_history, run_for_file
from govhall.histimport.models import ImportRun
from govhall.histimport.selectors import run_stalled


class Command(BaseCommand):
    help = "导入其他系统的历史办件（CSV/Excel），逐行校验，错误行写入拒收文件"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--source", required=True, help="来源系统代码")
        parser.add_argument("--batch", type=int, default=BATCH)

    def handle(self, *args, file, source, batch, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        began = time.perf_counter()
        last = [0.0]

        def progress(done: int, total: int, message: str) -> None:
            now = time.perf_counter()
            if now - last[0] >= 2 or done >= total:
                last[0] = now
                rate = done / max(now - began, 1e-9)
                self.stdout.write(f"  {done:,}/{total:,} ({rate:,.0f} rows/s) {message}")
                sys.stdout.flush()

        try:
            run = self._take_run(path.resolve(), source)
            outcome = import_history(path=path.resolve(), source=source, run=run, progress=progress, batch_size=batch)
        except ValidationError as exc:
            raise CommandError("；".join(e.message for e in exc.errors)) from exc
        run = outcome.run
        self.stdout.write(
            f"{outcome.summary()} — {time.perf_counter() - began:.1f} s; "
            f"rejects: {Path(settings.MEDIA_ROOT) / run.rejects_path if outcome.rejected else '-'}"
        )

    def _take_run(self, path: Path, source: str) -> ImportRun:
        """The run of this file for `source` (the unfinished one is continued), taken from the web
        job that had it when that job is stalled; refused while a job is importing it (one run,
        one importer at a time: the job would stop at its next batch, see importer.RunTakenOver)."""
        with transaction.atomic():
            run = ImportRun.objects.select_for_update().get(pk=run_for_file(path=path, source=source).pk)
            if run.job_id is None:
                return run
            if run.status in (ImportRun.STATUS_QUEUED, ImportRun.STATUS_RUNNING) and not run_stalled(run):
                raise CommandError(f"run {run.pk} of this file is being imported by background job {run.job_id}; wait for it to finish")
            ImportRun.objects.filter(pk=run.pk).update(job=None)
            run.job = None
            return run
