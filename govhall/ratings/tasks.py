"""Background work of ratings, run by `manage.py db_worker` (django-tasks); each task idempotent."""

from __future__ import annotations

import logging

from django_tasks import task

from govhall.ratings.services import followup_due_sweep

logger = logging.getLogger(__name__)


@task()
def followup_due_sweep_task() -> dict[str, int]:
    """Fill the 差评 follow-up due dates left empty while a year's calendar was not loaded."""
    filled = followup_due_sweep()
    logger.info("rating follow-up due sweep: %s filled", filled)
    return {"filled": filled}
