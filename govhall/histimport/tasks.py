"""Background work of the history import, run by `manage.py db_worker` (django-tasks)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from govhall.core.errors import DomainError
from govhall.core.jobs import job_fail, job_finish, job_progress, job_start
from govhall.histimport.importer import import_history
from govhall.histimport.models import ImportRun
from govhall.histimport.services import run_file

logger = logging.getLogger(__name__)


@task()
def import_history_job(job_id: int) -> None:
    """Import (or resume) the run of the job. A job already started or finished is left alone; a
    run stopped half-way keeps its committed batches, and running it again continues there."""
    job = job_start(job_id=job_id)
    if job is None:
        return
    with translation.override(job.language or settings.LANGUAGE_CODE):
        run = ImportRun.objects.filter(pk=job.params.get("run")).first()
        if run is None:
            job_fail(job_id=job_id, error=_("找不到该导入记录。"))
            return

        def progress(done: int, total: int, message: str) -> None:
            job_progress(job_id=job_id, done=done, total=total, message=message)

        try:
            outcome = import_history(path=run_file(run), source=run.source, run=run, actor=job.created_by, progress=progress)
        except DomainError as exc:
            job_fail(job_id=job_id, error="；".join(e.message for e in exc.errors))
            return
        except Exception:
            logger.exception("history import job %s failed", job_id)
            job_fail(job_id=job_id, error=_("导入中断。已提交的批次保留，可在导入页点“继续”从中断处接着导入。"))
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
