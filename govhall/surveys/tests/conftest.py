"""Fixtures of the 满意度调查 tests: applicants with accounts and finished cases at two departments
(市场监管局, 公安局), and a department survey opening on 2026-07-01 (a Wednesday)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import count

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from govhall.applicants.models import Person
from govhall.cases.models import Case
from govhall.surveys import services
from govhall.surveys.models import Survey

OPENS = dt.date(2026, 7, 1)
CLOSES = dt.date(2026, 7, 31)
_numbers = count(1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def make_applicant(county) -> Callable[..., User]:
    def make(name: str = "") -> User:
        n = next(_numbers)
        user = User.objects.create(username=f"resident{n}", first_name=name or f"居民{n}")
        Person.objects.create(user=user, name=name or f"居民{n}", id_number=f"1507271990{n:08d}", phone=f"1380000{n:04d}")
        return user

    return make


@pytest.fixture
def finished_case(county) -> Callable[..., Case]:
    """A case of `user` at the department of `item` ("food": 市场监管局, "id_card": 公安局), finished on `day`."""

    def make(user: User, *, item: str = "food", day: dt.date = OPENS - dt.timedelta(days=10), status: str = Case.STATUS_DONE) -> Case:
        version = county.items[item].current
        n = next(_numbers)
        return Case.objects.create(
            number=f"SV{n:06d}",
            item=county.items[item],
            item_version=version,
            applicant_person=Person.objects.get(user=user),
            submitted_by=user,
            channel=Case.CHANNEL_ONLINE,
            status=status,
            department=version.department,
            submitted_at=at(day - dt.timedelta(days=5)),
            finished_at=at(day) if status == Case.STATUS_DONE else None,
        )

    return make


def survey_input(**overrides) -> services.SurveyInput:
    data = services.SurveyInput(
        title="2026年第三季度营商环境满意度调查",
        intro="请根据您最近一次办事的感受作答。",
        target=Survey.TARGET_DEPARTMENT,
        opens_on=OPENS,
        closes_on=CLOSES,
        sample_per_unit=30,
        lookback_days=90,
        questions=services.standard_questions(),
    )
    for name, value in overrides.items():
        setattr(data, name, value)
    return data


@pytest.fixture
def draft(supervisor) -> Survey:
    return services.survey_create(actor=supervisor, data=survey_input())


def on_day(day: dt.date, hour: int = 10):
    """Freeze the clock (timezone.now) at `day` `hour`:00 local time."""
    from unittest import mock

    return mock.patch("django.utils.timezone.now", return_value=at(day, hour))


def staff_user(county, role: str):
    """A user of the cast, or an auditor (the small county has none)."""
    if role == "auditor":
        from govhall.org import roles
        from govhall.tests_support import _user

        return _user("auditor", "审计员", roles.AUDITOR, centre=county.centre)
    return county.users[role]


@pytest.fixture(params=["auditor", "centre_admin", "dept_admin"])
def auditor_or_admin(request, county):
    """The roles that read results but do not manage surveys."""
    return staff_user(county, request.param)


@pytest.fixture
def opened(supervisor, draft, make_applicant, finished_case):
    """The draft opened on its first day with one invited applicant at 市场监管局."""
    from govhall.surveys.models import SurveyInvitation

    user = make_applicant("王五")
    finished_case(user)
    with on_day(OPENS):
        services.survey_open(actor=supervisor, survey_id=draft.pk)
    return SurveyInvitation.objects.get(user=user)


def all_answers(invitation, level: int = 5, comment: str = "") -> dict[str, str]:
    out = {}
    for q in invitation.survey.questions.all():
        out[f"question_{q.pk}"] = str(level) if q.kind == "rating" else comment
    return out


def invite(survey, user, *, department=None, township=None):
    from govhall.surveys.models import SurveyInvitation

    return SurveyInvitation.objects.create(survey=survey, user=user, department=department, township=township)


def answer(invitation, levels: list[int], comment: str = ""):
    """Answers written straight to the tables (the service is tested on its own)."""
    from govhall.surveys.models import SurveyAnswer, SurveyQuestion, SurveyResponse

    response = SurveyResponse.objects.create(invitation=invitation)
    questions = list(invitation.survey.questions.order_by("order"))
    ratings = [q for q in questions if q.kind == SurveyQuestion.KIND_RATING]
    for question, level in zip(ratings, levels, strict=True):
        SurveyAnswer.objects.create(response=response, question=question, level=level)
    texts = [q for q in questions if q.kind == SurveyQuestion.KIND_TEXT]
    if comment and texts:
        SurveyAnswer.objects.create(response=response, question=texts[0], text=comment)
    invitation.answered_at = response.submitted_at
    invitation.save(update_fields=["answered_at"])
    return response


@pytest.fixture
def results_data(draft, county, make_applicant):
    """市场监管局: 4 invited, 2 answered — all 非常满意, and 5 4 3 2 5 1 (9 of 12 rating answers 满意 or
    better, average 50/12); 公安局: 2 invited, 1 answered, all 基本满意 (0 of 6)."""
    market, police = county.departments["市场监管局"], county.departments["公安局"]
    Survey.objects.filter(pk=draft.pk).update(status=Survey.STATUS_CLOSED)
    draft.refresh_from_db()
    market_invites = [invite(draft, make_applicant(), department=market) for _ in range(4)]
    police_invites = [invite(draft, make_applicant(), department=police) for _ in range(2)]
    answer(market_invites[0], [5, 5, 5, 5, 5, 5], "窗口人员很耐心")
    answer(market_invites[1], [5, 4, 3, 2, 5, 1], "材料太多，请联系我 13912345678")
    answer(police_invites[0], [3, 3, 3, 3, 3, 3])
    return draft
