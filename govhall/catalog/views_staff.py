"""Staff pages of the catalog: maintain items (edit → new version), history and diff, status and
department moves, the health report, Excel import and export.

Every view: parse → call one service or selector → render. A department admin sees only their own
department's items; anything else is a 404, so the page never confirms that an item exists.
"""

from __future__ import annotations

from collections import Counter
from io import BytesIO
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, QuerySet, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from govhall.catalog import choices, schema, services
from govhall.catalog.diff import CHANGE_LABELS, data_diff
from govhall.catalog.excel import catalog_export
from govhall.catalog.forms import (
    TABLES_BY_KEY,
    ImportForm,
    ItemEditor,
    ItemForm,
    MoveForm,
    ReasonForm,
    Row,
    row_context,
    rows_from_data,
    rows_from_post,
    rows_to_data,
)
from govhall.catalog.health import catalog_health, health_summary
from govhall.catalog.models import Item, ItemEvent
from govhall.catalog.selectors import departments_for_editor, get_item_for_editor, items_for_editor, items_matching
from govhall.core.errors import Conflict, PermissionDenied, ValidationError
from govhall.core.http import attachment_disposition
from govhall.core.i18n import translated_choices
from govhall.core.jobs import jobs_for_user
from govhall.org.models import Department

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


# --- access -----------------------------------------------------------------------------------


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise DjangoPermissionDenied


# --- list -------------------------------------------------------------------------------------


@login_required
@require_GET
def item_list(request):
    _require(request.user, "catalog.change_item")
    qs = items_for_editor(user=request.user)
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    department = request.GET.get("department", "")
    qs = items_matching(qs, q)
    if status in dict(Item.STATUS_CHOICES):
        qs = qs.filter(status=status)
    departments = departments_for_editor(user=request.user)
    if department.isdigit():
        qs = qs.filter(department_id=int(department))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "status": status,
        "department": department,
        "departments": departments if len(departments) > 1 else [],
        "statuses": Item.STATUS_CHOICES,
        "can_add": request.user.has_perm("catalog.add_item"),
        "querystring": _without_page(request.GET),
    }
    return render(request, "catalog/staff/item_list.html", context)


def _without_page(params) -> str:
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


# --- create and edit --------------------------------------------------------------------------


def _render_editor(request, *, editor: ItemEditor, item: Item | None, status: int = 200, conflict: bool = False):
    context = {"editor": editor, "form": editor.form, "item": item, "conflict": conflict, "item_actions": actions_for(item) if item else []}
    return render(request, "catalog/staff/item_edit.html", context, status=status)


def _unbound_copy(form: ItemForm, **kwargs) -> ItemForm:
    """The same input as an unbound form, for the no-JS add/remove-row round trip (no errors yet)."""
    initial = {name: form[name].value() for name in form.fields}
    return ItemForm(initial=initial, **kwargs)


def _editor_from_post(request, *, form_kwargs: dict[str, Any]) -> tuple[ItemEditor, bool]:
    """The page state from a POST. Returns (editor, is_row_round_trip)."""
    form = ItemForm(request.POST, **form_kwargs)
    rows = rows_from_post(request.POST, remove=request.POST.get("remove", ""))
    add = request.POST.get("add", "")
    if add in TABLES_BY_KEY:
        rows[add].append(Row(TABLES_BY_KEY[add].blank_row()))
    if add or request.POST.get("remove"):
        return ItemEditor(_unbound_copy(form, **form_kwargs), rows), True
    return ItemEditor(form, rows), False


