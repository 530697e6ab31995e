import pytest
from django.core.exceptions import ValidationError

from khuyencong.registry.validators import (
    normalise_tax_code,
    tax_check_digit,
    validate_tax_code,
    validate_vsic,
)


@pytest.mark.parametrize(
    "code",
    ["0100109106", "0100109106-001", "0100109106001", "010 010 9106", "001089012345"],
)
def test_it_accepts_valid_tax_codes(code):
    validate_tax_code(code)


@pytest.mark.parametrize(
    "code",
    ["0100109107", "0100109106-000", "12345", "01001091061", "abcdefghij", "0100109106-01"],
)
def test_it_refuses_invalid_tax_codes(code):
    with pytest.raises(ValidationError):
        validate_tax_code(code)


def test_the_check_digit_follows_the_weights():
    assert tax_check_digit("010010910") == 6
    # A remainder of 0 would need a check digit of 10: no such code exists.
    assert tax_check_digit("000000000") is None


def test_branch_codes_are_normalised_with_a_dash():
    assert normalise_tax_code("0100109106001") == "0100109106-001"
    assert normalise_tax_code(" 0100.109.106 ") == "0100109106"


def test_vsic_codes_have_two_to_five_digits():
    validate_vsic("1079")
    validate_vsic("10792")
    for bad in ("1", "107921", "C10"):
        with pytest.raises(ValidationError):
            validate_vsic(bad)
