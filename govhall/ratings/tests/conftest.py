"""Fixtures of the 好差评 tests: finished hall tickets and a finished case, at a fixed time in 2026."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db.models import Max
from django.utils import timezone

from govhall.cases.models import Case
from govhall.cases.tests.case_steps import at, submit
from govhall.cases.tests.conftest import enterprise, food, person  # noqa: F401
from govhall.hall.models import BusinessType, Ticket

# 2026-06-15 is a Monday; 06-19 (Friday) is 端午节.
DAY = dt.date(2026, 6, 15)


@pytest.fixture
def business_type(county):
    kind = BusinessType.objects.create(centre=county.centre, name="综合业务", prefix="A")
    kind.windows.set(county.windows.values())
    # The 专窗 B01 is 市场监管局's own window: its services are answerable to that department.
    county.windows["专窗"].departments.add(county.departments["市场监管局"])
    return kind


@pytest.fixture
def make_ticket(county, business_type, clerk) -> Callable[..., Ticket]:
    """A ticket served at a window by a clerk, finished (or still `status`) on `day`."""

    def make(*, window=None, served_by=None, status: str = Ticket.STATUS_DONE, day: dt.date = DAY, hour: int = 10, case=None) -> Ticket:
        seq = (Ticket.objects.filter(business_type=business_type, day=day).aggregate(m=Max("seq"))["m"] or 0) + 1
        finished = at(day, hour) if status == Ticket.STATUS_DONE else None
        return Ticket.objects.create(
            centre=county.centre,
            business_type=business_type,
            day=day,
            seq=seq,
            number=f"A{seq:03d}",
            source=Ticket.SOURCE_KIOSK,
            status=status,
            issued_at=at(day, hour) - dt.timedelta(minutes=30),
            window=window or county.windows["综合1"],
            served_by=served_by or clerk,
            called_at=at(day, hour) - dt.timedelta(minutes=10),
            started_at=at(day, hour) - dt.timedelta(minutes=9),
            finished_at=finished,
            case=case,
        )

    return make


@pytest.fixture
def done_case(applicant, person, food) -> Case:  # noqa: F811
    """The applicant's food licence, submitted online and 办结 (the case flow itself is tested in cases)."""
    case = submit(applicant, food, person=person)
    Case.objects.filter(pk=case.pk).update(status=Case.STATUS_DONE, finished_at=timezone.now())
    case.refresh_from_db()
    return case
