"""站内消息 at /notifications/: every signed-in user (staff or applicant) reads their own messages,
opens one (it is then read, and the page it is about opens), marks all read, exports the list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govhall.cases.selectors import get_notification_for_user, notification_target, notifications_for_user
from govhall.cases.services.notifications import notification_open, notifications_read_all
from govhall.core.http import capped_rows, local_time, xlsx_response

PAGE_SIZE = 20
EXPORT_LIMIT = 10_000


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    notes = notifications_for_user(user=request.user, unread_only=unread_only)
    if request.GET.get("format") == "xlsx":
        rows = ([local_time(n.created_at), n.text, _("已读") if n.read_at else _("未读")] for n in notes[: EXPORT_LIMIT + 1])
        return xlsx_response(_("站内消息"), [_("时间"), _("内容"), _("状态")], capped_rows(rows, EXPORT_LIMIT), [18, 80, 8])
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/notifications.html",
        {"page": page, "unread_only": unread_only, "query": "show=unread" if unread_only else ""},
    )


@login_required
@require_GET
def notification_go(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Open a message: it is read from now on, and its page opens."""
    notification = get_notification_for_user(user=request.user, notification_id=notification_id)
    notification_open(user=request.user, notification=notification)
    return redirect(notification_target(notification, user=request.user))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notifications_read_all(user=request.user)
    return redirect("notifications:list")
