"""`{% case_rating_box case %}`: the 一事一评 box on the applicant's case page."""

from django import template

from govhall.ratings.selectors import case_rating

register = template.Library()


@register.inclusion_tag("ratings/_case_rating_box.html")
def case_rating_box(case):
    if case is None or getattr(case, "status", "") != "done":
        return {"show": False}
    return {"show": True, "case": case, "rating": case_rating(case=case)}


@register.filter
def percent(value):
    """0.987 → "98.7%"; None (nothing to divide) → "—"."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"
