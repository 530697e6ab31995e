"""Test helpers: projects approved, paid and accepted on given days through the programme
services (STYLE.md 16), pre-2025 provinces, and aggregate values entered through
``reports.services``."""

from __future__ import annotations

import datetime
from typing import Any

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
    code: str, name: str, successor: Any, communes: list[Any] = ()
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
