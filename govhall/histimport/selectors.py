"""Read paths of the history import: who sees which runs, and whether a run has lost its worker."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from govhall.core.jobs import job_stalled
from govhall.core.models import Job
from govhall.histimport.models import ImportRun
from govhall.histimport.services import PERMISSION


class RunState(NamedTuple):
    """A run as the runs page lists it."""

    run: ImportRun
    stalled: bool
    file_kept: bool  # the file to continue from is still here (see services.uploads_expire)


def file_kept(run: ImportRun) -> bool:
    """An unfinished run's file is still on disk, so 继续 can read it (a finished run needs none)."""
    from govhall.histimport.services import run_file

    return run.status == ImportRun.STATUS_DONE or run_file(run).is_file()


def run_stalled(run: ImportRun, *, now: dt.datetime | None = None) -> bool:
    """A queued or running run whose job lost its worker (`core.jobs.job_stalled`: running without a
    progress report for longer than SILENT_TOO_LONG, or queued that long while no other job keeps
    the worker busy), or whose job ended without ending the run. Such a run may be continued
    (继续, or the same file uploaded again). A run without a job (the command line) is never called
    stalled: only its command knows whether it still runs."""
    if run.status not in (ImportRun.STATUS_QUEUED, ImportRun.STATUS_RUNNING) or run.job is None:
        return False
    job = run.job
    if job.status in (Job.STATUS_QUEUED, Job.STATUS_RUNNING):
        return job_stalled(job, now=now)
    return True  # the job ended and the run did not: nothing works on it any more


def runs_for_user(*, user, limit: int = 20) -> QuerySet[ImportRun]:
    """The latest runs; every holder of the import permission (supervisors, sysadmins) sees all."""
    if not user.has_perm(PERMISSION):
        return ImportRun.objects.none()
    return ImportRun.objects.select_related("created_by", "job").order_by("-created_at", "-id")[:limit]


def run_states_for_user(*, user, limit: int = 20) -> list[RunState]:
    """The latest runs with whether each has stalled, for the runs page."""
    now = timezone.now()
    return [RunState(run, run_stalled(run, now=now), file_kept(run)) for run in runs_for_user(user=user, limit=limit)]


def get_run_for_user(*, user, run_id: int) -> ImportRun:
    run = ImportRun.objects.select_related("job").filter(pk=run_id).first() if user.has_perm(PERMISSION) else None
    if run is None:
        raise Http404
    return run


def rejects_file(run: ImportRun) -> Path | None:
    if not run.rejects_path or not run.rejected or run.rejects_deleted_at:
        return None
    path = Path(settings.MEDIA_ROOT) / run.rejects_path
    return path if path.is_file() else None
