"""Facts built directly (as an import would write them), with their rollup contributions."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from govhall.supervision.models import CaseFact
from govhall.supervision.rollups import apply_facts

_numbers = itertools.count(1)


def fact(county, *, save: bool = True, **values: Any) -> CaseFact:
    """A fact of the small county's food item at window A01, accepted by the clerk; `values`
    override any field. Saved and added to the rollups unless save=False."""
    item = values.pop("item", county.items["food"])
    defaults: dict[str, Any] = {
        "source": "test",
        "external_id": f"T{next(_numbers):06d}",
        "division_id": "150727",
        "department": item.department,
        "centre": county.centre,
        "window": county.windows["综合1"],
        "item": item,
        "staff": county.users["clerk"],
        "channel": "window",
        "status": "done",
        "legal_limit_days": 20,
        "limit_days": 5,
    }
    defaults.update(values)
    row = CaseFact(**defaults)
    if save:
        row.save()
        apply_facts([row])
    return row


def day(month: int, d: int) -> dt.date:
    return dt.date(2026, month, d)
