"""Background work of monitor, run by `manage.py db_worker` (django-tasks); each task idempotent."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from govhall.core.jobs import job_fail, job_finish, job_progress, job_start
from govhall.monitor.figures import add_months, month_start
from govhall.monitor.models import MonthlyReport
from govhall.monitor.reports import report_build

logger = logging.getLogger(__name__)

# The scheduler builds last month's report on the first days of a month when nobody has.
AUTO_REPORT_DAYS = 5


@task()
def build_report_job(job_id: int) -> None:
    """Build the 监管月报 a supervisor asked for; the job page then links to the PDF and Excel.
    A job already started or finished is left alone, so a task delivered twice builds once."""
    job = job_start(job_id=job_id)
    if job is None:
        return
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            month = dt.date.fromisoformat(job.params["month"])
            report = report_build(
                month=month,
                actor=job.created_by,
                job=job,
                progress=lambda done, total, message: job_progress(job_id=job_id, done=done, total=total, message=message),
            )
        except Exception:
            logger.exception("monthly report job %s failed", job_id)
            job_fail(job_id=job_id, error=_("生成月报时发生内部错误。请稍后重试；如仍出错，请联系系统管理员。"))
            raise
        job_finish(
            job_id=job_id,
            result={
                "report_id": report.pk,
                "pdf": reverse("monitor_staff:report-file", args=[report.pk, "pdf"]),
                "xlsx": reverse("monitor_staff:report-file", args=[report.pk, "xlsx"]),
            },
            message=_("%(month)s 监管月报已生成。") % {"month": f"{month.year}年{month.month}月"},
        )


def ensure_last_month_report(today: dt.date | None = None) -> MonthlyReport | None:
    """On the first days of a month, build last month's report unless there is one."""
    today = today or timezone.localdate()
    if today.day > AUTO_REPORT_DAYS:
        return None
    month = add_months(month_start(today), -1)
    if MonthlyReport.objects.filter(month=month).exists():
        return None
    with translation.override(settings.LANGUAGE_CODE):
        return report_build(month=month)


@task()
def monthly_report_sweep_task() -> int | None:
    report = ensure_last_month_report()
    return report.pk if report else None
