"""Who may read which indicator rows.

Supervisors, auditors and centre admins (`view_all_indicators`) read every dimension. A department
admin reads only their department: the department row and its items; the county, region, centre,
window and staff dimensions are empty for them (a window's or a clerk's figures include the cases of
every department served there — a 综合窗口 takes them all). Anyone else gets a 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from govhall.catalog.models import Item
from govhall.core.errors import ErrorCollector
from govhall.org.models import StaffProfile
from govhall.supervision import indicators
from govhall.supervision.models import Rollup


@dataclass(frozen=True)
class IndicatorScope:
    everything: bool
    department_id: int | None = None


def indicator_scope_for_user(*, user) -> IndicatorScope:
    """The user's reach, or Http404 when they may not see indicators at all."""
    if not user.is_authenticated or not user.has_perm("supervision.view_indicators"):
        raise Http404
    if user.has_perm("supervision.view_all_indicators"):
        return IndicatorScope(everything=True)
    profile = StaffProfile.objects.filter(user=user).only("department_id").first()
    return IndicatorScope(everything=False, department_id=profile.department_id if profile else None)


def allowed_keys(scope: IndicatorScope, dim: str) -> list[str] | None:
    """The keys of `dim` the scope may read: None for all, [] for none."""
    if scope.everything:
        return None
    dept = scope.department_id
    if dept is None:
        return []
    if dim == Rollup.DIM_DEPARTMENT:
        return [str(dept)]
    if dim == Rollup.DIM_ITEM:
        return [str(pk) for pk in Item.objects.filter(department=dept).values_list("pk", flat=True)]
    return []


def indicator_table_for_user(
    *, user, dim: str, grain: str, start: dt.date, end: dt.date, keys: list[str] | None = None
) -> list[indicators.Row]:
    """`indicators.table` limited to what the user may read (keys outside their reach are dropped)."""
    scope = indicator_scope_for_user(user=user)
    allowed = allowed_keys(scope, dim)
    if allowed is not None:
        keys = [k for k in keys if k in set(allowed)] if keys is not None else allowed
    return indicators.table(dim, grain, start, end, keys=keys)


@dataclass(frozen=True)
class IndicatorQuery:
    dim: str
    grain: str
    start: dt.date
    end: dt.date


MAX_DAYS = 366 * 20
# The longest range per grain, so that one request cannot ask for millions of rows (items × days).
MAX_DAYS_BY_GRAIN = {"day": 92, "week": 366 * 3, "month": 366 * 10}


def indicator_query_parse(*, dim: str | None, grain: str | None, start: str | None, end: str | None, today: dt.date) -> IndicatorQuery:
    """Validate the explorer's / API's query (defaults: by department, by month, this year so far)."""
    errors = ErrorCollector()
    dim = dim or Rollup.DIM_DEPARTMENT
    grain = grain or "month"
    if dim not in dict(Rollup.DIM_CHOICES):
        errors.add("dim", "choice", _("维度须为全县、区划、部门、服务中心、窗口、事项或工作人员"))
    if grain not in indicators.GRAINS:
        errors.add("grain", "choice", _("周期须为日、周、月、年或合计"))
    first = _date(start, "start", errors) or today.replace(month=1, day=1)
    last = _date(end, "end", errors) or today
    if last < first:
        errors.add("end", "order", _("截止日期早于起始日期"))
    elif (last - first).days > MAX_DAYS:
        errors.add("end", "range", _("查询区间不能超过20年"))
    elif grain in MAX_DAYS_BY_GRAIN and (last - first).days > MAX_DAYS_BY_GRAIN[grain]:
        limits = {"day": _("按日查询的区间不能超过92天"), "week": _("按周查询的区间不能超过3年"), "month": _("按月查询的区间不能超过10年")}
        errors.add("end", "range", limits[grain])
    errors.raise_if_any()
    return IndicatorQuery(dim=dim, grain=grain, start=first, end=last)


def _date(value: str | None, field: str, errors: ErrorCollector) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.add(field, "date", _("日期格式应为 YYYY-MM-DD"))
        return None
