"""User actions of the history import: start an import of an uploaded file, resume a stopped one.

One run is imported by one job at a time: both actions take the run's row lock and refuse while it
is queued or running with a live worker. A run whose worker is gone (`selectors.run_stalled`) may be
taken over, by 继续 or by uploading the same file again; the task of the job that lost it then does
nothing (tasks.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.errors import PermissionDenied, ValidationError
from govhall.core.jobs import job_create, job_fail, job_last_activity
from govhall.core.models import Job
from govhall.histimport.importer import SOURCE_RE, run_for_file
from govhall.histimport.models import ImportRun
from govhall.histimport.readers import file_sha256
from govhall.supervision.models import CaseFact

IMPORT_JOB_KIND = "histimport.import"
PERMISSION = "histimport.import_history"
UPLOAD_SUFFIXES = (".csv", ".xlsx", ".txt")
IN_PROGRESS = (ImportRun.STATUS_QUEUED, ImportRun.STATUS_RUNNING)


def _require(actor) -> None:
    if not actor.has_perm(PERMISSION):
        raise PermissionDenied(_("无权导入历史办件"))


def _refuse_if_in_progress(run: ImportRun) -> None:
    """Call with the run's row lock held."""
    from govhall.histimport.selectors import run_stalled

    if run.status not in IN_PROGRESS or run_stalled(run):
        return
    if run.job_id is None:  # started by manage.py import_history: only that command knows whether it still runs
        message = _("该文件正在由命令行（manage.py import_history）导入，请等待完成；如命令已中断，再次运行同一命令即可继续")
    else:
        message = _("该文件的导入正在进行中，请等待完成或中断后再继续")
    raise ValidationError("file", "in_progress", message)


def _lock_file(*, source: str, sha256: str) -> None:
    """Serialize the uploads of one file for one source until the transaction ends, so that two
    uploads at once do not both create a run for it. SQLite's IMMEDIATE transactions are serialized
    already; on PostgreSQL a transaction-level advisory lock keyed by the file does it."""
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"histimport:{source}:{sha256}".encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _retire(job_id: int) -> None:
    """The job that lost its run to a new one: its page says so (a job still queued does nothing
    when the worker gets to it, see tasks.py)."""
    job_fail(job_id=job_id, error=_("该导入已由新的任务接手（本任务长时间没有进展，后台任务进程可能已中断）。"))


def _discard_upload(job: Job) -> None:
    if job.upload:
        folder = Path(job.upload.path).parent
        job.upload.delete(save=False)
        try:
            folder.rmdir()  # MEDIA_ROOT/jobs/<id>/, when nothing else is in it
        except OSError:
            pass


def too_large_error(size: int) -> ValidationError:
    limit = settings.GOVHALL_HISTIMPORT_MAX_BYTES
    return ValidationError(
        "file",
        "too_large",
        _("文件有%(size)d MB，超过%(limit)d MB的上限；请按年份等拆分为几个文件分别导入") % {"size": -(-size >> 20), "limit": limit >> 20},
    )


def histimport_start(*, actor, upload: File, source: str) -> ImportRun:
    """Keep the uploaded file with a new job, find the run for it (the unfinished run of the same
    file and source is resumed, unless it is being imported right now) and queue the import once
    committed."""
    from govhall.histimport.tasks import import_history_job

    _require(actor)
    source = (source or "").strip()
    if not SOURCE_RE.match(source) or source == CaseFact.SOURCE_LIVE:
        raise ValidationError("source", "format", _("来源系统代码应为字母、数字、-、_，至多32位，且不能为 govhall"))
    name = Path(upload.name or "").name
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        raise ValidationError("file", "type", _("请上传 CSV 或 Excel（.xlsx）文件"))
    if (upload.size or 0) > settings.GOVHALL_HISTIMPORT_MAX_BYTES:
        raise too_large_error(upload.size)
    job: Job | None = None
    committed: list[bool] = []
    try:
        with transaction.atomic():
            transaction.on_commit(partial(committed.append, True))  # first: before the task runs
            job = job_create(actor=actor, kind=IMPORT_JOB_KIND, params={"source": source}, upload=upload)
            path = Path(job.upload.path)
            sha256, _size = file_sha256(path)
            _lock_file(source=source, sha256=sha256)
            # The run `run_for_file` resumes, locked and checked before it is handed to this job.
            unfinished = (
                ImportRun.objects.select_for_update()
                .filter(source=source, file_sha256=sha256)
                .exclude(status=ImportRun.STATUS_DONE)
                .order_by("-created_at", "-id")
                .first()
            )
            previous_job_id = None
            if unfinished is not None:
                _refuse_if_in_progress(unfinished)
                previous_job_id = unfinished.job_id
            run = run_for_file(path=path, source=source, actor=actor, file_name=name, job=job)
            # This upload is the file to read (a resumed run's earlier upload has the same content).
            run.file_path = str(path.relative_to(settings.MEDIA_ROOT))
            run.save(update_fields=["file_path"])
            ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.STATUS_QUEUED)
            job.params = {"source": source, "run": run.pk}
            job.save(update_fields=["params"])
            if previous_job_id is not None and previous_job_id != job.pk:
                transaction.on_commit(partial(_retire, previous_job_id))
            transaction.on_commit(partial(import_history_job.enqueue, job.pk))
    except BaseException:
        if job is not None and not committed:
            _discard_upload(job)  # the job's row was rolled back, its file was not
        raise
    run.refresh_from_db()
    return run


