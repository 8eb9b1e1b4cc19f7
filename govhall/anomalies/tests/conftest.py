"""Fixtures of the anomaly tests: case facts built directly (a clean one, then one change per rule),
window-pad ratings, and a hit ready to be reviewed."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from govhall.anomalies.models import AnomalyHit
from govhall.hall.models import BusinessType, Ticket
from govhall.org.models import Division
from govhall.ratings.models import Rating
from govhall.supervision.models import CaseFact

# 2025-06-09 is a Monday.
DAY = dt.date(2025, 6, 9)
_numbers = itertools.count(1)


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def make_fact(county) -> Callable[..., CaseFact]:
    """A clean fact of the food licence at 市场监管局: submitted, accepted at the window, decided
    three days later by another person, on time, in office hours. Override any field."""
    division = Division.objects.get(code="150727")

    def make(**overrides: Any) -> CaseFact:
        accepted = overrides.pop("accepted_at", at(DAY, 9, 30))
        values: dict[str, Any] = {
            "source": "govhall",
            "external_id": f"T{next(_numbers):06d}",
            "division": division,
            "department": county.departments["市场监管局"],
            "centre": county.centre,
            "window": county.windows["综合1"],
            "item": county.items["food"],
            "staff": county.users["clerk"],
            "decider": county.users["section_head"],
            "applicant_kind": CaseFact.APPLICANT_PERSON,
            "applicant_key": "k" * 64,
            "channel": "window",
            "status": "done",
            "decision": "approved",
            "instant": False,
            "submitted_at": accepted - dt.timedelta(minutes=20),
            "accepted_at": accepted,
            "decided_at": accepted + dt.timedelta(days=3),
            "finished_at": accepted + dt.timedelta(days=3, hours=1),
            "accepted_on": timezone.localdate(accepted),
            "decided_on": timezone.localdate(accepted + dt.timedelta(days=3)),
            "legal_limit_days": 10,
            "limit_days": 5,
            "used_days": 3,
            "step_count": 4,
            "actor_count": 3,
        }
        values.update(overrides)
        return CaseFact.objects.create(**values)

    return make


@pytest.fixture
def make_rating(county, clerk) -> Callable[..., Rating]:
    """A 一次一评 rating at window A01, each on its own finished ticket."""
    kind = BusinessType.objects.create(centre=county.centre, name="综合业务", prefix="A")

    def make(*, device: str, created_at: dt.datetime, channel: str = Rating.CHANNEL_WINDOW_DEVICE, level: int = 5, window=None) -> Rating:
        seq = next(_numbers)
        window = window or county.windows["综合1"]
        ticket = Ticket.objects.create(
            centre=county.centre,
            business_type=kind,
            day=timezone.localdate(created_at),
            seq=seq,
            number=f"A{seq:05d}",
            source=Ticket.SOURCE_KIOSK,
            status=Ticket.STATUS_DONE,
            issued_at=created_at - dt.timedelta(minutes=30),
            window=window,
            served_by=clerk,
            called_at=created_at - dt.timedelta(minutes=10),
            started_at=created_at - dt.timedelta(minutes=9),
            finished_at=created_at - dt.timedelta(minutes=1),
        )
        return Rating.objects.create(
            kind=Rating.KIND_SERVICE,
            ticket=ticket,
            level=level,
            channel=channel,
            centre=county.centre,
            window=window,
            staff=clerk,
            department=county.departments["市场监管局"],
            device=device,
            created_at=created_at,
        )

    return make


@pytest.fixture
def hit(make_fact) -> AnomalyHit:
    """A pending hit of 超期无特别程序 at 市场监管局 (found by a scan)."""
    from govhall.anomalies.engine import scan

    make_fact(overdue=True, used_days=8)
    scan()
    return AnomalyHit.objects.get(rule="overdue_no_pause")
