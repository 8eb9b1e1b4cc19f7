"""Catalog actions. Each function is one user action: it checks permission, validates, writes in one
transaction and records an ItemEvent. Every change to an item's elements is a new ItemVersion."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from govhall.catalog.models import (
    ChecklistPoint,
    Fee,
    Intermediary,
    Item,
    ItemEvent,
    ItemVersion,
    Material,
    SituationOption,
    SituationQuestion,
    Step,
    Topic,
)
from govhall.catalog.permissions import can_edit_department_items
from govhall.catalog.schema import VERSION_SCALARS, validate_item_data
from govhall.catalog.search import build_search_text
from govhall.catalog.selectors import versions_data
from govhall.core.errors import Conflict, PermissionDenied, ValidationError
from govhall.core.jobs import job_create
from govhall.core.models import Job
from govhall.org.models import Department

# --- permission -------------------------------------------------------------------------------


def _require_edit(user, department: Department) -> None:
    if not can_edit_department_items(user, department):
        raise PermissionDenied(_("无权维护“%(department)s”的事项") % {"department": department.name})


# --- writing versions -------------------------------------------------------------------------


def _write_version(*, item: Item, data: dict[str, Any], actor, reason: str) -> ItemVersion:
    last = item.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ItemVersion.objects.create(
        item=item,
        number=last + 1,
        created_by=actor,
        reason=reason,
        for_person="person" in data["audience"],
        for_enterprise="enterprise" in data["audience"],
        **{field: data[field] for field in VERSION_SCALARS},
        form_fields=data.get("form_fields") or [],
    )
    audience = data["audience"][0] if len(data["audience"]) == 1 else Topic.AUDIENCE_BOTH
    topics = [Topic.objects.get_or_create(name=name, defaults={"audience": audience})[0] for name in data["topics"]]
    version.topics.set(topics)

    # Bulk inserts (IDs come back on SQLite ≥ 3.35 and PostgreSQL): a version has dozens of rows.
    questions = SituationQuestion.objects.bulk_create(
        SituationQuestion(version=version, seq=qi + 1, key=q["key"], text=q["text"]) for qi, q in enumerate(data["situations"])
    )
    option_rows = [
        (f"{q['key']}.{o['key']}", SituationOption(question=row, seq=oi + 1, key=o["key"], label=o["label"]))
        for q, row in zip(data["situations"], questions, strict=True)
        for oi, o in enumerate(q["options"])
    ]
    SituationOption.objects.bulk_create(row for _ref, row in option_rows)
    options = dict(option_rows)
    materials = Material.objects.bulk_create(
        Material(version=version, seq=mi + 1, **{k: v for k, v in m.items() if k != "options"}) for mi, m in enumerate(data["materials"])
    )
    Material.options.through.objects.bulk_create(
        Material.options.through(material_id=row.pk, situationoption_id=options[ref].pk)
        for m, row in zip(data["materials"], materials, strict=True)
        for ref in m["options"]
    )
    Fee.objects.bulk_create(Fee(version=version, seq=i + 1, **fee) for i, fee in enumerate(data["fees"]))
    steps = Step.objects.bulk_create(
        Step(version=version, seq=si + 1, name=st["name"], role=st["role"], limit_days=st["limit_days"])
        for si, st in enumerate(data["steps"])
    )
    Step.options.through.objects.bulk_create(
        Step.options.through(step_id=row.pk, situationoption_id=options[ref].pk)
        for st, row in zip(data["steps"], steps, strict=True)
        for ref in st["options"]
    )
    ChecklistPoint.objects.bulk_create(ChecklistPoint(version=version, seq=i + 1, text=text) for i, text in enumerate(data["checklist"]))
    Intermediary.objects.bulk_create(Intermediary(version=version, seq=i + 1, **entry) for i, entry in enumerate(data["intermediaries"]))
    item.current_version = version
    item.name = version.name
    item.department = version.department
    item.name_search = build_search_text(version.name)
    item.search_text = f"{build_search_text(version.name, version.result_name)} {item.code.lower()}"
    item.save()
    return version


def item_create(*, actor, data: dict[str, Any], reason: str = "新增事项") -> Item:
    cleaned = validate_item_data(data)
    _require_edit(actor, cleaned["department"])
    with transaction.atomic():
        if Item.objects.filter(code=cleaned["code"]).exists():
            raise ValidationError("code", "unique", _("基本编码“%(code)s”已被其他事项使用") % {"code": cleaned["code"]})
        item = Item.objects.create(code=cleaned["code"], name=cleaned["name"], department=cleaned["department"])
        version = _write_version(item=item, data=cleaned, actor=actor, reason=reason)
        ItemEvent.objects.create(item=item, kind="created", version=version, actor=actor, reason=reason)
    return item


def item_update(*, actor, item: Item, data: dict[str, Any], reason: str, expected_version: int | None = None) -> ItemVersion:
    """Save a change as a new version. `expected_version` guards against two editors at once."""
    if not (reason or "").strip():
        raise ValidationError("reason", "required", _("请填写修改原因"))
    if "form_fields" not in data and item.current_version is not None:
        # Editors and imports that do not carry the form fields keep the current ones.
        data = {**data, "form_fields": item.current_version.form_fields}
    cleaned = validate_item_data({**data, "code": item.code})
    _require_edit(actor, item.department)
    _require_edit(actor, cleaned["department"])
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        if locked.status == Item.STATUS_CANCELLED:
            raise ValidationError("status", "cancelled", _("已取消的事项不能再修改"))
        if expected_version is not None and locked.current.number != expected_version:
            raise Conflict(_("该事项已被他人修改，请刷新后在最新版本上修改"))
        before = version_to_data(locked.current)
        fields_before = locked.current.form_fields
        version = _write_version(item=locked, data=cleaned, actor=actor, reason=reason.strip())
        if version_to_data(version) == {**before} and version.form_fields == fields_before:
            raise ValidationError("data", "unchanged", _("没有任何改动，未生成新版本"))
        ItemEvent.objects.create(item=locked, kind="changed", version=version, actor=actor, reason=reason.strip())
    item.refresh_from_db()
    return version


def _status_change(*, actor, item: Item, to_status: str, kind: str, allowed_from: set[str], reason: str) -> Item:
    if not (reason or "").strip():
        raise ValidationError("reason", "required", _("请填写原因"))
    _require_edit(actor, item.department)
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        if locked.status not in allowed_from:
            raise ValidationError(
                "status", "transition", _("事项当前为“%(status)s”，不能执行此操作") % {"status": locked.get_status_display()}
            )
        before = locked.status
        locked.status = to_status
        locked.save(update_fields=["status", "updated_at"])
        ItemEvent.objects.create(
            item=locked,
            kind=kind,
            version=locked.current_version,
            actor=actor,
            reason=reason.strip(),
            before={"status": before},
            after={"status": to_status},
        )
    return locked


def item_suspend(*, actor, item: Item, reason: str) -> Item:
    return _status_change(
        actor=actor, item=item, to_status=Item.STATUS_SUSPENDED, kind="suspended", allowed_from={Item.STATUS_ACTIVE}, reason=reason
    )


def item_resume(*, actor, item: Item, reason: str) -> Item:
    return _status_change(
        actor=actor, item=item, to_status=Item.STATUS_ACTIVE, kind="resumed", allowed_from={Item.STATUS_SUSPENDED}, reason=reason
    )


def item_cancel(*, actor, item: Item, reason: str) -> Item:
    return _status_change(
        actor=actor,
        item=item,
        to_status=Item.STATUS_CANCELLED,
        kind="cancelled",
        allowed_from={Item.STATUS_ACTIVE, Item.STATUS_SUSPENDED},
        reason=reason,
    )


def _move(*, actor, item: Item, kind: str, reason: str, department: Department, level: str | None) -> ItemVersion:
    if not (reason or "").strip():
        raise ValidationError("reason", "required", _("请填写原因"))
    _require_edit(actor, item.department)
    with transaction.atomic():
        # Lock first, then read: a change saved meanwhile must not be overwritten by stale data.
        locked = Item.objects.select_for_update().get(pk=item.pk)
        if locked.status == Item.STATUS_CANCELLED:
            raise ValidationError("status", "cancelled", _("已取消的事项不能下放或划转"))
        data = version_to_data(locked.current)
        before = {"department": data["department"], "level": data["level"]}
        data["department"] = department
        if level:
            data["level"] = level
        version = _write_version(item=locked, data=validate_item_data(data), actor=actor, reason=reason.strip())
        ItemEvent.objects.create(
            item=locked,
            kind=kind,
            version=version,
            actor=actor,
            reason=reason.strip(),
            before=before,
            after={"department": department.name, "level": version.level},
        )
    item.refresh_from_db()
    return version


def item_delegate(*, actor, item: Item, to_department: Department, reason: str) -> ItemVersion:
    """下放: the item is handled at township level by a 苏木乡镇 government from now on."""
    if to_department.kind != Department.KIND_TOWNSHIP:
        raise ValidationError("to_department", "township_only", _("事项只能下放给苏木乡镇人民政府"))
    return _move(actor=actor, item=item, kind="delegated", reason=reason, department=to_department, level="township")


def item_transfer(*, actor, item: Item, to_department: Department, reason: str) -> ItemVersion:
    """划转: the item moves to another body, typically the 行政审批局 (相对集中行政许可权)."""
    if to_department.id == item.department_id:
        raise ValidationError("to_department", "same_department", _("划入部门与当前实施主体相同"))
    return _move(actor=actor, item=item, kind="transferred", reason=reason, department=to_department, level=None)


# --- Excel import in the background ------------------------------------------------------------

IMPORT_JOB_KIND = "catalog.import"


def catalog_import_start(*, actor, file: File, valid_only: bool, reason: str) -> Job:
    """Start an Excel import (CAT-4) in the background: keep the file, create the job and queue
    the task once the job is committed. The page then follows the job; `catalog_import` checks
    every row in the worker exactly as it did in the request."""
    # tasks imports excel_import, which imports this module
    from govhall.catalog.tasks import import_catalog_job

    if not actor.has_perm("catalog.import_catalog"):
        raise PermissionDenied(_("无权导入事项清单"))
    with transaction.atomic():
        job = job_create(actor=actor, kind=IMPORT_JOB_KIND, params={"valid_only": valid_only, "reason": reason}, upload=file)
        transaction.on_commit(partial(import_catalog_job.enqueue, job.pk))
    return job


# --- reading versions back --------------------------------------------------------------------


def version_to_data(version: ItemVersion) -> dict[str, Any]:
    """The version as the item data dict (department as its name): what Excel and the API carry."""
    return next(versions_data([version.pk]))
