"""Is the support concentrated on the key products? (docs/impact.md, "Concentration").

Year by year for a place: the khuyến công money (national and local: a project's state budget
lines shared among its beneficiaries, the support recorded for fairs, showrooms and brands)
and the establishments supported (projects of the year approved or later, activities of the
year), with the share of each that went to

- the province's **priority sectors** (``programmes.PrioritySector``, in force that year), and
- establishments holding a **certified typical product** (an award certificate of any level
  valid during that year).

The support events are the impact evaluation's (``impact._support_events``): one query per
table, then three more (establishments, priority sectors, certificates); sums in numpy."""

from __future__ import annotations

from typing import Any

import numpy as np

from khuyencong.core.formats import percent
from khuyencong.reports import impact


def by_year(
    provinces: tuple[str, ...] | None, first_year: int, last_year: int
) -> list[dict[str, Any]]:
    """``[{"year", "funds", "funds_priority", "funds_priority_percent", "funds_typical",
    "funds_typical_percent", "establishments", "establishments_priority",
    "establishments_priority_percent", "establishments_typical",
    "establishments_typical_percent"}]``, oldest year first; about eleven queries."""
    from khuyencong.awards.models import AwardEntry
    from khuyencong.programmes.models import PrioritySector
    from khuyencong.registry.models import Establishment

    support = impact._support_events(provinces, first_year, last_year)
    ids = sorted(set(support.establishment.tolist()))
    places: dict[int, str] = {}
    sectors: dict[int, str] = {}
    for pk, province_code, sector_code in Establishment.objects.filter(pk__in=ids).values_list(
        "pk", "province_id", "sector_id"
    ):
        places[pk], sectors[pk] = province_code, sector_code
    priorities = PrioritySector.objects.filter(first_year__lte=last_year)
    if provinces is not None:
        priorities = priorities.filter(province__in=provinces)
    priority_rows = list(
        priorities.values_list("province_id", "sector_id", "first_year", "last_year")
    )
    certificates = list(
        AwardEntry.objects.filter(
            establishment__in=ids,
            certified=True,
            issued_on__year__lte=last_year,
            valid_until__year__gte=first_year,
        ).values_list("establishment_id", "issued_on__year", "valid_until__year")
    )
    n = len(support.establishment)
    province = np.array([places.get(e, "") for e in support.establishment.tolist()], dtype=object)
    sector = np.array([sectors.get(e, "") for e in support.establishment.tolist()], dtype=object)
    in_priority = np.zeros(n, dtype=bool)
    for code, sector_code, first, last in priority_rows:
        in_priority |= (
            (province == code)
            & (sector == sector_code)
            & (support.year >= first)
            & (support.year <= (last or last_year))
        )
    typical = np.zeros(n, dtype=bool)
    for establishment, issued, valid in certificates:
        typical |= (
            (support.establishment == establishment)
            & (support.year >= issued)
            & (support.year <= valid)
        )
    rows = []
    for year in range(first_year, last_year + 1):
        of_year = support.year == year
        funds = float(support.amount[of_year].sum())
        funds_priority = float(support.amount[of_year & in_priority].sum())
        funds_typical = float(support.amount[of_year & typical].sum())
        supported = set(support.establishment[of_year].tolist())
        priority_ids = set(support.establishment[of_year & in_priority].tolist())
        typical_ids = set(support.establishment[of_year & typical].tolist())
        rows.append(
            {
                "year": year,
                "funds": round(funds),
                "funds_priority": round(funds_priority),
                "funds_priority_percent": percent(funds_priority, funds),
                "funds_typical": round(funds_typical),
                "funds_typical_percent": percent(funds_typical, funds),
                "establishments": len(supported),
                "establishments_priority": len(priority_ids),
                "establishments_priority_percent": percent(len(priority_ids), len(supported)),
                "establishments_typical": len(typical_ids),
                "establishments_typical_percent": percent(len(typical_ids), len(supported)),
            }
        )
    return rows
