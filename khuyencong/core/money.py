"""Money as officers write it, and as contracts read it back.

``parse_money`` reads what a person types into a money field — "1.250.000.000",
"1 250 000 000", "1,25 tỷ", "1.5 tỷ", "350 triệu", "350tr", "1 tỷ 250 triệu", "500 nghìn",
with or without "đồng"/"đ" — and answers an integer number of đồng, or raises
``ValueError`` with a message that says what to write instead.

``amount_in_words`` writes an amount the way contracts and decisions do ("Bằng chữ: Một tỷ
hai trăm năm mươi triệu đồng").
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# Units officers write after a number, without accents too (typed on a phone).
UNITS = {
    "nghìn tỷ": 10**12,
    "ngàn tỷ": 10**12,
    "tỷ": 10**9,
    "tỉ": 10**9,
    "ty": 10**9,
    "ti": 10**9,
    "triệu": 10**6,
    "trieu": 10**6,
    "tr": 10**6,
    "nghìn": 10**3,
    "ngàn": 10**3,
    "nghin": 10**3,
    "ngan": 10**3,
    "k": 10**3,
}
_UNIT_PATTERN = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
# One "number unit" part: "1,25 tỷ", "350tr", "1.250 triệu".
_PART = re.compile(rf"\s*(?P<number>\d[\d.,]*)\s*(?P<unit>{_UNIT_PATTERN})?(?![\w])", re.UNICODE)
_CURRENCY = re.compile(r"\s*(đồng|dong|đ|d|vnđ|vnd)\s*\.?$", re.IGNORECASE)
# Digits grouped by three with one separator throughout: "1.250.000" or "1,250,000".
_GROUPED = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")


def _example() -> str:
    return _("Write the amount in đồng, for example 1.250.000.000, 1,25 tỷ or 350 triệu.")


def _number(text: str, *, with_unit: bool) -> Decimal:
    """The number of one part. Dots or commas grouping by three are thousands (money has
    no fraction of a đồng); before a unit, one comma or dot otherwise marks decimals."""
    spaced = text.replace(" ", "")
    if spaced.isdigit():
        return Decimal(spaced)
    if _GROUPED.match(spaced):
        return Decimal(re.sub(r"[.,]", "", spaced))
    if with_unit and re.fullmatch(r"\d+[.,]\d+", spaced):
        return Decimal(spaced.replace(",", "."))
    if not with_unit and re.fullmatch(r"\d+[.,]\d+", spaced):
        raise ValueError(
            _(
                "%(value)s is not a whole number of đồng: write the unit after a decimal "
                "(1,25 tỷ) or group the digits by three (1.250.000)."
            )
            % {"value": text}
        )
    raise ValueError(_example())


def parse_money(text: str | int | None) -> int | None:
    """What was typed → an integer number of đồng (None for an empty field)."""
    if text is None:
        return None
    if isinstance(text, int):
        return text
    value = unicodedata.normalize("NFC", str(text)).strip().lower()
    if not value:
        return None
    if value.startswith("-"):
        raise ValueError(_("An amount cannot be negative."))
    value = _CURRENCY.sub("", value).strip()
    # Spaces inside a grouped number ("1 250 000") are grouping, not two parts.
    value = re.sub(r"(?<=\d) (?=\d{3}\b)", "", value)
    parts = []
    position = 0
    while position < len(value):
        match = _PART.match(value, position)
        if not match or match.end() == position:
            raise ValueError(_example())
        parts.append((match.group("number"), match.group("unit")))
        position = match.end()
        while position < len(value) and value[position] == " ":
            position += 1
    if not parts:
        raise ValueError(_example())
    if any(unit is None for _number_text, unit in parts[:-1]):
        raise ValueError(_example())
    total = Decimal(0)
    previous_unit = None
    for number, unit in parts:
        factor = UNITS[unit] if unit else 1
        if previous_unit is not None and factor >= previous_unit:
            # "250 triệu 1 tỷ": units must go down, as they are read.
            raise ValueError(_example())
        previous_unit = factor
        try:
            total += _number(number, with_unit=unit is not None) * factor
        except InvalidOperation as exc:
            raise ValueError(_example()) from exc
    if total != total.to_integral_value():
        raise ValueError(
            _("%(value)s comes to a fraction of a đồng: give fewer decimals.") % {"value": text}
        )
    return int(total)


DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _three(group: int, *, leading: bool) -> list[str]:
    """A group of three digits as read inside a larger number."""
    hundreds, tens, units = group // 100, group // 10 % 10, group % 10
    words: list[str] = []
    if hundreds or not leading:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        else:
            words.append(DIGITS[units])
    return words


def _words(amount: int) -> list[str]:
    if amount >= 10**9 * 1000:
        high, low = divmod(amount, 10**9)
        words = [*_words(high), "tỷ"]
        if low:
            words += _below_billion(low, leading=False)
        return words
    return _below_billion(amount, leading=True)


def _below_billion(amount: int, *, leading: bool) -> list[str]:
    names = ["", "nghìn", "triệu", "tỷ"]
    groups = []
    while amount:
        amount, group = divmod(amount, 1000)
        groups.append(group)
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if not group:
            continue
        first = leading and not words
        words += _three(group, leading=first)
        if names[index]:
            words.append(names[index])
    return words


def amount_in_words(amount: int | None) -> str:
    """1250000000 → "Một tỷ hai trăm năm mươi triệu đồng" (Vietnamese, as on a contract)."""
    if amount is None:
        return ""
    if amount < 0:
        return "Âm " + amount_in_words(-amount)[0].lower() + amount_in_words(-amount)[1:]
    words = _words(amount) if amount else ["không"]
    text = " ".join([*words, "đồng"])
    return text[0].upper() + text[1:]
