"""Vietnamese display of numbers and money. Money is always an integer number of đồng."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

MILLION = 1_000_000
BILLION = 1_000_000_000


def _separators() -> tuple[str, str]:
    """(thousands, decimal) separators of the active language."""
    if (get_language() or "vi").startswith("en"):
        return ",", "."
    return ".", ","


def format_number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """1234567 → "1.234.567"; 81.25 with decimals=1 → "81,3" (Vietnamese)."""
    if value is None:
        return "–"
    thousands, decimal = _separators()
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    integer, _dot, fraction = f"{abs(rounded):f}".partition(".")
    grouped = f"{int(integer):,}".replace(",", thousands)
    if fraction and decimals:
        fraction = fraction.rstrip("0")
        if fraction:
            return f"{sign}{grouped}{decimal}{fraction}"
    return f"{sign}{grouped}"


def format_vnd(amount: int | None) -> str:
    """Exact amount: 75430000000 → "75.430.000.000 đ"."""
    if amount is None:
        return "–"
    return _("%(amount)s đ") % {"amount": format_number(amount)}


def format_money(amount: int | None) -> str:
    """Amount the way reports write it: "75.430 triệu đồng", "42,7 tỷ đồng".

    Below one billion: millions (rounded to one decimal where needed); from 100 billion on,
    reports still say "tỷ" with up to one decimal.
    """
    if amount is None:
        return "–"
    if (abs(amount) >= BILLION and amount % (BILLION // 10) == 0) or abs(amount) >= 100 * BILLION:
        return _("%(amount)s billion đồng") % {
            "amount": format_number(Decimal(amount) / BILLION, decimals=1)
        }
    if abs(amount) >= MILLION:
        return _("%(amount)s million đồng") % {
            "amount": format_number(Decimal(amount) / MILLION, decimals=1)
        }
    return _("%(amount)s đồng") % {"amount": format_number(amount)}


def percent(
    part: int | float | Decimal | None, whole: int | float | Decimal | None
) -> float | None:
    """``part`` as a percentage of ``whole`` with one decimal, rounded half up (81,25 →
    81,3, as reports write it); None when either is missing or ``whole`` is zero. The one
    rule for every share the product shows (employment, needs met, coverage, % of plan)."""
    if part is None or whole is None or whole == 0:
        return None
    ratio = Decimal(str(part)) * 100 / Decimal(str(whole))
    return float(ratio.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
