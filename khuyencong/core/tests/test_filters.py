"""core.filters: the pieces the apps' FilterSets share (a dropped filter, a whole number, a
tick box, records shown by one attribute) and core.pages.page_of."""

from __future__ import annotations

import django_filters
import pytest
from django.test import RequestFactory

from khuyencong.core.filters import (
    CheckboxFilter,
    IntegerFilter,
    ShownByChoiceFilter,
    drop_filters,
)
from khuyencong.core.pages import page_of
from khuyencong.places.models import Province

pytestmark = pytest.mark.django_db


class ProvinceFilter(django_filters.FilterSet):
    code = ShownByChoiceFilter(
        queryset=Province.objects.order_by("code"), to_field_name="code", shown_by="short_name"
    )
    # Ticked: the provinces without a code, which is none.
    uncoded = CheckboxFilter(field_name="code", lookup_expr="isnull")
    year = IntegerFilter(field_name="code", min_value=2000, max_value=2100)


def _filter(data):
    return ProvinceFilter(data, queryset=Province.objects.order_by("code"))


def test_records_are_shown_by_the_attribute_named(province_a, province_b):
    choices = list(_filter(None).form.fields["code"].choices)
    assert [(str(value), label) for value, label in choices[1:]] == [
        ("66", "Đắk Lắk"),
        ("79", "Hồ Chí Minh"),
    ]


def test_a_whole_number_refuses_decimals_and_the_range():
    for value in ("2024.5", "1999", "2101"):
        assert not _filter({"year": value}).is_valid(), value
    assert _filter({"year": "2024"}).is_valid()


def test_a_tick_box_narrows_only_when_ticked(province_a, province_b):
    assert _filter({"uncoded": "on"}).form.fields["uncoded"].widget.input_type == "checkbox"
    assert [p.code for p in _filter({"uncoded": "on"}).qs] == []
    assert [p.code for p in _filter({"code": ""}).qs] == ["66", "79"]


def test_a_dropped_filter_is_neither_offered_nor_applied(province_a, province_b):
    filterset = _filter({"code": "79"})
    drop_filters(filterset, "code")
    assert "code" not in filterset.form.fields
    assert filterset.is_valid() and filterset.qs.count() == 2


@pytest.mark.parametrize(("page", "number"), [("2", 2), ("9", 3), ("x", 1), (None, 1)])
def test_page_of_reads_the_page_asked(page, number):
    request = RequestFactory().get("/", {"page": page} if page else {})
    shown = page_of(request, list(range(5)), 2)
    assert shown.number == number and shown.paginator.num_pages == 3
