from django import template

from govhall.surveys.selectors import pending_invitations_for_user

register = template.Library()


@register.filter
def pct(value, digits: int = 1) -> str:
    """0.9123 → '91.2%'; None → '—'."""
    return "—" if value is None else f"{value * 100:.{int(digits)}f}%"


@register.filter
def level_count(levels: dict, level: int) -> int:
    return levels.get(level, 0)


@register.inclusion_tag("surveys/_pending.html", takes_context=True)
def pending_survey_invitations(context) -> dict:
    """The signed-in applicant's survey invitations that can be answered today (for their own pages)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"invitations": list(pending_invitations_for_user(user=user)) if user is not None else []}
