"""B's side of the status channel: a milestone on a case forwarded from a peer is queued as a
status message after the action commits (the actions themselves know nothing of peers)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from govhall.cases.models import CaseEvent


@receiver(post_save, sender=CaseEvent, dispatch_uid="crossregion_status_on_event")
def status_on_event(sender, instance: CaseEvent, created: bool, **kwargs) -> None:
    from govhall.crossregion.models import CaseRoute
    from govhall.crossregion.services import STATUS_EVENTS, status_enqueue

    if not created or instance.kind not in STATUS_EVENTS:
        return
    if instance.kind == "delivered" and instance.actor_id is None:
        # B closing its own case after A took the result over: A already knows.
        return
    if not CaseRoute.objects.filter(case_id=instance.case_id, direction=CaseRoute.DIRECTION_INBOUND).exists():
        return
    case_id, kind, after = instance.case_id, instance.kind, dict(instance.after or {})
    transaction.on_commit(lambda: status_enqueue(case_id=case_id, kind=kind, event_after=after))
