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
| ``workshops.count``, ``workshops.attendees`` | workshops and conferences (not study tours), their attendees | the day held |
| ``communications.count`` | communication items | their date |

``establishment_ids`` gives the distinct establishments involved in any activity of the
period, to be counted together with project beneficiaries (rule 6: establishments and
participations are counted separately).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce, ExtractYear

from khuyencong.activities.models import (
    STUDY_TOURS,
    BrandRegistration,
    CommunicationItem,
    ConsultingContract,
    ConsultingReceipt,
    Fair,
    FairParticipation,
    Showroom,
    StaffCount,
    Trainee,
    TrainingCourse,
    Workshop,
    percent,
)
from khuyencong.core.querying import Rows, compiled, scalars

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
    *,
    start: datetime.date,
    end: datetime.date,
    provinces: Iterable[str] | None = None,
    establishments_with: QuerySet[Any] | None = None,
) -> dict[str, int | float | None]:
    """Every activity indicator of the period ``start``–``end`` (both included), over the
    given province codes (all provinces when None).

    With ``establishments_with`` (a ``values("establishment_id")`` queryset, e.g. the
    beneficiaries of the projects of the period), also ``establishments``: the distinct
    establishments among those and the activities' (``establishment_ids``), in the same
    statement, the fair participations of the period read once for it and for the fair
    figures."""
    if provinces is not None:
        provinces = [str(code) for code in provinces]
    courses = TrainingCourse.objects.filter(_where("end_date", start, end, provinces))
    contracts = ConsultingContract.objects.all()
    if provinces is not None:
        contracts = contracts.filter(province__in=provinces)
    signed = contracts.filter(_where("signed_on", start, end, None)).exclude(status=CANCELLED)
    receipts = ConsultingReceipt.objects.filter(date__gte=start, date__lte=end)
    if provinces is not None:  # every receipt has its contract: no join for the country
        receipts = receipts.filter(contract__in=contracts.values("pk"))
    workshops = Workshop.objects.filter(_where("date", start, end, provinces)).exclude(
        kind__in=STUDY_TOURS
    )
    fair_rows = FairParticipation.objects.filter(
        _where("start_date", start, end, provinces, prefix="fair__")
    )
    fair_figures: dict[str, tuple[str, Any]] = {
        "fairs.participations": ("rows", "pk"),
        "fairs.establishments": ("distinct", "establishment_id"),
    }
    fairs: tuple[QuerySet[Any] | Rows, dict[str, tuple[str, Any]]] = (fair_rows, fair_figures)
    shared: dict[str, QuerySet[Any]] = {}
    supported: list[tuple[QuerySet[Any] | Rows, dict[str, tuple[str, Any]]]] = []
    if establishments_with is not None:
        others: list[tuple[str, tuple[Any, ...]]] | None
        try:
            others = [
                compiled(part)
                for part in [establishments_with, *_establishment_parts(start, end, provinces)[1:]]
            ]
        except EmptyResultSet:  # ``province__in=[]``: counted apart (``establishment_ids``)
            others = None
        if others is not None:
            # The participations once (``shared``), for the fair figures and the union.
            shared["fair_rows"] = fair_rows.values("establishment_id")
            fairs = (
                Rows("SELECT establishment_id AS v0, establishment_id AS v1 FROM fair_rows"),
                fair_figures,
            )
            union = " UNION ".join(
                ["SELECT establishment_id FROM fair_rows", *(sql for sql, _p in others)]
            )
            supported = [
                (
                    Rows(
                        f"SELECT establishment_id AS v0 FROM ({union}) u",  # noqa: S608 (compiled SQL, bound parameters)
                        tuple(param for _sql, params in others for param in params),
                    ),
                    {"establishments": ("rows", None)},
                )
            ]
    # Every figure in one statement of scalar subqueries (same rules as ``employment`` for
    # the training figures and ``consulting_revenue`` for the revenue).
    found = scalars(
        [
            (
                courses,
                {
                    "participants": ("sum", "participants"),
                    "known_participants": (
                        "sum",
                        Case(When(employed_after__isnull=False, then=F("participants"))),
                    ),
                    "employed": ("sum", "employed_after"),
                    "known_courses": ("count", "employed_after"),
                },
            ),
            fairs,
            (
                Showroom.objects.filter(_where("opened_on", start, end, provinces)),
                {"showrooms.count": ("rows", "pk")},
            ),
            (
                BrandRegistration.objects.filter(_where("filed_on", start, end, provinces)),
                {"brands.count": ("rows", "pk")},
            ),
            (signed, {"consulting.contracts": ("rows", "pk")}),
            (receipts, {"received": ("sum", "amount")}),
            (signed.filter(receipts__isnull=True), {"by_value": ("sum", "value")}),
            (
                workshops,
                {"workshops.count": ("rows", "pk"), "workshops.attendees": ("sum", "attendees")},
            ),
            (
                CommunicationItem.objects.filter(_where("date", start, end, provinces)),
                {"communications.count": ("rows", "pk")},
            ),
            *supported,
        ],
        shared,
    )
    if establishments_with is not None and not supported:
        found["establishments"] = (
            establishments_with.order_by()
            .union(establishment_ids(start=start, end=end, provinces=provinces))
            .count()
        )
    return {
        "trainees.count": found["participants"],
        "trainees.employed_percent": (
            percent(found["employed"], found["known_participants"])
            if found["known_courses"]
            else None
        ),
        "fairs.participations": found["fairs.participations"],
        "fairs.establishments": found["fairs.establishments"],
        "showrooms.count": found["showrooms.count"],
        "brands.count": found["brands.count"],
        "consulting.contracts": found["consulting.contracts"],
        "consulting.revenue": found["received"] + found["by_value"],
        "workshops.count": found["workshops.count"],
        "workshops.attendees": found["workshops.attendees"],
        "communications.count": found["communications.count"],
        **({"establishments": found["establishments"]} if establishments_with is not None else {}),
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
    first, *others = _establishment_parts(start, end, provinces)
    return first.union(*others)


def _establishment_parts(
    start: datetime.date, end: datetime.date, provinces: list[str] | None
) -> list[QuerySet[Any]]:
    """The parts of ``establishment_ids``, unordered, the fair participations first."""
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
    return [part.order_by() for part in parts]


# --- the official results form, by programme ------------------------------------------------

# Communication kinds that are broadcasts (TV and radio programmes); the others are
# publications (articles, bulletins, panels, handbooks, web pages).
BROADCASTS = (CommunicationItem.Kind.TV, CommunicationItem.Kind.RADIO)
TOPIC_ROWS = {
    TrainingCourse.Topic.VOCATIONAL: "training.vocational",
    TrainingCourse.Topic.UPSKILLING: "training.upskilling",
    TrainingCourse.Topic.STARTUP: "training.startup",
    TrainingCourse.Topic.MANAGEMENT: "training.management",
    TrainingCourse.Topic.COLLABORATOR: "staff_training.persons",
}
# The rows of the results form these records answer (docs/reports.md, "The official forms").
PROGRAMME_ROWS = (
    "training.vocational",
    "training.vocational.employed",
    "training.upskilling",
    "training.startup",
    "training.management",
    "workshops.count",
    "study_tours.domestic.groups",
    "study_tours.domestic.persons",
    "study_tours.abroad.groups",
    "study_tours.abroad.persons",
    "fairs.organised",
    "fairs.booths",
    "fairs.establishments",
    "brands.establishments",
    "consulting.establishments",
    "communication.publications",
    "communication.broadcasts",
    "staff_training.classes",
    "staff_training.persons",
)


def programme_of(prefix: str = "") -> Case:
    """The programme a record counts under: its project's funding level, else its own
    (shared/API.md, "Official report forms")."""
    return Case(
        When(
            **{f"{prefix}project__isnull": False},
            then=F(f"{prefix}project__funding_level"),
        ),
        default=F(f"{prefix}funding_level"),
        output_field=CharField(),
    )


def _place(
    date_field: str,
    start: datetime.date,
    end: datetime.date,
    provinces: Any,
    communes: Any,
    prefix: str = "",
) -> Q:
    condition = _where(date_field, start, end, provinces, prefix)
    if communes is not None:
        condition &= Q(**{f"{prefix}commune__in": list(communes)})
    return condition


def programme_values(
    *,
    start: datetime.date,
    end: datetime.date,
    provinces: Iterable[str] | None = None,
    communes: Iterable[str] | None = None,
) -> dict[str, dict[str, int]]:
    """The results-form rows the activities answer (``PROGRAMME_ROWS``), each as
    ``{"national": n, "local": n}``: an activity counts under its project's programme, else
    its own. Below province level only the records placed in the ``communes`` count. Seven
    grouped queries whatever the number of records or provinces."""
    if provinces is not None:
        provinces = [str(code) for code in provinces]
    if communes is not None:
        communes = [str(code) for code in communes]
    out: dict[str, dict[str, int]] = {row: {"national": 0, "local": 0} for row in PROGRAMME_ROWS}

    def add(row: str, level: str | None, value: Any) -> None:
        if level in ("national", "local") and value:
            out[row][level] += int(value)

    courses = (
        TrainingCourse.objects.filter(_place("end_date", start, end, provinces, communes))
        .annotate(programme=programme_of())
        .values("topic", "programme")
        .annotate(
            n=Count("pk"),
            people=Coalesce(Sum("participants"), 0),
            employed=Coalesce(Sum("employed_after"), 0),
        )
        .order_by()
    )
    for row in courses:
        if row["topic"] in TOPIC_ROWS:
            add(TOPIC_ROWS[row["topic"]], row["programme"], row["people"])
        if row["topic"] == TrainingCourse.Topic.VOCATIONAL:
            add("training.vocational.employed", row["programme"], row["employed"])
        if row["topic"] == TrainingCourse.Topic.COLLABORATOR:
            add("staff_training.classes", row["programme"], row["n"])
    workshops = (
        Workshop.objects.filter(_place("date", start, end, provinces, communes))
        .annotate(programme=programme_of())
        .values("kind", "programme")
        .annotate(n=Count("pk"), people=Coalesce(Sum("attendees"), 0))
        .order_by()
    )
    for row in workshops:
        if row["kind"] == Workshop.Kind.STUDY_TOUR:
            add("study_tours.domestic.groups", row["programme"], row["n"])
            add("study_tours.domestic.persons", row["programme"], row["people"])
        elif row["kind"] == Workshop.Kind.STUDY_TOUR_ABROAD:
            add("study_tours.abroad.groups", row["programme"], row["n"])
            add("study_tours.abroad.persons", row["programme"], row["people"])
        else:
            add("workshops.count", row["programme"], row["n"])
    organised = (
        Fair.objects.filter(_place("start_date", start, end, provinces, communes), organised=True)
        .annotate(programme=programme_of())
        .values("programme")
        .annotate(n=Count("pk"), booths_total=Coalesce(Sum("booths"), 0))
        .order_by()
    )
    for row in organised:
        add("fairs.organised", row["programme"], row["n"])
        add("fairs.booths", row["programme"], row["booths_total"])
    participations = (
        FairParticipation.objects.filter(
            _place("start_date", start, end, provinces, communes, prefix="fair__")
        )
        .annotate(programme=programme_of("fair__"))
        .values("programme")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in participations:
        add("fairs.establishments", row["programme"], row["n"])
    for model, date_field, row_code, exclude in (
        (BrandRegistration, "filed_on", "brands.establishments", None),
        (ConsultingContract, "signed_on", "consulting.establishments", CANCELLED),
    ):
        rows = model.objects.filter(_place(date_field, start, end, provinces, communes))
        if exclude is not None:
            rows = rows.exclude(status=exclude)
        grouped = (
            rows.annotate(programme=programme_of())
            .values("programme")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in grouped:
            add(row_code, row["programme"], row["n"])
    items = (
        CommunicationItem.objects.filter(_place("date", start, end, provinces, communes))
        .annotate(programme=programme_of())
        .values("kind", "programme")
        .annotate(n=Coalesce(Sum("quantity"), 0))
        .order_by()
    )
    for row in items:
        kind = "broadcasts" if row["kind"] in BROADCASTS else "publications"
        add(f"communication.{kind}", row["programme"], row["n"])
    return out


def staff_count(*, year: int, provinces: Iterable[str] | None = None) -> int | None:
    """The khuyến công staff of the provinces in a year (one query); None when no province
    recorded it."""
    rows = StaffCount.objects.filter(year=year)
    if provinces is not None:
        rows = rows.filter(province__in=[str(code) for code in provinces])
    found = rows.aggregate(n=Count("pk"), total=Sum("staff"))
    return int(found["total"]) if found["n"] else None
