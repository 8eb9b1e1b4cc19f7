"""JSON API of supervision under /api/supervision/.

- `GET /definitions`: every indicator's written definition (numerator, denominator, which cases,
  which date decides the period, direction, red threshold, unit).
- `GET /indicators?dim=department&grain=month&start=2026-01-01&end=2026-12-31[&keys=1&keys=2]`:
  one row per key and period with the indicator values (fractions; None without a denominator),
  the raw counts and the codes that are beyond their red threshold.
Both need `supervision.view_indicators` (otherwise 404); a department admin gets only their
department's rows.
"""

from __future__ import annotations

from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.security import django_auth

from govhall.supervision import indicators
from govhall.supervision.selectors import indicator_query_parse, indicator_scope_for_user, indicator_table_for_user

router = Router(tags=["监管指标"], auth=django_auth)


class DefinitionOut(Schema):
    code: str
    name: str
    numerator: str
    denominator: str
    cases: str
    period_date: str
    period_date_label: str
    direction: str
    red_threshold: float
    unit: str
    core: bool
    note: str


class RowOut(Schema):
    key: str
    label: str
    period: str
    values: dict[str, float | None]
    counts: dict[str, int]
    red: list[str]


class TableOut(Schema):
    dim: str
    grain: str
    start: str
    end: str
    rows: list[RowOut]


class TableQuery(Schema):
    dim: str = "department"
    grain: str = "month"
    start: str | None = None
    end: str | None = None
    keys: list[str] | None = None


@router.get("/definitions", response=list[DefinitionOut])
def definitions(request):
    indicator_scope_for_user(user=request.user)
    return indicators.definitions()


@router.get("/indicators", response=TableOut)
def indicator_table(request, filters: Query[TableQuery]):
    indicator_scope_for_user(user=request.user)
    query = indicator_query_parse(dim=filters.dim, grain=filters.grain, start=filters.start, end=filters.end, today=timezone.localdate())
    rows = indicator_table_for_user(
        user=request.user, dim=query.dim, grain=query.grain, start=query.start, end=query.end, keys=filters.keys
    )
    return {
        "dim": query.dim,
        "grain": query.grain,
        "start": query.start.isoformat(),
        "end": query.end.isoformat(),
        "rows": [r.as_dict() for r in rows],
    }
