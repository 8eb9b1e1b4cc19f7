"""Differences between two item versions, element by element, with the Chinese labels."""

from __future__ import annotations

from typing import Any

from govhall.catalog.schema import FIELD_LABELS

LIST_KEYS = {"materials": "name", "fees": "name", "steps": "name", "intermediaries": "name"}


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "；".join(_show(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}={_show(v)}" for k, v in value.items() if v not in (None, "", [], False))
    return str(value)


def data_diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, str]]:
    """Rows of {field, label, change, before, after}. Lists of rows are matched by name."""
    rows: list[dict[str, str]] = []
    for field, label in FIELD_LABELS.items():
        a, b = old.get(field), new.get(field)
        if a == b:
            continue
        if field in LIST_KEYS and isinstance(a, list) and isinstance(b, list):
            key = LIST_KEYS[field]
            before = {row[key]: row for row in a}
            after = {row[key]: row for row in b}
            for name in before.keys() - after.keys():
                rows.append({"field": field, "label": label, "change": "removed", "before": _show(before[name]), "after": ""})
            for name in after.keys() - before.keys():
                rows.append({"field": field, "label": label, "change": "added", "before": "", "after": _show(after[name])})
            for name in before.keys() & after.keys():
                if before[name] != after[name]:
                    rows.append({"field": field, "label": label, "change": "changed", "before": _show(before[name]), "after": _show(after[name])})
            if [r[key] for r in a] != [r[key] for r in b] and before.keys() == after.keys():
                rows.append({"field": field, "label": label, "change": "reordered", "before": _show(list(before)), "after": _show(list(after))})
            continue
        rows.append({"field": field, "label": label, "change": "changed", "before": _show(a), "after": _show(b)})
    return rows
