"""Read paths of the catalog."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.http import Http404

from govhall.catalog import choices
from govhall.catalog.models import (
    ChecklistPoint,
    Fee,
    Intermediary,
    Item,
    ItemVersion,
    Material,
    SituationOption,
    SituationQuestion,
    Step,
    Topic,
)
from govhall.catalog.permissions import can_edit_department_items
from govhall.catalog.schema import FEE_FIELDS, INTERMEDIARY_FIELDS, MATERIAL_FIELDS, VERSION_SCALARS
from govhall.catalog.search import normalise_query
from govhall.org.models import Department


@dataclass
class ItemFilters:
    q: str = ""
    department: int | None = None
    item_type: str = ""
    audience: str = ""
    topic: str = ""
    public_list: str = ""
    status: str = ""


def _list_filter(name: str) -> Q:
    cv = "current_version__"
    return {
        "power": Q(**{f"{cv}item_type__in": sorted(choices.POWER_TYPES)}),
        "public_service": Q(**{f"{cv}item_type": "20"}),
        "fee": Q(**{f"{cv}fees__amount_fen__gt": 0}) | Q(**{f"{cv}fees__amount_fen__isnull": True, f"{cv}fees__isnull": False}),
        "intermediary": Q(**{f"{cv}intermediaries__isnull": False}),
        "random_check": Q(**{f"{cv}random_check": True}),
        "rongque": Q(**{f"{cv}rongque": True}),
        "tongban": ~Q(**{f"{cv}tongban_scope": "none"}),
        "proof": Q(**{f"{cv}proof_item": True}),
        "enterprise_permit": Q(**{f"{cv}enterprise_permit": True}),
        "supervision": Q(**{f"{cv}supervision_item": True}),
    }[name]


def items_matching(qs: QuerySet[Item], query: str) -> QuerySet[Item]:
    """Items of `qs` whose name, result or code matches `query` (Chinese, full pinyin or initials),
    ordered by relevance: the name (or its pinyin, or its initials) starts with the query; the name
    contains it; only the result matches (营业执照 finds 企业设立登记, whose result is a business
    licence). Without a query: all of `qs`, by department and code."""
    q = normalise_query(query)
    if not q:
        return qs.order_by("department_id", "code")
    starts = Q(name_search__startswith=q) | Q(name_search__contains=f" {q}")
    relevance = Case(When(starts, then=Value(0)), When(name_search__contains=q, then=Value(1)), default=Value(2))
    return qs.filter(Q(search_text__contains=q) | Q(code__iexact=q)).order_by(relevance, "department_id", "code")


def items_search(*, filters: ItemFilters, include_inactive: bool = False) -> QuerySet[Item]:
    """Items matching the filters; the public sees only items in use."""
    qs = Item.objects.select_related("department", "current_version")
    if filters.status:
        qs = qs.filter(status=filters.status)
    elif not include_inactive:
        qs = qs.filter(status=Item.STATUS_ACTIVE)
    qs = items_matching(qs, filters.q)
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.item_type:
        qs = qs.filter(current_version__item_type=filters.item_type)
    if filters.audience == "person":
        qs = qs.filter(current_version__for_person=True)
    elif filters.audience == "enterprise":
        qs = qs.filter(current_version__for_enterprise=True)
    if filters.topic:
        qs = qs.filter(current_version__topics__name=filters.topic)
    if filters.public_list:
        qs = qs.filter(_list_filter(filters.public_list)).distinct()
    return qs


def get_item(*, item_id: int, user=None) -> Item:
    """An item for display: the public sees active ones; staff who may view items see all."""
    item = Item.objects.select_related("department", "current_version").filter(pk=item_id).first()
    if item is None or item.current_version is None:
        raise Http404
    if item.status != Item.STATUS_ACTIVE and not (user and user.is_authenticated and user.has_perm("catalog.view_item")):
        raise Http404
    return item


def get_version(*, item: Item, number: int) -> ItemVersion:
    version = item.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


def items_for_editor(*, user) -> QuerySet[Item]:
    """The items this user may maintain: their department's, or all with manage_all_items."""
    qs = Item.objects.select_related("department", "current_version", "current_version__created_by").exclude(current_version=None)
    if not user.has_perm("catalog.change_item"):
        return qs.none()
    if user.has_perm("catalog.manage_all_items"):
        return qs
    staff = getattr(user, "staff", None)
    if staff is None or staff.department_id is None:
        return qs.none()
    return qs.filter(department_id=staff.department_id)


def get_item_for_editor(*, user, item_id: int) -> Item:
    """The item, or 404 when it does not exist or is not this user's to maintain."""
    item = items_for_editor(user=user).filter(pk=item_id).first()
    if item is None or not can_edit_department_items(user, item.department):
        raise Http404
    return item


def departments_for_editor(*, user) -> QuerySet[Department]:
    """The active departments whose items this user may maintain."""
    qs = Department.objects.filter(is_active=True)
    if user.has_perm("catalog.manage_all_items"):
        return qs
    staff = getattr(user, "staff", None)
    if staff is None or staff.department_id is None:
        return qs.none()
    return qs.filter(pk=staff.department_id)


def applicable(version: ItemVersion, selected: set[str]) -> tuple[list, list]:
    """The materials and steps that apply for the chosen situation options ("q.a" refs).

    A material with no options applies always; one tied to options applies when any of them is
    chosen, or when a question it depends on has not been answered yet (so a partly answered
    questionnaire never hides a material the applicant may still need).
    """
    answered = {ref.split(".", 1)[0] for ref in selected}

    def applies(row) -> bool:
        refs = {(o.question.key, f"{o.question.key}.{o.key}") for o in row.options.all()}
        if not refs:
            return True
        return any(ref in selected or question not in answered for question, ref in refs)

    materials = [m for m in version.materials.prefetch_related("options__question") if applies(m)]
    steps = [s for s in version.steps.prefetch_related("options__question") if applies(s)]
    return materials, steps


