"""Background work of bundles, run by `manage.py db_worker` (django-tasks); each task idempotent."""

from __future__ import annotations

import logging

from django_tasks import task

from govhall.bundles.models import BundleCase
from govhall.bundles.services import bundle_case_sync, bundle_due_dates_fill

logger = logging.getLogger(__name__)


@task()
def bundle_clock_sweep_task() -> dict[str, int]:
    """Fill the due dates left pending for want of a year's working calendar ("期限待定"), and
    bring each open bundle case's status and overdue flag up to date with its item cases."""
    filled = bundle_due_dates_fill()
    synced = 0
    open_ = BundleCase.objects.exclude(status__in=BundleCase.FINAL_STATUSES).order_by("id")
    for bundle_case in open_.iterator(chunk_size=200):
        before = (bundle_case.status, bundle_case.overdue)
        bundle_case_sync(bundle_case)
        synced += (bundle_case.status, bundle_case.overdue) != before
    logger.info("bundle clock sweep: filled %s, changed %s", filled, synced)
    return {"due_dates_filled": filled, "changed": synced}
