"""Differences between two item versions, as a person reads them: the label of each field, choice
names instead of codes (“全程网办”, not `full_online`), 是/否 for flags — all in the language of
the request — and for list entries (materials, fees, steps, intermediaries) only the sub-elements
that changed ("营业执照（复印件份数：1）" → "营业执照（复印件份数：2）").

The staff history page and the JSON API both show these rows.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from govhall.catalog import choices
from govhall.catalog.schema import FEE_FIELDS, FIELD_LABELS, INTERMEDIARY_FIELDS, MATERIAL_FIELDS, STEP_FIELDS
from govhall.core.i18n import translated_choices

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The fields that are lists of entries, each entry a dict with a name, and its sub-element labels.
ENTRY_LABELS = {
    "materials": MATERIAL_FIELDS,
    "fees": FEE_FIELDS,
    "steps": STEP_FIELDS,
    "intermediaries": INTERMEDIARY_FIELDS,
}
CHOICE_NAMES = {
    key: dict(translated_choices(options))
    for key, options in (
        ("item_type", choices.ITEM_TYPES),
        ("level", choices.LEVELS),
        ("handling_type", choices.HANDLING_TYPES),
        ("online_depth", choices.ONLINE_DEPTHS),
        ("tongban_scope", choices.TONGBAN_SCOPES),
        ("result_type", choices.RESULT_TYPES),
        ("audience", choices.AUDIENCES),
        ("source", choices.MATERIAL_SOURCES),
        ("form", choices.MATERIAL_FORMS),
        ("role", choices.STEP_ROLES),
    )
}
CHANGE_LABELS = {
    "added": pgettext_lazy("version difference", "新增"),
    "removed": pgettext_lazy("version difference", "删除"),
    "changed": pgettext_lazy("version difference", "修改"),
    "reordered": pgettext_lazy("version difference", "调整顺序"),
}


def _shown(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "、".join(_shown(key, v) for v in value)
    return str(CHOICE_NAMES.get(key, {}).get(str(value), value))


def _field_text(key: str, value: Any) -> str:
    """One top-level field as text: situations spelled out, plain lists (topics, checklist) joined by "；"."""
    if key == "situations":
        return _situations(value or [])
    if isinstance(value, list) and key not in CHOICE_NAMES:
        return "；".join(_shown(key, v) for v in value)
    return _shown(key, value)


def _situations(questions: list[dict[str, Any]]) -> str:
    return "；".join(f"{q['key']} {q['text']}：" + "、".join(f"{o['key']} {o['label']}" for o in q["options"]) for q in questions)


def _entry(field: str, entry: dict[str, Any], keys: list[str] | None = None) -> str:
    labels = ENTRY_LABELS[field]
    parts = [
        _("%(label)s：%(value)s") % {"label": labels[k], "value": _shown(k, entry.get(k))}
        for k in (keys or labels)
        if k != "name" and entry.get(k) not in (None, "", [])
    ]
    name = str(entry.get("name", ""))
    return _("%(name)s（%(details)s）") % {"name": name, "details": "；".join(parts)} if parts else name


def _keyed(entries: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    """Entries by (name, n-th of that name): the second of two same-named entries is matched with
    the second, so a change to either of them is never hidden by the other."""
    seen: Counter[str] = Counter()
    out = {}
    for entry in entries:
        name = entry.get("name", "")
        out[(name, seen[name])] = entry
        seen[name] += 1
    return out


def _entry_rows(field: str, label: StrOrPromise, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, str]]:
    """One row per removed, added or changed entry, then one if the same entries were reordered."""

    def row(change: str, before: str, after: str) -> dict[str, str]:
        return {"field": field, "label": str(label), "change": change, "before": before, "after": after}

    before, after = _keyed(old), _keyed(new)
    rows = [row("removed", _entry(field, before[k]), "") for k in before if k not in after]
    rows += [row("added", "", _entry(field, after[k])) for k in after if k not in before]
    for k in (k for k in after if k in before and before[k] != after[k]):
        changed = [sub for sub in ENTRY_LABELS[field] if before[k].get(sub) != after[k].get(sub)]
        rows.append(row("changed", _entry(field, before[k], changed), _entry(field, after[k], changed)))
    if list(before) != list(after) and before.keys() == after.keys():
        rows.append(row("reordered", "、".join(name for name, _n in before), "、".join(name for name, _n in after)))
    return rows


def data_diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, str]]:
    """Rows of {field, label, change, before, after}, in the order of the item's fields."""
    rows: list[dict[str, str]] = []
    for field, label in FIELD_LABELS.items():
        a, b = old.get(field), new.get(field)
        if field in ENTRY_LABELS:
            if (a or []) != (b or []):
                rows.extend(_entry_rows(field, label, a or [], b or []))
        elif a != b:
            rows.append(
                {"field": field, "label": str(label), "change": "changed", "before": _field_text(field, a), "after": _field_text(field, b)}
            )
    return rows
