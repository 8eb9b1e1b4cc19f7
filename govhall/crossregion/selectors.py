"""Read paths of crossregion."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from govhall.cases import permissions
from govhall.crossregion.models import CaseRoute, Message, Peer, TongbanAgreement


def agreements_for_user(*, user) -> QuerySet[TongbanAgreement]:
    """Every agreement for a system admin, supervisor or auditor; for centre staff those in which
    their centre accepts (named, or within the accepting division)."""
    qs = TongbanAgreement.objects.select_related("accepting_division", "handling_division", "handling_peer").prefetch_related(
        "accepting_centres", "items__department", "remote_items"
    )
    if not user.has_perm("crossregion.view_tongbanagreement"):
        return qs.none()
    if user.has_perm("crossregion.manage_peers") or user.has_perm("cases.view_all_cases"):
        return qs
    profile = permissions.staff_profile(user)
    if profile is None or profile.centre is None:
        return qs.none()
    code = profile.centre.division_id
    prefixes = [code[:n] for n in (2, 4, 6, 9, 12) if len(code) >= n]
    return qs.filter(Q(accepting_centres=profile.centre) | Q(accepting_division_id__in=prefixes)).distinct()


def get_agreement_for_user(*, user, agreement_id: int) -> TongbanAgreement:
    from django.http import Http404

    agreement = agreements_for_user(user=user).filter(pk=agreement_id).first()
    if agreement is None:
        raise Http404
    return agreement


def agreement_row(agreement: TongbanAgreement) -> dict[str, Any]:
    accepting = [str(agreement.accepting_division)] if agreement.accepting_division_id else []
    accepting += [c.name for c in agreement.accepting_centres.all()]
    # Delegated items share their name across townships: the implementing body tells them apart.
    items = [f"{i.name}（{i.department.short_name or i.department.name}）" for i in agreement.items.all()]
    items += [r.name for r in agreement.remote_items.all()]
    return {
        "id": agreement.pk,
        "name": agreement.name,
        "accepting": accepting,
        "handling": agreement.handling_name,
        "handling_peer": agreement.handling_peer.node_id if agreement.handling_peer is not None else None,
        "items": items,
        "tongban_scope": agreement.get_tongban_scope_display() if agreement.tongban_scope else "",
        "valid_from": agreement.valid_from,
        "valid_until": agreement.valid_until,
        "is_active": agreement.is_active,
    }


def peers_for_user(*, user) -> QuerySet[Peer]:
    if not user.has_perm("crossregion.manage_peers"):
        return Peer.objects.none()
    return Peer.objects.prefetch_related("items")


def messages_for_user(*, user) -> QuerySet[Message]:
    if not user.has_perm("crossregion.view_message"):
        return Message.objects.none()
    qs = Message.objects.select_related("peer", "case")
    if user.has_perm("crossregion.manage_peers") or user.has_perm("cases.view_all_cases"):
        return qs
    profile = permissions.staff_profile(user)
    if profile is None or profile.centre_id is None:
        return qs.none()
    return qs.filter(Q(case__centre_id=profile.centre_id) | Q(case__crossregion__accepting_centre_id=profile.centre_id))


def route_for_case(case) -> CaseRoute | None:
    try:
        return case.crossregion
    except CaseRoute.DoesNotExist:
        return None
