"""Certificates: their numbers, their validity, the "valid on a date" query used by the
level-below rule and by the public catalogue, and the award history of an establishment or
a product.

Certificate number: ``<n>/<year>/CNNT-<place>``, ``n`` counting the round's certified
entries from 1 (highest average first), ``year`` the year of issue, ``place``:

- province round: the province code — ``12/2026/CNNT-66``;
- district round (before 2025): the province code, ``H`` and the district code —
  ``5/2023/CNNT-66-H651`` (``HR`` and the round's id when the district was not recorded);
- region round: ``KV-`` and the region code — ``3/2024/CNNT-KV-TNTN``;
- national round: ``QG`` — ``1/2026/CNNT-QG``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from khuyencong.awards.models import AwardEntry, AwardRound, Level

# The level whose certificate a product needs to enter a round (DOMAIN.md). Province
# rounds need none since districts were abolished; district rounds were the first step.
LEVEL_BELOW: dict[str, Level] = {Level.REGION: Level.PROVINCE, Level.NATIONAL: Level.REGION}


def place_code(round: AwardRound) -> str:
    if round.level == Level.NATIONAL:
        return "QG"
    if round.level == Level.REGION:
        return f"KV-{(round.region_id or '').upper()}"
    if round.level == Level.DISTRICT:
        district = round.legacy_district_id or f"R{round.pk}"
        return f"{round.province_id}-H{district}"
    return str(round.province_id)


def certificate_number(round: AwardRound, seq: int, issued_on: datetime.date) -> str:
    return f"{seq}/{issued_on.year}/CNNT-{place_code(round)}"


def valid_on_q(day: datetime.date, prefix: str = "") -> Q:
    """Entries whose certificate is valid on ``day`` (from issue to its last day included)."""
    return Q(
        **{
            f"{prefix}certified": True,
            f"{prefix}issued_on__lte": day,
            f"{prefix}valid_until__gte": day,
        }
    )


def certificates_valid_on(
    day: datetime.date, *, level: str | None = None, queryset: QuerySet[AwardEntry] | None = None
) -> QuerySet[AwardEntry]:
    """Certified entries whose certificate is valid on ``day``, at one level or all."""
    entries = AwardEntry.objects.all() if queryset is None else queryset
    entries = entries.filter(valid_on_q(day))
    if level is not None:
        entries = entries.filter(round__level=level)
    return entries


def same_product_q(*, establishment_id: int, product_id: int | None, search_name: str) -> Q:
    """Entries of the same product: the same registered product, or the same normalised
    product name of the same establishment (entries made without a registered product)."""
    condition = Q(establishment_id=establishment_id, search_name=search_name)
    if product_id is not None:
        condition |= Q(product_id=product_id)
    return condition


def reference_date(round: AwardRound) -> datetime.date:
    """The day a lower certificate must be valid on to enter ``round``: its closing date,
    or 31 December of its year while the closing date is not set."""
    return round.closing_date or datetime.date(round.year, 12, 31)


def find_valid_certificate(
    *,
    establishment_id: int,
    product_id: int | None,
    search_name: str,
    level: str,
    on: datetime.date,
) -> AwardEntry | None:
    """The product's certificate of ``level`` valid on ``on`` (the most recent), if any."""
    return (
        certificates_valid_on(on, level=level)
        .filter(
            same_product_q(
                establishment_id=establishment_id, product_id=product_id, search_name=search_name
            )
        )
        .select_related("round")
        .order_by("-issued_on", "-id")
        .first()
    )


def latest_certificate(
    *, establishment_id: int, product_id: int | None, search_name: str, level: str
) -> AwardEntry | None:
    """The product's most recent certificate of ``level`` whatever its validity: to explain
    a refusal ("expired on …")."""
    return (
        AwardEntry.objects.filter(certified=True, round__level=level)
        .filter(
            same_product_q(
                establishment_id=establishment_id, product_id=product_id, search_name=search_name
            )
        )
        .order_by("-issued_on", "-id")
        .first()
    )


def history(entries: QuerySet[AwardEntry]) -> QuerySet[AwardEntry]:
    """Award history rows (level, year, average, certificate, valid until), newest first."""
    return (
        entries.select_related("round", "round__province", "round__region")
        .annotate(level_rank=level_rank("round__level"))
        .order_by("-round__year", "-level_rank", "-id")
    )


def level_rank(field: str = "level") -> Case:
    """District 1, province 2, region 3, national 4: to sort by level in the database."""
    return Case(
        *[When(**{field: code}, then=Value(rank)) for rank, code in enumerate(Level.values, 1)],
        default=Value(0),
        output_field=IntegerField(),
    )


def establishment_history(establishment: Any, entries: QuerySet[AwardEntry]) -> QuerySet[Any]:
    return history(entries.filter(establishment=establishment))


def product_history(product: Any, entries: QuerySet[AwardEntry]) -> QuerySet[AwardEntry]:
    """A registered product's entries, including those made under its name without naming
    the registered product."""
    from khuyencong.core.text import normalise

    return history(
        entries.filter(
            same_product_q(
                establishment_id=product.establishment_id,
                product_id=product.pk,
                search_name=normalise(product.name),
            )
        )
    )
