"""Activity figures of a period, for the reports app and the overview (API.md, indicator
codes). Database aggregates only: one query per kind, whatever the number of records.

Which date places a record in the period (both ends included):

| code | counts | date |
| --- | --- | --- |
| ``trainees.count`` | participants of the courses | the course's end |
| ``trainees.employed_percent`` | employed / participants, over the courses whose employed count is known; one decimal; None when none is known | the course's end |
| ``fairs.participations`` | participation rows ("lượt") | the fair's opening |
| ``fairs.establishments`` | distinct establishments among them | the fair's opening |
| ``showrooms.count`` | showrooms | opening |
| ``brands.count`` | brand registrations (any status) | filing |
| ``consulting.contracts`` | contracts, except cancelled ones | signing |
| ``consulting.revenue`` | receipts dated in the period, plus the value of contracts signed in the period that have no receipt and were not cancelled (đồng) | receipt / signing |
| ``workshops.count``, ``workshops.attendees`` | workshops and conferences, their attendees | the day held |
| ``communications.count`` | communication items | their date |

``establishment_ids`` gives the distinct establishments involved in any activity of the
period, to be counted together with project beneficiaries (rule 6: establishments and
participations are counted separately).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear

from khuyencong.activities.models import (
    BrandRegistration,
    CommunicationItem,
    ConsultingContract,
    ConsultingReceipt,
    FairParticipation,
    Showroom,
    Trainee,
    TrainingCourse,
    Workshop,
    percent,
)

CODES = (
    "trainees.count",
    "trainees.employed_percent",
    "fairs.participations",
    "fairs.establishments",
    "showrooms.count",
    "brands.count",
    "consulting.contracts",
    "consulting.revenue",
    "workshops.count",
    "workshops.attendees",
    "communications.count",
)
CANCELLED = ConsultingContract.Status.CANCELLED


def _where(
    date_field: str, start: datetime.date, end: datetime.date, provinces: Any, prefix: str = ""
) -> Q:
    condition = Q(**{f"{prefix}{date_field}__gte": start, f"{prefix}{date_field}__lte": end})
    if provinces is not None:
        condition &= Q(**{f"{prefix}province__in": list(provinces)})
    return condition


def employment(courses: QuerySet[TrainingCourse]) -> dict[str, Any]:
    """Participants, and the share employed over the courses whose outcome is known."""
    known = Q(employed_after__isnull=False)
    # Aliases differ from the field names: an aggregate may not shadow a field it sums.
    row = courses.aggregate(
        n_courses=Count("pk"),
        n_participants=Coalesce(Sum("participants"), 0),
        n_known_participants=Coalesce(Sum("participants", filter=known), 0),
        n_employed=Coalesce(Sum("employed_after", filter=known), 0),
        n_known_courses=Count("pk", filter=known),
    )
    totals = {key.removeprefix("n_"): value for key, value in row.items()}
    totals["employed_percent"] = (
        percent(totals["employed"], totals["known_participants"])
        if totals["known_courses"]
        else None
    )
    return totals


def consulting_revenue(
    contracts: QuerySet[ConsultingContract], start: datetime.date, end: datetime.date
) -> int:
    """Revenue of a period from these contracts (see the module's table)."""
    received = ConsultingReceipt.objects.filter(
        contract__in=contracts.values("pk"), date__gte=start, date__lte=end
    ).aggregate(total=Coalesce(Sum("amount"), 0))["total"]
    by_value = (
        contracts.filter(signed_on__gte=start, signed_on__lte=end, receipts__isnull=True)
        .exclude(status=CANCELLED)
        .aggregate(total=Coalesce(Sum("value"), 0))["total"]
    )
    return int(received) + int(by_value)


def revenue_by_year(contracts: QuerySet[ConsultingContract]) -> list[dict[str, int]]:
    """``[{"year", "received", "by_value", "total"}]``, oldest year first: receipts by their
    year, contracts without receipts by the year they were signed (two grouped queries)."""
    years: dict[int, dict[str, int]] = {}
    received = (
        ConsultingReceipt.objects.filter(contract__in=contracts.values("pk"))
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in received:
        years.setdefault(row["year"], {"received": 0, "by_value": 0})["received"] = row["total"]
    by_value = (
        contracts.filter(receipts__isnull=True)
        .exclude(status=CANCELLED)
        .annotate(year=ExtractYear("signed_on"))
        .values("year")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for row in by_value:
        years.setdefault(row["year"], {"received": 0, "by_value": 0})["by_value"] = row["total"]
    return [
        {"year": year, **parts, "total": parts["received"] + parts["by_value"]}
        for year, parts in sorted(years.items())
    ]


def values(
    *, start: datetime.date, end: datetime.date, provinces: Iterable[str] | None = None
) -> dict[str, int | float | None]:
    """Every activity indicator of the period ``start``–``end`` (both included), over the
    given province codes (all provinces when None)."""
    if provinces is not None:
        provinces = [str(code) for code in provinces]
    training = employment(TrainingCourse.objects.filter(_where("end_date", start, end, provinces)))
    fairs = FairParticipation.objects.filter(
        _where("start_date", start, end, provinces, prefix="fair__")
    ).aggregate(rows=Count("pk"), establishments=Count("establishment", distinct=True))
    contracts = ConsultingContract.objects.all()
    if provinces is not None:
        contracts = contracts.filter(province__in=provinces)
    workshops = Workshop.objects.filter(_where("date", start, end, provinces)).aggregate(
        n=Count("pk"), attendees=Coalesce(Sum("attendees"), 0)
    )
    return {
        "trainees.count": training["participants"],
        "trainees.employed_percent": training["employed_percent"],
        "fairs.participations": fairs["rows"],
        "fairs.establishments": fairs["establishments"],
        "showrooms.count": Showroom.objects.filter(
            _where("opened_on", start, end, provinces)
        ).count(),
        "brands.count": BrandRegistration.objects.filter(
            _where("filed_on", start, end, provinces)
        ).count(),
        "consulting.contracts": contracts.filter(_where("signed_on", start, end, None))
        .exclude(status=CANCELLED)
        .count(),
        "consulting.revenue": consulting_revenue(contracts, start, end),
        "workshops.count": workshops["n"],
        "workshops.attendees": workshops["attendees"],
        "communications.count": CommunicationItem.objects.filter(
            _where("date", start, end, provinces)
        ).count(),
    }


def establishment_ids(
    *, start: datetime.date, end: datetime.date, provinces: Iterable[str] | None = None
) -> QuerySet[Any]:
    """Distinct ids (column ``establishment_id``) of the establishments that took part in
    an activity of the period: fairs, showrooms, brands, trainees' establishments,
    workshops and consulting clients. A UNION query, usable as
    ``Establishment.objects.filter(pk__in=establishment_ids(...))`` or combined with other
    ``values("establishment_id")`` querysets (``.union(...)``) before counting."""
    if provinces is not None:
        provinces = [str(code) for code in provinces]
    through = Workshop.establishments.through
    parts = [
        FairParticipation.objects.filter(
            _where("start_date", start, end, provinces, prefix="fair__")
        ).values("establishment_id"),
        Showroom.objects.filter(_where("opened_on", start, end, provinces)).values(
            "establishment_id"
        ),
        BrandRegistration.objects.filter(_where("filed_on", start, end, provinces)).values(
            "establishment_id"
        ),
        Trainee.objects.filter(
            _where("end_date", start, end, provinces, prefix="course__"),
            establishment__isnull=False,
        ).values("establishment_id"),
        through.objects.filter(_where("date", start, end, provinces, prefix="workshop__")).values(
            "establishment_id"
        ),
        ConsultingContract.objects.filter(
            _where("signed_on", start, end, provinces), client_establishment__isnull=False
        )
        .exclude(status=CANCELLED)
        .values(establishment_id=F("client_establishment_id")),
    ]
    first, *others = (part.order_by() for part in parts)
    return first.union(*others)
