from django import template

from khuyencong.programmes.models import Source

register = template.Library()


@register.filter
def stepdesc(step, today):
    """A plan step's state in words: done on time, done late, overdue, due by."""
    return step.describe(today)


@register.filter
def source_label(code):
    try:
        return Source(code).label
    except ValueError:
        return code
