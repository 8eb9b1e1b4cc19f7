"""Keep live cases' facts in step: every save of a case, its events, pauses and ratings refreshes
the case's fact and rollups in the same transaction (`facts.refresh_case`).

A case action saves the case and appends a few events; each save refreshes, and a refresh that
changes nothing writes nothing, so the cost is a handful of indexed reads per save. Saves made with
`bulk_create` / `update()` send no signal: bulk loaders run `rebuild_facts` afterwards (the demo
loader does), and `projection_suspended()` turns the signals off for loads that go through services.
"""

from __future__ import annotations

from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from govhall.cases.models import Case, CaseEvent, CasePause
from govhall.ratings.models import Rating
from govhall.supervision import facts


@receiver(post_save, sender=Case, dispatch_uid="supervision_case_saved")
def case_saved(sender, instance: Case, raw: bool = False, **kwargs) -> None:
    # Drafts have no number and never a fact: their saves cost nothing here.
    if raw or not instance.number:
        return
    facts.signal_refresh(instance.pk)


@receiver(pre_delete, sender=Case, dispatch_uid="supervision_case_deleted")
def case_deleted(sender, instance: Case, **kwargs) -> None:
    if instance.number and facts.projection_active():
        facts.forget_case(instance.pk)


@receiver(post_save, sender=CaseEvent, dispatch_uid="supervision_event_saved")
def event_saved(sender, instance: CaseEvent, raw: bool = False, **kwargs) -> None:
    if not raw:
        facts.signal_refresh(instance.case_id)


@receiver(post_save, sender=CasePause, dispatch_uid="supervision_pause_saved")
def pause_saved(sender, instance: CasePause, raw: bool = False, **kwargs) -> None:
    if not raw:
        facts.signal_refresh(instance.case_id)


@receiver(post_save, sender=Rating, dispatch_uid="supervision_rating_saved")
def rating_saved(sender, instance: Rating, raw: bool = False, **kwargs) -> None:
    if not raw and instance.case_id is not None:
        facts.signal_refresh(instance.case_id)
