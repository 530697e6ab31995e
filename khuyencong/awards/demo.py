"""Demo award rounds, created through the services and the workflow so every step shows who
took it. For each demo province: a district round of 2023 (before the districts were
abolished), province rounds of 2023 and 2025 with 8–12 products each scored by a council of
seven and closed (some certified, some not, one exactly at the pass mark, one without any
sheet), a complaint on the 2025 results, and this year's round being scored. For each
region holding a demo province, a 2024 region round whose products hold valid 2023
province certificates. The registry's demo products have no photos: the public catalogue
shows its drawn placeholders."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from khuyencong.accounts.demo import DEMO_PROVINCES
from khuyencong.awards import services, workflow
from khuyencong.awards.models import AwardEntry, AwardRound, AwardRoundTransition, ProductGroup
from khuyencong.core.demokit import DemoContext
from khuyencong.places.models import Region
from khuyencong.registry.models import Establishment, Product

S = AwardRound.Status
SECTOR_GROUPS = {
    "a": ProductGroup.FOOD,
    "dd": ProductGroup.HANDICRAFT,
    "d": ProductGroup.MECHANICAL,
}
JUDGES = {
    "01": [
        "PGS.TS Nguyễn Văn Thành",
        "Trần Thị Ngọc Anh",
        "Lê Minh Đức",
        "Nghệ nhân Đỗ Văn Sơn",
        "Phạm Thu Hương",
        "Vũ Quang Huy",
        "Bùi Thị Hà",
    ],
    "66": [
        "Nguyễn Đình Khoa",
        "H'Yơn Niê",
        "Trần Văn Lâm",
        "Lê Thị Thanh Tâm",
        "Y Điêng Byă",
        "Phan Quốc Việt",
        "Đinh Thị Mai",
    ],
    "82": [
        "Võ Văn Kiệt Em",
        "Nguyễn Thị Bé Ba",
        "Trần Thanh Phong",
        "Lê Hoàng Oanh",
        "Huỳnh Minh Trí",
        "Phạm Văn Nhỏ",
        "Đặng Thị Kim Loan",
    ],
}
REGION_JUDGES = [
    "TS. Hoàng Minh Châu",
    "Ngô Thị Phương",
    "Lương Văn Tài",
    "Trịnh Thị Yến",
    "Mai Xuân Trường",
    "Tạ Thị Hồng Nhung",
    "Cao Văn Lực",
    "Kiều Thị Vân",
    "Quách Minh Sang",
]
# Closing dates of the closed rounds.
CLOSES = {
    "district": datetime.date(2023, 9, 15),
    2023: datetime.date(2023, 11, 20),
    "region": datetime.date(2024, 10, 25),
    2025: datetime.date(2025, 11, 14),
}
CRITERIA = (("market", 40), ("economic", 40), ("culture", 10), ("other", 10))


def _points(rng: Any, target: float) -> dict[str, str]:
    """A judge's points around ``target`` (out of 100), by half points within each group."""
    points = {}
    for code, maximum in CRITERIA:
        share = maximum * target / 100 + rng.uniform(-0.08, 0.08) * maximum
        value = max(0, min(maximum, round(share * 2) / 2))
        points[code] = str(Decimal(str(value)))
    return points


def _exact(total: int) -> dict[str, str]:
    """Points adding up exactly to ``total`` (the entry at the pass mark)."""
    return {
        "market": str(Decimal(total) * 40 / 100),
        "economic": str(Decimal(total) * 40 / 100),
        "culture": str(Decimal(total) * 10 / 100),
        "other": str(Decimal(total) * 10 / 100),
    }


def _candidates(province: Any) -> list[tuple[Establishment, Product]]:
    """The province's active demo establishments with a product, in a stable order."""
    products = (
        Product.objects.filter(
            establishment__province=province, establishment__status=Establishment.Status.ACTIVE
        )
        .select_related("establishment")
        .order_by("establishment_id", "id")
    )
    seen: set[int] = set()
    pairs = []
    for product in products:
        if product.establishment_id in seen:
            continue
        seen.add(product.establishment_id)
        pairs.append((product.establishment, product))
    return pairs


def _enter(actor: Any, round: AwardRound, pairs: list[tuple[Establishment, Product]]):
    entries = []
    for establishment, product in pairs:
        entries.append(
            services.create_entry(
                actor=actor,
                round=round,
                data={
                    "establishment": establishment,
                    "product": product,
                    "group": SECTOR_GROUPS.get(establishment.sector_id, ProductGroup.OTHER),
                },
            )
        )
    return entries


