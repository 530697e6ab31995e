"""A year's activities as the user sees them (scoped): one aggregate query per kind, for
the activities index and the overview page's section."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from khuyencong.activities import access, indicators
from khuyencong.activities.models import (
    BrandRegistration,
    CommunicationItem,
    ConsultingContract,
    Fair,
    Showroom,
    TrainingCourse,
    Workshop,
)


def _renamed(row: dict[str, Any]) -> dict[str, Any]:
    # Aggregate aliases may not shadow a relation they count: "n_participations" →
    # "participations".
    return {key.removeprefix("n_"): value for key, value in row.items()}


def year_summary(user: Any, year: int, province_id: str | None = None) -> dict[str, Any]:
    """Counts of the year per kind, placed by each kind's date, within the user's scope
    (and one province when given)."""

    def scoped(model: Any) -> Any:
        queryset = access.records_for(user, model)
        return queryset.filter(province_id=province_id) if province_id else queryset

    def of_year(model: Any) -> Any:
        return scoped(model).filter(**{f"{model.PERIOD_FIELD}__year": year})

    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    signed = Q(signed_on__gte=start, signed_on__lte=end) & ~Q(
        status=ConsultingContract.Status.CANCELLED
    )
    # One query: receipts of the year (any contract) and values of the year's contracts
    # without receipts; a contract without receipts has one joined row, so no double count.
    consulting = scoped(ConsultingContract).aggregate(
        contracts=Count("pk", filter=signed, distinct=True),
        received=Coalesce(
            Sum("receipts__amount", filter=Q(receipts__date__gte=start, receipts__date__lte=end)),
            0,
        ),
        by_value=Coalesce(Sum("value", filter=signed & Q(receipts__isnull=True)), 0),
    )
    return {
        "year": year,
        "trainings": indicators.employment(of_year(TrainingCourse)),
        "fairs": _renamed(
            of_year(Fair).aggregate(
                n_fairs=Count("pk", distinct=True),
                n_participations=Count("participations"),
                n_establishments=Count("participations__establishment", distinct=True),
            )
        ),
        "showrooms": of_year(Showroom).aggregate(
            n=Count("pk"), supported=Coalesce(Sum("supported_amount"), 0)
        ),
        "brands": of_year(BrandRegistration).aggregate(
            n=Count("pk"),
            granted=Count("pk", filter=Q(status=BrandRegistration.Status.GRANTED)),
        ),
        "consulting": {
            "contracts": consulting["contracts"],
            "revenue": consulting["received"] + consulting["by_value"],
        },
        "communications": of_year(CommunicationItem).aggregate(
            n=Count("pk"), cost=Coalesce(Sum("cost"), 0)
        ),
        "workshops": of_year(Workshop).aggregate(
            n=Count("pk"), attendees=Coalesce(Sum("attendees"), 0)
        ),
    }
