"""Public 好差评 pages: the QR rating page of a hall ticket (一次一评), the applicant's case rating
(一事一评) and the published figures by department and window.

Plain forms that work without JavaScript; a small script only hides the reason tags that do not
fit the chosen level.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from govhall.cases.models import Case
from govhall.core.errors import DomainError
from govhall.core.http import xlsx_response
from govhall.hall.models import Ticket
from govhall.ratings.models import BAD_TAGS, GOOD_TAGS, LEVEL_CHOICES, Rating
from govhall.ratings.selectors import case_rating, period_bounds, rating_figures
from govhall.ratings.services import RatingInput, can_rate_case, device_fingerprint, rating_submit_for_case, rating_submit_for_ticket


def client_device(request: HttpRequest) -> str:
    return device_fingerprint(ip=request.META.get("REMOTE_ADDR", ""), user_agent=request.META.get("HTTP_USER_AGENT", ""))


def rating_input(post) -> RatingInput:
    return RatingInput(
        level=post.get("level"),
        tags=post.getlist("tags"),
        comment=post.get("comment", ""),
        rater_name=post.get("rater_name", ""),
        rater_phone=post.get("rater_phone", ""),
    )


def field_errors(exc: DomainError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(error.field or "form", []).append(str(error.message))
    return errors


def form_context(post=None, errors: dict[str, list[str]] | None = None, *, ask_contact: bool = True) -> dict[str, Any]:
    level = str(post.get("level", "")) if post else ""
    chosen = post.getlist("tags") if post else []
    return {
        "levels": LEVEL_CHOICES,  # shown from 非常满意 to 非常不满意, as on the national window pads
        "good_tags": GOOD_TAGS,
        "bad_tags": BAD_TAGS,
        "level": level,
        "chosen_tags": chosen,
        "comment": post.get("comment", "") if post else "",
        "rater_name": post.get("rater_name", "") if post else "",
        "rater_phone": post.get("rater_phone", "") if post else "",
        "ask_contact": ask_contact,
        "errors": errors or {},
    }


def _ticket(token: str) -> Ticket:
    ticket = Ticket.objects.select_related("centre", "window", "business_type", "served_by").filter(token=token).first()
    if ticket is None:
        raise Http404
    return ticket


@require_http_methods(["GET", "POST"])
def rate_ticket(request: HttpRequest, token: str) -> HttpResponse:
    """扫码评价: the QR code on the ticket slip opens this page."""
    ticket = _ticket(token)
    context: dict[str, Any] = {"ticket": ticket}
    try:
        context["rating"] = ticket.rating
    except Rating.DoesNotExist:
        context["rating"] = None
    if request.method == "POST" and context["rating"] is None and ticket.status == Ticket.STATUS_DONE:
        try:
            rating_submit_for_ticket(
                actor=request.user, token=token, channel=Rating.CHANNEL_QR, data=rating_input(request.POST), device=client_device(request)
            )
        except DomainError as exc:
            context.update(form_context(request.POST, field_errors(exc)))
            return render(request, "ratings/rate_ticket.html", context, status=400)
        return redirect("ratings:rate-thanks", token=token)
    context.update(form_context())
    return render(request, "ratings/rate_ticket.html", context)


def rate_thanks(request: HttpRequest, token: str) -> HttpResponse:
    ticket = _ticket(token)
    try:
        rating = ticket.rating
    except Rating.DoesNotExist:
        return redirect("ratings:rate-ticket", token=token)
    return render(request, "ratings/thanks.html", {"ticket": ticket, "rating": rating})


@login_required(login_url="applicants:login")
@require_http_methods(["GET", "POST"])
def rate_case(request: HttpRequest, case_id: int) -> HttpResponse:
    """一事一评 from the applicant's case page; someone else's case is a 404."""
    case = Case.objects.select_related("item_version", "department").filter(pk=case_id).first()
    if case is None or not can_rate_case(request.user, case):
        raise Http404
    rating = case_rating(case=case)
    context: dict[str, Any] = {"case": case, "rating": rating}
    if request.method == "POST" and rating is None:
        try:
            rating_submit_for_case(
                actor=request.user,
                case_id=case.pk,
                channel=Rating.CHANNEL_WEB,
                data=rating_input(request.POST),
                device=client_device(request),
            )
        except DomainError as exc:
            context.update(form_context(request.POST, field_errors(exc), ask_contact=False))
            return render(request, "ratings/rate_case.html", context, status=400)
        return redirect("cases_applicant:case", case_id=case.pk)
    context.update(form_context(ask_contact=False))
    return render(request, "ratings/rate_case.html", context)


def _year(request: HttpRequest) -> int:
    today = timezone.localdate()
    value = request.GET.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= today.year:
        return int(value)
    return today.year


def _percent(value: float | None) -> str:
    return f"{value * 100:.1f}%" if value is not None else "—"


def figures(request: HttpRequest) -> HttpResponse:
    """Published 好差评 figures (RATE-2): no names, phones or comments."""
    year = _year(request)
    by = "window" if request.GET.get("by") == "window" else "department"
    date_from, date_to = period_bounds(year)
    rows, total = rating_figures(by=by, date_from=date_from, date_to=min(date_to, timezone.localdate()))
    if request.GET.get("format") == "xlsx":
        header = [
            _("窗口") if by == "window" else _("部门"),
            _("评价数"),
            _("好评率"),
            _("差评数"),
            _("差评整改率"),
            _("实名差评回访率"),
            _("平均分"),
        ]
        data = [
            [r.name, r.count, _percent(r.good_rate), r.bad, _percent(r.rectified_rate), _percent(r.callback_rate), round(r.average or 0, 2)]
            for r in [*rows, total]
        ]
        return xlsx_response(f"好差评公示-{year}", header, data, [34, 10, 10, 10, 12, 14, 10])
    years = list(range(timezone.localdate().year, 2019, -1))
    return render(
        request,
        "ratings/figures.html",
        {"rows": rows, "total": total, "year": year, "years": years, "by": by, "date_from": date_from, "date_to": date_to},
    )
