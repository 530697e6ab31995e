"""The form renderer writes drop-downs exactly as Django's templates do (core/renderers.py)."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from khuyencong.core.renderers import FastSelectRenderer

CHOICES = [
    ("", "---------"),
    ("a", "Chế biến <nông> & lâm sản"),
    (2, gettext_lazy("Active")),
    ("safe", mark_safe("<b>đã an toàn</b>")),
    ("Nhóm “một”", [("x", "Xã Ea Kar"), (7, 2024), ('q"uote', 'Giá "trích"')]),
]


class Form(forms.Form):
    one = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(
        choices=CHOICES[1:], widget=forms.SelectMultiple(attrs={"class": "f <x>", "hidden": True})
    )
    maybe = forms.NullBooleanField(widget=forms.NullBooleanSelect(attrs={"disabled": False}))
    year = forms.TypedChoiceField(choices=[(y, y) for y in (2024, 2025)], coerce=int)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"one": "a", "many": ["x", "2"], "maybe": "true", "year": "2025"},
        {"one": 'q"uote', "many": ["safe"], "maybe": "unknown"},
    ],
)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_drop_downs_are_written_as_the_templates_write_them(data, language, settings):
    from django.utils import translation

    with translation.override(language):
        fast = Form(data=data or None, renderer=FastSelectRenderer())
        slow = Form(data=data or None, renderer=DjangoTemplates())
        for name in Form.base_fields:
            assert str(fast[name]) == str(slow[name])
        assert str(fast) == str(slow)


def test_it_is_the_renderer_of_every_form(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FastSelectRenderer)
