"""Read paths of 满意度调查: who sees which survey, a survey's results per unit, the applicant's
pending invitations and the satisfaction counts the 考核评价 scorecards use.

Scope: supervisors, auditors and centre admins (`view_all_surveys`) see every survey and unit; a
department admin (`view_department_surveys`) sees the opened department surveys with their own
department's results only; everyone else gets a 404.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from govhall.org.models import Department, Division, StaffProfile
from govhall.surveys.models import SATISFIED_LEVELS, Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion


def townships() -> list[Division]:
    """Every 苏木镇 of the county, as the township scorecards find them."""
    from govhall.monitor.figures import county_townships

    return county_townships()


# --- scope ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """All units (department None) or the one department of a department admin."""

    department: Department | None

    @property
    def everything(self) -> bool:
        return self.department is None


def scope_for_user(user) -> Scope:
    if not user or not user.is_authenticated:
        raise Http404
    if user.has_perm("surveys.view_all_surveys") or user.has_perm("surveys.manage_survey"):
        return Scope(None)
    if user.has_perm("surveys.view_department_surveys"):
        try:
            department = user.staff.department
        except StaffProfile.DoesNotExist:
            department = None
        if department is not None:
            return Scope(department)
    raise Http404


def surveys_for_user(*, user) -> QuerySet[Survey]:
    scope = scope_for_user(user)
    qs = Survey.objects.all()
    if not scope.everything:
        qs = qs.filter(target=Survey.TARGET_DEPARTMENT).exclude(status=Survey.STATUS_DRAFT)
    return qs.order_by("-opens_on", "-id")


def get_survey_for_user(*, user, survey_id: int) -> tuple[Survey, Scope]:
    scope = scope_for_user(user)
    survey = surveys_for_user(user=user).filter(pk=survey_id).first()
    if survey is None:
        raise Http404
    return survey, scope


# --- results --------------------------------------------------------------------------------------


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass
class QuestionResult:
    question: SurveyQuestion
    levels: dict[int, int] = field(default_factory=lambda: dict.fromkeys((5, 4, 3, 2, 1), 0))

    @property
    def total(self) -> int:
        return sum(self.levels.values())

    @property
    def satisfied(self) -> int:
        return sum(self.levels[level] for level in SATISFIED_LEVELS)

    @property
    def satisfaction(self) -> float | None:
        return _rate(self.satisfied, self.total)

    @property
    def average(self) -> float | None:
        return _rate(sum(level * n for level, n in self.levels.items()), self.total)


@dataclass
class UnitResult:
    key: str
    name: str
    invited: int = 0
    responded: int = 0
    questions: list[QuestionResult] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def response_rate(self) -> float | None:
        return _rate(self.responded, self.invited)

    @property
    def ratings(self) -> int:
        return sum(q.total for q in self.questions)

    @property
    def satisfied(self) -> int:
        return sum(q.satisfied for q in self.questions)

    @property
    def satisfaction(self) -> float | None:
        """满意度: answers at 满意 or 非常满意 ÷ all rating answers."""
        return _rate(self.satisfied, self.ratings)

    @property
    def average(self) -> float | None:
        return _rate(sum(sum(level * n for level, n in q.levels.items()) for q in self.questions), self.ratings)


@dataclass
class Results:
    survey: Survey
    units: list[UnitResult]

    @property
    def invited(self) -> int:
        return sum(u.invited for u in self.units)

    @property
    def responded(self) -> int:
        return sum(u.responded for u in self.units)

    @property
    def response_rate(self) -> float | None:
        return _rate(self.responded, self.invited)

    @property
    def ratings(self) -> int:
        return sum(u.ratings for u in self.units)

    @property
    def satisfied(self) -> int:
        return sum(u.satisfied for u in self.units)

    @property
    def satisfaction(self) -> float | None:
        return _rate(self.satisfied, self.ratings)


# An applicant may write their phone or ID number into a comment: the results never show it in clear.
_LONG_NUMBER = re.compile(r"\d[\dXx*]{6,}")


def mask_comment(text: str) -> str:
    return _LONG_NUMBER.sub(lambda m: m.group()[:3] + "*" * (len(m.group()) - 5) + m.group()[-2:], text)


def survey_results(survey: Survey, scope: Scope | None = None) -> Results:
    """Per unit (every unit invited, best 满意度 first): invitations, responses, each rating
    question's answers by level and the comments (masked, never with who wrote them)."""
    invitations = survey.invitations.all()
    if scope is not None and not scope.everything:
        invitations = invitations.filter(department=scope.department)
    names: dict[str, str] = {}
    if survey.target == Survey.TARGET_TOWNSHIP:
        names = {t.code: t.name for t in townships()}
    else:
        names = {str(d.pk): d.name for d in Department.objects.all()}
    questions = list(survey.questions.order_by("order", "id"))
    rating_questions = [q for q in questions if q.kind == SurveyQuestion.KIND_RATING]
    units: dict[str, UnitResult] = {}

    def unit(key: str) -> UnitResult:
        if key not in units:
            units[key] = UnitResult(key, names.get(key, key), questions=[QuestionResult(q) for q in rating_questions])
        return units[key]

    for department_id, township_id, answered_at in invitations.values_list("department_id", "township_id", "answered_at"):
        u = unit(str(department_id or township_id))
        u.invited += 1
        u.responded += answered_at is not None
    answers = SurveyAnswer.objects.filter(response__invitation__in=invitations).values_list(
        "response__invitation__department_id", "response__invitation__township_id", "question_id", "level", "text", "response__submitted_at"
    )
    position = {q.pk: n for n, q in enumerate(rating_questions)}
    comments: dict[str, list[tuple[dt.datetime, str]]] = defaultdict(list)
    for department_id, township_id, question_id, level, text, submitted_at in answers:
        key = str(department_id or township_id)
        u = unit(key)
        if level is not None and question_id in position:
            u.questions[position[question_id]].levels[level] += 1
        elif text:
            comments[key].append((submitted_at, mask_comment(text)))
    for key, found in comments.items():
        units[key].comments = [text for _at, text in sorted(found, key=lambda pair: pair[0], reverse=True)]
    ordered = sorted(units.values(), key=lambda u: (u.satisfaction is None, -(u.satisfaction or 0), u.name))
    return Results(survey, ordered)


