"""JSON API of 站内消息 under /api/notifications/ (every signed-in user, their own messages only):

- `GET /` the messages, newest first, 20 a page (`unread=true` for the unread ones), with the
  unread count and the page each message leads to;
- `POST /{id}/read` marks one read; `POST /read-all` marks all read.
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from ninja import Router, Schema
from ninja.security import django_auth

from govhall.cases.models import Notification
from govhall.cases.selectors import get_notification_for_user, notification_target, notifications_for_user, unread_notification_count
from govhall.cases.services.notifications import notification_open, notifications_read_all

router = Router(tags=["站内消息"], auth=django_auth)
PAGE_SIZE = 20


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    target: str
    case_number: str
    created_at: dt.datetime
    read: bool


class NotificationPage(Schema):
    count: int
    unread: int
    page: int
    pages: int
    items: list[NotificationOut]


class ReadAllOut(Schema):
    marked: int


def _out(n: Notification, user) -> NotificationOut:
    return NotificationOut(
        id=n.pk,
        kind=n.kind,
        text=n.text,
        target=notification_target(n, user=user),
        case_number=(n.case.number or "") if n.case is not None else "",
        created_at=n.created_at,
        read=n.read_at is not None,
    )


@router.get("/", response=NotificationPage, summary="我的站内消息（最新在前，每页20条；unread=true 只列未读）")
def notification_list(request, unread: bool = False, page: int = 1):
    paginator = Paginator(notifications_for_user(user=request.user, unread_only=unread), PAGE_SIZE)
    current = paginator.get_page(page)
    return NotificationPage(
        count=paginator.count,
        unread=unread_notification_count(user=request.user),
        page=current.number,
        pages=paginator.num_pages,
        items=[_out(n, request.user) for n in current.object_list],
    )


@router.post("/{notification_id}/read", response=NotificationOut, summary="标为已读")
def notification_read(request, notification_id: int):
    notification = get_notification_for_user(user=request.user, notification_id=notification_id)
    return _out(notification_open(user=request.user, notification=notification), request.user)


@router.post("/read-all", response=ReadAllOut, summary="全部标为已读")
def notification_read_all(request):
    return ReadAllOut(marked=notifications_read_all(user=request.user))
