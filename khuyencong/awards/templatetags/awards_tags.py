"""Template helpers of the award pages."""

from django import template

register = template.Library()

# The stylesheet's badge colours (core/static/core/app.css) for a round's status.
ROUND_BADGES = {
    "open": "badge-submitted",
    "scoring": "badge-running",
    "closed": "badge-active",
}


@register.filter
def round_badge(status: str) -> str:
    return ROUND_BADGES.get(status, "")


@register.filter
def points(value) -> str:
    """Points stored as a decimal string ("35.50") shown the Vietnamese way ("35,5")."""
    from khuyencong.core.formats import format_number

    if value in (None, ""):
        return "–"
    return format_number(value, 2)
