"""The hall of the test county: two business types, A 综合受理 (window A01, clerk) and B 企业开办
(window B01, clerk2), and a clock fixed on Monday 2026-06-15 (a working day)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from unittest import mock

import pytest
from django.utils import timezone

from govhall.cases.tests.conftest import enterprise, food, person  # noqa: F401
from govhall.hall.models import BusinessType

MONDAY = dt.date(2026, 6, 15)
TUESDAY = dt.date(2026, 6, 16)


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@contextlib.contextmanager
def on(day: dt.date, hour: int = 10, minute: int = 0) -> Iterator[None]:
    """Everything inside happens at that moment (Asia/Shanghai)."""
    with mock.patch("django.utils.timezone.now", return_value=at(day, hour, minute)):
        yield


@pytest.fixture
def hall(county):
    general = BusinessType.objects.create(centre=county.centre, name="综合受理", prefix="A", sort=1)
    general.windows.set([county.windows["综合1"]])
    business = BusinessType.objects.create(centre=county.centre, name="企业开办", prefix="B", sort=2)
    business.windows.set([county.windows["专窗"]])
    return SimpleNamespace(
        centre=county.centre, general=general, business=business, a01=county.windows["综合1"], b01=county.windows["专窗"]
    )
