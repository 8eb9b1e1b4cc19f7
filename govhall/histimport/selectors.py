"""Read paths of the history import: who sees which runs."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from govhall.histimport.models import ImportRun
from govhall.histimport.services import PERMISSION


def runs_for_user(*, user, limit: int = 20) -> QuerySet[ImportRun]:
    """The latest runs; every holder of the import permission (supervisors, sysadmins) sees all."""
    if not user.has_perm(PERMISSION):
        return ImportRun.objects.none()
    return ImportRun.objects.select_related("created_by").order_by("-created_at", "-id")[:limit]


def get_run_for_user(*, user, run_id: int) -> ImportRun:
    run = ImportRun.objects.filter(pk=run_id).first() if user.has_perm(PERMISSION) else None
    if run is None:
        raise Http404
    return run


def rejects_file(run: ImportRun) -> Path | None:
    if not run.rejects_path or not run.rejected:
        return None
    path = Path(settings.MEDIA_ROOT) / run.rejects_path
    return path if path.is_file() else None
