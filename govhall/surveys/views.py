"""The applicant's page of a 满意度调查 invitation: rate the unit, once, between the opening and
the closing day. A plain form that works without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from govhall.core.errors import DomainError
from govhall.ratings.models import LEVEL_CHOICES
from govhall.surveys import services
from govhall.surveys.selectors import get_invitation_for_user


@login_required(login_url="applicants:login")
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = get_invitation_for_user(user=request.user, invitation_id=invitation_id)
    errors: dict[str, list[str]] = {}
    posted: dict[str, str] = {}
    if request.method == "POST":
        posted = {k: request.POST.get(k, "") for k in request.POST if k.startswith("question_")}
        try:
            services.response_submit(actor=request.user, invitation_id=invitation.pk, answers=posted)
        except DomainError as exc:
            for error in exc.errors:
                errors.setdefault(error.field or "form", []).append(str(error.message))
            invitation.refresh_from_db()
        else:
            messages.success(request, _("答卷已提交，感谢您的评价！"))
            return redirect("surveys:answer", invitation.pk)
    questions: list[dict[str, Any]] = [
        {
            "question": q,
            "name": f"question_{q.pk}",
            "value": posted.get(f"question_{q.pk}", ""),
            "errors": errors.get(f"question_{q.pk}", []),
        }
        for q in invitation.survey.questions.order_by("order", "id")
    ]
    return render(
        request,
        "surveys/answer.html",
        {
            "invitation": invitation,
            "survey": invitation.survey,
            "problem": services.answer_problem(invitation),
            "questions": questions,
            "levels": LEVEL_CHOICES,
            "form_errors": errors.get("form", []) + errors.get("survey", []),
            "has_errors": bool(errors),
        },
        status=400 if errors else 200,
    )
