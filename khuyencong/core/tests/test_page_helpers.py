"""core/pages.py field_error and get_or_404, and places.choosing.chosen_province: the page
helpers every app's pages share (one copy each, issue 16)."""

from __future__ import annotations

import pytest
from django import forms
from django.http import Http404
from django.test import RequestFactory

from khuyencong.core.errors import DomainError
from khuyencong.core.pages import field_error, get_or_404
from khuyencong.places.choosing import chosen_province
from khuyencong.places.models import Province


class _Form(forms.Form):
    name = forms.CharField(required=False)
    lines = forms.CharField(required=False)


def _bound() -> _Form:
    form = _Form({"name": "", "lines": ""})
    assert form.is_valid()
    return form


def test_field_error_names_the_field_or_the_whole_form():
    form = _bound()
    field_error(form, DomainError("Give a name.", field="name"))
    assert form.errors["name"] == ["Give a name."]

    form = _bound()
    field_error(form, DomainError("Unknown commune.", field="commune"))  # not on this form
    assert form.non_field_errors() == ["Unknown commune."]

    form = _bound()
    field_error(
        form, DomainError("Lines do not add up.", field="lines"), whole_form=frozenset({"lines"})
    )
    assert form.non_field_errors() == ["Lines do not add up."] and "lines" not in form.errors


@pytest.mark.django_db
def test_get_or_404_answers_404_for_missing_and_malformed_ids(province_a):
    provinces = Province.objects.all()
    assert get_or_404(provinces, pk=province_a.pk) == province_a
    for bad in ("zz-not-there", None):
        with pytest.raises(Http404):
            get_or_404(provinces, pk=bad)
    with pytest.raises(Http404):
        get_or_404(Province.objects.filter(pk=province_a.pk), pk=1)


@pytest.mark.django_db
def test_chosen_province_is_the_users_own_or_the_one_picked(
    officer_a, national, province_a, province_b
):
    request = RequestFactory().get("/", {"province": province_b.pk})
    request.user = officer_a
    assert chosen_province(request) == province_a  # a provincial user cannot pick another
    request.user = national
    assert chosen_province(request) == province_b
    request = RequestFactory().get("/")
    request.user = national
    assert chosen_province(request) is None
