"""Pieces shared by the apps' django-filter ``FilterSet``s (read by ``core.pages.list_page``)."""

from __future__ import annotations

from typing import Any

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


class CheckboxFilter(django_filters.Filter):
    """A tick box (``forms.BooleanField``) that narrows the list to ``field_name`` true when
    ticked and leaves it whole when not (with a ``method``: the method is called ticked or
    not); django-filter's ``BooleanFilter`` is a yes/no/unknown select instead."""

    field_class = forms.BooleanField

    def filter(self, qs: Any, value: Any) -> Any:
        # Unticked is ``False``, which django-filter does not take for empty.
        return super().filter(qs, True) if value else qs


class ShownByChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of records shown by one of their attributes (a province by its name, an
    indicator by its label) instead of ``str()``."""

    def __init__(self, *args: Any, shown_by: str, **kwargs: Any) -> None:
        self.shown_by = shown_by
        super().__init__(*args, **kwargs)

    @property
    def field(self) -> Any:
        field = super().field
        field.label_from_instance = lambda obj: str(getattr(obj, self.shown_by))
        return field