def _collect_input_errors(editor: ItemEditor, data: dict[str, Any], problems) -> None:
    """The input is not complete enough to save; still tell the user every problem at once."""
    editor.apply_form_errors()
    editor.apply_errors(problems)
    try:
        schema.validate_item_data(data)
    except ValidationError as exc:
        already = set(editor.form.errors)
        editor.apply_errors([e for e in exc.errors if e.field not in already])


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request):
    _require(request.user, "catalog.add_item")
    _require(request.user, "catalog.change_item")
    departments = departments_for_editor(user=request.user)
    form_kwargs = {"creating": True, "departments": departments}
    if request.method == "GET":
        initial = {
            "department": departments.first() if len(departments) == 1 else None,
            "level": "county",
            "handling_type": "promised",
            "visits": "1",
            "online_depth": "full_online",
            "result_type": "other",
            "audience": ["person"],
        }
        editor = ItemEditor(ItemForm(initial=initial, **form_kwargs), rows_from_data({}))
        return _render_editor(request, editor=editor, item=None)

    editor, round_trip = _editor_from_post(request, form_kwargs=form_kwargs)
    if round_trip:
        return _render_editor(request, editor=editor, item=None)
    form = editor.form
    parsed = rows_to_data(editor.rows)
    editor.option_rows = parsed.option_rows
    valid = form.is_valid()
    data = {**form.to_data(), **parsed.data}
    if not valid or parsed.problems:
        _collect_input_errors(editor, data, parsed.problems)
        return _render_editor(request, editor=editor, item=None, status=400)
    try:
        item = services.item_create(actor=request.user, data=data, reason=form.cleaned_data["reason"] or "新增事项")
    except ValidationError as exc:
        editor.apply_errors(exc.errors)
        return _render_editor(request, editor=editor, item=None, status=400)
    except PermissionDenied as exc:
        editor.add_page_error(str(exc))
        return _render_editor(request, editor=editor, item=None, status=403)
    messages.success(request, _("已新增事项“%(name)s”（第1版）") % {"name": item.name})
    return redirect("staff-item-history", item_id=item.id)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, item_id: int):
    item = get_item_for_editor(user=request.user, item_id=item_id)
    version = item.current
    if request.method == "GET":
        data = services.version_to_data(version)
        initial = {**ItemForm.initial_from_data(data), "expected_version": version.number}
        editor = ItemEditor(ItemForm(initial=initial), rows_from_data(data))
        return _render_editor(request, editor=editor, item=item)
    if item.status == Item.STATUS_CANCELLED:
        raise Http404

    editor, round_trip = _editor_from_post(request, form_kwargs={})
    if round_trip:
        return _render_editor(request, editor=editor, item=item)
    form = editor.form
    parsed = rows_to_data(editor.rows)
    editor.option_rows = parsed.option_rows
    valid = form.is_valid()
    # The implementing body is not edited here: 下放/划转 move it and keep their events.
    data = {**form.to_data(), **parsed.data, "code": item.code, "department": item.department}
    if not valid or parsed.problems:
        _collect_input_errors(editor, data, parsed.problems)
        return _render_editor(request, editor=editor, item=item, status=400)
    try:
        new_version = services.item_update(
            actor=request.user,
            item=item,
            data=data,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data.get("expected_version"),
        )
    except ValidationError as exc:
        editor.apply_errors(exc.errors)
        return _render_editor(request, editor=editor, item=item, status=400)
    except Conflict as exc:
        editor.add_page_error(str(exc.errors[0].message))
        item.refresh_from_db()
        return _render_editor(request, editor=editor, item=item, status=409, conflict=True)
    except PermissionDenied as exc:
        editor.add_page_error(str(exc))
        return _render_editor(request, editor=editor, item=item, status=403)
    messages.success(request, _("已保存为第%(number)s版") % {"number": new_version.number})
    url = reverse("staff-item-history", kwargs={"item_id": item.id})
    return redirect(f"{url}?a={new_version.number - 1}&b={new_version.number}#diff")


@login_required
@require_GET
def item_row(request):
    """One empty row for a child table (htmx "添加一行"), with the next row number swapped in."""
    _require(request.user, "catalog.change_item")
    table = TABLES_BY_KEY.get(request.GET.get("table", ""))
    if table is None:
        raise Http404
    raw = request.GET.get(f"{table.key}-next", "0")
    index = int(raw) if raw.isdigit() and int(raw) < 100_000 else 0
    context = row_context(table, index, Row(table.blank_row()))
    return render(request, "catalog/staff/_row_added.html", {**context, "next_index": index + 1})


