"""Background work of cases, run by `manage.py db_worker` (django-tasks); each task idempotent."""

from __future__ import annotations

import logging

from django_tasks import task

from govhall.cases.services import case_clock_sweep

logger = logging.getLogger(__name__)


@task()
def clock_sweep_task() -> dict[str, int]:
    """Mark overdue cases and send the two-working-days reminders (CASE-5); safe to repeat."""
    report = case_clock_sweep()
    logger.info("clock sweep: %s", report)
    return {"overdue_marked": report.overdue_marked, "reminders": report.reminders, "suspended_refreshed": report.suspended_refreshed}
