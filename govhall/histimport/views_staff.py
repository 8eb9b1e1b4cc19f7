"""Staff pages of the history import, at /staff/histimport/: upload a file, follow the runs (their
progress bars refresh with htmx; a run whose worker is gone shows 已中断 and 继续), download a run's
rejects file, and the column templates.

A file of hundreds of MB is an ordinary form upload: Django streams a file over
FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file (DATA_UPLOAD_MAX_MEMORY_SIZE counts only the other
fields) and the job moves it under MEDIA_ROOT. A file over GOVHALL_HISTIMPORT_MAX_BYTES is refused
while it arrives (`SizeLimitedUpload`): nothing past the limit is written to disk."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from govhall.core.errors import DomainError
from govhall.histimport import columns, selectors, services

# Room for the form's other fields and the multipart boundaries around the file.
FORM_OVERHEAD = 64 * 1024


class SizeLimitedUpload(FileUploadHandler):
    """Stops an upload at GOVHALL_HISTIMPORT_MAX_BYTES while it arrives, before the handlers after it
    write it to a temporary file: at once when the request says it is larger than that, else at the
    first chunk past it. The rest of the request is read and dropped (the browser then gets the
    page with the reason, not a reset connection); the fields before the file (the CSRF token) are
    kept. The view finds the size on `request.histimport_too_large`."""

    def __init__(self, request, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.request_length = 0

    def _stop(self, size: int) -> None:
        setattr(self.request, "histimport_too_large", size)  # noqa: B010 - HttpRequest declares no such attribute
        raise StopUpload(connection_reset=False)

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_length = content_length or 0
        return None

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        if self.request_length > self.limit + FORM_OVERHEAD:
            self._stop(self.request_length)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self._stop(max(self.request_length, start + len(raw_data)))
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class UploadForm(forms.Form):
    file = forms.FileField(label=_("文件（CSV 或 Excel）"))
    source = forms.CharField(label=_("来源系统代码"), max_length=32, help_text=_("如 qhzw2019；文件中“来源系统”列为空的行用此代码"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("至多%(limit)d MB；更大的文件请按年份等拆分") % {
            "limit": settings.GOVHALL_HISTIMPORT_MAX_BYTES >> 20
        }


def _require(user) -> None:
    if not user.has_perm(services.PERMISSION):
        raise Http404


@csrf_exempt  # checked by _import_page, once the size limit is in place (the check reads the form)
@login_required
def import_page(request):
    _require(request.user)
    request.upload_handlers.insert(0, SizeLimitedUpload(request, settings.GOVHALL_HISTIMPORT_MAX_BYTES))
    return _import_page(request)


@csrf_protect
def _import_page(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    failure = None
    too_large = getattr(request, "histimport_too_large", None) if request.method == "POST" else None
    if too_large is not None:
        failure = services.too_large_error(too_large).errors
    elif request.method == "POST" and form.is_valid():
        try:
            services.histimport_start(actor=request.user, upload=form.cleaned_data["file"], source=form.cleaned_data["source"])
        except DomainError as exc:
            failure = exc.errors
        else:
            return redirect("histimport_staff:runs")
    runs = selectors.run_states_for_user(user=request.user)
    # The list refreshes itself while a run is being imported (not for a stalled one: nothing moves).
    polling = any(state.run.status in services.IN_PROGRESS and not state.stalled for state in runs)
    context = {
        "form": form,
        "failure": failure,
        "runs": runs,
        "polling": polling,
        "columns": columns.COLUMNS,
        "upload_days": settings.GOVHALL_HISTIMPORT_UPLOAD_DAYS,
        "rejects_days": settings.GOVHALL_HISTIMPORT_REJECTS_DAYS,
    }
    if request.htmx and request.method == "GET":
        return render(request, "histimport/staff/_runs.html", context)
    return render(request, "histimport/staff/runs.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def resume(request, run_id: int):
    run = selectors.get_run_for_user(user=request.user, run_id=run_id)
    try:
        services.histimport_resume(actor=request.user, run=run)
    except DomainError as exc:
        for error in exc.errors:  # not stopped (any more), or its file is gone: say why above the list
            messages.error(request, error.message)
    return redirect("histimport_staff:runs")


@login_required
@require_GET
def rejects(request, run_id: int):
    run = selectors.get_run_for_user(user=request.user, run_id=run_id)
    path = selectors.rejects_file(run)
    if path is None and run.rejected and run.rejects_deleted_at:  # a link on an old job page: say why
        messages.error(
            request,
            _("拒收行文件已于%(day)s删除（导入完成后保留%(days)d天）")
            % {"day": timezone.localtime(run.rejects_deleted_at).strftime("%Y-%m-%d"), "days": settings.GOVHALL_HISTIMPORT_REJECTS_DAYS},
        )
        return redirect("histimport_staff:runs")
    if path is None:
        raise Http404
    stem = run.file_name.rsplit(".", 1)[0]
    return FileResponse(open(path, "rb"), as_attachment=True, filename=f"{stem}-拒收行.csv", content_type="text/csv; charset=utf-8")  # noqa: SIM115


@login_required
@require_GET
def template(request, fmt: str):
    _require(request.user)
    if fmt == "csv":
        response = HttpResponse(columns.template_csv(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(columns.template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        raise Http404
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''%E5%8E%86%E5%8F%B2%E5%8A%9E%E4%BB%B6%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.{fmt}"
    )
    return response
