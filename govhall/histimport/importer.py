"""Import of case records from other systems into the supervision facts (SUP-4).

`import_history(path=..., source=...)` reads the file row by row (readers.py), checks each row
against the column set (columns.py) with the departments, items, centres, windows and staff looked
up in dicts loaded once, writes bad rows to the rejects CSV (the original columns + 行号 + 错误原因)
and inserts good rows in batches of BATCH rows (writer.py: COPY + INSERT … ON CONFLICT DO NOTHING
RETURNING on PostgreSQL, INSERT OR IGNORE on SQLite).

Only newly inserted facts are added to the rollups, in the same transaction as the rows and the
run's checkpoint (rows done, counts, rejects file size). A killed import therefore resumes at the first uncommitted row: importing the same file again for
the same source finds the unfinished run (by sha256) and continues; a finished file imported
again adds nothing — every row is counted as a duplicate, a changed row too (the first version
stays; fix a record at its source system and re-import under a new 办件编号 if needed).
"""

from __future__ import annotations

import csv
import io
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.errors import ValidationError
from govhall.histimport import columns as cols
from govhall.histimport.models import ImportRun
from govhall.histimport.readers import estimate_rows, file_sha256, read_rows
from govhall.histimport.rows import SOURCE_RE, References, RowParser
from govhall.histimport.writer import Writer
from govhall.supervision.models import CaseFact

BATCH = 5000


@dataclass
class Outcome:
    """What an import did (also kept on its ImportRun)."""

    run: ImportRun
    read: int
    imported: int
    duplicates: int
    rejected: int
    seconds: float

    def summary(self) -> str:
        return _("读取%(read)d行：新增%(imported)d，重复%(duplicates)d，拒收%(rejected)d") % {
            "read": self.read,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
        }


# --- the import --------------------------------------------------------------------------------


def rejects_dir(run: ImportRun) -> Path:
    return Path(settings.MEDIA_ROOT) / "histimport" / str(run.pk)


def run_for_file(*, path: Path, source: str, actor=None, file_name: str = "", job=None) -> ImportRun:
    """The run that imports `path` for `source`: the unfinished one of the same file (to resume),
    else a new one."""
    if not SOURCE_RE.match(source) or source == CaseFact.SOURCE_LIVE:
        raise ValidationError("source", "format", _("来源系统代码应为字母、数字、-、_，至多32位，且不能为 govhall"))
    sha, size = file_sha256(path)
    run = (
        ImportRun.objects.filter(source=source, file_sha256=sha)
        .exclude(status=ImportRun.STATUS_DONE)
        .order_by("-created_at", "-id")
        .first()
    )
    if run is None:
        run = ImportRun.objects.create(
            source=source,
            file_name=(file_name or path.name)[:200],
            file_path=str(path),
            file_sha256=sha,
            file_size=size,
            created_by=actor,
            job=job,
        )
    elif job is not None and run.job_id != job.pk:
        run.job = job
        run.save(update_fields=["job"])
    return run


Progress = Callable[[int, int, str], None]


