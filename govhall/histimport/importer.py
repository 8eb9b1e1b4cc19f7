"""Import of case records from other systems into the supervision facts (SUP-4).

`import_history(path=..., source=...)` reads the file row by row (readers.py), checks each row
against the column set (columns.py) with the departments, items, centres, windows and staff looked
up in dicts loaded once, writes bad rows to the rejects CSV (the original columns + 行号 + 错误原因)
and inserts good rows in batches of BATCH rows (writer.py: COPY into a staging table, the facts
already present deleted from it, then a plain INSERT under a per-source lock on PostgreSQL; INSERT
OR IGNORE on SQLite).

Reading and checking run in a producer thread (`_ParsedBatches`, at most two parsed batches
waiting) while the main thread writes the previous batch: the database works in its own process
and psycopg releases the GIL while it waits, so parsing overlaps the insert.

Only newly inserted facts are added to the rollups (day and month rows), in the same transaction as the rows and the
run's checkpoint (rows done, counts, rejects file size). A killed import therefore resumes at the first uncommitted row: importing the same file again for
the same source finds the unfinished run (by sha256) and continues; a finished file imported
again adds nothing — every row is counted as a duplicate, a changed row too (the first version
stays; fix a record at its source system and re-import under a new 办件编号 if needed).
"""

from __future__ import annotations

import csv
import io
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.errors import DomainError, ValidationError
from govhall.histimport import columns as cols
from govhall.histimport.models import ImportRun
from govhall.histimport.readers import estimate_rows, file_sha256, read_rows
from govhall.histimport.rows import SOURCE_RE, References, RowParser
from govhall.histimport.writer import Writer
from govhall.supervision.models import CaseFact

logger = logging.getLogger(__name__)

BATCH = 20000


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
    # A file that cannot be read at all (missing, empty, a refused workbook, no header we know)
    # fails the run here, with the reason: it must not stay 导入中.
    try:
        if not run.rows_total:
            run.rows_total = estimate_rows(path)
            ImportRun.objects.filter(pk=run.pk).update(rows_total=run.rows_total)
        rows = read_rows(path)
        header = next(rows, None)
        if header is None:
            raise ValidationError("file", "empty", _("文件是空的"))
        parser = RowParser(header, source, References(), timezone.now())
    except ValidationError as exc:
        _fail(run, "；".join(str(e.message) for e in exc.errors))
        raise
    except Exception as exc:
        logger.exception("history file %s of run %s cannot be read", path, run.pk)
        _fail(run, _("无法读取文件：%(error)s") % {"error": _reason(exc)})
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
    batches = 0
    done = run.rows_done
    parsed = _ParsedBatches(rows, parser, skip=run.rows_done, batch_size=batch_size)
    try:
        for batch in parsed:
            data = batch.rejects.encode("utf-8")
            with transaction.atomic():
                # Under the run's row lock and only while this job still owns the run: a job taking
                # the run over (services, under the same lock) waits for this batch to commit, and
                # once it has taken the run, this one writes nothing more, not even a rejects line.
                if not _owned(run).select_for_update().exists():
                    raise RunTakenOver(run.pk)
                rejects.write(data)
                rejects.flush()
                os.fsync(rejects.fileno())
                inserted = writer.insert(batch.values)
                done += batch.rows
                run.rows_done = done
                run.imported += inserted
                run.duplicates += batch.duplicates + len(batch.values) - inserted
                run.rejected += batch.rejected
                run.rejects_bytes += len(data)
                run.seconds = seconds_before + time.perf_counter() - started
                updated = _owned(run).update(
                    rows_done=run.rows_done,
                    imported=run.imported,
                    duplicates=run.duplicates,
                    rejected=run.rejected,
                    rejects_bytes=run.rejects_bytes,
                    seconds=run.seconds,
                )
                if not updated:  # another job has taken the run over: this batch is not ours to commit
                    raise RunTakenOver(run.pk)
            batches += 1
            if progress:
                progress(
                    done,
                    max(run.rows_total, done),
                    _("已处理%(done)d行：新增%(imported)d，重复%(dup)d，拒收%(rejected)d")
                    % {"done": done, "imported": run.imported, "dup": run.duplicates, "rejected": run.rejected},
                )
            if after_batch:
                after_batch(batches)
    except RunTakenOver:
        raise
    except Exception as exc:
        logger.exception("history import of run %s stopped", run.pk)
        _fail(
            run,
            _("导入中断（已提交的%(done)d行保留，再次导入同一文件将从中断处继续）：%(error)s")
            % {"done": run.rows_done, "error": _reason(exc)},
        )
        raise
    finally:
        parsed.close()
        rejects.close()
        if hasattr(rows, "close"):
            rows.close()
    if not _owned(run).update(status=ImportRun.STATUS_DONE, finished_at=timezone.now(), rows_total=run.rows_done):
        raise RunTakenOver(run.pk)
    run.refresh_from_db()
    return Outcome(run, run.rows_done, run.imported, run.duplicates, run.rejected, run.seconds)


