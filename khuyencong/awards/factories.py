"""Factories for the awards. ``AwardRoundFactory`` and ``AwardEntryFactory`` create rows
directly; tests of behaviour move rounds and record scores through the services, which
``score_and_close`` wraps."""

from __future__ import annotations

import datetime
from typing import Any

import factory

from khuyencong.awards import services, workflow
from khuyencong.awards.models import AwardEntry, AwardRound, Level, ProductGroup
from khuyencong.core.text import normalise
from khuyencong.places.factories import ProvinceFactory
from khuyencong.registry.factories import EstablishmentFactory

JUDGES = [
    "Nguyễn Văn Hải",
    "Trần Thị Mai",
    "Lê Quang Vinh",
    "Phạm Thị Hồng",
    "Hoàng Minh Tuấn",
    "Vũ Thị Lan",
    "Đặng Văn Bình",
    "Bùi Thị Thu",
    "Đỗ Quốc Khánh",
    "Ngô Thị Hà",
    "Dương Văn Nam",
    "Lý Thị Kim",
    "Huỳnh Văn Tâm",
]


class AwardRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwardRound

    level = Level.PROVINCE
    year = 2026
    province = factory.SubFactory(ProvinceFactory)
    title = factory.LazyAttribute(lambda o: f"Bình chọn sản phẩm CNNT tiêu biểu năm {o.year}")
    organiser = "Sở Công Thương"
    council_size = 7


class AwardEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwardEntry

    round = factory.SubFactory(AwardRoundFactory)
    establishment = factory.SubFactory(EstablishmentFactory)
    product_name = factory.Sequence(lambda n: f"Sản phẩm số {n}")
    search_name = factory.LazyAttribute(lambda o: normalise(o.product_name))
    group = ProductGroup.FOOD
    province = factory.LazyAttribute(lambda o: o.establishment.province)
    commune = factory.LazyAttribute(lambda o: o.establishment.commune)


def points_for(total: Any) -> dict[str, str]:
    """Points of the standard four groups adding up to ``total`` (0–100), filled in order."""
    from decimal import Decimal

    left = Decimal(str(total))
    points = {}
    for code, maximum in (("market", 40), ("economic", 40), ("culture", 10), ("other", 10)):
        given = min(left, Decimal(maximum))
        points[code] = str(given)
        left -= given
    return points


def score_and_close(
    actor: Any,
    round: AwardRound,
    totals: dict[AwardEntry, list[Any]],
    *,
    closing_date: datetime.date | None = None,
) -> AwardRound:
    """Start scoring, record each entry's sheets (one total per judge) and close."""
    if round.status == AwardRound.Status.OPEN:
        round = workflow.start_scoring(actor=actor, round=round)
    for entry, sheet_totals in totals.items():
        for judge, total in zip(JUDGES, sheet_totals, strict=False):
            services.record_score_sheet(
                actor=actor, entry=entry, judge=judge, points=points_for(total)
            )
    return workflow.close_round(actor=actor, round=round, closing_date=closing_date)