def _score(
    rng: Any,
    actor: Any,
    entries: list[AwardEntry],
    judges: list[str],
    *,
    targets: list[float | None],
) -> int:
    """Each judge scores each entry around its target; ``None``: left without a sheet;
    ``70``: every judge gives exactly 70 (the pass mark)."""
    sheets = 0
    for entry, target in zip(entries, targets, strict=True):
        if target is None:
            continue
        for judge in judges:
            points = _exact(70) if target == 70 else _points(rng, target)
            services.record_score_sheet(actor=actor, entry=entry, judge=judge, points=points)
            sheets += 1
    return sheets


def _targets(rng: Any, count: int, *, exact: bool, unscored: bool) -> list[float | None]:
    """Targets for a round: mostly above the pass mark, some below; optionally one exactly
    at it and one left unscored."""
    targets: list[float | None] = [
        rng.choice([rng.uniform(74, 92), rng.uniform(74, 92), rng.uniform(55, 67)])
        for _ in range(count)
    ]
    if exact:
        targets[1] = 70
    if unscored:
        targets[-1] = None
    targets[2] = rng.uniform(58, 66)  # at least one not certified
    return targets


def _close(actor: Any, round: AwardRound, day: datetime.date) -> AwardRound:
    round = workflow.close_round(actor=actor, round=round, closing_date=day)
    # The steps happened on their days, not when the demo ran.
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    AwardRoundTransition.objects.filter(round=round, action="close").update(at=moment)
    AwardRoundTransition.objects.filter(round=round, action="start_scoring").update(
        at=moment - datetime.timedelta(days=7)
    )
    AwardRound.objects.filter(pk=round.pk).update(closed_at=moment)
    return round


