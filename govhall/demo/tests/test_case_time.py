"""The demo's working time: a moment it picks today is never after the load's cutoff (now less five
minutes), whatever the hour the demo is loaded at."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from govhall.demo.case_time import WorkingTime

pytestmark = pytest.mark.django_db

THURSDAY = dt.date(2026, 11, 26)  # a working day


@pytest.mark.parametrize("hour, minute", [(9, 45), (11, 30), (13, 0), (15, 10)])
def test_todays_moments_are_never_after_the_cutoff(county, hour, minute):
    now = timezone.make_aware(dt.datetime.combine(THURSDAY, dt.time(hour, minute)))
    time = WorkingTime(now=now, days_back=10)
    assert time.days[time.last] == THURSDAY  # the hall has been open more than an hour
    moments = [time.work_time(random.Random(n), time.last) for n in range(300)]
    assert max(moments) <= time.cutoff
    assert min(moments) >= timezone.make_aware(dt.datetime.combine(THURSDAY, dt.time(8, 30)))
