"""Background work of anomalies, run by `manage.py db_worker` (django-tasks); each task idempotent."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from govhall.anomalies import engine
from govhall.core.jobs import job_fail, job_finish, job_progress, job_start

logger = logging.getLogger(__name__)


@task()
def scan_changed_task() -> dict:
    """Periodic: run the rules over the facts updated and the ratings made since the last run."""
    result = engine.scan_changed()
    logger.info("anomaly scan of changes: %s", result.as_dict())
    return result.as_dict()


@task()
def scan_job(job_id: int) -> None:
    """The full scan a supervisor started from the page, with progress on the job page."""
    job = job_start(job_id=job_id)
    if job is None:
        return
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            result = engine.scan(progress=lambda done, total, message: job_progress(job_id=job_id, done=done, total=total, message=message))
        except Exception:
            logger.exception("anomaly scan job %s failed", job_id)
            job_fail(job_id=job_id, error=_("扫描时发生内部错误，已发现的异常保留。请稍后重试；如仍出错，请联系系统管理员。"))
            raise
        job_finish(
            job_id=job_id,
            result=result.as_dict(),
            message=_("扫描 %(records)d 条记录，新发现异常 %(hits)d 条，用时 %(seconds).1f 秒")
            % {"records": result.records, "hits": result.hits_created, "seconds": result.seconds},
        )


@task()
def tasks_remind_task() -> int:
    """Daily: 站内消息 to the answerers of 交办 tasks due within 2 working days or overdue."""
    from govhall.anomalies.services import tasks_remind

    sent = tasks_remind()
    if sent:
        logger.info("supervision tasks: %d reminder(s) sent", sent)
    return sent