# --- history ----------------------------------------------------------------------------------

STATUS_LABELS: dict[str, StrOrPromise] = dict(Item.STATUS_CHOICES)


def _choice_label(labels: dict[str, StrOrPromise], value: str | None) -> StrOrPromise | None:
    """A choice stored in an event, by its label; a value that is no longer a choice shows as is."""
    return labels.get(value, value) if value is not None else None


def _event_change(event: ItemEvent) -> str:
    before, after = event.before or {}, event.after or {}
    if "department" in after:
        moved = {"before": before.get("department", ""), "after": after["department"]}
        if before.get("level") != after.get("level"):
            levels: dict[str, StrOrPromise] = dict(translated_choices(choices.LEVELS))
            moved["level_before"] = _choice_label(levels, before.get("level"))
            moved["level_after"] = _choice_label(levels, after.get("level"))
            return _("由“%(before)s”至“%(after)s”（层级：%(level_before)s → %(level_after)s）") % moved
        return _("由“%(before)s”至“%(after)s”") % moved
    if "status" in after:
        return f"{_choice_label(STATUS_LABELS, before.get('status'))} → {_choice_label(STATUS_LABELS, after['status'])}"
    return ""


def _int_param(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
@require_GET
def item_history(request, item_id: int):
    item = get_item_for_editor(user=request.user, item_id=item_id)
    versions = list(item.versions.select_related("created_by").order_by("-number"))
    numbers = {v.number for v in versions}
    b = _int_param(request.GET.get("b")) or item.current.number
    a = _int_param(request.GET.get("a"))
    if a is None:
        a = b - 1
    diff_error = ""
    diff = None
    if a in numbers and b in numbers and a != b:
        by_number = {v.number: v for v in versions}
        rows = data_diff(services.version_to_data(by_number[a]), services.version_to_data(by_number[b]))
        diff = [{**row, "change_label": CHANGE_LABELS[row["change"]]} for row in rows]
    elif "a" in request.GET or "b" in request.GET:
        diff_error = _("请选择两个不同的版本进行比较") if a == b else _("所选版本不存在")
    events = [{"event": e, "change": _event_change(e)} for e in item.events.select_related("actor", "version").order_by("-at", "-id")]
    context = {
        "item": item,
        "item_actions": actions_for(item),
        "versions": versions,
        "a": a,
        "b": b,
        "diff": diff,
        "diff_error": diff_error,
        "events": events,
    }
    return render(request, "catalog/staff/item_history.html", context)


# --- status and department actions ------------------------------------------------------------

# action: (title, explanation, message once done)
ACTIONS = {
    "suspend": (
        gettext_lazy("暂停事项"),
        gettext_lazy("暂停后，窗口和网上都不能再受理该事项；已受理的办件照常办理。"),
        gettext_lazy("已暂停：%(name)s"),
    ),
    "resume": (gettext_lazy("恢复事项"), gettext_lazy("恢复后，该事项重新可以受理。"), gettext_lazy("已恢复：%(name)s")),
    "cancel": (
        gettext_lazy("取消事项"),
        gettext_lazy("取消不可恢复：事项从清单中移除，不能再修改。"),
        gettext_lazy("已取消：%(name)s"),
    ),
    "delegate": (
        gettext_lazy("下放事项"),
        gettext_lazy("下放给苏木乡镇人民政府，由其作为实施主体办理（行使层级改为乡级）。"),
        gettext_lazy("已下放：%(name)s"),
    ),
    "transfer": (
        gettext_lazy("划转事项"),
        gettext_lazy("划转给其他部门（如行政审批局）实施，保留全部历史版本。"),
        gettext_lazy("已划转：%(name)s"),
    ),
}
AVAILABLE_FROM = {
    "suspend": {Item.STATUS_ACTIVE},
    "resume": {Item.STATUS_SUSPENDED},
    "cancel": {Item.STATUS_ACTIVE, Item.STATUS_SUSPENDED},
    "delegate": {Item.STATUS_ACTIVE, Item.STATUS_SUSPENDED},
    "transfer": {Item.STATUS_ACTIVE, Item.STATUS_SUSPENDED},
}


def actions_for(item: Item) -> list[tuple[str, StrOrPromise]]:
    return [(key, title) for key, (title, _explanation, _done) in ACTIONS.items() if item.status in AVAILABLE_FROM[key]]


def _move_targets(action: str, item: Item) -> QuerySet[Department]:
    qs = Department.objects.filter(is_active=True).exclude(pk=item.department_id)
    if action == "delegate":
        return qs.filter(kind=Department.KIND_TOWNSHIP)
    # The 行政审批局 first: 相对集中行政许可权 is where most transfers go.
    first = Case(When(kind=Department.KIND_APPROVAL_BUREAU, then=Value(0)), default=Value(1))
    return qs.order_by(first, "id")


@login_required
@require_http_methods(["GET", "POST"])
def item_action(request, item_id: int, action: str):
    if action not in ACTIONS:
        raise Http404
    item = get_item_for_editor(user=request.user, item_id=item_id)
    title, explanation, done = ACTIONS[action]
    moving = action in ("delegate", "transfer")
    data = request.POST or None
    form = MoveForm(data, departments=_move_targets(action, item)) if moving else ReasonForm(data)
    page_errors: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _run_action(action, actor=request.user, item=item, form=form)
            except ValidationError as exc:
                for error in exc.errors:
                    if error.field in form.fields:
                        form.add_error(error.field, error.message)
                    else:
                        page_errors.append(error.message)
            except (PermissionDenied, Conflict) as exc:
                page_errors.append(str(exc))
            else:
                messages.success(request, done % {"name": item.name})
                return redirect("staff-item-history", item_id=item.id)
        status = 400
    context = {
        "item": item,
        "item_actions": actions_for(item),
        "action": action,
        "title": title,
        "explanation": explanation,
        "form": form,
        "page_errors": page_errors,
        "available": item.status in AVAILABLE_FROM[action],
    }
    return render(request, "catalog/staff/item_action.html", context, status=status)


def _run_action(action: str, *, actor, item: Item, form) -> None:
    reason = form.cleaned_data["reason"]
    if action == "suspend":
        services.item_suspend(actor=actor, item=item, reason=reason)
    elif action == "resume":
        services.item_resume(actor=actor, item=item, reason=reason)
    elif action == "cancel":
        services.item_cancel(actor=actor, item=item, reason=reason)
    elif action == "delegate":
        services.item_delegate(actor=actor, item=item, to_department=form.cleaned_data["to_department"], reason=reason)
    else:
        services.item_transfer(actor=actor, item=item, to_department=form.cleaned_data["to_department"], reason=reason)


# --- health -----------------------------------------------------------------------------------

PROMISED_KEY = "承诺时限"
PROBLEM_LABELS = {PROMISED_KEY: "承诺时限未少于法定时限"}


def _problem_key(problem: str) -> str:
    return PROMISED_KEY if problem.startswith(PROMISED_KEY) else problem


def _health_report(request) -> dict[str, Any]:
    department = _int_param(request.GET.get("department"))
    problem = request.GET.get("problem", "")
    rows = catalog_health(department_id=department)
    if problem:
        rows = [r for r in rows if any(_problem_key(p) == problem for p in r.problems)]
    by_problem = [
        {"key": key, "label": PROBLEM_LABELS.get(key, key), "count": count}
        for key, count in sorted(health_summary(rows).items(), key=lambda kv: -kv[1])
    ]
    active = Item.objects.filter(status=Item.STATUS_ACTIVE)
    totals = Counter(active.values_list("department_id", flat=True))
    items_by_dept: Counter[int] = Counter()
    problems_by_dept: Counter[int] = Counter()
    for row in rows:
        items_by_dept[row.item.department_id] += 1
        problems_by_dept[row.item.department_id] += len(row.problems)
    names = dict(Department.objects.values_list("id", "name"))
    by_department = [
        {
            "id": dept_id,
            "name": names.get(dept_id, ""),
            "items": items_by_dept[dept_id],
            "problems": problems_by_dept[dept_id],
            "total": totals[dept_id],
        }
        for dept_id in sorted(items_by_dept, key=lambda d: (-items_by_dept[d], d))
    ]
    total_items = active.filter(department_id=department).count() if department else active.count()
    return {
        "rows": rows,
        "by_problem": by_problem,
        "by_department": by_department,
        "department": department,
        "problem": problem,
        "departments": Department.objects.filter(items__status=Item.STATUS_ACTIVE).distinct().order_by("id"),
        "total_items": total_items,
    }


@login_required
@require_GET
def health(request):
    _require(request.user, "catalog.view_catalog_health")
    report = _health_report(request)
    report["export_query"] = request.GET.urlencode()
    report["problem_label"] = PROBLEM_LABELS.get(report["problem"], report["problem"])
    report["editable"] = set(
        items_for_editor(user=request.user).filter(pk__in=[r.item.id for r in report["rows"]]).values_list("id", flat=True)
    )
    return render(request, "catalog/staff/health.html", report)


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = attachment_disposition(filename)
    return response


def _autosize(sheet, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


@login_required
@require_GET
def health_export(request):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    _require(request.user, "catalog.view_catalog_health")
    report = _health_report(request)
    book = Workbook()
    sheet = book.active
    sheet.title = "体检结果"
    sheet.append(["序号", "基本编码", "事项名称", "实施主体", "问题数", "问题"])
    for number, row in enumerate(report["rows"], start=1):
        sheet.append([number, row.item.code, row.item.name, row.item.department.name, len(row.problems), "；".join(row.problems)])
    _autosize(sheet, [6, 16, 36, 30, 8, 80])
    summary = book.create_sheet("按问题汇总")
    summary.append(["问题", "事项数"])
    for entry in report["by_problem"]:
        summary.append([entry["label"], entry["count"]])
    _autosize(summary, [30, 10])
    departments = book.create_sheet("按部门汇总")
    departments.append(["实施主体", "在用事项", "有问题的事项", "问题总数"])
    for entry in report["by_department"]:
        departments.append([entry["name"], entry["total"], entry["items"], entry["problems"]])
    _autosize(departments, [36, 10, 14, 10])
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for line in ws.iter_rows(min_row=2):
            for cell in line:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = BytesIO()
    book.save(buffer)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return _xlsx_response(buffer.getvalue(), f"事项清单体检报告-{stamp}.xlsx")


# --- import and export ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    """Upload a workbook: it is checked to be an .xlsx here, imported by the background worker,
    and the browser is sent to the job's page, which shows the progress and then the report."""
    _require(request.user, "catalog.import_catalog")
    form = ImportForm(request.POST or None, request.FILES or None)
    failure = None
    if request.method == "POST" and form.is_valid():
        try:
            job = services.catalog_import_start(
                actor=request.user,
                file=form.cleaned_data["file"],
                valid_only=form.cleaned_data["valid_only"],
                reason=form.cleaned_data["reason"].strip() or "Excel导入",
            )
        except PermissionDenied as exc:
            failure = exc.errors
        else:
            return redirect("staff-job", job_id=job.pk)
    context = {
        "form": form,
        "failure": failure,
        "recent_jobs": jobs_for_user(user=request.user, kind=services.IMPORT_JOB_KIND),
    }
    return render(request, "catalog/staff/import.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def export_all(request):
    _require(request.user, "catalog.import_catalog")
    items = (
        Item.objects.exclude(status=Item.STATUS_CANCELLED)
        .exclude(current_version=None)
        .select_related("department", "current_version")
        .order_by("department_id", "code")
    )
    content = catalog_export(items=items)
    return _xlsx_response(content, f"政务服务事项清单-{timezone.localdate():%Y%m%d}.xlsx")