def topics_by_audience() -> tuple[list[tuple[Topic, int]], list[tuple[Topic, int]]]:
    """Topics for the 个人办事 and 法人办事 columns, each with its number of items in use.

    A topic goes to a side when some item in it serves only that side, or when most of its items
    serve that side; a topic such as 医疗卫生 can appear on both.
    """
    active = Q(itemversion__item__status=Item.STATUS_ACTIVE, itemversion__item__current_version=F("itemversion"))
    rows = Topic.objects.annotate(
        person=Count("itemversion", filter=active & Q(itemversion__for_person=True)),
        enterprise=Count("itemversion", filter=active & Q(itemversion__for_enterprise=True)),
        person_only=Count("itemversion", filter=active & Q(itemversion__for_person=True, itemversion__for_enterprise=False)),
        enterprise_only=Count("itemversion", filter=active & Q(itemversion__for_enterprise=True, itemversion__for_person=False)),
    ).order_by("id")
    people: list[tuple[Topic, int]] = []
    enterprises: list[tuple[Topic, int]] = []
    for t in rows:
        if t.person and (t.person_only or t.person >= t.enterprise):
            people.append((t, t.person))
        if t.enterprise and (t.enterprise_only or t.enterprise > t.person):
            enterprises.append((t, t.enterprise))
    return people, enterprises


# --- versions as item data ------------------------------------------------------------------------

CHUNK = 200


def _rows_by_version(queryset, *fields: str) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in queryset.order_by("version_id", "seq").values("version_id", "id", *fields):
        grouped[row.pop("version_id")].append(row)
    return grouped


def _chunk_data(ids: list[int]) -> Iterator[dict[str, Any]]:
    """The data dicts of one chunk of versions."""
    scalars = [f for f in VERSION_SCALARS if f != "department"]
    versions = {
        v["id"]: v
        for v in ItemVersion.objects.filter(id__in=ids).values(
            "id", "item__code", "department__name", "for_person", "for_enterprise", *scalars
        )
    }
    topics: dict[int, list[str]] = defaultdict(list)
    for version_id, name in (
        ItemVersion.topics.through.objects.filter(itemversion_id__in=ids).order_by("topic_id").values_list("itemversion_id", "topic__name")
    ):
        topics[version_id].append(name)
    questions = _rows_by_version(SituationQuestion.objects.filter(version_id__in=ids), "key", "text", "seq")
    options: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for option in (
        SituationOption.objects.filter(question__version_id__in=ids)
        .order_by("question_id", "seq")
        .values("id", "question_id", "key", "label", "seq")
    ):
        options[option["question_id"]].append(option)
    option_refs = {
        o["id"]: ((q["seq"], o["seq"]), f"{q['key']}.{o['key']}") for rows in questions.values() for q in rows for o in options[q["id"]]
    }

    def links(model, owner: str) -> dict[int, list[str]]:
        chosen: dict[int, list[tuple]] = defaultdict(list)
        through = model.options.through.objects.filter(**{f"{owner}__version_id__in": ids})
        for owner_id, option_id in through.values_list(f"{owner}_id", "situationoption_id"):
            chosen[owner_id].append(option_refs[option_id])
        return {owner_id: [ref for _, ref in sorted(refs)] for owner_id, refs in chosen.items()}

    material_fields = [k for k in MATERIAL_FIELDS if k != "options"]
    materials = _rows_by_version(Material.objects.filter(version_id__in=ids), *material_fields)
    material_options = links(Material, "material")
    steps = _rows_by_version(Step.objects.filter(version_id__in=ids), "name", "role", "limit_days")
    step_options = links(Step, "step")
    fees = _rows_by_version(Fee.objects.filter(version_id__in=ids), *FEE_FIELDS)
    checklist = _rows_by_version(ChecklistPoint.objects.filter(version_id__in=ids), "text")
    intermediaries = _rows_by_version(Intermediary.objects.filter(version_id__in=ids), *INTERMEDIARY_FIELDS)

    for version_id in ids:
        v = versions.get(version_id)
        if v is None:
            continue
        data: dict[str, Any] = {"code": v["item__code"]}
        for name in VERSION_SCALARS:
            data[name] = v["department__name"] if name == "department" else v[name]
        data["audience"] = [a for a, flag in (("person", v["for_person"]), ("enterprise", v["for_enterprise"])) if flag]
        data["topics"] = topics[version_id]
        data["situations"] = [
            {"key": q["key"], "text": q["text"], "options": [{"key": o["key"], "label": o["label"]} for o in options[q["id"]]]}
            for q in questions[version_id]
        ]
        data["materials"] = [
            {**{k: m[k] for k in material_fields}, "options": material_options.get(m["id"], [])} for m in materials[version_id]
        ]
        data["fees"] = [{k: f[k] for k in FEE_FIELDS} for f in fees[version_id]]
        data["steps"] = [
            {"name": s["name"], "role": s["role"], "limit_days": s["limit_days"], "options": step_options.get(s["id"], [])}
            for s in steps[version_id]
        ]
        data["checklist"] = [c["text"] for c in checklist[version_id]]
        data["intermediaries"] = [{k: i[k] for k in INTERMEDIARY_FIELDS} for i in intermediaries[version_id]]
        yield data


def versions_data(version_ids: list[int]) -> Iterator[dict[str, Any]]:
    """The item data dicts (see `schema`) of these versions, in this order: what the API, Excel
    and the version diff carry. One query per table for CHUNK versions at a time, not per row."""
    for start in range(0, len(version_ids), CHUNK):
        yield from _chunk_data(version_ids[start : start + CHUNK])
