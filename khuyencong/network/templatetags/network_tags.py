"""Template helpers of the network pages."""

from django import template

register = template.Library()

# The stylesheet's badge colours (core/static/core/app.css) for a difficulty's status.
DIFFICULTY_BADGES = {
    "open": "badge-paused",
    "forwarded": "badge-submitted",
    "resolved": "badge-active",
}


@register.filter
def difficulty_badge(status: str) -> str:
    return DIFFICULTY_BADGES.get(status, "")
