"""JSON API of histimport under /api/histimport/ (supervisors and sysadmins):

- `GET /columns` the column set of a history file;
- `GET /runs` the latest imports, `GET /runs/{id}` one import with its counts and progress;
  `stalled` is true for a queued or running import whose worker is gone (continue it on the page);
  `file_kept` is false for an unfinished import whose upload was deleted after
  GOVHALL_HISTIMPORT_UPLOAD_DAYS (upload the same file again to continue); `rejects_kept` is
  true while the rejects file can be downloaded (a finished import's goes after
  GOVHALL_HISTIMPORT_REJECTS_DAYS).
Uploading stays on the page (a file of hundreds of megabytes is a form upload, not JSON).
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Router, Schema
from ninja.security import django_auth

from govhall.histimport.columns import COLUMNS
from govhall.histimport.models import ImportRun
from govhall.histimport.selectors import file_kept, get_run_for_user, rejects_file, run_stalled, runs_for_user
from govhall.histimport.services import PERMISSION

router = Router(tags=["历史办件导入"], auth=django_auth)


class ColumnOut(Schema):
    header: str
    required: bool
    rule: str


class RunOut(Schema):
    id: int
    source: str
    file_name: str
    status: str
    stalled: bool
    file_kept: bool
    rows_done: int
    rows_total: int
    percent: int
    imported: int
    duplicates: int
    rejected: int
    rejects_kept: bool
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


def _out(run: ImportRun) -> RunOut:
    return RunOut(
        id=run.pk,
        source=run.source,
        file_name=run.file_name,
        status=run.status,
        stalled=run_stalled(run),
        file_kept=file_kept(run),
        rows_done=run.rows_done,
        rows_total=run.rows_total,
        percent=run.percent,
        imported=run.imported,
        duplicates=run.duplicates,
        rejected=run.rejected,
        rejects_kept=rejects_file(run) is not None,
        error=run.error,
        created_at=run.created_at,
        finished_at=run.finished_at,
    )


@router.get("/columns", response=list[ColumnOut])
def columns(request):
    if not request.user.has_perm(PERMISSION):
        raise Http404
    return [ColumnOut(header=c.header, required=c.required, rule=c.rule) for c in COLUMNS]


@router.get("/runs", response=list[RunOut])
def runs(request):
    if not request.user.has_perm(PERMISSION):
        raise Http404
    return [_out(run) for run in runs_for_user(user=request.user)]


@router.get("/runs/{run_id}", response=RunOut)
def run(request, run_id: int):
    return _out(get_run_for_user(user=request.user, run_id=run_id))
