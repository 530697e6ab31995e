"""Template filters for Vietnamese numbers and money: {{ value|number }}, {{ amount|money }},
{{ amount|amount_words }}."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from khuyencong.core import formats
from khuyencong.core.money import amount_in_words

register = template.Library()


@register.filter
def number(value: Any, decimals: Any = 0) -> str:
    return formats.format_number(value, int(decimals))


@register.filter
def money(value: Any) -> str:
    return formats.format_money(value)


@register.filter
def billions(value: Any) -> str:
    """Đồng in billions (tỷ đồng) with at most two decimals, for tables headed "tỷ đồng":
    6_612_000_000 → "6,61"."""
    if value is None:
        return "–"
    return formats.format_number(Decimal(value) / 1_000_000_000, 2)


@register.filter
def vnd(value: Any) -> str:
    return formats.format_vnd(value)


@register.filter
def amount_words(value: Any) -> str:
    """The amount as contracts write it in words: "Một tỷ hai trăm năm mươi triệu đồng"."""
    return amount_in_words(value)


@register.simple_tag(takes_context=True)
def query_with(context: Any, **kwargs: Any) -> str:
    """The current query string with some parameters replaced (pagination, sorting)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def person(user: Any) -> str:
    """A user's full name, else their username; "—" for nobody (a deleted user)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username
