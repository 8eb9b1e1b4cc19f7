"""`{% case_data_uses case as uses %}`: the materials of a case that shared data or an electronic
licence replaced (免提交), for the case pages of other apps."""

from django import template

from govhall.shareddata.selectors import data_uses_for_case, handles_case

register = template.Library()


@register.simple_tag
def case_data_uses(case):
    return data_uses_for_case(case=case) if case is not None and case.pk else []


@register.simple_tag
def may_look_up(user, case) -> bool:
    return bool(case is not None and case.pk and handles_case(user, case))


@register.simple_tag
def data_use_for(uses, material):
    """The data use that replaced this material, if any."""
    return next((u for u in uses if material is not None and u.material_id == material.pk), None)
