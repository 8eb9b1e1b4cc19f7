"""Staff pages of 满意度调查 under /staff/surveys/: the list, a draft's form, the results of a survey
(per unit, per question, the comments) with its Excel export, and the open/close buttons.

Supervisors manage; auditors and centre admins read; a department admin reads their own
department's results; anyone else — and anything out of reach — is a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.core.errors import DomainError
from govhall.core.http import xlsx_bytes, xlsx_download
from govhall.ratings.models import LEVEL_CHOICES
from govhall.surveys import services
from govhall.surveys.models import Survey, SurveyQuestion
from govhall.surveys.selectors import Results, get_survey_for_user, scope_for_user, survey_results, surveys_for_user

EXTRA_QUESTION_ROWS = 3


def _require_manage(user) -> None:
    if not user.has_perm("surveys.manage_survey"):
        raise Http404


@login_required
@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for_user(request.user)
    surveys = list(surveys_for_user(user=request.user).prefetch_related("questions"))
    rows = []
    for survey in surveys:
        results = survey_results(survey, scope) if survey.status != Survey.STATUS_DRAFT else None
        rows.append({"survey": survey, "results": results})
    return render(
        request,
        "surveys/staff/list.html",
        {"rows": rows, "scope": scope, "can_manage": request.user.has_perm("surveys.manage_survey")},
    )


def _quarter_defaults(today: dt.date) -> dict[str, Any]:
    quarter = (today.month - 1) // 3 + 1
    end_month = quarter * 3
    end = (dt.date(today.year + (end_month == 12), end_month % 12 + 1, 1)) - dt.timedelta(days=1)
    return {
        "title": _("%(year)d年第%(q)d季度营商环境满意度调查") % {"year": today.year, "q": quarter},
        "opens_on": today,
        "closes_on": end,
    }


def _form_input(post) -> services.SurveyInput:
    try:
        count = min(int(post.get("question_rows", "0")), 50)
    except ValueError:
        count = 0
    questions = [
        services.QuestionInput(
            text=post.get(f"q-{n}-text", ""),
            kind=post.get(f"q-{n}-kind", SurveyQuestion.KIND_RATING),
            required=post.get(f"q-{n}-required") == "on",
        )
        for n in range(1, count + 1)
    ]
    return services.SurveyInput(
        title=post.get("title", ""),
        intro=post.get("intro", ""),
        target=post.get("target", ""),
        opens_on=post.get("opens_on", ""),
        closes_on=post.get("closes_on", ""),
        sample_per_unit=post.get("sample_per_unit", ""),
        lookback_days=post.get("lookback_days", ""),
        questions=questions,
    )


def _survey_input(survey: Survey) -> services.SurveyInput:
    return services.SurveyInput(
        title=survey.title,
        intro=survey.intro,
        target=survey.target,
        opens_on=survey.opens_on,
        closes_on=survey.closes_on,
        sample_per_unit=survey.sample_per_unit,
        lookback_days=survey.lookback_days,
        questions=[services.QuestionInput(q.text, q.kind, q.required) for q in survey.questions.order_by("order", "id")],
    )


def _form_page(request: HttpRequest, data: services.SurveyInput, errors: dict[str, list[str]], survey: Survey | None) -> HttpResponse:
    rows = [*data.questions, *[services.QuestionInput("", SurveyQuestion.KIND_RATING, True)] * EXTRA_QUESTION_ROWS]
    return render(
        request,
        "surveys/staff/form.html",
        {
            "survey": survey,
            "data": data,
            "question_rows": list(enumerate(rows, start=1)),
            "row_count": len(rows),
            "errors": errors,
            "form_errors": [m for name, found in errors.items() if name.startswith("questions") for m in found] + errors.get("form", []),
            "targets": Survey.TARGET_CHOICES,
            "kinds": SurveyQuestion.KIND_CHOICES,
        },
        status=400 if errors else 200,
    )


def _errors(exc: DomainError) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in exc.errors:
        out.setdefault(error.field or "form", []).append(str(error.message))
    return out


@login_required
@require_http_methods(["GET", "POST"])
def survey_new(request: HttpRequest) -> HttpResponse:
    scope_for_user(request.user)
    _require_manage(request.user)
    if request.method == "POST":
        data = _form_input(request.POST)
        try:
            survey = services.survey_create(actor=request.user, data=data)
        except DomainError as exc:
            return _form_page(request, data, _errors(exc), None)
        messages.success(request, _("调查草稿已保存。检查无误后点“发布”抽样并发出邀请。"))
        return redirect("surveys_staff:detail", survey.pk)
    defaults = _quarter_defaults(timezone.localdate())
    data = services.SurveyInput(questions=services.standard_questions(), **defaults)
    return _form_page(request, data, {}, None)


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey, _scope = get_survey_for_user(user=request.user, survey_id=survey_id)
    _require_manage(request.user)
    if survey.status != Survey.STATUS_DRAFT:
        messages.error(request, _("调查已发布，不能再修改"))
        return redirect("surveys_staff:detail", survey.pk)
    if request.method == "POST":
        data = _form_input(request.POST)
        try:
            services.survey_update(actor=request.user, survey_id=survey.pk, data=data)
        except DomainError as exc:
            return _form_page(request, data, _errors(exc), survey)
        messages.success(request, _("调查草稿已保存。"))
        return redirect("surveys_staff:detail", survey.pk)
    return _form_page(request, _survey_input(survey), {}, survey)


@login_required
@require_GET
def survey_detail(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey, scope = get_survey_for_user(user=request.user, survey_id=survey_id)
    results = survey_results(survey, scope)
    return render(
        request,
        "surveys/staff/detail.html",
        {
            "survey": survey,
            "scope": scope,
            "results": results,
            "questions": list(survey.questions.order_by("order", "id")),
            "levels": LEVEL_CHOICES,
            "can_manage": request.user.has_perm("surveys.manage_survey"),
            "events": list(survey.events.select_related("by")) if scope.everything else [],
        },
    )


def _step(request: HttpRequest, survey_id: int, action, done: str) -> HttpResponse:
    survey, _scope = get_survey_for_user(user=request.user, survey_id=survey_id)
    _require_manage(request.user)
    try:
        action(actor=request.user, survey_id=survey.pk)
    except DomainError as exc:
        for error in exc.errors:
            messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("surveys_staff:detail", survey.pk)


@login_required
@require_POST
def survey_open_view(request: HttpRequest, survey_id: int) -> HttpResponse:
    return _step(request, survey_id, services.survey_open, _("调查已发布：已按单位抽样并向受邀申请人发送消息。"))


@login_required
@require_POST
def survey_close_view(request: HttpRequest, survey_id: int) -> HttpResponse:
    return _step(request, survey_id, services.survey_close, _("调查已结束，结果计入截止日期所在考核期。"))


def _share(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def results_workbook(results: Results) -> bytes:
    """汇总 (per unit), 分题 (per unit and question, by level) and 意见建议 (masked, without names)."""
    summary = [
        [
            u.name,
            u.invited,
            u.responded,
            _share(u.response_rate),
            u.ratings,
            u.satisfied,
            _share(u.satisfaction),
            round(u.average, 2) if u.average is not None else None,
        ]
        for u in results.units
    ]
    summary.append(
        [
            "合计",
            results.invited,
            results.responded,
            _share(results.response_rate),
            results.ratings,
            results.satisfied,
            _share(results.satisfaction),
            None,
        ]
    )
    by_question = [
        [
            u.name,
            q.question.text,
            *[q.levels[level] for level, _label in LEVEL_CHOICES],
            q.total,
            _share(q.satisfaction),
            round(q.average, 2) if q.average is not None else None,
        ]
        for u in results.units
        for q in u.questions
    ]
    comments = [[u.name, text] for u in results.units for text in u.comments]
    levels = [str(label) for _level, label in LEVEL_CHOICES]
    return xlsx_bytes(
        [
            (
                "汇总",
                ["单位", "邀请人数", "答卷数", "回收率", "评分题回答数", "满意及以上", "满意度", "平均分"],
                summary,
                [30, 10, 10, 10, 12, 12, 10, 10],
            ),
            ("分题", ["单位", "问题", *levels, "回答数", "满意度", "平均分"], by_question, [30, 24, 10, 8, 10, 8, 12, 8, 10, 8]),
            ("意见建议", ["单位", "意见建议"], comments, [30, 80]),
        ]
    )


@login_required
@require_GET
def survey_export(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey, scope = get_survey_for_user(user=request.user, survey_id=survey_id)
    content = results_workbook(survey_results(survey, scope))
    return xlsx_download(content, f"{survey.title}-结果.xlsx")
