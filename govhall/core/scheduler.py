"""Periodic jobs. `manage.py scheduler` enqueues each job for the worker when its interval has
passed; the job's ScheduledRun row is locked first, so any number of scheduler processes on any
number of machines enqueue each run once."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from govhall.core.models import ScheduledRun


@dataclass(frozen=True)
class Periodic:
    key: str
    task: str  # dotted path of a django-tasks task
    every: dt.timedelta


PERIODIC = [
    # Hourly: a case becomes overdue at the first run after midnight, reminders go out that morning.
    Periodic("cases.clock_sweep", "govhall.cases.tasks.clock_sweep_task", dt.timedelta(hours=1)),
    # 一件事 bundles: overdue marking, and due dates that waited for next year's calendar.
    Periodic("bundles.clock_sweep", "govhall.bundles.tasks.bundle_clock_sweep_task", dt.timedelta(hours=1)),
    # Every quarter hour: appointments whose slot ended without check-in become no-shows.
    Periodic("hall.sweep", "govhall.hall.tasks.hall_sweep_task", dt.timedelta(minutes=15)),
    # 差评 follow-ups rated while next year's calendar was missing get their due dates.
    Periodic("ratings.followup_due_sweep", "govhall.ratings.tasks.followup_due_sweep_task", dt.timedelta(hours=24)),
    # Messages to other govhall deployments that failed are sent again; old nonces are forgotten.
    Periodic("crossregion.retry", "govhall.crossregion.tasks.messages_retry_task", dt.timedelta(minutes=10)),
    # Work orders and 办不成事 registered while next year's calendar was missing get their due dates.
    Periodic("complaints.due_dates_fill", "govhall.complaints.tasks.due_dates_fill_task", dt.timedelta(hours=6)),
    # The anomaly rules run over the case facts changed since the last scan.
    Periodic("anomalies.scan_changed", "govhall.anomalies.tasks.scan_changed_task", dt.timedelta(minutes=30)),
    # 交办 tasks due within 2 working days, or overdue, remind their department (站内消息, once each).
    Periodic("anomalies.tasks_remind", "govhall.anomalies.tasks.tasks_remind_task", dt.timedelta(hours=24)),
    # History files uploaded for imports that stopped are deleted after GOVHALL_HISTIMPORT_UPLOAD_DAYS.
    Periodic("histimport.uploads_expire", "govhall.histimport.tasks.uploads_expire_task", dt.timedelta(hours=24)),
    # Rejects files of imports finished GOVHALL_HISTIMPORT_REJECTS_DAYS ago are deleted.
    Periodic("histimport.rejects_expire", "govhall.histimport.tasks.rejects_expire_task", dt.timedelta(hours=24)),
    # 监管月报: last month's report on days 1–5 of a month when none exists.
    Periodic("monitor.monthly_report", "govhall.monitor.tasks.monthly_report_sweep_task", dt.timedelta(hours=24)),
]


def _enqueue(path: str) -> None:
    import_string(path).enqueue()


def run_due(*, now: dt.datetime | None = None, enqueue: Callable[[str], object] | None = None) -> list[str]:
    """Enqueue every periodic job whose interval has passed; returns the keys enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in PERIODIC:
        with transaction.atomic():
            ScheduledRun.objects.get_or_create(key=job.key)
            run = ScheduledRun.objects.select_for_update().get(key=job.key)
            if run.last_run_at is not None and now - run.last_run_at < job.every:
                continue
            run.last_run_at = now
            run.save(update_fields=["last_run_at"])
            if enqueue is not None:
                enqueue(job.task)
            else:
                transaction.on_commit(functools.partial(_enqueue, job.task))
            enqueued.append(job.key)
    return enqueued
