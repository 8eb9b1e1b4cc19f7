"""The page of a background job: progress while it runs (htmx asks every second, a meta refresh
does without JavaScript), then its result, and the download of the file it produced.

A job kind shows its own result with a template named after it: kind "catalog.import" →
"catalog/jobs/import.html", which extends "core/jobs/job.html"; other kinds get the plain page.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRefresh

from govhall.core.http import HtmxHttpRequest
from govhall.core.jobs import get_job_for_user, job_stalled
from govhall.core.models import Job

# After this long in the queue the page says that the background worker does not seem to run.
QUEUED_TOO_LONG = dt.timedelta(seconds=5)
# A running job that reported nothing for this long has most likely lost its worker (killed or
# restarted): an import is one transaction, so nothing of it was saved and it can be run again.


def _page_templates(job: Job) -> list[str]:
    app, _dot, name = job.kind.partition(".")
    return [f"{app}/jobs/{name}.html", "core/jobs/job.html"]


@login_required
@require_GET
def job_detail(request: HtmxHttpRequest, job_id: int):
    job = get_job_for_user(user=request.user, job_id=job_id)
    if request.htmx and job.is_finished:
        return HttpResponseClientRefresh()  # the whole page, now with the result and without polling
    context = {
        "job": job,
        "waiting_for_worker": job.status == Job.STATUS_QUEUED and timezone.now() - job.created_at > QUEUED_TOO_LONG,
        "stalled": job.status == Job.STATUS_RUNNING and job_stalled(job),
    }
    if request.htmx:
        return render(request, "core/jobs/_progress.html", context)
    return render(request, _page_templates(job), context)


@login_required
@require_GET
def job_output(request: HtmxHttpRequest, job_id: int):
    """The file a job produced, for the user who started it (MEDIA_ROOT is not served)."""
    job = get_job_for_user(user=request.user, job_id=job_id)
    if not job.output:
        raise Http404
    return FileResponse(job.output.open("rb"), as_attachment=True, filename=job.output_name or job.output.name.rsplit("/", 1)[-1])
