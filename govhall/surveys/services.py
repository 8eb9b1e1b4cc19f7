"""User actions on 满意度调查: write a draft, open it (draw the sample, invite), close it, answer it.

Each action checks permission, validates and writes in one transaction; errors name the field and
the rule (`govhall.core.errors.ValidationError`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.models import Case, Notification
from govhall.core.errors import ErrorCollector, PermissionDenied, ValidationError
from govhall.org.models import Department, Division, StaffProfile
from govhall.surveys.models import (
    STANDARD_QUESTIONS,
    Survey,
    SurveyAnswer,
    SurveyEvent,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from govhall.surveys.selectors import townships

TITLE_MAX, INTRO_MAX, QUESTION_MAX, TEXT_ANSWER_MAX = 200, 2000, 200, 1000
SAMPLE_MAX, LOOKBACK_MAX = 500, 366
NOTIFICATION_KIND = "survey{pk}"  # Notification is unique per (user, case, kind): one message per survey and case


@dataclass
class QuestionInput:
    text: str
    kind: str = SurveyQuestion.KIND_RATING
    required: bool = True


@dataclass
class SurveyInput:
    title: str = ""
    intro: str = ""
    target: str = Survey.TARGET_DEPARTMENT
    opens_on: Any = None
    closes_on: Any = None
    sample_per_unit: Any = 30
    lookback_days: Any = 90
    questions: list[QuestionInput] = field(default_factory=list)


def standard_questions() -> list[QuestionInput]:
    return [QuestionInput(_(text), kind, kind == SurveyQuestion.KIND_RATING) for text, kind in STANDARD_QUESTIONS]


def _require(actor, perm: str = "surveys.manage_survey") -> None:
    if not actor or not actor.is_authenticated or not actor.has_perm(perm):
        raise PermissionDenied(_("只有监管人员可以编制和发布满意度调查"))


def _date(value: Any, name: str, label: str, errors: ErrorCollector) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        errors.add(name, "required", _("请填写%(field)s") % {"field": label})
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.add(name, "invalid", _("%(field)s不是有效日期（格式 2026-07-01）") % {"field": label})
        return None


def _whole(value: Any, name: str, label: str, low: int, high: int, errors: ErrorCollector) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors.add(name, "invalid", _("%(field)s须为整数") % {"field": label})
        return None
    if not low <= number <= high:
        errors.add(name, "range", _("%(field)s须在 %(low)d 到 %(high)d 之间") % {"field": label, "low": low, "high": high})
        return None
    return number


def _clean(data: SurveyInput) -> dict[str, Any]:
    errors = ErrorCollector()
    title = (data.title or "").strip()
    if not title:
        errors.add("title", "required", _("请填写调查名称"))
    elif len(title) > TITLE_MAX:
        errors.add("title", "max_length", _("调查名称不能超过 %(n)d 个字") % {"n": TITLE_MAX})
    intro = (data.intro or "").strip()
    if len(intro) > INTRO_MAX:
        errors.add("intro", "max_length", _("说明不能超过 %(n)d 个字") % {"n": INTRO_MAX})
    if data.target not in (Survey.TARGET_DEPARTMENT, Survey.TARGET_TOWNSHIP):
        errors.add("target", "choice", _("评价对象只能是部门或苏木镇"))
    opens_on = _date(data.opens_on, "opens_on", _("开始日期"), errors)
    closes_on = _date(data.closes_on, "closes_on", _("截止日期"), errors)
    if opens_on and closes_on and closes_on < opens_on:
        errors.add("closes_on", "after_opens_on", _("截止日期不能早于开始日期"))
    sample = _whole(data.sample_per_unit, "sample_per_unit", _("每单位抽样人数"), 1, SAMPLE_MAX, errors)
    lookback = _whole(data.lookback_days, "lookback_days", _("抽样范围天数"), 1, LOOKBACK_MAX, errors)
    questions = []
    for n, q in enumerate(data.questions, start=1):
        text = (q.text or "").strip()
        if not text:
            continue
        if len(text) > QUESTION_MAX:
            errors.add(f"questions.{n}.text", "max_length", _("第 %(n)d 题不能超过 %(max)d 个字") % {"n": n, "max": QUESTION_MAX})
        if q.kind not in (SurveyQuestion.KIND_RATING, SurveyQuestion.KIND_TEXT):
            errors.add(f"questions.{n}.kind", "choice", _("第 %(n)d 题的类型只能是满意度或文字") % {"n": n})
        questions.append(QuestionInput(text, q.kind, bool(q.required)))
    if not any(q.kind == SurveyQuestion.KIND_RATING for q in questions):
        errors.add("questions", "rating_required", _("至少要有一道满意度题，满意度由满意度题计算"))
    errors.raise_if_any()
    return {
        "title": title,
        "intro": intro,
        "target": data.target,
        "opens_on": opens_on,
        "closes_on": closes_on,
        "sample_per_unit": sample,
        "lookback_days": lookback,
        "questions": questions,
    }


def _write_questions(survey: Survey, questions: list[QuestionInput]) -> None:
    survey.questions.all().delete()
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(survey=survey, order=n, text=q.text, kind=q.kind, required=q.required) for n, q in enumerate(questions, start=1)
    )


def survey_create(*, actor, data: SurveyInput) -> Survey:
    """A new draft with its questions."""
    _require(actor)
    clean = _clean(data)
    questions = clean.pop("questions")
    with transaction.atomic():
        survey = Survey.objects.create(created_by=actor, **clean)
        _write_questions(survey, questions)
        SurveyEvent.objects.create(survey=survey, kind="created", by=actor)
    return survey


def _locked(survey_id: int) -> Survey:
    survey = Survey.objects.select_for_update().filter(pk=survey_id).first()
    if survey is None:
        raise Http404
    return survey


def survey_update(*, actor, survey_id: int, data: SurveyInput) -> Survey:
    """Change a draft (questions included); an opened survey no longer changes."""
    _require(actor)
    clean = _clean(data)
    questions = clean.pop("questions")
    with transaction.atomic():
        survey = _locked(survey_id)
        if survey.status != Survey.STATUS_DRAFT:
            raise ValidationError("status", "not_draft", _("调查已发布，不能再修改"))
        for name, value in clean.items():
            setattr(survey, name, value)
        survey.save()
        _write_questions(survey, questions)
        SurveyEvent.objects.create(survey=survey, kind="updated", by=actor)
    return survey


# --- opening: the sample --------------------------------------------------------------------------


def sample_window(survey: Survey) -> tuple[dt.datetime, dt.datetime]:
    """Cases finished in the `lookback_days` days before the opening day (local days)."""
    tz = timezone.get_current_timezone()
    end = dt.datetime.combine(survey.opens_on, dt.time(0), tzinfo=tz)
    return end - dt.timedelta(days=survey.lookback_days), end


def candidates(survey: Survey, *, finished_from: dt.datetime, finished_before: dt.datetime) -> dict[str, dict[int, int]]:
    """Per unit key: {applicant's user id: their latest case id there} among the cases finished in
    the window. The applicant's user is the person's own account or, for an enterprise, its legal
    representative's; staff accounts are never sampled (a clerk who keyed a case in is not its applicant)."""
    rows = (
        Case.objects.filter(status=Case.STATUS_DONE, finished_at__gte=finished_from, finished_at__lt=finished_before)
        .order_by("finished_at", "id")
        .values_list("id", "department_id", "applicant_person__user_id", "applicant_enterprise__legal_representative__user_id")
    )
    staff = set(StaffProfile.objects.values_list("user_id", flat=True))
    found: list[tuple[int, int | None, int]] = []
    for case_id, department_id, person_user, representative_user in rows:
        user_id = person_user or representative_user
        if user_id and user_id not in staff:
            found.append((case_id, department_id, user_id))
    out: dict[str, dict[int, int]] = {}
    if survey.target == Survey.TARGET_TOWNSHIP:
        from govhall.supervision.models import CaseFact

        codes = {t.code for t in townships()}
        division_of = dict(CaseFact.objects.filter(case_id__in=[c for c, _d, _u in found]).values_list("case_id", "division_id"))
        for case_id, _department_id, user_id in found:
            code = (division_of.get(case_id) or "")[:9]
            if code in codes:
                out.setdefault(code, {})[user_id] = case_id
    else:
        active = set(Department.objects.filter(is_active=True).values_list("pk", flat=True))
        for found_case, found_department, found_user in found:
            if found_department in active:
                out.setdefault(str(found_department), {})[found_user] = found_case
    return out


def _invite(survey: Survey, pool: dict[str, dict[int, int]], now: dt.datetime) -> list[SurveyInvitation]:
    """Top each unit up to the sample size from its pool, never inviting anyone twice to a unit."""
    existing: dict[str, set[int]] = {}
    for department_id, township_id, user_id in survey.invitations.values_list("department_id", "township_id", "user_id"):
        existing.setdefault(str(department_id or township_id), set()).add(user_id)
    draw = random.SystemRandom()
    made = []
    for key in sorted(pool):
        invited = existing.get(key, set())
        free = sorted(set(pool[key]) - invited)
        wanted = max(0, survey.sample_per_unit - len(invited))
        for user_id in draw.sample(free, min(wanted, len(free))):
            invitation = SurveyInvitation(survey=survey, user_id=user_id, case_id=pool[key][user_id], created_at=now)
            if survey.target == Survey.TARGET_DEPARTMENT:
                invitation.department_id = int(key)
            else:
                invitation.township_id = key
            made.append(invitation)
    return SurveyInvitation.objects.bulk_create(made)


def _notify(survey: Survey, invitations: Iterable[SurveyInvitation]) -> None:
    names = {str(pk): name for pk, name in Department.objects.values_list("pk", "name")}
    names.update(Division.objects.filter(code__in=[i.township_id for i in invitations if i.township_id]).values_list("code", "name"))
    kind = NOTIFICATION_KIND.format(pk=survey.pk)
    notes = []
    for invitation in invitations:
        if invitation.pk is None:  # bulk_create without returned keys (not on SQLite or PostgreSQL)
            continue
        link = reverse("surveys:answer", args=[invitation.pk])
        # The message opens the questionnaire (its link): the text need not show the address.
        text = _("请参加“%(title)s”，评价%(unit)s的服务（%(start)s 至 %(end)s）。") % {
            "title": survey.title,
            "unit": names.get(invitation.unit_key, ""),
            "start": f"{survey.opens_on:%Y-%m-%d}",
            "end": f"{survey.closes_on:%Y-%m-%d}",
        }
        notes.append(Notification(user_id=invitation.user_id, case_id=invitation.case_id, kind=kind, text=text[:500], link=link))
    Notification.objects.bulk_create(notes, ignore_conflicts=True)


def invite_sample(
    survey: Survey, *, finished_from: dt.datetime, finished_before: dt.datetime, notify: bool = True
) -> list[SurveyInvitation]:
    """Draw and invite the sample of the cases finished in [finished_from, finished_before) and
    send each new invitee a message. Called under the survey's row lock (by `survey_open`)."""
    made = _invite(survey, candidates(survey, finished_from=finished_from, finished_before=finished_before), timezone.now())
    if notify:
        _notify(survey, made)
    return made


def survey_open(*, actor, survey_id: int) -> Survey:
    """发布: draw the sample of every unit and invite them; a closed survey opened again only tops
    the units up to the sample size, never inviting anyone a second time."""
    _require(actor)
    today = timezone.localdate()
    with transaction.atomic():
        survey = _locked(survey_id)
        if survey.status == Survey.STATUS_OPEN:
            raise ValidationError("status", "already_open", _("调查已在进行中"))
        if survey.closes_on < today:
            raise ValidationError("closes_on", "past", _("截止日期已过，请先修改截止日期"))
        if not survey.questions.filter(kind=SurveyQuestion.KIND_RATING).exists():
            raise ValidationError("questions", "rating_required", _("至少要有一道满意度题，满意度由满意度题计算"))
        start, end = sample_window(survey)
        made = invite_sample(survey, finished_from=start, finished_before=end)
        kind = "reopened" if survey.status == Survey.STATUS_CLOSED else "opened"
        SurveyEvent.objects.create(survey=survey, kind=kind, by=actor, data={"invited": len(made)})
        survey.status = Survey.STATUS_OPEN
        survey.opened_at = survey.opened_at or timezone.now()
        survey.closed_at = None
        survey.save(update_fields=["status", "opened_at", "closed_at"])
    return survey


def survey_close(*, actor, survey_id: int) -> Survey:
    _require(actor)
    with transaction.atomic():
        survey = _locked(survey_id)
        if survey.status != Survey.STATUS_OPEN:
            raise ValidationError("status", "not_open", _("只有进行中的调查可以结束"))
        survey.status = Survey.STATUS_CLOSED
        survey.closed_at = timezone.now()
        survey.save(update_fields=["status", "closed_at"])
        SurveyEvent.objects.create(
            survey=survey, kind="closed", by=actor, data={"responses": survey.invitations.exclude(answered_at=None).count()}
        )
    return survey


# --- answering ------------------------------------------------------------------------------------


def answer_problem(invitation: SurveyInvitation, today: dt.date | None = None) -> str:
    """Why this invitation cannot be answered now ('' when it can): the message the page shows
    instead of the form."""
    survey = invitation.survey
    today = today or timezone.localdate()
    if invitation.answered_at is not None:
        return _("您已提交过本调查的答卷，感谢参与。每份邀请只能答一次。")
    if survey.status == Survey.STATUS_DRAFT or today < survey.opens_on:
        return _("调查尚未开始，开始日期为 %(day)s。") % {"day": f"{survey.opens_on:%Y-%m-%d}"}
    if survey.status == Survey.STATUS_CLOSED or today > survey.closes_on:
        return _("调查已于 %(day)s 截止，感谢关注。") % {"day": f"{survey.closes_on:%Y-%m-%d}"}
    return ""


def response_submit(*, actor, invitation_id: int, answers: dict[str, str]) -> SurveyResponse:
    """The invited applicant's answers, once, between the opening and the closing day.
    `answers` maps `question_<id>` to the level (1–5) or the text."""
    with transaction.atomic():
        invitation = SurveyInvitation.objects.select_for_update(of=("self",)).select_related("survey").filter(pk=invitation_id).first()
        if invitation is None or not actor or not actor.is_authenticated or invitation.user_id != actor.pk:
            raise Http404
        problem = answer_problem(invitation)
        if problem:
            rule = "once" if invitation.answered_at else "closed"
            raise ValidationError("survey", rule, problem)
        errors = ErrorCollector()
        rows = []
        for n, question in enumerate(invitation.survey.questions.order_by("order", "id"), start=1):
            name = f"question_{question.pk}"
            raw = str(answers.get(name) or "").strip()
            if question.kind == SurveyQuestion.KIND_RATING:
                if not raw:
                    if question.required:
                        errors.add(name, "required", _("第 %(n)d 题“%(q)s”请选择满意程度") % {"n": n, "q": question.text})
                    continue
                if raw not in {"1", "2", "3", "4", "5"}:
                    errors.add(name, "range", _("第 %(n)d 题“%(q)s”的满意程度只能是 1 到 5") % {"n": n, "q": question.text})
                    continue
                rows.append(SurveyAnswer(question=question, level=int(raw)))
            else:
                if not raw:
                    if question.required:
                        errors.add(name, "required", _("第 %(n)d 题“%(q)s”请填写") % {"n": n, "q": question.text})
                    continue
                if len(raw) > TEXT_ANSWER_MAX:
                    errors.add(name, "max_length", _("第 %(n)d 题不能超过 %(max)d 个字") % {"n": n, "max": TEXT_ANSWER_MAX})
                    continue
                rows.append(SurveyAnswer(question=question, text=raw))
        errors.raise_if_any()
        now = timezone.now()
        response = SurveyResponse.objects.create(invitation=invitation, submitted_at=now)
        for row in rows:
            row.response = response
        SurveyAnswer.objects.bulk_create(rows)
        invitation.answered_at = now
        invitation.save(update_fields=["answered_at"])
        if invitation.case_id is not None:
            Notification.objects.filter(
                user=actor, case_id=invitation.case_id, kind=NOTIFICATION_KIND.format(pk=invitation.survey_id), read_at__isnull=True
            ).update(read_at=now)
    return response
