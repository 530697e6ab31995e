"""Property tests of the parsers that read what people type or files carry (docs/security.md,
No 5xx): money, dates, tax codes, aggregate values. Whatever the text, each answers a value
or its own error with a message — never another exception (which would be a 500 on a page or
an import that dies) — and what it accepts reads back exactly."""

from __future__ import annotations

import datetime
import string

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from khuyencong.core.formats import format_number
from khuyencong.core.money import UNITS, parse_money
from khuyencong.registry.validators import (
    normalise_tax_code,
    tax_check_digit,
    validate_tax_code,
)
from khuyencong.reports.services import MAX_YEAR, MIN_YEAR, ReportsError, parse_date, parse_value

PROPERTY = settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# Text as officers and files bring it: digits of every script, separators, units, accents.
TYPED = st.lists(
    st.one_of(
        st.sampled_from([*string.digits, *" .,-/+eE_đĐ", "tỷ", "triệu", "tr", "nghìn", "k"]),
        st.characters(codec="utf-8"),
    ),
    max_size=30,
).map("".join)


# Money ----------------------------------------------------------------------------------------


@PROPERTY
@given(TYPED)
@example("١٢٣")  # Arabic-Indic digits
@example("²")
@example("1e999999")
@example("9" * 400 + " tỷ")
@example("1,5")
def test_any_text_is_money_or_a_clear_refusal(text):
    try:
        amount = parse_money(text)
    except ValueError as refusal:
        assert str(refusal)
        return
    assert amount is None or (isinstance(amount, int) and amount >= 0)


@PROPERTY
@given(st.integers(min_value=0, max_value=10**15), st.sampled_from(["vi", "en"]))
def test_an_amount_as_the_pages_write_it_reads_back(amount, language):
    with translation.override(language):
        written = format_number(amount)
    assert parse_money(written) == amount
    assert parse_money(f"{written} đồng") == amount
    assert parse_money(f"{written}đ") == amount


@PROPERTY
@given(st.integers(min_value=1, max_value=999_999), st.sampled_from(sorted(UNITS)))
def test_a_number_with_a_unit_reads_back(number, unit):
    assert parse_money(f"{number} {unit}") == number * UNITS[unit]


# Dates (the aggregate values' import and API) ---------------------------------------------------


@PROPERTY
@given(TYPED)
@example("31/02/2026")
@example("0000-01-01")
@example("١١/١١/٢٠٢٦")
def test_any_text_is_a_date_or_a_clear_refusal(text):
    try:
        day = parse_date(text, "start")
    except ReportsError as refusal:
        assert refusal.field == "start" and str(refusal.message)
        return
    assert MIN_YEAR <= day.year <= MAX_YEAR


@PROPERTY
@given(st.dates(min_value=datetime.date(MIN_YEAR, 1, 1), max_value=datetime.date(MAX_YEAR, 12, 31)))
def test_a_date_written_either_way_reads_back(day):
    assert parse_date(day.isoformat(), "d") == day
    assert parse_date(day.strftime("%d/%m/%Y"), "d") == day


@PROPERTY
@given(TYPED)
@example("1e999999999")
@example("NaN")
@example("-0")
@example("75.430.000.000")
def test_any_text_is_an_aggregate_value_or_a_clear_refusal(text):
    try:
        value = parse_value(text, None)
    except ReportsError as refusal:
        assert refusal.field == "value"
        return
    assert isinstance(value, int) and value >= 0


# Tax codes ------------------------------------------------------------------------------------


@PROPERTY
@given(TYPED)
@example("０１００１０９１０６")  # full-width digits
@example("٠١٠٠١٠٩١٠٦")  # Arabic-Indic digits
@example("0100109106\n")
def test_any_text_is_a_tax_code_or_a_clear_refusal(text):
    """Digits of another script are read as the same digits, and stored as ASCII."""
    try:
        validate_tax_code(text)
    except ValidationError as refusal:
        assert refusal.messages
        return
    # What is accepted is stored as plain ASCII digits (and the branch dash): searchable,
    # exportable, the same code however it was typed.
    code = normalise_tax_code(text)
    assert code.isascii() and code.replace("-", "").isdigit(), repr(code)
    assert len(code) in (10, 12, 14)


@PROPERTY
@given(st.text(alphabet=string.digits, min_size=9, max_size=9), st.integers(1, 999))
def test_a_code_with_its_check_digit_is_accepted_and_a_wrong_digit_refused(nine, branch):
    digit = tax_check_digit(nine)
    if digit is None:
        return
    validate_tax_code(f"{nine}{digit}")
    validate_tax_code(f"{nine}{digit}-{branch:03d}")
    validate_tax_code(f"{nine[:3]} {nine[3:6]}.{nine[6:]}{digit}")  # as people space it
    with pytest.raises(ValidationError):
        validate_tax_code(f"{nine}{(digit + 1) % 10}")


def test_full_width_digits_are_stored_as_ascii():
    assert normalise_tax_code("０１００１０９１０６") == "0100109106"
    validate_tax_code("０１００１０９１０６")


@given(st.text())
@example("Cơ sở chế biến cà phê Thành Đạt")
@example("a\u0301\u0323 ह\u093f \u05b0")
def test_a_name_loses_exactly_its_non_spacing_marks(text):
    """``normalise`` strips marks through a translate table: the same as testing each
    character's category (search and duplicates rely on it)."""
    import re
    import unicodedata

    from khuyencong.core.text import normalise

    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    expected = re.sub(r"\s+", " ", stripped).strip().lower() if text else ""
    assert normalise(text) == expected
