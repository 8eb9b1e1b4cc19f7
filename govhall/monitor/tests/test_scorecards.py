"""考核评价: the scorecard arithmetic against hand-computed small data."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from govhall.monitor.figures import month_period
from govhall.monitor.scorecards import _on_time_counts, department_scorecards, township_scorecards
from govhall.monitor.tests.conftest import MONTH

pytestmark = pytest.mark.django_db


def test_department_scores_ranks_and_breakdown_by_hand(facts):
    cards = {c.name: c for c in department_scorecards(month_period(MONTH), today=dt.date(2026, 5, 1))}
    market, police = cards["市场监管局"], cards["公安局"]
    # 市场监管局: 按期 9/10 → 18; 差评 0/10 → 15; 网办 8/10 → 15 × 0.8/0.9 = 13.33; 驳回 0 → 10;
    # 满意 10/10 → 10; no survey, no follow-ups → left out: 66.33 of 70 → 94.76.
    assert [line.points for line in market.lines] == [18.0, 15.0, 13.33, 10.0, 10.0, None, None, None, None]
    assert market.score == 94.76
    # 公安局: 按期 10/10 → 20; 差评 0/5 → 15; 网办 2/10 → 3.33; 驳回 1/10 → 10 × (1 − 0.1/0.2) = 5; 满意 5/5 → 10:
    # 53.33 of 70 → 76.19.
    assert [line.points for line in police.lines] == [20.0, 15.0, 3.33, 5.0, 10.0, None, None, None, None]
    assert police.score == 76.19
    assert (market.rank, police.rank) == (1, 2)
    assert cards["审批局"].score is None and cards["审批局"].rank is None


def test_work_orders_replied_on_time_count_in_the_score(facts, county):
    from govhall.complaints.models import Complaint

    market = county.departments["市场监管局"]
    common = {"centre": county.centre, "source": Complaint.SOURCE_WINDOW, "title": "t", "content": "c", "department": market}
    registered = timezone.make_aware(dt.datetime(2026, 3, 2, 9))
    Complaint.objects.create(
        number="GD1",
        registered_at=registered,
        due_date=dt.date(2026, 3, 10),
        replied_at=timezone.make_aware(dt.datetime(2026, 3, 9, 10)),
        **common,
    )
    Complaint.objects.create(
        number="GD2",
        registered_at=registered,
        due_date=dt.date(2026, 3, 10),
        replied_at=timezone.make_aware(dt.datetime(2026, 3, 12, 10)),
        **common,
    )
    card = next(c for c in department_scorecards(month_period(MONTH), today=dt.date(2026, 5, 1)) if c.department_id == market.pk)
    line = card.line("complaint_on_time")
    assert (line.numerator, line.denominator, line.points) == (1, 2, 2.5)
    # 66.33 + 2.5 of 75 → 91.77
    assert card.score == 91.77


def test_items_still_open_and_not_yet_due_are_not_counted():
    today = dt.date(2026, 3, 15)
    late_open = (1, dt.date(2026, 3, 10), None)
    not_due_yet = (1, dt.date(2026, 3, 20), None)
    done_on_due_day = (1, dt.date(2026, 3, 10), timezone.make_aware(dt.datetime(2026, 3, 10, 23, 0)))
    assert _on_time_counts([late_open, not_due_yet, done_on_due_day], today) == {1: (1, 2)}


def test_township_scorecard_sums_the_cases_of_its_area(facts):
    cards = {c.name: c for c in township_scorecards(month_period(MONTH), today=dt.date(2026, 5, 1))}
    town = cards["阿拉坦额莫勒镇"]
    assert town.score == 76.19 and town.rank == 1  # all of 公安局's cases were in this 镇
    assert cards["呼伦镇"].score is None


def test_scorecard_page_and_export(client, supervisor, facts):
    client.force_login(supervisor)
    response = client.get("/staff/monitor/scorecards/", {"kind": "month", "value": "2026-03"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "部门考核评价" in html and "94.76" in html and "计分规则" in html
    export = client.get("/staff/monitor/scorecards/", {"kind": "month", "value": "2026-03", "format": "xlsx"})
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames[1] == "计分规则"
    first = [c.value for c in book.worksheets[0][2]]
    assert first[:3] == [1, "新巴尔虎右旗市场监督管理局", 94.76]
    township = client.get("/staff/monitor/scorecards/", {"level": "township", "kind": "quarter", "value": "2026-1"})
    assert "苏木镇考核评价" in township.content.decode() and "2026年第1季度" in township.content.decode()


def test_survey_answers_in_the_period_add_the_survey_part(facts, county, supervisor):
    from django.contrib.auth.models import User

    from govhall.surveys import services as surveys
    from govhall.surveys.models import Survey, SurveyAnswer, SurveyInvitation, SurveyResponse

    market = county.departments["市场监管局"]
    survey = surveys.survey_create(
        actor=supervisor,
        data=surveys.SurveyInput(
            title="2026年3月满意度调查",
            opens_on=dt.date(2026, 3, 1),
            closes_on=dt.date(2026, 3, 20),
            questions=[surveys.QuestionInput("总体评价")],
        ),
    )
    Survey.objects.filter(pk=survey.pk).update(status=Survey.STATUS_CLOSED)
    question = survey.questions.get()
    for n, level in enumerate([5, 4, 2]):
        user = User.objects.create(username=f"rater{n}")
        response = SurveyResponse.objects.create(invitation=SurveyInvitation.objects.create(survey=survey, user=user, department=market))
        SurveyAnswer.objects.create(response=response, question=question, level=level)

    card = next(c for c in department_scorecards(month_period(MONTH), today=dt.date(2026, 5, 1)) if c.department_id == market.pk)
    line = card.line("survey_satisfaction")
    # 满意度调查 2 of 3 → 10 × 2/3 = 6.67; 66.33 + 6.67 of 80 → 91.25 (94.76 without the survey).
    assert (line.numerator, line.denominator, line.points) == (2, 3, 6.67)
    assert card.score == 91.25
    police = next(c for c in department_scorecards(month_period(MONTH), today=dt.date(2026, 5, 1)) if c.name == "公安局")
    assert police.line("survey_satisfaction").points is None and police.score == 76.19
    april = next(c for c in department_scorecards(month_period(dt.date(2026, 4, 1))) if c.department_id == market.pk)
    assert april.line("survey_satisfaction").denominator == 0  # a survey counts in the month it closes
