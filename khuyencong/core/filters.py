"""Pieces shared by the apps' django-filter ``FilterSet``s (read by ``core.pages.list_page``)."""

from __future__ import annotations

import django_filters


def drop_filters(filterset: django_filters.FilterSet, *names: str) -> None:
    """Take filters off a list before its form is built (a province for a user who sees
    one): not offered, and ignored when the query string names them anyway."""
    for name in names:
        del filterset.filters[name]