@dataclass
class _Batch:
    values: list[list[Any]]  # the good rows, first of each (source, 办件编号) in the batch
    rows: int  # rows read
    duplicates: int  # repeated (source, 办件编号) within the batch
    rejected: int
    rejects: str  # the rejects file's lines of the batch


_END = object()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _formula_like(value: str) -> bool:
    if value[:1] not in FORMULA_STARTS:
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False  # a plain number such as -3 stays as it is


def mask_id(value: str) -> str:
    """An ID number or USCC as the lists show it: the first 6 and last 4 characters."""
    value = value.strip()
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


class _ParsedBatches:
    """Reads and checks the rows in a producer thread while the caller writes the previous batch
    to the database: PostgreSQL works in its own process and psycopg releases the GIL while it
    waits, so parsing overlaps the COPY, the insert and the rollups. At most two parsed batches
    wait in the queue (bounded memory). Iterating yields `_Batch`es; an error in the thread is
    raised in the caller; `close()` stops the thread."""

    def __init__(self, rows: Iterator[list[str]], parser: RowParser, *, skip: int, batch_size: int) -> None:
        self.rows, self.parser, self.skip, self.batch_size = rows, parser, skip, max(batch_size, 1)
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=2)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="histimport-parse", daemon=True)
        self.thread.start()

    def _put(self, item: Any) -> bool:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            self._produce()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            self._put(exc)
        else:
            self._put(_END)

    def _produce(self) -> None:
        rows, parse, width, size = self.rows, self.parser.parse, self.parser.width, self.batch_size
        line_no = 1  # the header
        for _skipped in range(self.skip):
            if next(rows, None) is None:
                break
            line_no += 1
        bad = io.StringIO()
        write_bad = csv.writer(bad, lineterminator="\r\n").writerow
        id_column = self.parser.index.get("申请人证件号码")

        def bad_row(cells: list[Any]) -> None:
            # The rejects file is downloaded and opened in Excel: no ID number in clear (only its
            # first 6 and last 4 characters, enough to find the row at the source), and no cell
            # that Excel would run as a formula.
            cells = list(cells)
            if id_column is not None and id_column < len(cells):
                cells[id_column] = mask_id(str(cells[id_column]))
            write_bad([("'" + c) if isinstance(c, str) and _formula_like(c) else c for c in cells])

        batch: dict[tuple[str, str], list[Any]] = {}
        duplicates = rejected = in_batch = 0
        for row in rows:
            line_no += 1
            in_batch += 1
            values, errors = parse(row)
            if values is None:
                bad_row([*row[:width], *[""] * (width - len(row)), line_no, "；".join(errors)])
                rejected += 1
            else:
                key = (values[0], values[1])
                if key in batch:
                    duplicates += 1
                else:
                    batch[key] = values
            if in_batch >= size:
                if not self._put(_Batch(list(batch.values()), in_batch, duplicates, rejected, bad.getvalue())):
                    return
                batch, duplicates, rejected, in_batch = {}, 0, 0, 0
                bad.seek(0)
                bad.truncate()
        if in_batch:
            self._put(_Batch(list(batch.values()), in_batch, duplicates, rejected, bad.getvalue()))

    def __iter__(self) -> Iterator[_Batch]:
        while True:
            item = self.queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        self.stop.set()
        self.thread.join()


class RunTakenOver(Exception):
    """Another job has taken the run over (this one had been silent too long and was judged
    stalled): this import stops without committing its batch, and without marking the run failed."""


def _owned(run: ImportRun):
    """The run's row while the job that started this import still owns it (the command line's runs
    have no job)."""
    return ImportRun.objects.filter(pk=run.pk, job=run.job_id)


def _fail(run: ImportRun, error: str) -> None:
    _owned(run).update(status=ImportRun.STATUS_FAILED, error=error[:2000])


def _reason(exc: BaseException) -> str:
    """What the page says about an error: a domain error's own message, else only its kind (the
    log has the rest; a database error's text can quote a row's values, a file error the server's
    paths)."""
    if isinstance(exc, DomainError):
        return "；".join(str(e.message) for e in exc.errors)
    return type(exc).__name__


def reject_rows(path: Path) -> Iterable[dict[str, str]]:
    """The rows of a rejects file (tests and the page's preview)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)
