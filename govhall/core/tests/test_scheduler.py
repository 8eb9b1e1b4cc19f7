"""The periodic jobs: every one names a real task, and each is enqueued once per interval."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from govhall.core.scheduler import PERIODIC, run_due


def test_every_periodic_job_names_a_background_task():
    for job in PERIODIC:
        assert isinstance(import_string(job.task), Task), job.task


def test_each_job_is_enqueued_once_per_interval_whatever_the_others_do(db):
    first = timezone.make_aware(dt.datetime(2026, 6, 15, 1, 0))
    queued: list[str] = []
    assert run_due(now=first, enqueue=queued.append) == [job.key for job in PERIODIC]
    assert run_due(now=first, enqueue=queued.append) == []
    quarter_later = run_due(now=first + dt.timedelta(minutes=15), enqueue=queued.append)
    assert quarter_later == [job.key for job in PERIODIC if job.every <= dt.timedelta(minutes=15)]
    assert len(queued) == len(PERIODIC) + len(quarter_later)
