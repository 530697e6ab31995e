"""Indicator values computed from the records (projects, disbursements, activities, awards,
the field network, needs) for a place and a period. Database aggregates only: a fixed number
of grouped queries whatever the number of provinces or records (DESIGN.md performance).

The apps that own the data say how their own figures are counted
(``activities.indicators``, ``awards.indicators``, ``surveys.services.met_count``,
``network.deadlines``); this module only adds the programme figures and puts them together.
The definitions are the catalogue's (migration 0002) and docs/reports.md.

A ``Scope`` names the records to read: the 2025 provinces (None for all), and below province
level the 2025 communes. Below province level, the figures of the activity and award apps,
which are kept per province, are only available when those apps accept communes; otherwise
they are None with an explanation (docs/reports.md).
"""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.querying import scalars
from khuyencong.network import deadlines
from khuyencong.network.models import Collaborator
from khuyencong.network.quarters import Quarter, quarter_of
from khuyencong.programmes.models import BudgetLine, Disbursement, Project, ProjectBeneficiary
from khuyencong.programmes.services import PLANNED_STATES
from khuyencong.registry.models import Establishment

SOURCES = ("national", "local", "counterpart", "other")
AWARD_LEVELS = ("province", "region", "national", "district")
ACTIVITY_CODES = (
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


@dataclass(frozen=True)
class Scope:
    """The records a figure reads: ``provinces`` None means every province."""

    provinces: tuple[str, ...] | None = None
    communes: tuple[str, ...] | None = None
    legacy_province: str | None = None

    def where(self, province: str = "province", commune: str = "commune") -> Q:
        condition = Q()
        if self.provinces is not None:
            condition &= Q(**{f"{province}__in": self.provinces})
        if self.communes is not None:
            condition &= Q(**{f"{commune}__in": self.communes})
        return condition

    def establishments(self, prefix: str = "") -> Q:
        """Establishments placed in the scope; a pre-2025 province reads the old commune an
        establishment kept, and the new commune only for those without one."""
        condition = Q()
        if self.provinces is not None:
            condition &= Q(**{f"{prefix}province__in": self.provinces})
        if self.legacy_province is not None:
            condition &= Q(**{f"{prefix}legacy_commune__province": self.legacy_province}) | Q(
                **{f"{prefix}legacy_commune__isnull": True, f"{prefix}commune__in": self.communes}
            )
        elif self.communes is not None:
            condition &= Q(**{f"{prefix}commune__in": self.communes})
        return condition


@dataclass
class Computed:
    values: dict[str, int | float | None] = field(default_factory=dict)
    # Why a value is None.
    notes: dict[str, str] = field(default_factory=dict)

    def unavailable(self, codes: tuple[str, ...] | list[str], note: str) -> None:
        for code in codes:
            self.values[code] = None
            self.notes[code] = note


def _in(field_name: str, start: datetime.date, end: datetime.date) -> Q:
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lte": end})


def _accepts_communes(func: Callable[..., Any]) -> bool:
    return "communes" in inspect.signature(func).parameters


def _place_kwargs(func: Callable[..., Any], scope: Scope) -> dict[str, Any] | None:
    """The place arguments for an owning app's function; None when it cannot read a scope
    below province level."""
    kwargs: dict[str, Any] = {"provinces": scope.provinces}
    if scope.communes is not None:
        if not _accepts_communes(func):
            return None
        kwargs["communes"] = scope.communes
    return kwargs


# --- programmes -----------------------------------------------------------------------------


def _projects(scope: Scope) -> Q:
    return scope.where()


def funding_planned(scope: Scope, first_year: int, last_year: int) -> dict[str, int]:
    """Budget lines of the projects approved (and later) in the plans of these years, by
    source: one grouped query."""
    rows = (
        BudgetLine.objects.filter(
            project__status__in=PLANNED_STATES,
            project__year__gte=first_year,
            project__year__lte=last_year,
        )
        .filter(scope.where("project__province", "project__commune"))
        .values_list("source")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return _by_source("funding.planned", dict(rows))


def disbursements(scope: Scope, start: datetime.date, end: datetime.date) -> QuerySet[Disbursement]:
    """Advances and payments dated in the period."""
    return Disbursement.objects.filter(_in("date", start, end)).filter(
        scope.where("province", "project__commune")
    )


def funding_disbursed(scope: Scope, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Advances and payments dated in the period, by source: one grouped query."""
    rows = (
        disbursements(scope, start, end)
        .values_list("source")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return _by_source("funding.disbursed", dict(rows))


def _by_source(prefix: str, totals: dict[str, int | None]) -> dict[str, int]:
    values = {f"{prefix}.{source}": int(totals.get(source) or 0) for source in SOURCES}
    values[prefix] = sum(values.values())
    return values


def approved_projects(scope: Scope, start: datetime.date, end: datetime.date) -> QuerySet[Project]:
    """Projects whose approval decision is dated in the period (whatever became of them)."""
    return Project.objects.filter(_in("approved_on", start, end)).filter(_projects(scope))


def projects_approved(scope: Scope, start: datetime.date, end: datetime.date) -> int:
    return approved_projects(scope, start, end).count()


def beneficiary_ids(scope: Scope, start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    """The establishments (column ``establishment_id``) that benefited from a project
    accepted in the period; below province level, of every place (``establishments_supported``
    places them)."""
    beneficiaries = ProjectBeneficiary.objects.filter(_in("project__accepted_on", start, end))
    if scope.communes is None:
        beneficiaries = beneficiaries.filter(scope.where("project__province", "project__commune"))
    return beneficiaries.values("establishment_id").order_by()


def establishments_supported(
    scope: Scope, start: datetime.date, end: datetime.date
) -> tuple[int | None, str]:
    """Distinct establishments that benefited from a project accepted in the period or took
    part in an activity of the period: one query over a UNION. (With the activity figures,
    the count is read in their statement: ``activity_values``.)"""
    beneficiaries = beneficiary_ids(scope, start, end)
    try:
        from khuyencong.activities.indicators import establishment_ids
    except ImportError:
        ids: QuerySet[Any] = beneficiaries.distinct()
        note = _("Only project beneficiaries: activities are not available.")
    else:
        ids = beneficiaries.union(
            establishment_ids(start=start, end=end, provinces=scope.provinces)
        )
        note = ""
    if scope.communes is None:
        return ids.count(), note
    # Below province level each establishment is placed where it is registered.
    return Establishment.objects.filter(scope.establishments(), pk__in=ids).count(), note


# --- activities and awards (their apps' functions) -----------------------------------------


def activity_values(
    scope: Scope, start: datetime.date, end: datetime.date, out: Computed, supported: bool = False
) -> None:
    """The activity figures; with ``supported``, over whole provinces, also
    ``establishments.supported`` in the same statement (the fair participations read once for
    both)."""
    try:
        from khuyencong.activities.indicators import values
    except ImportError:
        out.unavailable(ACTIVITY_CODES, _("Activities are not recorded in this system."))
        return
    kwargs = _place_kwargs(values, scope)
    if kwargs is None:
        out.unavailable(ACTIVITY_CODES, _("Activity figures are kept per province only."))
        return
    if supported and scope.communes is None:
        kwargs["establishments_with"] = beneficiary_ids(scope, start, end)
    found = values(start=start, end=end, **kwargs)
    if "establishments" in found:
        out.values["establishments.supported"] = found["establishments"]
    for code in ACTIVITY_CODES:
        out.values[code] = found.get(code)
        if found.get(code) is None:
            out.notes[code] = _("No figure: nothing to compute it from in this period.")


def award_values(scope: Scope, start: datetime.date, end: datetime.date, out: Computed) -> None:
    codes = tuple(f"awards.products.{level}" for level in AWARD_LEVELS)
    try:
        from khuyencong.awards.indicators import certified_products_by_level
    except ImportError:
        out.unavailable(codes, _("Awards are not recorded in this system."))
        return
    kwargs = _place_kwargs(certified_products_by_level, scope)
    if kwargs is None:
        out.unavailable(codes, _("Award figures are kept per province only."))
        return
    # Every level in one grouped query.
    found = certified_products_by_level(start=start, end=end, **kwargs)
    for level, code in zip(AWARD_LEVELS, codes, strict=True):
        out.values[code] = found.get(level, 0)


# --- the field network ----------------------------------------------------------------------


def _collaborators(scope: Scope) -> QuerySet[Collaborator]:
    collaborators = Collaborator.objects.all()
    if scope.provinces is not None:
        collaborators = collaborators.filter(province__in=scope.provinces)
    if scope.communes is not None:
        collaborators = collaborators.filter(
            pk__in=Collaborator.communes.through.objects.filter(commune__in=scope.communes).values(
                "collaborator_id"
            )
        )
    return collaborators


def collaborators_active(scope: Scope, day: datetime.date) -> int:
    """Collaborators active on the last day of the period."""
    return _collaborators(scope).filter(Collaborator.active_between(day, day)).count()


def quarters_within(start: datetime.date, end: datetime.date) -> list[Quarter]:
    """The quarters lying wholly inside the period, oldest first."""
    quarter = quarter_of(start)
    if quarter.start < start:
        quarter = quarter.next()
    found = []
    while quarter.end <= end:
        found.append(quarter)
        quarter = quarter.next()
    return found


class QuarterLateList(deadlines.LateList):
    """The network's late list (late or missing reports) for given quarters rather than the
    last few: same rules, same SQL (``deadlines.LateList``)."""

    def __init__(
        self,
        collaborators: QuerySet[Collaborator],
        today: datetime.date,
        periods: list[Quarter],
    ) -> None:
        self.today = today
        self.periods = periods
        self.deadlines = deadlines.deadline_days()
        self.parts = [self._part(collaborators, period, self.deadlines) for period in periods]
        if self.parts:
            first, *others = self.parts
            union = first.union(*others, all=True) if others else first
            self.query = union.order_by("-year", "-quarter", "province_id", "full_name", "id")
        self._count = 0 if not self.parts else None

    def count(self) -> int:
        """The late or missing reports of every quarter: one statement of a count per quarter
        (``scalars``). A count over their ``UNION ALL`` is planned by PostgreSQL as a parallel
        append, about twice as slow on two cores."""
        if self._count is None:
            found = scalars(
                [(part, {f"quarter{i}": ("rows", "id")}) for i, part in enumerate(self.parts)]
            )
            self._count = sum(found.values())
        return self._count

    def counts_by_province(self) -> list[dict[str, Any]]:
        """``[{"year", "quarter", "province_id", "late", "missing"}]``: one grouped query
        per quarter."""
        rows: list[dict[str, Any]] = []
        for period, part in zip(self.periods, self.parts, strict=True):
            grouped = (
                part.values("province_id")
                .annotate(
                    late=Count("id", filter=Q(submitted_at__isnull=False)),
                    missing=Count("id", filter=Q(submitted_at__isnull=True)),
                )
                .order_by("province_id")
            )
            rows.extend({"year": period.year, "quarter": period.quarter, **row} for row in grouped)
        return rows


def collaborator_reports_late(scope: Scope, start: datetime.date, end: datetime.date) -> int:
    """Quarterly reports of the quarters inside the period that were submitted after their
    due day, or were not submitted although it has passed (network.deadlines)."""
    periods = quarters_within(start, end)
    if not periods:
        return 0
    return QuarterLateList(_collaborators(scope), timezone.localdate(), periods).count()


# --- needs ------------------------------------------------------------------------------------


def need_values(scope: Scope, first_year: int, last_year: int) -> dict[str, int | float | None]:
    from khuyencong.surveys.models import Need
    from khuyencong.surveys.services import met_count

    needs = Need.objects.filter(year__gte=first_year, year__lte=last_year).filter(scope.where())
    share = met_count(needs)
    return {"needs.count": share["needs"], "needs.met_percent": share["met_percent"]}


# --- everything -------------------------------------------------------------------------------


def compute(scope: Scope, start: datetime.date, end: datetime.date, codes: set[str]) -> Computed:
    """Every requested code over the scope and period, from the cache while no record it
    counts has changed (reports/cache.py): one query for the data versions, else about
    twenty more."""
    from khuyencong.reports import cache

    return cache.compute(scope, start, end, codes, compute_uncached)


def compute_uncached(
    scope: Scope, start: datetime.date, end: datetime.date, codes: set[str]
) -> Computed:
    """Every requested code over the scope and period; about twenty queries at most."""
    out = Computed()
    if any(c.startswith("funding.planned") for c in codes):
        out.values.update(funding_planned(scope, start.year, end.year))
    # The money disbursed by source and the projects approved: one statement.
    parts: list[tuple[QuerySet[Any], dict[str, tuple[str, Any]]]] = []
    if any(c.startswith("funding.disbursed") for c in codes):
        parts.append(
            (
                disbursements(scope, start, end),
                {
                    f"funding.disbursed.{source}": (
                        "sum",
                        Case(When(source=source, then=F("amount"))),
                    )
                    for source in SOURCES
                },
            )
        )
    if "projects.approved" in codes:
        parts.append((approved_projects(scope, start, end), {"projects.approved": ("rows", "pk")}))
    if parts:
        found = scalars(parts)
        if "projects.approved" in found:
            out.values["projects.approved"] = found.pop("projects.approved")
        if found:
            out.values.update(found)
            out.values["funding.disbursed"] = sum(found.values())
    if codes & set(ACTIVITY_CODES):
        activity_values(scope, start, end, out, supported="establishments.supported" in codes)
    if "establishments.supported" in codes and "establishments.supported" not in out.values:
        value, note = establishments_supported(scope, start, end)
        out.values["establishments.supported"] = value
        if note:
            out.notes["establishments.supported"] = note
    if any(c.startswith("awards.products.") for c in codes):
        award_values(scope, start, end, out)
    if "collaborators.active" in codes:
        out.values["collaborators.active"] = collaborators_active(scope, end)
    if "collaborator_reports.late" in codes:
        out.values["collaborator_reports.late"] = collaborator_reports_late(scope, start, end)
    if codes & {"needs.count", "needs.met_percent"}:
        out.values.update(need_values(scope, start.year, end.year))
    # The official forms' own figures (reports.forms.records).
    from khuyencong.reports.forms import records as form_records

    form_codes = {c for c in codes if form_records.handles(c)}
    if form_codes:
        form_records.compute(scope, start, end, form_codes, out)
    for code in codes:
        if code not in out.values:
            out.values[code] = None
            out.notes.setdefault(code, _("This indicator is not computed from records."))
    return out
