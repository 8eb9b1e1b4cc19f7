"""Pages of shared data (DATA-2): 谁查看了我的数据 for the subject, the logged look-up of a case's
applicant for the staff who handle it, and the registry with look-up statistics."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from govhall.cases.models import Case
from govhall.core.errors import PermissionDenied, ValidationError
from govhall.core.http import local_time, xlsx_response
from govhall.core.identifiers import mask_ric
from govhall.shareddata.models import SUBJECT_PERSON, DataSource, LookupLog
from govhall.shareddata.selectors import (
    case_subjects,
    data_uses_for_case,
    handles_case,
    lookups_for_case,
    lookups_for_subject_owner,
    sources_with_statistics,
)
from govhall.shareddata.services import shared_lookup

PAGE_SIZE = 30


def _field_labels(log: LookupLog) -> str:
    labels = log.source.field_labels()
    return "、".join(labels.get(key, key) for key in log.fields)


def _masked_subject(kind: str, subject_id: str) -> str:
    return mask_ric(subject_id) if kind == SUBJECT_PERSON else subject_id


def _access_rows(logs) -> list[dict[str, Any]]:
    return [
        {
            "log": log,
            "who": log.actor_name or _("系统"),
            "fields": _field_labels(log),
            "subject": _masked_subject(log.subject_kind, log.subject_id),
        }
        for log in logs
    ]


# --- the subject -----------------------------------------------------------------------------------


@login_required
@require_GET
def my_data_access(request: HttpRequest) -> HttpResponse:
    """Who looked at my data: when, who (name, role, unit), which source and fields, why, which case."""
    logs = lookups_for_subject_owner(user=request.user)
    page = Paginator(logs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "rows": _access_rows(page.object_list), "total": page.paginator.count}
    return render(request, "shareddata/my_data_access.html", context)


@login_required
@require_GET
def my_data_access_export(request: HttpRequest) -> HttpResponse:
    rows = [
        [
            local_time(r["log"].at),
            r["who"],
            r["log"].role,
            r["log"].department_name,
            r["log"].source.name,
            r["fields"],
            r["log"].purpose,
            r["log"].case.number if r["log"].case else "",
            r["subject"],
        ]
        for r in _access_rows(lookups_for_subject_owner(user=request.user))
    ]
    header = [_("查询时间"), _("查询人"), _("身份"), _("单位"), _("数据源"), _("字段"), _("事由"), _("办件编号"), _("数据主体")]
    return xlsx_response(_("我的数据被查询记录"), header, rows, [18, 12, 12, 28, 14, 36, 20, 28, 22])


# --- staff: a case's look-up -----------------------------------------------------------------------


def _handled_case(request: HttpRequest, case_id: int) -> Case:
    """The case if this staff member handles it, else 404 (never a 403 that confirms it exists)."""
    if not request.user.has_perm("shareddata.lookup_for_case"):
        raise DjangoPermissionDenied
    case = (
        Case.objects.select_related("applicant_person", "applicant_enterprise__legal_representative", "item_version", "department")
        .filter(pk=case_id)
        .first()
    )
    if case is None or not handles_case(request.user, case):
        raise Http404
    return case


@login_required
@require_http_methods(["GET", "POST"])
def case_lookup(request: HttpRequest, case_id: int) -> HttpResponse:
    """Look up the case applicant's data in one source (logged), and see earlier look-ups for the case."""
    case = _handled_case(request, case_id)
    subjects = case_subjects(case)
    sources = list(DataSource.objects.filter(is_active=True))
    params = request.POST if request.method == "POST" else request.GET
    chosen_source = next((s for s in sources if s.code == params.get("source")), None)
    chosen_subject = next((s for s in subjects if s.id == params.get("subject")), subjects[0] if subjects else None)
    result, errors = None, []
    purpose = params.get("purpose", "") or _("办件审查核验")
    if request.method == "POST":
        if chosen_source is None or chosen_subject is None:
            errors.append(_("请选择数据源和数据主体"))
        else:
            try:
                result = shared_lookup(
                    actor=request.user,
                    subject=chosen_subject,
                    source_code=chosen_source.code,
                    fields=request.POST.getlist("fields"),
                    case=case,
                    purpose=purpose,
                )
            except (ValidationError, PermissionDenied) as exc:
                errors = [e.message for e in exc.errors]
    labels = result.source.field_labels() if result else {}
    context = {
        "case": case,
        "subjects": [(s, _masked_subject(s.kind, s.id)) for s in subjects],
        "sources": sources,
        "chosen_source": chosen_source,
        "chosen_subject": chosen_subject,
        "purpose": purpose,
        "result": result,
        "result_rows": [[(labels.get(k, k), row[k]) for k in result.fields] for row in result.rows] if result else [],
        "errors": errors,
        "uses": data_uses_for_case(case=case),
        "history": _access_rows(lookups_for_case(case=case)[:50]),
    }
    return render(request, "shareddata/case_lookup.html", context, status=400 if errors else 200)


# --- the registry ------------------------------------------------------------------------------------


def _require_registry(request: HttpRequest) -> None:
    if not request.user.has_perm("shareddata.view_registry"):
        raise DjangoPermissionDenied


def _licence_types() -> list[Any]:
    from django.apps import apps

    try:
        model = apps.get_model("licences", "LicenceType")
    except LookupError:
        return []
    return list(model.objects.order_by("id"))


@login_required
@require_GET
def registry(request: HttpRequest) -> HttpResponse:
    _require_registry(request)
    context = {"sources": sources_with_statistics(), "licence_types": _licence_types()}
    return render(request, "shareddata/registry.html", context)


@login_required
@require_GET
def registry_export(request: HttpRequest) -> HttpResponse:
    _require_registry(request)
    rows = [
        [
            s.code,
            s.name,
            "、".join(s.aliases),
            s.owner_label,
            "、".join(f["label"] for f in s.fields),
            s.record_count,  # type: ignore[attr-defined]
            s.recent_lookup_count,  # type: ignore[attr-defined]
            s.lookup_count,  # type: ignore[attr-defined]
        ]
        for s in sources_with_statistics()
    ]
    header = [_("编码"), _("名称"), _("别名"), _("数源部门"), _("字段"), _("记录数"), _("近30日查询"), _("累计查询")]
    return xlsx_response(_("共享数据目录"), header, rows, [22, 22, 24, 24, 60, 10, 12, 10])


@login_required
@require_GET
def lookups_export(request: HttpRequest) -> HttpResponse:
    """Every look-up (for supervision), subjects masked."""
    _require_registry(request)
    logs = LookupLog.objects.select_related("source", "case").order_by("-at", "-id")[:50000]
    rows = [
        [
            local_time(r["log"].at),
            r["who"],
            r["log"].role,
            r["log"].department_name,
            r["subject"],
            r["log"].source.name,
            r["fields"],
            r["log"].purpose,
            r["log"].case.number if r["log"].case else "",
            r["log"].get_channel_display(),
        ]
        for r in _access_rows(logs)
    ]
    header = [_("查询时间"), _("查询人"), _("身份"), _("单位"), _("数据主体"), _("数据源"), _("字段"), _("事由"), _("办件编号"), _("渠道")]
    return xlsx_response(_("共享数据查询记录"), header, rows, [18, 12, 12, 28, 22, 14, 36, 20, 28, 8])
