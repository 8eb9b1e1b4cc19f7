"""The indicator explorer at /staff/supervision/: pick a dimension, a grain and a period; the
figures come from the rollups, each column with its written definition, red beyond the threshold,
and the same table as Excel."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.errors import DomainError
from govhall.core.http import xlsx_response
from govhall.supervision import indicators
from govhall.supervision.models import Rollup
from govhall.supervision.selectors import indicator_query_parse, indicator_scope_for_user, indicator_table_for_user

# A page shows at most this many rows (the Excel export has them all).
PAGE_ROWS = 1000


def _period_label(row: indicators.Row, grain: str) -> str:
    if grain == "year":
        return f"{row.period:%Y}"
    if grain == "month":
        return f"{row.period:%Y-%m}"
    if grain == "week":
        iso = row.period.isocalendar()
        return _("%(year)s年第%(week)s周") % {"year": iso.year, "week": iso.week}
    if grain == "total":
        return _("合计")
    return row.period.isoformat()


@login_required
def explorer(request: HttpRequest) -> HttpResponse:
    scope = indicator_scope_for_user(user=request.user)
    get = request.GET
    context: dict = {
        "dims": Rollup.DIM_CHOICES,
        "grains": [(g, indicators.GRAIN_LABELS[g]) for g in indicators.GRAINS],
        "definitions": indicators.definitions(),
        "scope": scope,
        "raw": {"dim": get.get("dim", ""), "grain": get.get("grain", ""), "start": get.get("start", ""), "end": get.get("end", "")},
    }
    try:
        query = indicator_query_parse(
            dim=get.get("dim"), grain=get.get("grain"), start=get.get("start"), end=get.get("end"), today=timezone.localdate()
        )
    except DomainError as exc:
        context["errors"] = exc.as_list()
        return render(request, "supervision/staff/explorer.html", context, status=400)
    rows = indicator_table_for_user(user=request.user, dim=query.dim, grain=query.grain, start=query.start, end=query.end)
    codes = list(indicators.INDICATORS)
    if get.get("format") == "xlsx":
        header = [_("维度值"), _("周期"), *[str(indicators.INDICATORS[c].name) for c in codes], _("受理数"), _("办结数"), _("评价数")]
        data = (
            [
                r.label,
                _period_label(r, query.grain),
                *[indicators.format_value(c, r.values[c]) for c in codes],
                r.counts["accepted"],
                r.counts["decided"],
                r.counts["rated"],
            ]
            for r in rows
        )
        return xlsx_response(_("监管指标"), header, data, [30, 12, *[10] * len(codes), 8, 8, 8])
    context.update(
        query=query,
        codes=codes,
        headers=[indicators.INDICATORS[c] for c in codes],
        rows=[
            {
                "row": r,
                "period": _period_label(r, query.grain),
                "cells": [(indicators.format_value(c, r.values[c]), r.red(c)) for c in codes],
            }
            for r in rows[:PAGE_ROWS]
        ],
        truncated=len(rows) > PAGE_ROWS,
        total_rows=len(rows),
        querystring=request.GET.urlencode(),
    )
    return render(request, "supervision/staff/explorer.html", context)
