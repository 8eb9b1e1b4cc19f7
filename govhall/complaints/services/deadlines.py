"""Due dates of work orders and 办不成事 problems, in working days (core.calendar only).

A start date in a year whose working-day calendar is not loaded cannot be counted from: the order
is still recorded, its due date left empty and marked pending ("期限待定"), and `due_dates_fill`
(run by the periodic task) computes it once the year is loaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from govhall.core.calendar import CalendarError, add_working_days


def complaint_limit_days(urgency: str) -> int:
    """Working days a department has to reply to a dispatched work order.

    Source: the 12345 政务服务便民热线 rules (国办发〔2020〕53号 关于进一步优化地方政务服务便民热线的
    指导意见, and the region's 12345 工单办理规范 under it): 一般诉求 5 个工作日内办结答复, 紧急诉求
    1 个工作日内. Configurable: GOVHALL_COMPLAINT_DAYS, GOVHALL_COMPLAINT_URGENT_DAYS.
    """
    if urgency == "urgent":
        return int(getattr(settings, "GOVHALL_COMPLAINT_URGENT_DAYS", 1))
    return int(getattr(settings, "GOVHALL_COMPLAINT_DAYS", 5))


def cant_do_limit_days() -> int:
    """办不成事: the named leader has 5 working days to solve or explain (the centre's 办不成事反映窗口
    工作制度, following 国办发〔2022〕32号 on 健全"办不成事"反映窗口). Setting GOVHALL_CANT_DO_DAYS."""
    return int(getattr(settings, "GOVHALL_CANT_DO_DAYS", 5))


def working_due_date(start: dt.date, days: int) -> tuple[dt.date | None, bool]:
    """(due date, pending): pending when the calendar of the needed year is not loaded yet."""
    try:
        return add_working_days(start, days), False
    except CalendarError:
        return None, True


@dataclass
class FillResult:
    complaints: int = 0
    problems: int = 0


def due_dates_fill() -> FillResult:
    """Compute the due dates left pending; idempotent (only rows still pending are touched)."""
    from govhall.complaints.models import CantDoProblem, Complaint

    result = FillResult()
    for model, counter in ((Complaint, "complaints"), (CantDoProblem, "problems")):
        for pk in model.objects.filter(due_pending=True).values_list("pk", flat=True):
            with transaction.atomic():
                row = model.objects.select_for_update().get(pk=pk)
                if not row.due_pending or row.due_from is None or row.due_days is None:
                    continue
                due, pending = working_due_date(row.due_from, row.due_days)
                if pending:
                    continue
                row.due_date, row.due_pending = due, False
                row.save(update_fields=["due_date", "due_pending"])
                setattr(result, counter, getattr(result, counter) + 1)
    return result
