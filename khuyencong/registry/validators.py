"""Vietnamese identifiers: tax codes (mã số thuế) and VSIC 2018 industry codes."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Weights of the check digit of a 10-digit tax code (Thông tư 105/2020/TT-BTC practice).
_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
# ASCII digits only (``\d`` would also match Arabic-Indic or full-width digits).
_TAX_10 = re.compile(r"^[0-9]{10}\Z")
_TAX_13 = re.compile(r"^([0-9]{10})-?([0-9]{3})\Z")
_PERSONAL_12 = re.compile(r"^[0-9]{12}\Z")
_VSIC = re.compile(r"^[0-9]{2,5}\Z")


def tax_check_digit(first_nine: str) -> int | None:
    """The 10th digit for these nine, or None when no valid code starts with them."""
    total = sum(int(d) * w for d, w in zip(first_nine, _TAX_WEIGHTS, strict=True))
    digit = 10 - total % 11
    # A remainder of 0 would need a check digit of 10: no code is issued with those nine.
    return None if digit == 10 else digit


def normalise_tax_code(value: str) -> str:
    """Strip spaces and dots people type; keep the branch dash in canonical form. Digits of
    another script (full-width ０１…, typed on some phones) become the ASCII ones, so a code is
    stored, searched and exported one way."""
    compact = re.sub(r"[\s.]", "", value or "")
    if not compact.isascii():  # ASCII digits are already themselves
        compact = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in compact)
    branch = _TAX_13.match(compact)
    if branch:
        return f"{branch.group(1)}-{branch.group(2)}"
    return compact


def validate_tax_code(value: str) -> None:
    """Accept a 10-digit code with a valid check digit, a 13-digit branch code
    (10 digits, dash, 3 digits from 001) or, since 1/7/2025, the 12-digit personal
    identification number that household businesses use as their tax code."""
    code = normalise_tax_code(value)
    if _PERSONAL_12.match(code):
        return
    branch = _TAX_13.match(code)
    main = branch.group(1) if branch else code
    if not _TAX_10.match(main):
        raise ValidationError(
            _(
                "A tax code has 10 digits, 13 for a branch (0101234567-001), "
                "or is a 12-digit personal identification number."
            ),
            code="tax_code_format",
        )
    if tax_check_digit(main[:9]) != int(main[9]):
        raise ValidationError(
            _("The tax code %(code)s has a wrong check digit: please check it again."),
            code="tax_code_check_digit",
            params={"code": main},
        )
    if branch and branch.group(2) == "000":
        raise ValidationError(_("A branch suffix runs from 001 to 999."), code="tax_code_branch")


def validate_vsic(value: str) -> None:
    if value and not _VSIC.match(value):
        raise ValidationError(
            _("A VSIC 2018 code has 2 to 5 digits (e.g. 1079 or 10792)."), code="vsic_format"
        )
