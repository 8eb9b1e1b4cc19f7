"""User actions of monitor: starting the generation of a 监管月报."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.errors import PermissionDenied, ValidationError
from govhall.core.jobs import job_create, job_in_progress
from govhall.core.models import Job
from govhall.monitor.figures import month_start, parse_month

REPORT_JOB_KIND = "monitor.report"


def report_month(value: str, today: dt.date | None = None) -> dt.date:
    """The month a report is asked for ('2026-03'); not a month still to come."""
    month = parse_month(value)
    if month is None:
        raise ValidationError("month", "format", _("月份格式应为 YYYY-MM，例如 2026-03。"))
    if month > month_start(today or timezone.localdate()):
        raise ValidationError("month", "future", _("不能生成尚未开始的月份的月报。"))
    return month


def report_start(*, actor, month: str) -> Job:
    """Queue the background job that builds the month's report (PDF + Excel); refused while
    another report job is queued or running (unless it stalled)."""
    if not actor.is_authenticated or not actor.has_perm("monitor.generate_report"):
        raise PermissionDenied(_("只有监管人员可以生成监管月报。"))
    first = report_month(month)
    from govhall.monitor.tasks import build_report_job

    with transaction.atomic():
        if job_in_progress(REPORT_JOB_KIND) is not None:
            raise ValidationError("job", "already_running", _("已有监管月报正在排队或生成中，请等待其完成后再发起。"))
        job = job_create(actor=actor, kind=REPORT_JOB_KIND, params={"month": first.isoformat()})
        transaction.on_commit(partial(build_report_job.enqueue, job.pk))
    return job
