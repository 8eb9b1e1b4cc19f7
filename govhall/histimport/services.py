"""User actions of the history import: start an import of an uploaded file, resume a stopped one."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from govhall.core.errors import PermissionDenied, ValidationError
from govhall.core.jobs import job_create
from govhall.histimport.importer import SOURCE_RE, run_for_file
from govhall.histimport.models import ImportRun
from govhall.supervision.models import CaseFact

IMPORT_JOB_KIND = "histimport.import"
PERMISSION = "histimport.import_history"
UPLOAD_SUFFIXES = (".csv", ".xlsx", ".txt")


def _require(actor) -> None:
    if not actor.has_perm(PERMISSION):
        raise PermissionDenied(_("无权导入历史办件"))


def histimport_start(*, actor, upload: File, source: str) -> ImportRun:
    """Keep the uploaded file with a new job, find the run for it (the unfinished run of the same
    file and source is resumed) and queue the import once committed."""
    from govhall.histimport.tasks import import_history_job

    _require(actor)
    source = (source or "").strip()
    if not SOURCE_RE.match(source) or source == CaseFact.SOURCE_LIVE:
        raise ValidationError("source", "format", _("来源系统代码应为字母、数字、-、_，至多32位，且不能为 govhall"))
    name = Path(upload.name or "").name
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        raise ValidationError("file", "type", _("请上传 CSV 或 Excel（.xlsx）文件"))
    with transaction.atomic():
        job = job_create(actor=actor, kind=IMPORT_JOB_KIND, params={"source": source}, upload=upload)
        path = Path(job.upload.path)
        run = run_for_file(path=path, source=source, actor=actor, file_name=name, job=job)
        # This upload is the file to read (a resumed run's earlier upload has the same content).
        run.file_path = str(path.relative_to(settings.MEDIA_ROOT))
        run.save(update_fields=["file_path"])
        ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.STATUS_QUEUED)
        job.params = {"source": source, "run": run.pk}
        job.save(update_fields=["params"])
        transaction.on_commit(partial(import_history_job.enqueue, job.pk))
    run.refresh_from_db()
    return run


def histimport_resume(*, actor, run: ImportRun) -> ImportRun:
    """Queue a stopped (failed) run again: it continues at its checkpoint."""
    from govhall.histimport.tasks import import_history_job

    _require(actor)
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != ImportRun.STATUS_FAILED:
            raise ValidationError("status", "not_failed", _("只有中断的导入可以继续"))
        job = job_create(actor=actor, kind=IMPORT_JOB_KIND, params={"source": run.source, "run": run.pk})
        run.job, run.status = job, ImportRun.STATUS_QUEUED
        run.save(update_fields=["job", "status"])
        transaction.on_commit(partial(import_history_job.enqueue, job.pk))
    return run


def run_file(run: ImportRun) -> Path:
    path = Path(run.file_path)
    return path if path.is_absolute() else Path(settings.MEDIA_ROOT) / path
