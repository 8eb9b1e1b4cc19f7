"""Small filters of the monitor pages."""

from django import template

from govhall.monitor.figures import percent

register = template.Library()


@register.filter
def pct(value, digits: int = 1) -> str:
    """0.0123 → '1.2%'; None → '—'."""
    return percent(value, int(digits))


@register.filter
def rate_of(figures, code: str):
    return figures.rate(code)


@register.filter
def red_of(figures, code: str) -> bool:
    return figures.red(code)


@register.filter
def volume_of(figures, code: str) -> int:
    return figures.volume(code)
