"""The invited applicant answers once, between the opening and the closing day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from govhall.core.errors import ValidationError
from govhall.surveys import services
from govhall.surveys.models import SurveyAnswer, SurveyResponse
from govhall.surveys.tests.conftest import CLOSES, OPENS, all_answers, on_day

pytestmark = pytest.mark.django_db


def test_invited_applicant_answers_every_question(opened):
    answers = all_answers(opened, 4, "希望延长午间服务时间")
    with on_day(OPENS + dt.timedelta(days=2)):
        response = services.response_submit(actor=opened.user, invitation_id=opened.pk, answers=answers)
    opened.refresh_from_db()
    assert opened.answered_at is not None and response.invitation == opened
    assert sorted(SurveyAnswer.objects.exclude(level=None).values_list("level", flat=True)) == [4] * 6
    assert SurveyAnswer.objects.get(level=None).text == "希望延长午间服务时间"


def test_someone_else_cannot_answer_the_invitation(opened, other_applicant, supervisor):
    for actor in (other_applicant, supervisor):
        with pytest.raises(Http404), on_day(OPENS):
            services.response_submit(actor=actor, invitation_id=opened.pk, answers=all_answers(opened))
    assert not SurveyResponse.objects.exists()


def test_an_invitation_is_answered_once(opened):
    with on_day(OPENS):
        services.response_submit(actor=opened.user, invitation_id=opened.pk, answers=all_answers(opened))
        with pytest.raises(ValidationError) as caught:
            services.response_submit(actor=opened.user, invitation_id=opened.pk, answers=all_answers(opened, 1))
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("survey", "once")
    assert SurveyResponse.objects.count() == 1 and not SurveyAnswer.objects.filter(level=1).exists()


@pytest.mark.parametrize("day", [OPENS - dt.timedelta(days=1), CLOSES + dt.timedelta(days=1)])
def test_answers_are_taken_only_inside_the_survey_dates(opened, day):
    with pytest.raises(ValidationError) as caught, on_day(day):
        services.response_submit(actor=opened.user, invitation_id=opened.pk, answers=all_answers(opened))
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("survey", "closed")
    assert not SurveyResponse.objects.exists()


def test_a_closed_survey_takes_no_answers(opened, supervisor):
    with on_day(OPENS):
        services.survey_close(actor=supervisor, survey_id=opened.survey_id)
        with pytest.raises(ValidationError):
            services.response_submit(actor=opened.user, invitation_id=opened.pk, answers=all_answers(opened))
    assert not SurveyResponse.objects.exists()


def test_required_questions_and_level_range_name_the_field(opened):
    questions = list(opened.survey.questions.order_by("order"))
    answers = all_answers(opened)
    answers[f"question_{questions[0].pk}"] = ""
    answers[f"question_{questions[1].pk}"] = "6"
    answers[f"question_{questions[2].pk}"] = "0"
    with pytest.raises(ValidationError) as caught, on_day(OPENS):
        services.response_submit(actor=opened.user, invitation_id=opened.pk, answers=answers)
    errors = {(e.field, e.rule) for e in caught.value.errors}
    assert errors == {
        (f"question_{questions[0].pk}", "required"),
        (f"question_{questions[1].pk}", "range"),
        (f"question_{questions[2].pk}", "range"),
    }
    assert "服务态度" in caught.value.errors[0].message
    assert not SurveyResponse.objects.exists()


def test_the_optional_text_question_may_be_left_empty(opened):
    with on_day(OPENS):
        services.response_submit(actor=opened.user, invitation_id=opened.pk, answers=all_answers(opened, 5, ""))
    assert SurveyAnswer.objects.count() == 6
