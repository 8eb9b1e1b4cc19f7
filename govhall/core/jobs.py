"""Background jobs that a user starts and then follows on a page (first: the catalog Excel import).

A service creates the job with `job_create` (keeping the uploaded file under MEDIA_ROOT/jobs/<id>/)
and queues its django-tasks task with `transaction.on_commit`. The task, run by
`manage.py db_worker`, claims the job with `job_start`, reports `job_progress` while it works and
ends with `job_finish` or `job_fail`. The job page reads it through `get_job_for_user`.

Progress is written to a small file beside the job's upload (MEDIA_ROOT/jobs/<id>/progress.json),
not to the row. The long part of an import runs inside one transaction (all items or none): an
UPDATE of the row made there stays invisible to the page until the commit, and on SQLite no other
connection may write while that transaction holds the write lock. The file is replaced atomically,
at most twice a second, and the web process sees it at once (it already shares MEDIA_ROOT with the
worker, which reads the upload from there). The row gets the last figures when the job ends.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation

from govhall.core.models import Job

# A job silent for longer than this has lost its worker: the job page says so, and a new job of
# its kind may be started (`job_in_progress`).
SILENT_TOO_LONG = dt.timedelta(minutes=10)

# Seconds between two progress writes of one job; the page asks every second.
PROGRESS_INTERVAL = 0.5

# job id -> (time.monotonic(), message) of the last progress write in this process
_last_written: dict[int, tuple[float, str]] = {}


def _progress_path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "jobs" / str(job_id) / "progress.json"


def _read_progress(job_id: int) -> dict[str, Any] | None:
    try:
        return json.loads(_progress_path(job_id).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def job_last_activity(job: Job) -> dt.datetime | None:
    """When a running job last showed a sign of life: its last progress report, or its start."""
    moments = [job.started_at] if job.started_at else []
    try:
        moments.append(dt.datetime.fromtimestamp(_progress_path(job.pk).stat().st_mtime, tz=dt.UTC))
    except FileNotFoundError:
        pass
    return max(moments) if moments else None


def worker_busy(*, now: dt.datetime, excluding: int | None = None) -> bool:
    """Some job (but `excluding`) is running and has shown a sign of life within SILENT_TOO_LONG:
    a job queued meanwhile waits for the worker, it has not lost it."""
    running = Job.objects.filter(status=Job.STATUS_RUNNING)
    if excluding is not None:
        running = running.exclude(pk=excluding)
    for job in running:
        seen = job_last_activity(job)
        if seen is not None and now - seen <= SILENT_TOO_LONG:
            return True
    return False


def job_stalled(job: Job, *, now: dt.datetime | None = None) -> bool:
    """A queued or running job that has lost its worker: running without a sign of life for longer
    than SILENT_TOO_LONG, or queued that long while no other job kept the worker busy (a job queued
    behind a long import waits; it is not lost)."""
    now = now or timezone.now()
    if job.status == Job.STATUS_RUNNING:
        return now - (job_last_activity(job) or job.created_at) > SILENT_TOO_LONG
    if job.status == Job.STATUS_QUEUED:
        return now - job.created_at > SILENT_TOO_LONG and not worker_busy(now=now, excluding=job.pk)
    return False


def job_in_progress(kind: str) -> Job | None:
    """A job of `kind` that is queued or running and not stalled (`job_stalled`): a stalled one's
    worker is gone, and a new one may be started."""
    now = timezone.now()
    for job in Job.objects.filter(kind=kind, status__in=(Job.STATUS_QUEUED, Job.STATUS_RUNNING)).order_by("-created_at"):
        if not job_stalled(job, now=now):
            return job
    return None


def _forget_progress(job_id: int) -> None:
    _last_written.pop(job_id, None)
    _progress_path(job_id).unlink(missing_ok=True)


# --- services -----------------------------------------------------------------------------------


def job_create(*, actor, kind: str, params: dict[str, Any] | None = None, upload: File | None = None) -> Job:
    """A queued job of `actor`, with `upload` kept beside it for the worker. The caller queues the
    task with `transaction.on_commit`, so that the worker never looks for a job not yet committed.
    The job remembers the active language: the worker writes its messages and reports in it."""
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind, params=params or {}, created_by=actor, language=translation.get_language() or settings.LANGUAGE_CODE
        )
        if upload is not None:
            name = Path(upload.name or "").name
            job.upload_name = name[:200]
            job.upload.save("upload" + Path(name).suffix.lower()[:10], upload, save=False)
            job.save(update_fields=["upload", "upload_name"])
    return job


def job_start(*, job_id: int) -> Job | None:
    """Claim a queued job for running. None when it is not queued any more (running or finished),
    so a task that is delivered twice does its work once."""
    claimed = Job.objects.filter(pk=job_id, status=Job.STATUS_QUEUED).update(status=Job.STATUS_RUNNING, started_at=timezone.now())
    if not claimed:
        return None
    _forget_progress(job_id)  # nothing reported yet (a file left by a database reset under the same MEDIA_ROOT is stale)
    return Job.objects.select_related("created_by").get(pk=job_id)


def job_progress(*, job_id: int, done: int, total: int, message: str = "") -> None:
    """How far a running job got: `done` of `total` (0 of 0: nothing to count yet) and what it is
    doing. Cheap enough to call for every row: it writes when the message changes, when the count
    is complete, and otherwise at most every PROGRESS_INTERVAL seconds."""
    now = time.monotonic()
    last_at, last_message = _last_written.get(job_id, (-math.inf, None))
    if message == last_message and done < total and now - last_at < PROGRESS_INTERVAL:
        return
    _last_written[job_id] = (now, message)
    total = max(total, 0)
    figures = {"done": min(max(done, 0), total), "total": total, "message": str(message)[:200]}
    path = _progress_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f"progress.{os.getpid()}.tmp")
    scratch.write_text(json.dumps(figures, ensure_ascii=False), encoding="utf-8")
    os.replace(scratch, path)  # the page reads either the old figures or the new, never half a file


def _end(job_id: int, status: str, **fields: Any) -> Job | None:
    job = Job.objects.filter(pk=job_id, status=Job.STATUS_RUNNING).first()
    if job is None:
        return None
    live = _read_progress(job_id)
    if live is not None:
        job.done, job.total = live["done"], live["total"]
    job.status, job.finished_at = status, timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    return job


def job_finish(*, job_id: int, result: dict[str, Any], message: str = "", output: bytes | None = None, output_name: str = "") -> None:
    """A running job succeeded: its result (JSON) for the page, and `output`, a file the user may
    download (an import's error report). A job that is not running is left as it is."""
    job = _end(job_id, Job.STATUS_SUCCEEDED, result=result, message=message[:200])
    if job is None:
        return
    job.done = job.total
    if output is not None:
        job.output_name = output_name[:200]
        job.output.save("output" + Path(output_name).suffix.lower()[:10], ContentFile(output), save=False)
    job.save()
    _forget_progress(job_id)


def job_fail(*, job_id: int, error: str) -> None:
    """A running job failed: `error` says why, in words for the user; the figures show where it stopped."""
    job = _end(job_id, Job.STATUS_FAILED, error=error)
    if job is None:
        return
    job.save()
    _forget_progress(job_id)


# --- selectors ----------------------------------------------------------------------------------


def get_job_for_user(*, user, job_id: int) -> Job:
    """The job with its progress as of now; 404 unless `user` started it or is a superuser, so the
    page never confirms that someone else's job exists."""
    jobs = Job.objects.filter(pk=job_id)
    if not user.is_superuser:
        jobs = jobs.filter(created_by_id=user.pk)
    job = jobs.first()
    if job is None:
        raise Http404
    if job.status == Job.STATUS_RUNNING and (live := _read_progress(job.pk)) is not None:
        job.done, job.total, job.message = live["done"], live["total"], live["message"]
    return job


def jobs_for_user(*, user, kind: str, limit: int = 5) -> QuerySet[Job]:
    """The latest jobs of one kind that `user` started (the import page lists them)."""
    return Job.objects.filter(created_by_id=user.pk, kind=kind).order_by("-created_at", "-id")[:limit]
