"""Background work of the hall, run by `manage.py db_worker` (django-tasks); each task idempotent."""

from __future__ import annotations

import logging

from django_tasks import task

from govhall.hall.services import hall_sweep

logger = logging.getLogger(__name__)


@task()
def hall_sweep_task() -> dict[str, int]:
    """Booked appointments whose slot ended without check-in become no-shows; tickets of earlier
    days still open are closed. Safe to repeat: a second run changes nothing."""
    report = hall_sweep()
    logger.info("hall sweep: %s", report)
    return {"no_shows": report.no_shows, "tickets_closed": report.tickets_closed}
