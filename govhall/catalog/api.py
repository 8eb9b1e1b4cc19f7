"""Catalog API: public search and item detail; staff maintenance (versions, status, delegation)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from govhall.catalog import choices, services
from govhall.catalog.diff import data_diff
from govhall.catalog.health import catalog_health
from govhall.catalog.models import Item
from govhall.catalog.selectors import ItemFilters, get_item, get_version, items_search
from govhall.core.errors import PermissionDenied, ValidationError
from govhall.org.models import Department

router = Router(tags=["事项清单"])

PAGE_SIZE = 20


class ItemSummary(Schema):
    id: int
    code: str
    name: str
    department: str
    department_id: int
    item_type: str
    item_type_label: str
    handling_type: str
    promised_limit_days: int
    legal_limit_days: int
    audience: list[str]
    status: str
    version: int


class ItemPage(Schema):
    count: int
    items: list[ItemSummary]


class ItemDetail(Schema):
    id: int
    code: str
    implementation_code: str
    status: str
    version: int
    version_reason: str
    public_lists: list[str]
    data: dict[str, Any]


class ItemWrite(Schema):
    data: dict[str, Any]
    reason: str = ""
    expected_version: int | None = None


class Reason(Schema):
    reason: str


class MoveIn(Schema):
    to_department: int
    reason: str


class VersionOut(Schema):
    number: int
    reason: str
    author: str
    created_at: str


class DiffRow(Schema):
    field: str
    label: str
    change: str
    before: str
    after: str


class SearchParams(Schema):
    q: str = ""
    department: int | None = None
    type: str = ""
    audience: str = ""
    topic: str = ""
    list: str = ""
    page: int = 1


def summary(item: Item) -> dict[str, Any]:
    v = item.current
    return {
        "id": item.id,
        "code": item.code,
        "name": item.name,
        "department": item.department.name,
        "department_id": item.department_id,
        "item_type": v.item_type,
        "item_type_label": v.get_item_type_display(),
        "handling_type": v.handling_type,
        "promised_limit_days": v.promised_limit_days,
        "legal_limit_days": v.legal_limit_days,
        "audience": [a for a, f in (("person", v.for_person), ("enterprise", v.for_enterprise)) if f],
        "status": item.status,
        "version": v.number,
    }


def detail(item: Item) -> dict[str, Any]:
    v = item.current
    return {
        "id": item.id,
        "code": item.code,
        "implementation_code": item.implementation_code,
        "status": item.status,
        "version": v.number,
        "version_reason": v.reason,
        "public_lists": v.public_lists,
        "data": services.version_to_data(v),
    }


def _validate_params(params: SearchParams) -> None:
    if params.type and params.type not in choices.ITEM_TYPE_LABELS:
        raise ValidationError("type", "choice", _("事项类型“%(type)s”不存在") % {"type": params.type})
    if params.audience and params.audience not in ("person", "enterprise"):
        raise ValidationError("audience", "choice", _("服务对象只能是 person（个人）或 enterprise（法人）"))
    if params.list and params.list not in choices.PUBLIC_LIST_LABELS:
        raise ValidationError("list", "choice", _("清单“%(list)s”不存在") % {"list": params.list})
    if params.page < 1:
        raise ValidationError("page", "min_value", _("页码从1开始"))


@router.get("/items", response=ItemPage, summary="检索事项（中文、全拼、拼音首字母）")
def list_items(request, params: Query[SearchParams]):
    _validate_params(params)
    qs = items_search(
        filters=ItemFilters(
            q=params.q,
            department=params.department,
            item_type=params.type,
            audience=params.audience,
            topic=params.topic,
            public_list=params.list,
        )
    )
    start = (params.page - 1) * PAGE_SIZE
    return {"count": qs.count(), "items": [summary(i) for i in qs[start : start + PAGE_SIZE]]}


@router.get("/items/{item_id}", response=ItemDetail, summary="事项的当前版本（全部要素与情形）")
def item_detail(request, item_id: int):
    return detail(get_item(item_id=item_id, user=request.user))


@router.post("/items", response={201: ItemDetail}, auth=django_auth, summary="新增事项")
def item_create(request, body: ItemWrite):
    item = services.item_create(actor=request.user, data=body.data, reason=body.reason or "新增事项")
    return Status(201, detail(item))


def _staff_item(request, item_id: int) -> Item:
    if not request.user.has_perm("catalog.view_item"):
        raise PermissionDenied()
    return get_object_or_404(Item.objects.select_related("department", "current_version"), pk=item_id)


@router.put("/items/{item_id}", response=ItemDetail, auth=django_auth, summary="修改事项（生成新版本）")
def item_update(request, item_id: int, body: ItemWrite):
    item = _staff_item(request, item_id)
    services.item_update(actor=request.user, item=item, data=body.data, reason=body.reason, expected_version=body.expected_version)
    item.refresh_from_db()
    return detail(item)


def _status_action(request, item_id: int, action, reason: str) -> dict[str, Any]:
    item = action(actor=request.user, item=_staff_item(request, item_id), reason=reason)
    return detail(Item.objects.select_related("department", "current_version").get(pk=item.pk))


@router.post("/items/{item_id}/suspend", response=ItemDetail, auth=django_auth, summary="暂停事项")
def item_suspend(request, item_id: int, body: Reason):
    return _status_action(request, item_id, services.item_suspend, body.reason)


@router.post("/items/{item_id}/resume", response=ItemDetail, auth=django_auth, summary="恢复事项")
def item_resume(request, item_id: int, body: Reason):
    return _status_action(request, item_id, services.item_resume, body.reason)


@router.post("/items/{item_id}/cancel", response=ItemDetail, auth=django_auth, summary="取消事项")
def item_cancel(request, item_id: int, body: Reason):
    return _status_action(request, item_id, services.item_cancel, body.reason)


@router.post("/items/{item_id}/move/{kind}", response=ItemDetail, auth=django_auth, summary="下放(delegate)或划转(transfer)事项")
def item_move(request, item_id: int, kind: str, body: MoveIn):
    if kind not in ("delegate", "transfer"):
        raise ValidationError("kind", "choice", _("只能是 delegate（下放）或 transfer（划转）"))
    item = _staff_item(request, item_id)
    department = Department.objects.filter(pk=body.to_department).first()
    if department is None:
        raise ValidationError("to_department", "unknown_department", _("目标部门不存在"))
    move = services.item_delegate if kind == "delegate" else services.item_transfer
    move(actor=request.user, item=item, to_department=department, reason=body.reason)
    item.refresh_from_db()
    return detail(item)


@router.get("/items/{item_id}/versions", response=list[VersionOut], summary="事项的版本历史")
def item_versions(request, item_id: int):
    item = get_item(item_id=item_id, user=request.user)
    return [
        {
            "number": v.number,
            "reason": v.reason,
            "author": (v.created_by.get_full_name() or v.created_by.username) if v.created_by else _("系统"),
            "created_at": v.created_at.isoformat(),
        }
        for v in item.versions.select_related("created_by").order_by("-number")
    ]


@router.get("/items/{item_id}/versions/{a}/diff/{b}", response=list[DiffRow], summary="两个版本的差异")
def item_version_diff(request, item_id: int, a: int, b: int):
    item = get_item(item_id=item_id, user=request.user)
    old, new = get_version(item=item, number=a), get_version(item=item, number=b)
    return data_diff(services.version_to_data(old), services.version_to_data(new))


class HealthOut(Schema):
    id: int
    code: str
    name: str
    department: str
    problems: list[str]


@router.get("/health", response=list[HealthOut], auth=django_auth, summary="事项清单体检报告")
def health(request, department: int | None = None):
    if not request.user.has_perm("catalog.view_catalog_health"):
        raise PermissionDenied()
    return [
        {"id": r.item.id, "code": r.item.code, "name": r.item.name, "department": r.item.department.name, "problems": r.problems}
        for r in catalog_health(department_id=department)
    ]


class DepartmentOut(Schema):
    id: int
    name: str
    uscc: str
    kind: str


@router.get("/departments", response=list[DepartmentOut], summary="实施主体")
def departments(request):
    return [{"id": d.id, "name": d.name, "uscc": d.uscc, "kind": d.kind} for d in Department.objects.filter(is_active=True)]