def import_history(
    *,
    path: Path | str,
    source: str,
    actor=None,
    run: ImportRun | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH,
    after_batch: Callable[[int], None] | None = None,
) -> Outcome:
    """Import (or resume importing) a history file; see the module's docstring. `after_batch` is
    called with the number of batches committed so far (tests use it to simulate a crash)."""
    path = Path(path)
    if run is None:
        run = run_for_file(path=path, source=source, actor=actor)
    started = time.perf_counter()
    seconds_before = run.seconds
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.STATUS_RUNNING, started_at=run.started_at or timezone.now(), error="")
    run.refresh_from_db()
    if not run.rows_total:
        run.rows_total = estimate_rows(path)
        ImportRun.objects.filter(pk=run.pk).update(rows_total=run.rows_total)

    rows = read_rows(path)
    header = next(rows, None)
    if header is None:
        _fail(run, _("文件是空的"))
        raise ValidationError("file", "empty", _("文件是空的"))
    try:
        parser = RowParser(header, source, References(), timezone.now())
    except ValidationError as exc:
        _fail(run, str(exc.errors[0].message))
        raise

    # The rejects file: cut back to what was committed, so a resumed import writes no row twice.
    folder = rejects_dir(run)
    folder.mkdir(parents=True, exist_ok=True)
    rejects_path = folder / "rejects.csv"
    if not run.rejects_path:
        run.rejects_path = str(rejects_path.relative_to(settings.MEDIA_ROOT))
        ImportRun.objects.filter(pk=run.pk).update(rejects_path=run.rejects_path)
    rejects = open(rejects_path, "a+b")  # noqa: SIM115 - closed in the finally below
    rejects.truncate(run.rejects_bytes)
    rejects.seek(run.rejects_bytes)
    if run.rejects_bytes == 0:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerow([*header, cols.REJECT_ROW, cols.REJECT_REASON])
        head = ("\ufeff" + buffer.getvalue()).encode("utf-8")
        rejects.write(head)
        run.rejects_bytes = len(head)
        ImportRun.objects.filter(pk=run.pk).update(rejects_bytes=run.rejects_bytes)

    writer = Writer()

    line_no = 1  # the header
    skip = run.rows_done
    batches = 0
    try:
        for _skipped in range(skip):
            if next(rows, None) is None:
                break
            line_no += 1
        batch: dict[tuple[str, str], list[Any]] = {}
        batch_dups = 0
        bad = io.StringIO()
        bad_writer = csv.writer(bad, lineterminator="\r\n")
        bad_count = in_batch = 0
        done = run.rows_done
        exhausted = False
        while not exhausted:
            row = next(rows, None)
            if row is None:
                exhausted = True
            else:
                line_no += 1
                in_batch += 1
                values, errors = parser.parse(row)
                if values is None:
                    bad_writer.writerow([*row[: parser.width], *[""] * (parser.width - len(row)), line_no, "；".join(errors)])
                    bad_count += 1
                else:
                    key = (values[0], values[1])
                    if key in batch:
                        batch_dups += 1
                    else:
                        batch[key] = values
            if in_batch and (exhausted or in_batch >= batch_size):
                data = bad.getvalue().encode("utf-8")
                rejects.write(data)
                rejects.flush()
                os.fsync(rejects.fileno())
                with transaction.atomic():
                    inserted = writer.insert(list(batch.values()))
                    done += in_batch
                    run.rows_done = done
                    run.imported += inserted
                    run.duplicates += batch_dups + len(batch) - inserted
                    run.rejected += bad_count
                    run.rejects_bytes += len(data)
                    run.seconds = seconds_before + time.perf_counter() - started
                    ImportRun.objects.filter(pk=run.pk).update(
                        rows_done=run.rows_done,
                        imported=run.imported,
                        duplicates=run.duplicates,
                        rejected=run.rejected,
                        rejects_bytes=run.rejects_bytes,
                        seconds=run.seconds,
                    )
                batches += 1
                batch, batch_dups, bad_count, in_batch = {}, 0, 0, 0
                bad.seek(0)
                bad.truncate()
                if progress:
                    progress(
                        done,
                        max(run.rows_total, done),
                        _("已处理%(done)d行：新增%(imported)d，重复%(dup)d，拒收%(rejected)d")
                        % {"done": done, "imported": run.imported, "dup": run.duplicates, "rejected": run.rejected},
                    )
                if after_batch:
                    after_batch(batches)
    except Exception as exc:
        _fail(
            run, _("导入中断（已提交的%(done)d行保留，再次导入同一文件将从中断处继续）：%(error)s") % {"done": run.rows_done, "error": exc}
        )
        raise
    finally:
        rejects.close()
        if hasattr(rows, "close"):
            rows.close()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.STATUS_DONE, finished_at=timezone.now(), rows_total=run.rows_done)
    run.refresh_from_db()
    return Outcome(run, run.rows_done, run.imported, run.duplicates, run.rejected, run.seconds)


def _fail(run: ImportRun, error: str) -> None:
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.STATUS_FAILED, error=error[:2000])


def reject_rows(path: Path) -> Iterable[dict[str, str]]:
    """The rows of a rejects file (tests and the page's preview)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)