def histimport_resume(*, actor, run: ImportRun) -> ImportRun:
    """Queue a stopped run again: a failed one, or one whose worker is gone (stalled). It continues
    at its checkpoint, reading the file it was uploaded with."""
    from govhall.histimport.tasks import import_history_job

    _require(actor)
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status == ImportRun.STATUS_DONE:
            raise ValidationError("status", "not_failed", _("只有中断的导入可以继续"))
        _refuse_if_in_progress(run)
        if not run_file(run).is_file():
            raise ValidationError("file", "missing", _("导入的文件已不存在，请重新上传该文件"))
        previous_job_id = run.job_id
        job = job_create(actor=actor, kind=IMPORT_JOB_KIND, params={"source": run.source, "run": run.pk})
        run.job, run.status = job, ImportRun.STATUS_QUEUED
        run.save(update_fields=["job", "status"])
        if previous_job_id is not None:
            transaction.on_commit(partial(_retire, previous_job_id))
        transaction.on_commit(partial(import_history_job.enqueue, job.pk))
    return run


def run_file(run: ImportRun) -> Path:
    path = Path(run.file_path)
    return path if path.is_absolute() else Path(settings.MEDIA_ROOT) / path


def run_uploads_discard(run: ImportRun) -> None:
    """After a run is done, delete the files uploaded for it (by every job that worked on it): its
    facts are in the database and a done run is never resumed. The rejects file stays (users
    download it); a file given on the command line is not ours and stays too."""
    for job in Job.objects.filter(kind=IMPORT_JOB_KIND, params__run=run.pk).exclude(upload=""):
        _discard_upload(job)
        Job.objects.filter(pk=job.pk).update(upload="")


def _last_activity(jobs: list[Job]) -> dt.datetime:
    """When anything last happened to a run, by the jobs that worked on it: the last one's end, its
    last progress report, its start or its creation."""
    moments = [job.created_at for job in jobs]
    for job in jobs:
        moments += [m for m in (job.finished_at, job_last_activity(job)) if m is not None]
    return max(moments)


def uploads_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the uploaded files of runs that nobody imports any more; how many files went.

    An upload holds applicants' ID numbers in clear (the facts keep only a key, the rejects file a
    masked number). It is kept while its run may be continued: a run that failed or lost its worker
    keeps its file for GOVHALL_HISTIMPORT_UPLOAD_DAYS after the last sign of life of any job on it,
    then the file goes and the page asks for the same file again (uploading it continues the run at
    its checkpoint). A finished run's uploads go at once (the task that finished it normally deletes
    them already). A run being imported keeps its files, however old: 继续 reads the file of an
    earlier job. Each run is handled under its row lock, which 继续 and a new upload of the file
    take too."""
    from govhall.histimport.selectors import run_stalled

    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.GOVHALL_HISTIMPORT_UPLOAD_DAYS)
    removed = 0
    uploads = Job.objects.filter(kind=IMPORT_JOB_KIND).exclude(upload="")
    run_ids = {job.params.get("run") for job in uploads.only("params")}
    for run_id in sorted(run_ids, key=lambda r: (r is None, r or 0)):
        with transaction.atomic():
            run = ImportRun.objects.select_for_update().filter(pk=run_id).first() if run_id is not None else None
            jobs = list(Job.objects.filter(kind=IMPORT_JOB_KIND, params__run=run_id)) if run is not None else []
            if run is None:  # no run (deleted, or never made): only the upload's own job tells its age
                orphans = uploads.filter(params__run=run_id) if run_id is not None else uploads.exclude(params__has_key="run")
                jobs = [job for job in orphans if _last_activity([job]) < cutoff]
            elif run.status != ImportRun.STATUS_DONE:
                if run.status in IN_PROGRESS and not run_stalled(run, now=now):
                    continue
                if _last_activity(jobs) >= cutoff:
                    continue
            for job in jobs:
                if job.upload:
                    _discard_upload(job)
                    Job.objects.filter(pk=job.pk).update(upload="")
                    removed += 1
    return removed


def rejects_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the rejects files of imports finished GOVHALL_HISTIMPORT_REJECTS_DAYS ago or more; how
    many went.

    A rejects file repeats the bad rows as the source system sent them (staff names, dates, the
    applicant's ID number masked), for the source system's people to fix and send again: useful for
    weeks, not for ever. Only finished runs: an unfinished run's rejects file is its checkpoint
    (resuming cuts it back to the committed size and appends), so it stays with the run. The run
    keeps its counts and says when the file went (`rejects_deleted_at`). Each run is handled under
    its row lock."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.GOVHALL_HISTIMPORT_REJECTS_DAYS)
    removed = 0
    due = ImportRun.objects.filter(status=ImportRun.STATUS_DONE, finished_at__lt=cutoff, rejects_deleted_at__isnull=True).exclude(
        rejects_path=""
    )
    for run_id in due.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            run = due.select_for_update().filter(pk=run_id).first()
            if run is None:  # resumed, or handled by another worker meanwhile
                continue
            path = Path(settings.MEDIA_ROOT) / run.rejects_path
            path.unlink(missing_ok=True)
            try:
                path.parent.rmdir()  # MEDIA_ROOT/histimport/<run>/, when nothing else is in it
            except OSError:
                pass
            ImportRun.objects.filter(pk=run.pk).update(rejects_deleted_at=now)
            removed += 1
    return removed
