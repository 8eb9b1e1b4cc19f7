"""The agent's side of 现场申请 (cases' walk-in page): which of the resident's consents cover the
chosen item, and the consent the agent picked when submitting."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from govhall.agents.models import AgentConsent
from govhall.agents.services import agent_point, consents_covering
from govhall.applicants.models import Enterprise, Person
from govhall.catalog.models import Item


def _resident(applicant: Person | Enterprise) -> Person | None:
    return applicant if isinstance(applicant, Person) else applicant.legal_representative


def walk_in_consent_context(*, user, applicant: Person | Enterprise, item: Item, back: str) -> dict[str, Any]:
    """For a village agent: the consents in force covering the item, and where to record a new one."""
    point = agent_point(user)
    if point is None:
        return {}
    resident = _resident(applicant)
    consents = list(consents_covering(agent=user, resident=resident, item=item).distinct().order_by("-given_at")) if resident else []
    query: dict[str, str | int] = {"item": item.pk, "next": back}
    if resident is not None:
        query["resident"] = resident.pk
    return {
        "agent_walk_in": True,
        "agent_consents": consents,
        "agent_consent_new_url": f"{reverse('agents_staff:consent-new')}?{urlencode(query)}",
    }


def walk_in_consent(*, user, raw: str) -> AgentConsent | None:
    """The consent picked on the form (only one of this agent's own); None lets the service choose."""
    if not raw.isdigit():
        return None
    return AgentConsent.objects.filter(pk=int(raw), agent=user).first()
