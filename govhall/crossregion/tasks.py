"""Background work of crossregion (django-tasks), each task idempotent."""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks import task

from govhall.crossregion import protocol
from govhall.crossregion.models import Message

logger = logging.getLogger(__name__)


@task()
def message_send(message_pk: int) -> str:
    """Send one outbound message. Already sent: nothing to do. The peer applies a message id once,
    so a retry after a lost answer does no harm. A failure stays `failed` for `messages_retry`."""
    from govhall.crossregion.services import MAX_ATTEMPTS, message_deliver

    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_pk, direction=Message.OUT).first()
        if message is None or message.status in (Message.STATUS_SENT, Message.STATUS_REFUSED):
            return "skipped"
        if message.attempts >= MAX_ATTEMPTS:
            return "given up"
    try:
        message_deliver(message)
    except protocol.PeerCallError as exc:
        logger.warning("crossregion message %s to %s failed: %s", message.message_id, message.peer_node_id, exc)
        return "failed"
    return "sent"


@task()
def messages_retry_task() -> int:
    """Periodic: queue the failed outbound messages again; forget nonces too old to be replayed
    (a request that old is refused by its timestamp anyway)."""
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    from govhall.crossregion.models import SeenNonce
    from govhall.crossregion.services import messages_retry

    skew = int(getattr(settings, "GOVHALL_CROSSREGION_SKEW_SECONDS", 300))
    SeenNonce.objects.filter(seen_at__lt=timezone.now() - dt.timedelta(seconds=4 * skew)).delete()
    return messages_retry()
