"""The demo's surveys: last quarter's closed with answers, this quarter's open with invitations waiting."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.demo.loader import LoadReport
from govhall.demo.surveys_demo import load_surveys_demo
from govhall.org import roles
from govhall.surveys.models import Survey, SurveyResponse
from govhall.surveys.selectors import pending_invitations_for_user
from govhall.surveys.tests.conftest import on_day
from govhall.tests_support import _user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)


def test_demo_writes_a_closed_and_an_open_survey_once(county, make_applicant, finished_case):
    _user("supervisor01", "图雅", roles.SUPERVISOR, centre=county.centre)
    applicants = [make_applicant() for _ in range(12)]
    for n, user in enumerate(applicants):
        finished_case(user, item="food" if n % 2 else "id_card", day=TODAY - dt.timedelta(days=20 + n))
    report = LoadReport()

    with on_day(TODAY):
        load_surveys_demo(report=report, log=lambda message: None)
        load_surveys_demo(report=report, log=lambda message: None)
        pending = [pending_invitations_for_user(user=u).count() for u in applicants]

    closed, opened = Survey.objects.get(status="closed"), Survey.objects.get(status="open")
    assert closed.closes_on == dt.date(2026, 9, 30) and closed.title == "2026年第3季度营商环境满意度调查"
    assert opened.opens_on <= TODAY <= opened.closes_on and opened.closes_on == dt.date(2026, 12, 31)
    assert closed.invitations.count() == opened.invitations.count() == 12
    answered = SurveyResponse.objects.filter(invitation__survey=closed).count()
    assert 3 <= answered <= 9
    assert all(r.submitted_at.date() <= closed.closes_on for r in SurveyResponse.objects.filter(invitation__survey=closed))
    assert sum(pending) >= 6  # most applicants still have this quarter's invitation waiting
    assert report.created["surveys"] == 2
