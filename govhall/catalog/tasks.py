"""Background work of the catalog, run by `manage.py db_worker` (django-tasks); each task idempotent."""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from govhall.catalog.excel import catalog_import
from govhall.core.errors import DomainError
from govhall.core.jobs import job_fail, job_finish, job_progress, job_start

logger = logging.getLogger(__name__)


@task()
def import_catalog_job(job_id: int) -> None:
    """Run the Excel import a user uploaded (`catalog_import_start`) and keep its report in the job:
    counts and errors for the page, the error workbook for download. A job that has already started
    or finished is left alone, so a task delivered twice imports once."""
    job = job_start(job_id=job_id)
    if job is None:
        return
    with translation.override(job.language or settings.LANGUAGE_CODE):
        if job.created_by is None:  # the account was deleted: without an actor the import would run as the system
            job_fail(job_id=job_id, error=_("发起导入的账号已不存在，未导入。"))
            return
        try:
            with job.upload.open("rb") as upload:
                report = catalog_import(
                    actor=job.created_by,
                    file=upload,
                    valid_only=bool(job.params.get("valid_only")),
                    reason=job.params.get("reason") or "Excel导入",
                    progress=partial(_progress, job_id),
                )
        except DomainError as exc:  # e.g. the permission was withdrawn after the upload
            job_fail(job_id=job_id, error="；".join(e.message for e in exc.errors))
            return
        except Exception:
            logger.exception("catalog import job %s failed", job_id)
            # catalog_import writes in one transaction, which the exception rolled back
            job_fail(job_id=job_id, error=_("导入时发生内部错误，没有保存任何事项。请稍后重试；如仍出错，请联系系统管理员。"))
            raise
        workbook = report.errors_workbook() if report.errors else None
        job_finish(
            job_id=job_id,
            result=report.as_dict(),
            message=report.summary(),
            output=workbook,
            output_name=f"事项清单导入错误报告-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        )


def _progress(job_id: int, done: int, total: int, message: str) -> None:
    job_progress(job_id=job_id, done=done, total=total, message=message)
