"""Opening a survey draws a random sample of each unit's applicants and invites them once."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.cases.models import Case, Notification
from govhall.core.errors import PermissionDenied, ValidationError
from govhall.org.models import Division
from govhall.supervision.models import CaseFact
from govhall.surveys import services
from govhall.surveys.models import Survey, SurveyInvitation
from govhall.surveys.tests.conftest import CLOSES, OPENS, on_day, survey_input

pytestmark = pytest.mark.django_db


def _open(actor, survey, day=OPENS):
    with on_day(day):
        return services.survey_open(actor=actor, survey_id=survey.pk)


def test_only_the_units_applicants_with_a_case_finished_in_the_window_are_invited(supervisor, county, draft, make_applicant, finished_case):
    market, police = county.departments["市场监管局"], county.departments["公安局"]
    inside, at_police, too_old, after_opening, not_finished = (make_applicant() for _ in range(5))
    case = finished_case(inside, day=OPENS - dt.timedelta(days=90))  # the first day of the 90-day window
    finished_case(at_police, item="id_card")
    finished_case(too_old, day=OPENS - dt.timedelta(days=91))
    finished_case(after_opening, day=OPENS)
    finished_case(not_finished, status=Case.STATUS_IN_PROGRESS)

    _open(supervisor, draft)

    invited = {(i.user, i.department) for i in SurveyInvitation.objects.all()}
    assert invited == {(inside, market), (at_police, police)}
    invitation = SurveyInvitation.objects.get(user=inside)
    assert invitation.case == case and invitation.township is None
    draft.refresh_from_db()
    assert draft.status == Survey.STATUS_OPEN


def test_each_invited_applicant_gets_one_message_with_the_link(supervisor, draft, make_applicant, finished_case):
    user = make_applicant()
    finished_case(user)
    finished_case(user, day=OPENS - dt.timedelta(days=3))  # two cases at one department: one invitation

    _open(supervisor, draft)

    invitation = SurveyInvitation.objects.get(user=user)
    message = Notification.objects.get(user=user)
    assert message.link == f"/surveys/invitations/{invitation.pk}/" and draft.title in message.text
    assert message.case_id == invitation.case_id


def test_the_sample_is_the_sample_size_of_distinct_applicants(supervisor, county, make_applicant, finished_case):
    users = [make_applicant() for _ in range(7)]
    for user in users:
        finished_case(user)
        finished_case(user, day=OPENS - dt.timedelta(days=2))
    survey = services.survey_create(actor=supervisor, data=survey_input(sample_per_unit=4))

    _open(supervisor, survey)

    invited = list(SurveyInvitation.objects.values_list("user_id", flat=True))
    assert len(invited) == 4 == len(set(invited))
    assert set(invited) <= {u.pk for u in users}


def test_reopening_tops_up_without_inviting_anyone_twice(supervisor, make_applicant, finished_case):
    first = [make_applicant() for _ in range(3)]
    for user in first:
        finished_case(user)
    survey = services.survey_create(actor=supervisor, data=survey_input(sample_per_unit=5))
    _open(supervisor, survey)
    with on_day(OPENS):
        services.survey_close(actor=supervisor, survey_id=survey.pk)
    later = make_applicant()
    finished_case(later, day=OPENS - dt.timedelta(days=1))

    _open(supervisor, survey, OPENS + dt.timedelta(days=1))

    invited = list(SurveyInvitation.objects.values_list("user_id", flat=True))
    assert sorted(invited) == sorted(u.pk for u in [*first, later])
    assert Notification.objects.count() == 4
    history = [(e.kind, e.data.get("invited")) for e in survey.events.order_by("at", "id")]
    assert history == [("created", None), ("opened", 3), ("closed", None), ("reopened", 1)]


def test_staff_who_keyed_in_a_case_are_never_sampled(supervisor, clerk, draft, make_applicant, finished_case):
    from govhall.applicants.models import Person

    Person.objects.create(user=clerk, name="李窗口", id_number="150727199001019999")
    finished_case(clerk)

    _open(supervisor, draft)

    assert not SurveyInvitation.objects.exists()


def test_township_survey_samples_the_cases_of_each_township_area(supervisor, county, make_applicant, finished_case):
    town, other_town = Division.objects.get(code="150727100"), Division.objects.get(code="150727101")
    here, village, elsewhere, county_seat = (make_applicant() for _ in range(4))
    places = {here: town.code, village: town.code + "201", elsewhere: other_town.code, county_seat: "150727"}
    for user, code in places.items():
        case = finished_case(user)
        CaseFact.objects.update_or_create(
            case=case,
            defaults={
                "source": "govhall",
                "external_id": case.number,
                "division_id": code,
                "department_id": case.department_id,
                "item_id": case.item_id,
                "channel": case.channel,
                "status": case.status,
            },
        )
    survey = services.survey_create(actor=supervisor, data=survey_input(target=Survey.TARGET_TOWNSHIP))

    _open(supervisor, survey)

    invited = {(i.user, i.township_id) for i in SurveyInvitation.objects.all()}
    assert invited == {(here, town.code), (village, town.code), (elsewhere, other_town.code)}
    assert not SurveyInvitation.objects.filter(department__isnull=False).exists()


def test_only_a_supervisor_opens_a_survey(draft, auditor_or_admin):
    with pytest.raises(PermissionDenied), on_day(OPENS):
        services.survey_open(actor=auditor_or_admin, survey_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == Survey.STATUS_DRAFT


def test_a_survey_past_its_closing_day_cannot_be_opened(supervisor, draft):
    with pytest.raises(ValidationError) as caught, on_day(CLOSES + dt.timedelta(days=1)):
        services.survey_open(actor=supervisor, survey_id=draft.pk)
    assert caught.value.errors[0].field == "closes_on"


def test_draft_validation_names_each_field(supervisor):
    data = survey_input(title=" ", opens_on="2026-07-10", closes_on="2026-07-01", sample_per_unit="0", lookback_days="x", questions=[])
    with pytest.raises(ValidationError) as caught:
        services.survey_create(actor=supervisor, data=data)
    fields = {(e.field, e.rule) for e in caught.value.errors}
    assert fields == {
        ("title", "required"),
        ("closes_on", "after_opens_on"),
        ("sample_per_unit", "range"),
        ("lookback_days", "invalid"),
        ("questions", "rating_required"),
    }
    assert not Survey.objects.exists()


def test_an_opened_survey_is_no_longer_edited(supervisor, draft):
    _open(supervisor, draft)
    with pytest.raises(ValidationError) as caught:
        services.survey_update(actor=supervisor, survey_id=draft.pk, data=survey_input(title="改名"))
    assert caught.value.errors[0].rule == "not_draft"


def test_a_new_survey_offers_the_standard_questions(draft):
    questions = list(draft.questions.values_list("text", "kind"))
    assert questions == [
        ("服务态度", "rating"),
        ("办事效率", "rating"),
        ("办事指南和一次性告知", "rating"),
        ("材料精简和跑动次数", "rating"),
        ("廉洁自律", "rating"),
        ("总体评价", "rating"),
        ("意见建议", "text"),
    ]
    assert not draft.questions.get(kind="text").required
