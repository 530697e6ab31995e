"""Pieces shared by the apps' django-filter ``FilterSet``s (read by ``core.pages.list_page``)."""

from __future__ import annotations

import django_filters
from django import forms


def drop_filters(filterset: django_filters.FilterSet, *names: str) -> None:
    """Take filters off a list before its form is built (a province for a user who sees
    one): not offered, and ignored when the query string names them anyway."""
    for name in names:
        del filterset.filters[name]


class IntegerFilter(django_filters.Filter):
    """A whole number (a year) typed in a number box; django-filter's ``NumberFilter`` takes
    decimals."""

    field_class = forms.IntegerField
