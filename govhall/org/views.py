"""Staff pages of the organisation: the service network (centres, 便民服务中心, 代办点), a centre's
windows and staff, which items a specialised window accepts, and the implementing bodies.

Every view: parse → call one selector or service → render. A centre admin sees their own centre
and the centres under it, and sets the items of their own centre's windows; anything else is a
404, so a page never confirms that a centre or window exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from govhall.catalog.models import Item
from govhall.catalog.selectors import ItemFilters, items_search
from govhall.core.errors import PermissionDenied, ValidationError
from govhall.core.http import xlsx_bytes, xlsx_download
from govhall.org import selectors
from govhall.org.models import Department, ServiceCentre, Window
from govhall.org.services import window_set_items

ITEMS_PAGE_SIZE = 100


# --- access -----------------------------------------------------------------------------------


def _require_any(user, *perms: str) -> None:
    if not any(user.has_perm(perm) for perm in perms):
        raise DjangoPermissionDenied


def _require_network(user) -> None:
    _require_any(user, "org.view_servicecentre", "org.view_window")


def _require_departments(user) -> None:
    # A centre admin needs the implementing bodies to staff their windows; the list is public anyway.
    _require_any(user, "org.view_department", "org.view_servicecentre")


# --- Excel ------------------------------------------------------------------------------------


def _stamp() -> str:
    return timezone.localdate().strftime("%Y%m%d")


# --- the service network ----------------------------------------------------------------------


@login_required
@require_GET
def centres(request: HttpRequest) -> HttpResponse:
    _require_network(request.user)
    rows = selectors.service_network(user=request.user)
    roots = [row.centre for row in rows if row.depth == 0]
    stationed = selectors.stationed_departments(centres=roots)
    halls = [{"centre": centre, "departments": stationed.get(centre.id, [])} for centre in roots]
    counts = {level: sum(1 for row in rows if row.centre.level == level) for level, _label in ServiceCentre.LEVEL_CHOICES}
    context = {
        "rows": rows,
        "halls": halls,
        "levels": [(label, counts[level]) for level, label in ServiceCentre.LEVEL_CHOICES],
        "window_total": sum(row.window_count for row in rows),
        "can_see_departments": request.user.has_perm("org.view_department") or request.user.has_perm("org.view_servicecentre"),
    }
    return render(request, "org/centres.html", context)


def _department_names(departments: Iterable[Department]) -> str:
    return "、".join(d.short_name or d.name for d in departments)


@login_required
@require_GET
def centres_export(request: HttpRequest) -> HttpResponse:
    _require_network(request.user)
    rows = selectors.service_network(user=request.user)
    centre_list = [row.centre for row in rows]
    stationed = selectors.stationed_departments(centres=centre_list)
    network = [
        [
            row.centre.get_level_display(),
            row.centre.name,
            row.centre.parent.name if row.centre.parent else "",
            row.centre.division_id,
            row.centre.division.name,
            row.centre.address,
            row.centre.phone,
            row.centre.hours,
            row.window_count,
            _department_names(stationed.get(row.centre.id, [])),
        ]
        for row in rows
    ]
    windows = (
        Window.objects.filter(centre__in=centre_list, is_active=True)
        .select_related("centre")
        .prefetch_related("departments")
        .order_by("centre_id", "number")
    )
    order = {centre.id: n for n, centre in enumerate(centre_list)}
    accepted = selectors.window_item_counts(windows=windows)
    window_rows = [
        [
            w.centre.name,
            w.number,
            w.name,
            w.get_kind_display(),
            _department_names(w.departments.all()),
            _("可受理全部事项") if w.accepts_all_items else accepted.get(w.id, 0),
        ]
        for w in sorted(windows, key=lambda w: (order[w.centre_id], w.number))
    ]
    content = xlsx_bytes(
        [
            (
                _("服务网点"),
                [
                    _("层级"),
                    _("名称"),
                    _("上级中心"),
                    _("区划代码"),
                    _("所在区划"),
                    _("地址"),
                    _("电话"),
                    _("办公时间"),
                    _("窗口数"),
                    _("进驻部门"),
                ],
                network,
                [22, 34, 26, 14, 16, 40, 16, 40, 8, 60],
            ),
            (
                _("窗口"),
                [_("服务中心"), _("窗口号"), _("窗口名称"), _("窗口类型"), _("进驻部门"), _("可受理事项数")],
                window_rows,
                [30, 8, 34, 22, 60, 14],
            ),
        ]
    )
    return xlsx_download(content, _("服务网点与窗口-%(date)s.xlsx") % {"date": _stamp()})


@login_required
@require_GET
def centre_detail(request: HttpRequest, centre_id: int) -> HttpResponse:
    _require_network(request.user)
    centre = selectors.get_centre_for_user(user=request.user, centre_id=centre_id)
    windows = selectors.centre_windows(centre=centre, user=request.user)
    visible = selectors.centres_for_user(user=request.user)
    context = {
        "centre": centre,
        "windows": windows,
        "branches": visible.filter(parent=centre).order_by("division_id", "id"),
        "parent_visible": centre.parent_id is not None and visible.filter(pk=centre.parent_id).exists(),
        "staff": selectors.staff_of_centre(centre=centre),
    }
    return render(request, "org/centre.html", context)


# --- which items a window accepts -------------------------------------------------------------


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _ids(values: list[str]) -> set[int]:
    return {int(v) for v in values if v.isdigit()}


def _item_query(params) -> dict[str, Any]:
    return {
        "q": params.get("q", "").strip(),
        "department": _int_or_none(params.get("department")),
        "selected_only": params.get("selected") == "1",
    }


def _querystring(query: dict[str, Any], page: int | None = None) -> str:
    from urllib.parse import urlencode

    params = {
        "q": query["q"],
        "department": query["department"] or "",
        "selected": "1" if query["selected_only"] else "",
        "page": page if page and page > 1 else "",
    }
    return urlencode({k: v for k, v in params.items() if v})


def _window_items_context(request: HttpRequest, window: Window) -> dict[str, Any]:
    query = _item_query(request.GET)
    own_departments = list(window.departments.order_by("id"))
    own_ids = [d.id for d in own_departments]
    items = items_search(filters=ItemFilters(q=query["q"], department=query["department"]))
    if query["selected_only"]:
        items = items.filter(windows=window)
    # The window's own departments first: that is where its items nearly always are.
    items = items.annotate(
        own=Case(When(department_id__in=own_ids, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("own", "department_id", "code")
    page = Paginator(items, ITEMS_PAGE_SIZE).get_page(request.GET.get("page"))
    chosen = set(window.items.values_list("id", flat=True))
    in_use = Item.objects.filter(status=Item.STATUS_ACTIVE)
    departments = Department.objects.filter(is_active=True, items__status=Item.STATUS_ACTIVE).distinct().order_by("id")
    return {
        "window": window,
        "centre": window.centre,
        "own_departments": own_departments,
        "other_departments": [d for d in departments if d.id not in own_ids],
        "own_with_items": [d for d in departments if d.id in own_ids],
        "query": query,
        "page": page,
        "chosen": chosen,
        "chosen_count": in_use.filter(windows=window).count(),
        "all_count": in_use.count(),
        "filtered": bool(query["q"] or query["department"] or query["selected_only"]),
        "querystring": _querystring(query),
        "page_querystring": _querystring(query, page.number),
        "errors": [],
    }


@login_required
@require_http_methods(["GET", "POST"])
def window_items(request: HttpRequest, window_id: int) -> HttpResponse:
    _require_any(request.user, "org.change_window")
    window = selectors.get_window_for_editor(user=request.user, window_id=window_id)
    if request.method == "GET":
        return render(request, "org/window_items.html", _window_items_context(request, window))

    # The form carries the items it showed and the ones ticked among them; items not on the page
    # (another search, another page) keep their current setting.
    shown = _ids(request.POST.getlist("shown"))
    ticked = _ids(request.POST.getlist("items")) & shown
    current = set(window.items.values_list("id", flat=True))
    wanted = (current - shown) | set(Item.objects.filter(pk__in=ticked, status=Item.STATUS_ACTIVE).values_list("id", flat=True))
    status = 400
    try:
        window_set_items(actor=request.user, window=window, items=Item.objects.filter(pk__in=wanted))
    except ValidationError as exc:
        errors = [e.message for e in exc.errors]
    except PermissionDenied as exc:
        errors, status = [e.message for e in exc.errors], 403
    else:
        added, removed = len(wanted - current), len(current - wanted)
        messages.success(
            request,
            _("已保存窗口 %(number)s 的可受理事项：新增 %(added)s 项，移除 %(removed)s 项。")
            % {"number": window.number, "added": added, "removed": removed},
        )
        url = reverse("staff-org-window", kwargs={"window_id": window.id})
        back = request.GET.urlencode()
        return redirect(f"{url}?{back}" if back else url)
    context = _window_items_context(request, window)
    context["errors"] = errors
    return render(request, "org/window_items.html", context, status=status)


# --- implementing bodies ----------------------------------------------------------------------


@login_required
@require_GET
def departments(request: HttpRequest) -> HttpResponse:
    _require_departments(request.user)
    kind = request.GET.get("kind", "")
    if kind not in dict(Department.KIND_CHOICES):
        kind = ""
    rows = list(selectors.departments_overview(kind=kind))
    context = {
        "departments": rows,
        "kind": kind,
        "kinds": Department.KIND_CHOICES,
        "items_total": sum(d.items_in_use for d in rows),  # type: ignore[attr-defined]
        "export_query": f"?kind={kind}" if kind else "",
    }
    return render(request, "org/departments.html", context)


@login_required
@require_GET
def departments_export(request: HttpRequest) -> HttpResponse:
    _require_departments(request.user)
    kind = request.GET.get("kind", "")
    if kind not in dict(Department.KIND_CHOICES):
        kind = ""
    rows = [
        [
            d.name,
            d.short_name,
            d.get_kind_display(),
            d.uscc,
            d.division_id,
            d.division.name,
            d.phone,
            d.address,
            d.items_in_use,  # type: ignore[attr-defined]
            _("在用") if d.is_active else _("停用"),
        ]
        for d in selectors.departments_overview(kind=kind)
    ]
    header = [
        _("部门名称"),
        _("简称"),
        _("类型"),
        _("统一社会信用代码"),
        _("区划代码"),
        _("所在区划"),
        _("咨询电话"),
        _("地址"),
        _("在用事项数"),
        _("状态"),
    ]
    content = xlsx_bytes([(_("实施主体"), header, rows, [40, 22, 18, 22, 12, 16, 16, 40, 12, 8])])
    return xlsx_download(content, _("实施主体-%(date)s.xlsx") % {"date": _stamp()})
