"""Staff 好差评 pages under /staff/ratings/: the window pad (窗口评价器), the ratings list, the 差评
follow-ups and their steps. A follow-up outside the user's centre or department is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from govhall.core.errors import DomainError
from govhall.core.http import local_time, xlsx_response
from govhall.core.identifiers import mask_phone
from govhall.org.models import Department, Window
from govhall.ratings import services
from govhall.ratings.models import BAD_LEVELS, LEVEL_CHOICES, FollowUp, Rating
from govhall.ratings.selectors import (
    RatingFilters,
    followups_for_user,
    get_followup_for_user,
    ratings_for_user,
    remaining_days,
    ticket_for_window_pad,
)
from govhall.ratings.views import field_errors, form_context, rating_input

PAGE_SIZE = 50


def _due_label(followup: FollowUp) -> str:
    if followup.due_date:
        return followup.due_date.isoformat()
    return _("期限待定（%(year)s年工作日历未载入）") % {"year": followup.due_pending_year or ""}


@login_required
@require_http_methods(["GET", "POST"])
def device(request: HttpRequest) -> HttpResponse:
    """窗口评价器: the pad at the clerk's window rates the service just finished there."""
    if not request.user.has_perm("ratings.rate_at_window"):
        raise Http404
    ticket = ticket_for_window_pad(user=request.user)
    profile = getattr(request.user, "staff", None)
    context: dict[str, Any] = {"ticket": ticket, "window": profile.window if profile else None}
    if request.method == "POST":
        ticket_id = request.POST.get("ticket", "")
        if not ticket_id.isdigit():
            raise Http404
        try:
            services.rating_submit_for_ticket(
                actor=request.user,
                token="",
                ticket_id=int(ticket_id),
                channel=Rating.CHANNEL_WINDOW_DEVICE,
                data=rating_input(request.POST),
            )
        except DomainError as exc:
            context.update(form_context(request.POST, field_errors(exc)))
            return render(request, "ratings/staff/device.html", context, status=400)
        messages.success(request, _("感谢您的评价！"))
        return redirect("ratings_staff:device")
    context.update(form_context())
    return render(request, "ratings/staff/device.html", context)


# --- ratings list ---------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> RatingFilters:
    get = request.GET
    return RatingFilters(
        level=get.get("level", ""),
        channel=get.get("channel", ""),
        window=get.get("window", ""),
        department=get.get("department", ""),
        date_from=parse_date(get.get("from", "") or "") if _is_date(get.get("from", "")) else None,
        date_to=parse_date(get.get("to", "") or "") if _is_date(get.get("to", "")) else None,
    )


def _is_date(value: str) -> bool:
    try:
        return bool(value) and parse_date(value) is not None
    except ValueError:
        return False


@login_required
def rating_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    rows = ratings_for_user(user=request.user, filters=filters)
    if request.GET.get("format") == "xlsx":
        header = [
            "评价时间",
            "类型",
            "等级",
            "渠道",
            "原因",
            "评价内容",
            "窗口",
            "工作人员",
            "部门",
            "办件编号",
            "排队号",
            "评价人",
            "电话",
            "实名",
            "设备",
        ]
        data = (
            [
                local_time(r.created_at),
                r.get_kind_display(),
                r.get_level_display(),
                r.get_channel_display(),
                "、".join(r.tag_labels),
                r.comment,
                r.window.number if r.window else "",
                (r.staff.get_full_name() or r.staff.username) if r.staff else "",
                r.department.name if r.department else "",
                r.case.number if r.case and r.case.number else "",
                r.ticket.number if r.ticket else "",
                r.rater_name,
                mask_phone(r.rater_phone) if r.rater_phone else "",
                "是" if r.real_name else "否",
                r.device,
            ]
            for r in rows.iterator(chunk_size=500)
        )
        return xlsx_response("好差评", header, data, [17, 10, 10, 12, 24, 40, 8, 10, 20, 30, 8, 10, 14, 6, 20])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    windows = Window.objects.filter(pk__in=rows.values("window_id")).order_by("number")
    departments = Department.objects.filter(pk__in=rows.values("department_id")).order_by("id")
    query = filters.as_query()
    return render(
        request,
        "ratings/staff/ratings.html",
        {
            "page": page,
            "rows": [(r, mask_phone(r.rater_phone) if r.rater_phone else "") for r in page],
            "filters": filters,
            "query": "&".join(f"{k}={v}" for k, v in query.items()),
            "levels": LEVEL_CHOICES,
            "channels": Rating.CHANNEL_CHOICES,
            "windows": windows,
            "departments": departments,
            "bad_levels": BAD_LEVELS,
        },
    )


# --- follow-ups -----------------------------------------------------------------------------------


STATUS_FILTERS = ["unfinished", *[code for code, _label in FollowUp.STATUS_CHOICES]]


