"""`{% agent_case_panel case user as panel %}`: the agent, the consent and the hand-over chain of an
agent-point case, and what this user may do next, for the case pages of the cases app."""

from __future__ import annotations

from typing import Any

from django import template

from govhall.agents import selectors, services
from govhall.agents.models import AgentCase, HandOver
from govhall.cases import permissions

register = template.Library()


@register.simple_tag
def agent_case_panel(case, user) -> dict[str, Any] | None:
    if case is None or not case.pk:
        return None
    link = AgentCase.objects.select_related("consent", "agent", "point", "point__parent").filter(case_id=case.pk).first()
    if link is None:
        return None
    handovers = selectors.handovers_for_case(case=case)
    nxt = selectors.next_step(case, handovers)
    is_agent = services.agent_point(user) == link.point
    profile = permissions.staff_profile(user)
    at_centre = bool(profile and profile.centre_id and profile.centre_id == link.point.parent_id and user.has_perm("cases.accept_case"))
    can_record = bool(nxt and nxt.waiting_for == "agent" and (is_agent or (at_centre and nxt.step == HandOver.STEP_RETURNED)))
    pending = next((h for h in handovers if h.step == HandOver.STEP_FORWARDED and h.received_at is None), None)
    return {
        "link": link,
        "consent": link.consent,
        "handovers": handovers,
        "next": nxt,
        "steps": [(value, label, next((h for h in handovers if h.step == value), None)) for value, label in HandOver.STEP_CHOICES],
        "is_agent": is_agent,
        "can_record": can_record,
        "confirm": pending if at_centre else None,
        "resident_name": case.applicant.name,
    }
