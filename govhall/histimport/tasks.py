"""Background work of the history import, run by `manage.py db_worker` (django-tasks)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from govhall.core.errors import DomainError
from govhall.core.jobs import job_fail, job_finish, job_progress, job_start
from govhall.histimport.importer import RunTakenOver, import_history
from govhall.histimport.models import ImportRun
from govhall.histimport.services import rejects_expire, run_file, run_uploads_discard, uploads_expire

logger = logging.getLogger(__name__)


class _TakenOver(BaseException):
    """Raised from the progress report when another job has taken the run over (this one had been
    silent too long). A BaseException, so that the importer's `except Exception` does not mark the
    run failed under the job that now imports it; its `finally` still closes the files."""


def _stop(run: ImportRun, job_id: int, error: str) -> None:
    """The run failed under this job. The importer marks a run failed when a batch goes wrong, not
    when the file cannot be read at all (an empty or refused workbook): the runs page must not show
    such a run as 导入中 for ever."""
    ImportRun.objects.filter(pk=run.pk, job_id=job_id, status__in=(ImportRun.STATUS_QUEUED, ImportRun.STATUS_RUNNING)).update(
        status=ImportRun.STATUS_FAILED, error=error[:2000]
    )


@task()
def import_history_job(job_id: int) -> None:
    """Import (or resume) the run of the job. A job already started or finished is left alone, and
    so is a run that another job has taken over; a run stopped half-way keeps its committed
    batches, and running it again continues there. A successful import deletes its upload."""
    job = job_start(job_id=job_id)
    if job is None:
        return
    with translation.override(job.language or settings.LANGUAGE_CODE):
        # Under the run's row lock: the services hand a run to a new job under it too.
        with transaction.atomic():
            run = ImportRun.objects.select_for_update().filter(pk=job.params.get("run")).first()
        if run is None:
            job_fail(job_id=job_id, error=_("找不到该导入记录。"))
            return
        if run.job_id != job_id:
            job_fail(job_id=job_id, error=_("该导入已由另一个任务接手，本任务未做任何处理。"))
            return
        if run.status == ImportRun.STATUS_DONE:  # queued twice, or its worker came back late
            job_fail(job_id=job_id, error=_("该导入已完成，本任务未做任何处理。"))
            return

        def progress(done: int, total: int, message: str) -> None:
            if not ImportRun.objects.filter(pk=run.pk, job_id=job_id).exists():
                raise _TakenOver
            job_progress(job_id=job_id, done=done, total=total, message=message)

        try:
            outcome = import_history(path=run_file(run), source=run.source, run=run, actor=job.created_by, progress=progress)
        except (_TakenOver, RunTakenOver):
            job_fail(job_id=job_id, error=_("该导入已由另一个任务接手，本任务已停止。"))
            return
        except DomainError as exc:
            error = "；".join(e.message for e in exc.errors)
            _stop(run, job_id, error)
            job_fail(job_id=job_id, error=error)
            return
        except Exception:
            logger.exception("history import job %s failed", job_id)
            error = _("导入中断。已提交的批次保留，可在导入页点“继续”从中断处接着导入。")
            _stop(run, job_id, error)
            job_fail(job_id=job_id, error=error)
            raise
        job_finish(
            job_id=job_id,
            result={
                "run": run.pk,
                "read": outcome.read,
                "imported": outcome.imported,
                "duplicates": outcome.duplicates,
                "rejected": outcome.rejected,
            },
            message=outcome.summary(),
        )
        run_uploads_discard(outcome.run)


@task()
def uploads_expire_task() -> int:
    """Daily (core.scheduler): uploads of runs stopped for GOVHALL_HISTIMPORT_UPLOAD_DAYS go."""
    removed = uploads_expire()
    if removed:
        logger.info("history import: %d expired upload(s) deleted", removed)
    return removed


@task()
def rejects_expire_task() -> int:
    """Daily (core.scheduler): rejects files of imports finished GOVHALL_HISTIMPORT_REJECTS_DAYS ago go."""
    removed = rejects_expire()
    if removed:
        logger.info("history import: %d expired rejects file(s) deleted", removed)
    return removed