def _province_round(
    ctx: DemoContext,
    province: Any,
    officer: Any,
    manager: Any,
    pairs: list[tuple[Establishment, Product]],
    *,
    level: str,
    year: int,
    close_on: datetime.date | None,
    council: int = 7,
) -> tuple[AwardRound, list[AwardEntry]]:
    rng = ctx.rng
    district = level == "district"
    title = (
        f"Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp huyện năm {year}"
        if district
        else f"Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu tỉnh {province.short_name} năm {year}"
    )
    round = services.create_round(
        actor=manager,
        data={
            "level": level,
            "year": year,
            "province": province,
            "title": title,
            "organiser": "UBND huyện" if district else f"Sở Công Thương {province.short_name}",
            "decision": f"{rng.randint(100, 980)}/QĐ-{'UBND' if district else 'SCT'} ngày "
            f"{rng.randint(1, 28):02d}/0{rng.randint(3, 6)}/{year}",
            "council_size": 5 if district else council,
            "closing_date": close_on,
        },
    )
    entries = _enter(officer, round, pairs)
    return round, entries


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    admin = ctx.users["admin"]
    today = timezone.localdate()
    slugs = {code: slug for code, slug, *_rest in DEMO_PROVINCES}
    rounds = entries_total = certified_total = complaints = 0
    certified_2023: dict[str, list[AwardEntry]] = {}
    for province in ctx.provinces:
        slug = slugs[province.code]
        officer = ctx.users[f"officer_{slug}"]
        manager = ctx.users[f"manager_{slug}"]
        judges = JUDGES[province.code]
        pairs = _candidates(province)
        rng.shuffle(pairs)
        # Đồng Tháp's walkthrough product is among its 2025 entries.
        star = next((p for p in pairs if p[0].name == "Cơ sở sản xuất Tàu hủ ky Bà Tư"), None)

        # District round, 2023 (legacy level).
        round, entries = _province_round(
            ctx,
            province,
            officer,
            manager,
            pairs[:6],
            level="district",
            year=2023,
            close_on=CLOSES["district"],
        )
        workflow.start_scoring(actor=officer, round=round)
        _score(
            rng, officer, entries, judges[:5], targets=_targets(rng, 6, exact=False, unscored=False)
        )
        _close(manager, round, CLOSES["district"])
        rounds += 1
        entries_total += len(entries)

        # Province rounds 2023 and 2025, council of seven, closed.
        for year, chosen in ((2023, pairs[:10]), (2025, pairs[6 : 6 + rng.randint(8, 12)])):
            if year == 2025 and star is not None and star not in chosen:
                chosen = [star, *chosen[:-1]]
            round, entries = _province_round(
                ctx,
                province,
                officer,
                manager,
                chosen,
                level="province",
                year=year,
                close_on=CLOSES[year],
            )
            workflow.start_scoring(
                actor=officer, round=round, note="Hội đồng bình chọn họp phiên chấm điểm."
            )
            # Every product has a sheet from each council member: a round cannot close
            # otherwise (awards.workflow).
            targets = _targets(rng, len(entries), exact=True, unscored=False)
            if year == 2025 and star is not None:
                targets[0] = 88.0
            _score(rng, officer, entries, judges, targets=targets)
            _close(manager, round, CLOSES[year])
            rounds += 1
            entries_total += len(entries)
            if year == 2023:
                certified_2023[province.code] = list(
                    AwardEntry.objects.filter(round=round, certified=True).order_by(
                        "certificate_seq"
                    )
                )
            else:
                complaints += _complaint(ctx, officer, manager, round, today)

        # This year's round, being scored; it is planned to close within the year, so the
        # official awards form of the year counts its entries as registered.
        if today.year > 2025:
            round, entries = _province_round(
                ctx,
                province,
                officer,
                manager,
                pairs[-8:],
                level="province",
                year=today.year,
                close_on=min(
                    today + datetime.timedelta(days=20), datetime.date(today.year, 12, 31)
                ),
            )
            workflow.start_scoring(actor=officer, round=round)
            targets = [rng.uniform(60, 90) for _ in entries[:3]]
            _score(rng, officer, entries[:3], judges[:4], targets=targets)
            rounds += 1
            entries_total += len(entries)

    # Region rounds 2024: products holding a valid 2023 province certificate.
    regions = Region.objects.filter(provinces__in=ctx.provinces).distinct().order_by("code")
    for region in regions:
        round = services.create_round(
            actor=admin,
            data={
                "level": "region",
                "year": 2024,
                "region": region,
                "title": f"Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu {region.name} năm 2024",
                "organiser": "Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công",
                "decision": "1520/QĐ-BCT ngày 12/06/2024",
                "council_size": 9,
                "closing_date": CLOSES["region"],
            },
        )
        entries = []
        for province in ctx.provinces:
            if not region.provinces.filter(pk=province.pk).exists():
                continue
            officer = ctx.users[f"officer_{slugs[province.code]}"]
            for holder in certified_2023.get(province.code, [])[:4]:
                entries.append(
                    services.create_entry(
                        actor=officer,
                        round=round,
                        data={
                            "establishment": holder.establishment,
                            "product": holder.product,
                            "group": holder.group,
                        },
                    )
                )
        rounds += 1
        if not entries:
            continue
        workflow.start_scoring(actor=admin, round=round)
        targets = [rng.choice([rng.uniform(72, 90), rng.uniform(60, 68)]) for _ in entries]
        _score(rng, admin, entries, REGION_JUDGES, targets=targets)
        _close(admin, round, CLOSES["region"])
        entries_total += len(entries)

    certified_total = AwardEntry.objects.filter(certified=True).count()
    ctx.log(
        f"  {rounds} award rounds, {entries_total} entries, {certified_total} certified "
        f"products, {complaints} complaints"
    )


def _complaint(ctx: DemoContext, officer: Any, manager: Any, round: AwardRound, today: Any) -> int:
    """A complaint about a product left below the pass mark, received within the window;
    resolved in two provinces, still open (and overdue) in Đắk Lắk."""
    entry = (
        AwardEntry.objects.filter(round=round, certified=False, sheet_count__gt=0)
        .order_by("-average", "id")
        .first()
    )
    if entry is None:
        return 0
    received = (round.closing_date or today) + datetime.timedelta(days=6)
    complaint = services.record_complaint(
        actor=officer,
        entry=entry,
        complainant=f"Chủ {entry.establishment.name}",
        text=(
            "Cơ sở đề nghị Hội đồng xem xét lại điểm tiêu chí thị trường và khả năng phát "
            "triển, vì sản phẩm đã có đơn hàng xuất khẩu ổn định từ năm 2024."
        ),
        received_on=received,
    )
    if round.province_id != "66":
        workflow.resolve_complaint(
            actor=manager,
            complaint=complaint,
            resolution=(
                "Hội đồng đã họp xem xét, đối chiếu hồ sơ và phiếu chấm; giữ nguyên kết quả "
                "bình chọn. Đã trả lời bằng văn bản cho cơ sở."
            ),
            resolved_on=received + datetime.timedelta(days=8),
        )
    return 1
