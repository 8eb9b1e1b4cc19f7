"""营商环境满意度调查 of the demo county: last quarter's survey of the departments, closed, with
about half of the invited applicants answering and 满意度 mostly between 85% and 98% (two weaker
departments lower), and this quarter's survey, open, with a few answers so far — every demo
applicant account with a case finished before it opened has an invitation waiting on 我的政务服务.

The demo's cases cover only the last two months, so last quarter's sample is drawn from all of them
(a real survey draws from the `lookback_days` before its opening day); its answers are written with
bulk_create at moments inside the survey's dates. This quarter's survey is opened and partly answered
through the services. Idempotent: nothing is done when a survey exists.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from govhall.org.models import Department
from govhall.surveys import services
from govhall.surveys.models import Survey, SurveyAnswer, SurveyEvent, SurveyInvitation, SurveyQuestion, SurveyResponse

SEED = "150727-surveys"
SUPERVISOR = "supervisor01"
RESPONSE_SHARE = (0.4, 0.6)
# The share of 满意/非常满意 answers a department's respondents tend to give; two are weaker.
GOOD_SHARE = (0.86, 0.98)
WEAK_SHARE = (0.62, 0.74)
WEAK_DEPARTMENTS = 2
OPEN_ANSWER_SHARE = 0.25
KEEP_PENDING = ("applicant01", "applicant02", "applicant03")  # the accounts a visitor is told to try first

GOOD_COMMENTS = [
    "窗口工作人员很热情，一次就办好了",
    "网上能办，不用跑腿，点赞",
    "帮办代办很贴心，老人办事方便多了",
    "材料一次告知清楚，没有来回跑",
    "蒙汉双语服务很好",
    "",
    "",
    "",
]
WEAK_COMMENTS = [
    "材料要求比办事指南多，希望统一口径",
    "电话咨询总是占线，希望增加咨询人员",
    "审批时间比承诺的长，希望提速",
    "希望中午也能办理业务",
]


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _quarter_label(start: dt.date) -> str:
    return f"{start.year}年第{(start.month - 1) // 3 + 1}季度营商环境满意度调查"


def _level(rng: random.Random, good_share: float) -> int:
    if rng.random() < good_share:
        return 5 if rng.random() < 0.7 else 4
    return rng.choices([3, 2, 1], weights=[6, 3, 1])[0]


def _closed_survey(actor: User, rng: random.Random, today: dt.date, report: Any) -> Survey:
    start = _quarter_start(_quarter_start(today) - dt.timedelta(days=1))
    end = _quarter_start(today) - dt.timedelta(days=1)
    survey = services.survey_create(
        actor=actor,
        data=services.SurveyInput(
            title=_quarter_label(start),
            intro="为持续优化营商环境，现邀请近期在我旗办理过政务服务事项的企业和群众对办事部门进行评价。答卷不记录姓名，结果按部门汇总，计入部门考核评价。",
            target=Survey.TARGET_DEPARTMENT,
            opens_on=end - dt.timedelta(days=29),
            closes_on=end,
            sample_per_unit=30,
            lookback_days=90,
            questions=services.standard_questions(),
        ),
    )
    tz = timezone.get_current_timezone()
    opened_at = dt.datetime.combine(survey.opens_on, dt.time(9), tzinfo=tz)
    made = services.invite_sample(
        survey, finished_from=timezone.now() - dt.timedelta(days=120), finished_before=timezone.now(), notify=False
    )
    SurveyInvitation.objects.filter(survey=survey).update(created_at=opened_at)
    by_department: dict[int, list[SurveyInvitation]] = {}
    for invitation in made:
        by_department.setdefault(invitation.department_id or 0, []).append(invitation)
    # The weaker departments are among the busier ones, where a low figure rests on several answers.
    busy = sorted(d for d, found in by_department.items() if len(found) >= 4)
    weak = set(rng.sample(busy, min(WEAK_DEPARTMENTS, len(busy))))
    questions = list(survey.questions.order_by("order"))
    ratings = [q for q in questions if q.kind == SurveyQuestion.KIND_RATING]
    texts = [q for q in questions if q.kind == SurveyQuestion.KIND_TEXT]
    answered: list[tuple[SurveyInvitation, dt.datetime]] = []
    levels: list[list[int]] = []
    for department_id in sorted(by_department):
        invitations = by_department[department_id]
        rng.shuffle(invitations)
        # Stochastic rounding keeps the overall response rate near the department's rate.
        take = int(len(invitations) * rng.uniform(*RESPONSE_SHARE) + rng.random())
        chosen = invitations[:take]
        # The department's answers below 满意: its share of them, spread over its respondents.
        total = len(chosen) * len(ratings)
        good = rng.uniform(*(WEAK_SHARE if department_id in weak else GOOD_SHARE))
        below = set(rng.sample(range(total), min(total, int(total * (1 - good) + rng.random()))))
        for n, invitation in enumerate(chosen):
            moment = opened_at + dt.timedelta(days=rng.randint(0, 27), hours=rng.randint(0, 11), minutes=rng.randint(0, 59))
            answered.append((invitation, moment))
            levels.append(
                [
                    rng.choices([3, 2, 1], weights=[6, 3, 1])[0] if n * len(ratings) + k in below else (5 if rng.random() < 0.7 else 4)
                    for k in range(len(ratings))
                ]
            )
    responses = SurveyResponse.objects.bulk_create(SurveyResponse(invitation=i, submitted_at=at) for i, at in answered)
    answers = []
    for response, (invitation, moment), chosen_levels in zip(responses, answered, levels, strict=True):
        answers += [SurveyAnswer(response=response, question=q, level=level) for q, level in zip(ratings, chosen_levels, strict=True)]
        weak_answer = min(chosen_levels) <= 3
        text = rng.choice(WEAK_COMMENTS if weak_answer and rng.random() < 0.6 else GOOD_COMMENTS)
        if text and texts:
            answers.append(SurveyAnswer(response=response, question=texts[0], text=text))
        invitation.answered_at = moment
    SurveyAnswer.objects.bulk_create(answers)
    SurveyInvitation.objects.bulk_update([i for i, _at in answered], ["answered_at"])
    closed_at = dt.datetime.combine(survey.closes_on, dt.time(17, 30), tzinfo=tz)
    drafted = opened_at - dt.timedelta(days=5)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.STATUS_CLOSED, created_at=drafted, opened_at=opened_at, closed_at=closed_at)
    SurveyEvent.objects.filter(survey=survey, kind="created").update(at=drafted)
    SurveyEvent.objects.bulk_create(
        [
            SurveyEvent(survey=survey, kind="opened", by=actor, at=opened_at, data={"invited": len(made)}),
            SurveyEvent(survey=survey, kind="closed", by=actor, at=closed_at, data={"responses": len(responses)}),
        ]
    )
    report.created["survey_invitations"] += len(made)
    report.created["survey_responses"] += len(responses)
    return survey


def _open_survey(actor: User, rng: random.Random, today: dt.date, report: Any) -> Survey:
    start = _quarter_start(today)
    end = dt.date(start.year + (start.month == 10), (start.month + 3 - 1) % 12 + 1, 1) - dt.timedelta(days=1)
    survey = services.survey_create(
        actor=actor,
        data=services.SurveyInput(
            title=_quarter_label(start),
            intro="感谢您近期在我旗办理政务服务事项。请根据您的办事感受作答，约需 2 分钟；答卷不记录姓名。",
            target=Survey.TARGET_DEPARTMENT,
            opens_on=max(start, today - dt.timedelta(days=7)),
            closes_on=max(end, today + dt.timedelta(days=14)),
            sample_per_unit=30,
            lookback_days=90,
            questions=services.standard_questions(),
        ),
    )
    services.survey_open(actor=actor, survey_id=survey.pk)
    invitations = list(survey.invitations.select_related("user").order_by("id"))
    report.created["survey_invitations"] += len(invitations)
    keep = set(KEEP_PENDING)
    eligible = [i for i in invitations if i.user.username not in keep]
    questions = list(survey.questions.order_by("order"))
    for invitation in rng.sample(eligible, round(len(eligible) * OPEN_ANSWER_SHARE)):
        answers = {}
        for question in questions:
            if question.kind == SurveyQuestion.KIND_RATING:
                answers[f"question_{question.pk}"] = str(_level(rng, 0.92))
            else:
                answers[f"question_{question.pk}"] = rng.choice(GOOD_COMMENTS)
        services.response_submit(actor=invitation.user, invitation_id=invitation.pk, answers=answers)
        report.created["survey_responses"] += 1
    return survey


def load_surveys_demo(*, report: Any, log: Callable[[str], None]) -> None:
    if Survey.objects.exists() or not Department.objects.exists():
        return
    actor = User.objects.filter(username=SUPERVISOR).first()
    if actor is None:
        return
    rng = random.Random(SEED)
    today = timezone.localdate()
    closed = _closed_survey(actor, rng, today, report)
    opened = _open_survey(actor, rng, today, report)
    report.created["surveys"] += 2
    log(f"满意度调查：{closed.title}（已结束）、{opened.title}（进行中）")
