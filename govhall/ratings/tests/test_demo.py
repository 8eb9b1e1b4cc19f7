"""The demo's 好差评: most finished services rated, every 差评 with its follow-up, loaded once."""

from __future__ import annotations

import datetime as dt

from govhall.cases.tests.case_steps import on
from govhall.demo.loader import LoadReport
from govhall.demo.ratings_demo import load_ratings_demo
from govhall.ratings.models import FollowUp, Rating


def test_demo_rates_most_finished_tickets_and_opens_one_follow_up_per_bad_rating_once(make_ticket, done_case):
    days = [dt.date(2026, 6, d) for d in (1, 2, 3, 4, 5, 8, 9, 10)]
    for day in days:
        for hour in range(9, 17):
            make_ticket(day=day, hour=hour)
    report = LoadReport()

    with on(dt.date(2026, 6, 30), 17):
        load_ratings_demo(report=report, log=lambda message: None)
        load_ratings_demo(report=report, log=lambda message: None)

    ratings = Rating.objects.count()
    assert 0.8 * 64 <= ratings <= 65
    assert Rating.objects.filter(level__lte=2).count() == FollowUp.objects.count() > 0
    assert set(Rating.objects.values_list("channel", flat=True)) >= {"window_device", "qr"}
    assert report.created["ratings"] == ratings
