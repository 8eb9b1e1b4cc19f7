"""Background work of complaints, run by `manage.py db_worker` (django-tasks); each task idempotent."""

from __future__ import annotations

import logging

from django_tasks import task

from govhall.complaints.services import due_dates_fill

logger = logging.getLogger(__name__)


@task()
def due_dates_fill_task() -> dict[str, int]:
    """Compute the due dates left pending ("期限待定") once the year's working-day calendar is loaded."""
    result = due_dates_fill()
    logger.info("complaint due dates filled: %s", result)
    return {"complaints": result.complaints, "problems": result.problems}