# --- the applicant --------------------------------------------------------------------------------


def pending_invitations_for_user(*, user) -> QuerySet[SurveyInvitation]:
    """The invitations this user can answer today."""
    if not user or not user.is_authenticated:
        return SurveyInvitation.objects.none()
    today = timezone.localdate()
    return (
        SurveyInvitation.objects.filter(
            user=user,
            answered_at__isnull=True,
            survey__status=Survey.STATUS_OPEN,
            survey__opens_on__lte=today,
            survey__closes_on__gte=today,
        )
        .select_related("survey", "department", "township")
        .order_by("survey__closes_on", "id")
    )


def get_invitation_for_user(*, user, invitation_id: int) -> SurveyInvitation:
    """The invitation if it is this user's; 404 for anyone else (staff included)."""
    if not user or not user.is_authenticated:
        raise Http404
    invitation = SurveyInvitation.objects.select_related("survey", "department", "township").filter(pk=invitation_id, user=user).first()
    if invitation is None:
        raise Http404
    return invitation


# --- the scorecards -------------------------------------------------------------------------------


def satisfaction_counts(kind: str, start: dt.date, end: dt.date) -> dict[str, tuple[int, int]]:
    """Per unit key (str(department pk) or the 苏木镇 code): (answers at 满意/非常满意, rating answers)
    over the responses to surveys of that target kind closing within [start, end] — a survey counts
    in the period it closes."""
    answers = SurveyAnswer.objects.filter(
        level__isnull=False,
        question__kind=SurveyQuestion.KIND_RATING,
        response__invitation__survey__target=kind,
        response__invitation__survey__closes_on__gte=start,
        response__invitation__survey__closes_on__lte=end,
    ).exclude(response__invitation__survey__status=Survey.STATUS_DRAFT)
    rows = (
        answers.order_by()
        .values("response__invitation__department_id", "response__invitation__township_id")
        .annotate(total=Count("id"), satisfied=Count("id", filter=Q(level__in=SATISFIED_LEVELS)))
    )
    out: dict[str, tuple[int, int]] = {}
    for row in rows:
        key = str(row["response__invitation__department_id"] or row["response__invitation__township_id"])
        satisfied, total = out.get(key, (0, 0))
        out[key] = (satisfied + row["satisfied"], total + row["total"])
    return out
