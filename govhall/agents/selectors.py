"""Read paths of 帮办代办: an agent's consents and cases, a resident's consents, a case's hand-overs,
the receipts a centre still has to confirm. Objects outside the user's reach are a 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from govhall.agents.models import AgentCase, AgentConsent, HandOver
from govhall.agents.services import agent_point
from govhall.cases import permissions
from govhall.cases.models import Case


def consents_for_agent(*, user) -> QuerySet[AgentConsent]:
    return AgentConsent.objects.filter(agent=user).select_related("resident", "point").prefetch_related("items").order_by("-id")


def consents_for_resident(*, user) -> QuerySet[AgentConsent]:
    return (
        AgentConsent.objects.filter(resident__user=user, resident__user__isnull=False)
        .select_related("resident", "point", "agent")
        .prefetch_related("items")
        .order_by("-id")
    )


def get_consent_for_user(*, user, consent_id: int) -> AgentConsent:
    """The agent who recorded it or the resident who gave it; anyone else gets a 404."""
    consent = AgentConsent.objects.select_related("resident", "point", "agent").filter(pk=consent_id).first()
    if consent is None or not user.is_authenticated:
        raise Http404
    if consent.agent_id == user.pk or (consent.resident.user_id is not None and consent.resident.user_id == user.pk):
        return consent
    raise Http404


def agent_case_for_user(*, user, case_id: int) -> AgentCase:
    """An agent-point case someone may see (the case's own permission rule)."""
    link = AgentCase.objects.select_related("case", "case__item_version", "consent", "point", "agent").filter(case_id=case_id).first()
    if link is None or not permissions.can_view(user, link.case):
        raise Http404
    return link


def handovers_for_case(*, case: Case) -> list[HandOver]:
    return list(HandOver.objects.filter(case=case).select_related("by", "received_by", "centre").order_by("step"))


@dataclass
class NextStep:
    step: int
    label: str
    waiting_for: str  # "agent", "centre" (confirm receipt), "result" (the case is not decided yet), ""


def next_step(case: Case, handovers: list[HandOver]) -> NextStep | None:
    """What the hand-over chain waits for next; None once the result reached the resident."""
    steps = {h.step: h for h in handovers}
    labels = dict(HandOver.STEP_CHOICES)
    for step in (HandOver.STEP_RECEIVED, HandOver.STEP_FORWARDED, HandOver.STEP_RETURNED, HandOver.STEP_DELIVERED):
        if step not in steps:
            waiting = "agent"
            if step == HandOver.STEP_RETURNED and not (case.decision or case.status in Case.FINAL_STATUSES):
                waiting = "result"
            return NextStep(step, str(labels[step]), waiting)
        if step == HandOver.STEP_FORWARDED and steps[step].received_at is None:
            return NextStep(step, str(labels[step]), "centre")
    return None


def cases_for_agent(*, user) -> QuerySet[AgentCase]:
    """The cases this agent's point submitted, with their hand-overs, newest first."""
    point = agent_point(user)
    if point is None:
        return AgentCase.objects.none()
    return (
        AgentCase.objects.filter(point=point)
        .select_related("case", "case__item_version", "case__applicant_person", "case__applicant_enterprise", "consent", "agent")
        .prefetch_related(Prefetch("case__handovers", queryset=HandOver.objects.order_by("step")))
        .order_by("-case_id")
    )


def receipts_pending_for_clerk(*, user) -> QuerySet[HandOver]:
    """递交 hand-overs to this clerk's centre not yet confirmed."""
    profile = permissions.staff_profile(user)
    if profile is None or profile.centre_id is None or not user.has_perm("cases.accept_case"):
        return HandOver.objects.none()
    return (
        HandOver.objects.filter(step=HandOver.STEP_FORWARDED, centre_id=profile.centre_id, received_at__isnull=True)
        .select_related("case", "case__item_version", "by")
        .order_by("at")
    )


def results_to_return_for_clerk(*, user) -> QuerySet[AgentCase]:
    """Agent cases received at this clerk's centre whose result is ready to go back to the agent."""
    profile = permissions.staff_profile(user)
    if profile is None or profile.centre_id is None or not user.has_perm("cases.accept_case"):
        return AgentCase.objects.none()
    return (
        AgentCase.objects.filter(
            case__handovers__step=HandOver.STEP_FORWARDED,
            case__handovers__centre_id=profile.centre_id,
            case__handovers__received_at__isnull=False,
        )
        .exclude(case__handovers__step=HandOver.STEP_RETURNED)
        .exclude(case__decision="", case__status__in=Case.OPEN_STATUSES)
        .select_related("case", "case__item_version", "agent", "point")
        .order_by("case__decided_at")
    )