@login_required
def followup_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "unfinished")
    if status not in STATUS_FILTERS and status != "all":
        status = "unfinished"
    overdue = request.GET.get("overdue") == "1"
    rows = followups_for_user(user=request.user, status="" if status == "all" else status, overdue=overdue)
    today = timezone.localdate()
    if request.GET.get("format") == "xlsx":
        items = list(rows)
        left = remaining_days(items, today)
        header = [
            "编号",
            "差评时间",
            "等级",
            "原因",
            "窗口",
            "责任部门",
            "状态",
            "核实期限",
            "办结期限",
            "剩余工作日",
            "超期",
            "实名",
            "电话",
        ]
        data = [
            [
                f.pk,
                local_time(f.rating.created_at),
                f.rating.get_level_display(),
                "、".join(f.rating.tag_labels),
                f.rating.window.number if f.rating.window else "",
                f.department.name if f.department else "",
                f.get_status_display(),
                f.verify_due.isoformat() if f.verify_due else "",
                _due_label(f),
                left.get(f.pk) if left.get(f.pk) is not None else "",
                "是" if f.is_overdue(today) else "",
                "是" if f.rating.real_name else "否",
                mask_phone(f.rating.rater_phone) if f.rating.rater_phone else "",
            ]
            for f in items
        ]
        return xlsx_response("差评整改", header, data, [6, 17, 10, 24, 8, 20, 12, 11, 24, 10, 6, 6, 14])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page)
    left = remaining_days(items, today)
    visible = followups_for_user(user=request.user, status="unfinished")
    counts = {
        "open": visible.count(),
        "overdue": visible.filter(due_date__lt=today).count(),
        "verify_overdue": visible.filter(status=FollowUp.STATUS_OPEN, verify_due__lt=today).count(),
    }
    return render(
        request,
        "ratings/staff/followups.html",
        {
            "page": page,
            "rows": [
                {
                    "f": f,
                    "remaining": left.get(f.pk),
                    "overdue": f.is_overdue(today),
                    "verify_overdue": f.is_verify_overdue(today),
                    "due_label": _due_label(f),
                }
                for f in items
            ],
            "status": status,
            "overdue_only": overdue,
            "statuses": FollowUp.STATUS_CHOICES,
            "counts": counts,
            "query": f"status={status}" + ("&overdue=1" if overdue else ""),
        },
    )


def _detail_context(request: HttpRequest, followup: FollowUp, errors: dict[str, list[str]] | None = None, post=None) -> dict[str, Any]:
    today = timezone.localdate()
    can_act = services.can_handle_followup(request.user, followup)
    status = followup.status
    step = ""
    if can_act:
        if status == FollowUp.STATUS_OPEN:
            step = "verify"
        elif status == FollowUp.STATUS_RECTIFYING:
            step = "rectify"
        elif status == FollowUp.STATUS_VERIFIED:
            step = "callback"
        elif status == FollowUp.STATUS_CALLED_BACK:
            step = "close"
    rating = followup.rating
    return {
        "f": followup,
        "rating": rating,
        "phone": mask_phone(rating.rater_phone) if rating.rater_phone else "",
        "full_phone": rating.rater_phone if can_act else "",
        "events": list(followup.events.select_related("by").order_by("at", "id")),
        "remaining": remaining_days([followup], today).get(followup.pk),
        "overdue": followup.is_overdue(today),
        "verify_overdue": followup.is_verify_overdue(today),
        "due_label": _due_label(followup),
        "can_act": can_act,
        "step": step,
        # Not real-name: may close without a call-back (there is no one to call).
        "can_close_early": can_act and status == FollowUp.STATUS_VERIFIED and not rating.real_name,
        "callback_choices": FollowUp.CALLBACK_CHOICES,
        "errors": errors or {},
        "post": post or {},
    }


@login_required
def followup_detail(request: HttpRequest, followup_id: int) -> HttpResponse:
    followup = get_followup_for_user(user=request.user, followup_id=followup_id)
    return render(request, "ratings/staff/followup.html", _detail_context(request, followup))


STEPS = {
    "verify": lambda user, fid, post: services.followup_verify(
        actor=user,
        followup_id=fid,
        finding=post.get("finding", ""),
        warranted={"yes": True, "no": False}.get(post.get("warranted", "")),
    ),
    "rectify": lambda user, fid, post: services.followup_rectify(actor=user, followup_id=fid, rectification=post.get("rectification", "")),
    "callback": lambda user, fid, post: services.followup_call_back(
        actor=user, followup_id=fid, result=post.get("callback_result", ""), satisfaction=post.get("callback_satisfaction", "")
    ),
    "close": lambda user, fid, post: services.followup_close(actor=user, followup_id=fid, note=post.get("close_note", "")),
}
DONE_MESSAGES = {
    "verify": gettext_lazy("已记录核实情况"),
    "rectify": gettext_lazy("已记录整改措施"),
    "callback": gettext_lazy("已记录回访情况"),
    "close": gettext_lazy("差评整改已办结"),
}


@login_required
@require_POST
def followup_step(request: HttpRequest, followup_id: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    try:
        STEPS[step](request.user, followup_id, request.POST)
    except DomainError as exc:
        followup = get_followup_for_user(user=request.user, followup_id=followup_id)
        context = _detail_context(request, followup, field_errors(exc), request.POST)
        status = exc.status_code
        return render(request, "ratings/staff/followup.html", context, status=status)
    messages.success(request, str(DONE_MESSAGES[step]))
    return redirect("ratings_staff:followup", followup_id=followup_id)
