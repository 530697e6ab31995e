"""Money typed as officers write it, and read back in words (core/money.py, core/forms.py)."""

import pytest
from django import forms
from django.utils import translation

from khuyencong.core.forms import MoneyField
from khuyencong.core.money import amount_in_words, parse_money


@pytest.mark.parametrize(
    ("typed", "dong"),
    [
        ("1.250.000.000", 1_250_000_000),
        ("1250000000", 1_250_000_000),
        ("1 250 000 000", 1_250_000_000),
        ("1,250,000,000", 1_250_000_000),
        ("1.250.000.000 đồng", 1_250_000_000),
        ("1.250.000.000đ", 1_250_000_000),
        ("1,25 tỷ", 1_250_000_000),
        ("1.5 tỷ", 1_500_000_000),
        ("1,5 tỉ", 1_500_000_000),
        ("2 ty", 2_000_000_000),
        ("350 triệu", 350_000_000),
        ("350 Triệu đồng", 350_000_000),
        ("350tr", 350_000_000),
        ("12,5tr", 12_500_000),
        ("1.250 triệu", 1_250_000_000),
        ("1 tỷ 250 triệu", 1_250_000_000),
        ("500 nghìn", 500_000),
        ("0", 0),
        ("", None),
        ("   ", None),
    ],
)
def test_it_reads_amounts_as_officers_write_them(typed, dong):
    assert parse_money(typed) == dong


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("abc", "1,25 tỷ"),
        ("1,5", "không phải số đồng chẵn"),
        ("-300", "không được âm"),
        ("250 triệu 1 tỷ", "1,25 tỷ"),
        ("1,2345678 tr", "lẻ đồng"),
        ("1.25.000", "1,25 tỷ"),
        ("350 triệu x", "1,25 tỷ"),
    ],
)
def test_it_refuses_what_is_not_an_amount_and_says_what_to_write(typed, says):
    with translation.override("vi"), pytest.raises(ValueError) as error:
        parse_money(typed)
    assert says in str(error.value)


@pytest.mark.parametrize(
    ("dong", "words"),
    [
        (0, "Không đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (105, "Một trăm linh năm đồng"),
        (1_050, "Một nghìn không trăm năm mươi đồng"),
        (1_000_005, "Một triệu không trăm linh năm đồng"),
        (350_000_000, "Ba trăm năm mươi triệu đồng"),
        (1_250_000_000, "Một tỷ hai trăm năm mươi triệu đồng"),
        (75_430_000_000, "Bảy mươi lăm tỷ bốn trăm ba mươi triệu đồng"),
        (1_500_000_000_000, "Một nghìn năm trăm tỷ đồng"),
    ],
)
def test_amounts_read_in_words_as_on_a_contract(dong, words):
    assert amount_in_words(dong) == words


class _Form(forms.Form):
    amount = MoneyField(label="Kinh phí", min_value=1)


def test_the_money_field_cleans_to_integer_dong():
    form = _Form(data={"amount": "1,25 tỷ"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == 1_250_000_000


def test_the_money_field_names_what_is_wrong():
    with translation.override("vi"):
        form = _Form(data={"amount": "nhiều tiền"})
        assert not form.is_valid()
        assert "1.250.000.000" in form.errors["amount"][0]
        below = _Form(data={"amount": "0"})
        assert not below.is_valid()
        assert "nhỏ hơn 1 đồng" in below.errors["amount"][0]


def test_the_money_field_shows_the_amount_grouped_with_its_unit():
    with translation.override("vi"):
        html = str(_Form(initial={"amount": 1_250_000_000})["amount"])
    assert 'value="1.250.000.000"' in html
    assert 'inputmode="decimal"' in html
    assert '<span class="unit" aria-hidden="true">đồng</span>' in html
