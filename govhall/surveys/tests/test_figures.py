"""满意度 figures against hand-computed answers, and the counts the scorecards read."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.org.models import Division
from govhall.surveys import services
from govhall.surveys.models import Survey
from govhall.surveys.selectors import mask_comment, satisfaction_counts, survey_results
from govhall.surveys.tests.conftest import answer, invite, survey_input

pytestmark = pytest.mark.django_db


def test_results_per_unit_by_hand(results_data, county):
    results = survey_results(results_data)
    market, police = results.units  # best 满意度 first
    assert market.name == "新巴尔虎右旗市场监督管理局" and police.name == "新巴尔虎右旗公安局"
    assert (market.invited, market.responded, market.response_rate) == (4, 2, 0.5)
    assert (market.satisfied, market.ratings) == (9, 12) and market.satisfaction == 0.75
    assert market.average == pytest.approx(50 / 12)
    attitude, efficiency, guide = market.questions[:3]
    assert attitude.question.text == "服务态度" and attitude.levels == {5: 2, 4: 0, 3: 0, 2: 0, 1: 0}
    assert (efficiency.satisfied, efficiency.total) == (2, 2)
    assert (guide.satisfied, guide.total, guide.average) == (1, 2, 4.0)
    assert (police.satisfied, police.ratings, police.satisfaction, police.response_rate) == (0, 6, 0.0, 0.5)
    assert (results.invited, results.responded, results.satisfied, results.ratings) == (6, 3, 9, 18)


def test_comments_are_shown_without_who_wrote_them_and_with_numbers_masked(results_data):
    market = survey_results(results_data).units[0]
    assert "窗口人员很耐心" in market.comments
    assert not any("13912345678" in c for c in market.comments)
    assert mask_comment("请联系我 13912345678") == "请联系我 139******78"


def test_satisfaction_counts_by_the_period_the_survey_closes_in(results_data, county):
    market, police = county.departments["市场监管局"], county.departments["公安局"]
    third_quarter = satisfaction_counts(Survey.TARGET_DEPARTMENT, dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert third_quarter == {str(market.pk): (9, 12), str(police.pk): (0, 6)}
    assert satisfaction_counts(Survey.TARGET_DEPARTMENT, dt.date(2026, 6, 1), dt.date(2026, 7, 30)) == {}
    assert satisfaction_counts(Survey.TARGET_TOWNSHIP, dt.date(2026, 7, 1), dt.date(2026, 9, 30)) == {}


def test_township_answers_count_under_the_township_code(supervisor, make_applicant):
    survey = services.survey_create(actor=supervisor, data=survey_input(target=Survey.TARGET_TOWNSHIP))
    Survey.objects.filter(pk=survey.pk).update(status=Survey.STATUS_CLOSED)
    town = Division.objects.get(code="150727100")
    answer(invite(survey, make_applicant(), township=town), [5, 4, 4, 3, 2, 5])
    counts = satisfaction_counts(Survey.TARGET_TOWNSHIP, dt.date(2026, 7, 1), dt.date(2026, 7, 31))
    assert counts == {"150727100": (4, 6)}
