"""Test helpers: projects approved, paid and accepted on given days through the programme
services (STYLE.md 16), pre-2025 provinces, and aggregate values entered through
``reports.services``."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from khuyencong.core.text import normalise
from khuyencong.places.models import CommuneMapping, LegacyCommune, LegacyDistrict, LegacyProvince
from khuyencong.programmes import services as programme_services
from khuyencong.programmes.factories import draft_project
from khuyencong.programmes.models import Project
from khuyencong.programmes.workflow import transition_project
from khuyencong.reports import services
from khuyencong.reports.models import AggregateValue


def approved_project(
    *,
    manager: Any,
    province: Any,
    year: int,
    approved_on: datetime.date,
    state: int = 200_000_000,
    counterpart: int = 300_000_000,
    funding_level: str = "national",
    commune: Any = None,
    beneficiaries: list[Any] | None = None,
    **overrides: Any,
) -> Project:
    """A project of the plan of ``year`` approved on ``approved_on`` with ``state`` đồng of
    the funding level's source and ``counterpart`` đồng of the beneficiary's own;
    ``overrides`` are more fields of the draft (``category``, ``subtype``, ``outputs``…)."""
    lines = [{"source": funding_level, "amount": state}]
    if counterpart:
        lines.append({"source": "counterpart", "amount": counterpart})
    extra: dict[str, Any] = dict(overrides)
    if commune is not None:
        extra["commune"] = commune
    project = draft_project(
        actor=manager,
        province=province,
        year=year,
        funding_level=funding_level,
        budget_lines=lines,
        **extra,
    )
    if beneficiaries:
        project.beneficiaries.set(beneficiaries)
    for action in ("submit", "appraise"):
        project = transition_project(actor=manager, project=project, action=action, note="")
    return transition_project(
        actor=manager,
        project=project,
        action="approve",
        note="",
        decision_number="01/QĐ-SCT",
        decision_date=approved_on,
    )


def accept(project: Project, *, manager: Any, on: datetime.date) -> Project:
    project = transition_project(actor=manager, project=project, action="start", note="")
    return transition_project(
        actor=manager,
        project=project,
        action="accept",
        note="",
        accepted_on=on,
        minutes="Biên bản nghiệm thu",
        actual_outputs={o.indicator_id: o.planned for o in project.outputs.all()},
    )


def pay(project: Project, *, manager: Any, amount: int, on: datetime.date, source: str = "") -> Any:
    return programme_services.record_disbursement(
        actor=manager,
        project=project,
        source=source or project.funding_level,
        amount=amount,
        date=on,
    )


def legacy_province(
    code: str, name: str, successor: Any, communes: Sequence[Any] = ()
) -> LegacyProvince:
    """A pre-2025 province merged into ``successor``, with one old district and one old
    commune mapped to each of ``communes`` (2025)."""
    key = normalise(name).replace(" ", "")
    old = LegacyProvince.objects.create(
        code=code,
        name=f"Tỉnh {name}",
        short_name=name,
        key=f"tinh{key}",
        search_name=normalise(f"Tỉnh {name}"),
        successor=successor,
    )
    district = LegacyDistrict.objects.create(
        code=f"{code}1",
        name=f"Huyện Một {name}",
        short_name="Một",
        kind="Huyện",
        province=old,
        key=f"huyenmot{key}",
    )
    for index, commune in enumerate(communes):
        legacy = LegacyCommune.objects.create(
            code=f"{code}{index:03d}",
            name=f"Xã Cũ {index} {name}",
            short_name=f"Cũ {index}",
            kind="Xã",
            district=district,
            province=old,
            key=f"tinh{key}_huyenmot{key}_xacu{index}",
            search_name=normalise(f"Xã Cũ {index}"),
        )
        CommuneMapping.objects.create(legacy_commune=legacy, commune=commune, is_default=True)
    return old


def enter(
    actor: Any, indicator: str, unit: str, start: Any, end: Any, value: Any, **extra: Any
) -> AggregateValue:
    return services.enter_aggregate(
        actor=actor,
        item={
            "indicator": indicator,
            "unit": unit,
            "start": str(start),
            "end": str(end),
            "value": value,
            **extra,
        },
    )


def yearly(actor: Any, indicator: str, unit: str, values: dict[int, Any], **extra: Any) -> None:
    """One value per calendar year."""
    services.enter_aggregates(
        actor=actor,
        items=[
            {
                "indicator": indicator,
                "unit": unit,
                "start": f"{year}-01-01",
                "end": f"{year}-12-31",
                "value": value,
                **extra,
            }
            for year, value in values.items()
        ],
    )


def impact_panel(
    *,
    commune,
    treated: int,
    controls: int,
    effect: float,
    manager,
    seed: int = 1,
    cohort: int | None = None,
    category: str = "03",
    subtype: str = "03-MAYMOC",
    kinds=("household", "enterprise"),
):
    """Establishments with revenue and workers from three years before the cohort (three
    years ago by default) to this year: a common trend, an establishment's own level and
    noise; the supported ones (beneficiaries of one accepted project of the cohort year)
    gain ``effect`` đồng of revenue from the cohort year on. For tests of the impact
    evaluation, whose true effect is then known."""
    from khuyencong.programmes.factories import advance
    from khuyencong.registry.factories import EstablishmentFactory
    from khuyencong.registry.models import YearlyFigure

    this_year = timezone.localdate().year
    cohort = cohort or this_year - 3
    rng = random.Random(seed)  # noqa: S311 (generated test data, not a secret)
    establishments = [
        EstablishmentFactory.create(commune=commune, kind=kinds[i % len(kinds)])
        for i in range(treated + controls)
    ]
    figures = []
    for index, est in enumerate(establishments):
        level = rng.gauss(2_000_000_000, 400_000_000)
        workers = rng.choice([5, 8, 20, 30])
        gain = effect if index < treated else 0
        for year in range(cohort - 3, this_year + 1):
            trend = 100_000_000 * (year - cohort)
            after = gain if year >= cohort else 0
            revenue = level + trend + after + rng.gauss(0, 60_000_000)
            figures.append(
                YearlyFigure(
                    establishment=est,
                    year=year,
                    revenue=max(0, round(revenue)),
                    workers=workers,
                )
            )
    YearlyFigure.objects.bulk_create(figures)
    if treated:
        project = draft_project(
            actor=manager,
            province=commune.province,
            year=cohort,
            category=category,
            subtype=subtype,
            budget_lines=[
                {"source": "national", "amount": 100_000_000 * treated},
                {"source": "counterpart", "amount": 150_000_000 * treated},
            ],
            beneficiaries=[est.pk for est in establishments[:treated]],
        )
        advance(project, "accepted", manager=manager)
    return establishments
