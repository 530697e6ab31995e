"""Score sheets and results (DOMAIN.md: each judge scores independently out of 100; a
product is certified when the judges' average reaches the pass mark).

Arithmetic is exact: points are ``Decimal`` with at most two decimals, a sheet's total is
their sum, an entry's average is the sum of its sheets' totals divided by their number,
rounded half up to two decimals. ``70.00`` reaches a pass mark of 70; ``69.99`` does not.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from khuyencong.awards import certificates
from khuyencong.awards.dates import certificate_valid_until
from khuyencong.awards.errors import AwardError
from khuyencong.awards.models import AwardEntry, AwardRound, ScoreSheet
from khuyencong.core import dataversions

CENT = Decimal("0.01")
# The standard groups of the score sheet; a round may add its own with a name.
CRITERIA_LABELS = {
    "market": gettext_lazy("Market and growth potential"),
    "economic": gettext_lazy("Economic, technical, social and environmental"),
    "culture": gettext_lazy("Cultural and aesthetic value"),
    "other": gettext_lazy("Other criteria"),
}
CRITERIA_TOTAL = 100


def criterion_label(criterion: dict[str, Any]) -> str:
    return str(criterion.get("name") or CRITERIA_LABELS.get(criterion["code"], criterion["code"]))


class PointsError(AwardError):
    """Points refused for one criteria group (``group`` is its code)."""

    def __init__(self, message: str, *, group: str | None) -> None:
        super().__init__(message, field="points")
        self.group = group


def to_decimal(value: Any) -> Decimal | None:
    """A number as typed or sent (``35``, ``35.5``, ``"35,5"``) → Decimal; else ``None``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def clean_points(criteria: list[dict[str, Any]], points: Any) -> tuple[dict[str, Decimal], Decimal]:
    """Check a judge's points against the round's criteria groups: every group present, a
    number from 0 to the group's maximum with at most two decimals, no unknown group.
    Answers the points and their exact total; refuses naming the group."""
    if not isinstance(points, dict):
        raise PointsError(_("Give the points of each criteria group."), group=None)
    known = {c["code"] for c in criteria}
    unknown = sorted(str(code) for code in points if code not in known)
    if unknown:
        raise PointsError(
            _("“%(code)s” is not a criteria group of this round.") % {"code": unknown[0]},
            group=None,
        )
    cleaned: dict[str, Decimal] = {}
    for criterion in criteria:
        code = criterion["code"]
        label = criterion_label(criterion)
        maximum = Decimal(int(criterion["max_points"]))
        if points.get(code) in (None, ""):
            raise PointsError(
                _("%(group)s: the points of this group are missing.") % {"group": label},
                group=code,
            )
        number = to_decimal(points[code])
        if number is None:
            raise PointsError(_("%(group)s: enter a number.") % {"group": label}, group=code)
        if number < 0:
            raise PointsError(
                _("%(group)s: points cannot be negative.") % {"group": label}, group=code
            )
        if number > maximum:
            raise PointsError(
                _("%(group)s: at most %(max)s points (%(value)s given).")
                % {"group": label, "max": maximum, "value": number.normalize()},
                group=code,
            )
        if number != number.quantize(CENT):
            raise PointsError(_("%(group)s: at most two decimals.") % {"group": label}, group=code)
        cleaned[code] = number.quantize(CENT)
    return cleaned, sum(cleaned.values(), Decimal("0.00"))


def average(totals: list[Decimal]) -> Decimal | None:
    """The judges' average, rounded half up to two decimals; ``None`` without a sheet."""
    if not totals:
        return None
    return (sum(totals, Decimal(0)) / len(totals)).quantize(CENT, rounding=ROUND_HALF_UP)


def is_certified(value: Decimal | None, pass_mark: Decimal) -> bool:
    return value is not None and value >= pass_mark


def compute_results(round: AwardRound, closing_date: datetime.date, *, actor: Any) -> int:
    """Write every entry's result: number of sheets, average, certified or not, and for the
    certified ones the certificate number (sequential, highest average first), the issue
    date (the closing date) and the last day of validity. Answers the number certified.

    Called once, by the ``close`` step (``awards.workflow``): the results stay as written.
    """
    totals: dict[int, list[Decimal]] = defaultdict(list)
    for entry_id, total in ScoreSheet.objects.filter(round=round).values_list("entry_id", "total"):
        totals[entry_id].append(Decimal(total))
    entries = list(AwardEntry.objects.filter(round=round).order_by("id"))
    for entry in entries:
        sheets = totals.get(entry.pk, [])
        entry.sheet_count = len(sheets)
        entry.average = average(sheets)
        entry.certified = is_certified(entry.average, round.pass_mark)
        entry.certificate_number = ""
        entry.certificate_seq = None
        entry.issued_on = None
        entry.valid_until = None
        entry.version += 1
    winners = sorted((e for e in entries if e.certified), key=lambda e: (-(e.average or 0), e.pk))
    for seq, entry in enumerate(winners, start=1):
        entry.certificate_seq = seq
        entry.certificate_number = certificates.certificate_number(round, seq, closing_date)
        entry.issued_on = closing_date
        entry.valid_until = certificate_valid_until(closing_date)
    bulk_update_with_history(
        entries,
        AwardEntry,
        [
            "sheet_count",
            "average",
            "certified",
            "certificate_number",
            "certificate_seq",
            "issued_on",
            "valid_until",
            "version",
        ],
        default_user=actor,
    )
    dataversions.changed(AwardEntry, entries)  # no save signals (cached report figures)
    return len(winners)
