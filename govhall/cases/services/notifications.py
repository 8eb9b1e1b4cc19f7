"""站内消息: sending messages to users and marking them read.

Messages are written by the actions that concern someone (a 交办 task assigned to a department, its
answer, a case's deadline drawing near, a survey invitation) in the same transaction as the action.
Each user reads only their own (selectors.notifications_for_user); opening one marks it read.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from govhall.cases.models import Notification
from govhall.core.errors import PermissionDenied


def notify(*, users: Iterable, kind: str, text: str, link: str = "", case=None, once: bool = False) -> int:
    """Send one message to each of `users` (users or their ids; each once); how many were sent.
    With `once`, a user who already has a message of this `kind` gets no second one (reminders
    sent by a periodic job)."""
    user_ids = sorted({getattr(u, "pk", u) for u in users})
    if once and user_ids:
        had = set(Notification.objects.filter(kind=kind, user_id__in=user_ids, case=case).values_list("user_id", flat=True))
        user_ids = [pk for pk in user_ids if pk not in had]
    notes = [Notification(user_id=pk, case=case, kind=kind[:20], text=text[:500], link=link[:300]) for pk in user_ids]
    Notification.objects.bulk_create(notes, ignore_conflicts=True)
    return len(notes)


def notification_open(*, user, notification: Notification) -> Notification:
    """The user opens their message: it is read from now on."""
    if notification.user_id != user.pk:  # selectors hand out only the user's own; a last check
        raise PermissionDenied("not the user's message")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_read_all(*, user) -> int:
    """All the user's unread messages are marked read; how many."""
    with transaction.atomic():
        return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
