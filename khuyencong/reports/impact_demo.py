"""Demo yearly figures for the impact evaluation (docs/impact.md): every demo establishment
gets figures for the six years before this one (the registry's demo has three), following
its own growth, and the establishments first supported two years ago gain what their kind
of support believably brings — machinery and fairs lift revenue, training adds jobs,
workshops little — so each demo province's impact page has an evaluation to show, with
years before support that run parallel.

Runs after every other app's demo (it reads who was supported); writes with the history
kept (``bulk_*_with_history``), as the provincial officer."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from khuyencong.accounts.demo import DEMO_PROVINCES
from khuyencong.core.demokit import DemoContext
from khuyencong.core.history import set_history_actor
from khuyencong.registry.models import YearlyFigure
from khuyencong.reports import impact

YEARS_BACK = 6
# What one kind of support (activity content) adds, from the year after support (half in
# the year of support): a share of revenue and output value, and workers.
EFFECTS = {
    "01": (0.01, 2.0),  # training: mostly jobs
    "02": (0.0, 0.0),  # workshops, management courses: nothing to see
    "03": (0.08, 1.0),  # machinery, demonstration models
    "04": (0.04, 0.5),  # fairs, showrooms, brands
    "05": (0.02, 0.0),  # consulting
}
FIELDS = ("workers", "revenue", "output_value", "capital")


def _round_money(value: float) -> int:
    return max(0, round(value / 1_000_000)) * 1_000_000


# Establishments per province registered by the centre that no activity of the demo reached:
# with them the comparison has enough establishments never supported.
UNSUPPORTED = 4


def _unsupported(ctx: DemoContext, rng: Any, anchor_year: int) -> None:
    """A few more household businesses per demo province, with their figures of one year,
    that the support of the demo never reached (registered through the services)."""
    from khuyencong.places.models import Commune
    from khuyencong.registry import services
    from khuyencong.registry.demo import OWNERS, TRADES
    from khuyencong.registry.models import Establishment, Sector

    sectors = {s.code: s for s in Sector.objects.all()}
    for code, slug, *_names in DEMO_PROVINCES:
        officer = ctx.users[f"officer_{slug}"]
        communes = list(Commune.objects.filter(province_id=code).order_by("code"))
        for _ in range(UNSUPPORTED):
            sector_code, vsic, trade, _products = rng.choice(TRADES[code])
            establishment = services.create_establishment(
                actor=officer,
                allow_duplicate=True,
                data={
                    "name": f"Hộ kinh doanh {trade} {rng.choice(OWNERS)}",
                    "kind": Establishment.Kind.HOUSEHOLD,
                    "commune": rng.choice(communes),
                    "sector": sectors[sector_code],
                    "vsic_code": vsic,
                    "address": f"Thôn {rng.randint(1, 12)}",
                    "founded_year": rng.randint(1995, 2015),
                },
            )
            figure = YearlyFigure(
                establishment=establishment,
                year=anchor_year,
                workers=rng.randint(3, 25),
                revenue=rng.randint(3, 100) * 100_000_000,
                output_value=None,
                capital=rng.randint(5, 50) * 10_000_000,
            )
            figure.output_value = round((figure.revenue or 0) * 1.1)
            set_history_actor(figure, officer)
            figure.save()
            ctx.establishments.append(establishment)


# Each demo province's priority sectors (its key products), for the concentration table.
PRIORITY_SECTORS = {
    "01": (("dd", "Quyết định của UBND Thành phố Hà Nội phê duyệt Chương trình khuyến công"),),
    "66": (("a", "Quyết định của UBND tỉnh Đắk Lắk phê duyệt Chương trình khuyến công"),),
    "82": (("a", "Quyết định của UBND tỉnh Đồng Tháp phê duyệt Chương trình khuyến công"),),
}


def _priority_sectors(year: int) -> None:
    from khuyencong.programmes.models import PrioritySector

    for code, rows in PRIORITY_SECTORS.items():
        for sector, basis in rows:
            # Reference data, kept when the demo's records are cleared and seeded again.
            PrioritySector.objects.update_or_create(
                province_id=code,
                sector_id=sector,
                first_year=year - YEARS_BACK,
                defaults={"legal_basis": f"{basis} giai đoạn {year - YEARS_BACK}–{year + 4}"},
            )


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    year = timezone.localdate().year
    first, last = year - YEARS_BACK, year - 1
    cohort = year - 2
    _priority_sectors(year)
    _unsupported(ctx, rng, year - 3)
    ids = [e.pk for e in ctx.establishments]
    known: dict[int, dict[int, YearlyFigure]] = {}
    for figure in YearlyFigure.objects.filter(establishment_id__in=ids).order_by("year"):
        known.setdefault(figure.establishment_id, {})[figure.year] = figure
    # Who was first supported in the cohort year, and with which kinds (the evaluation's own
    # reading of the records, so the demo and the page agree).
    support = impact.load(None, cohort - impact.PRE_YEARS - 1, cohort)
    before = set(support.support.establishment[support.support.year < cohort].tolist())
    kinds: dict[int, set[str]] = {}
    for est, when, category in zip(
        support.support.establishment.tolist(),
        support.support.year.tolist(),
        support.support.category.tolist(),
        strict=True,
    ):
        if when == cohort and est not in before:
            kinds.setdefault(est, set()).add(category)

    officers = {code: ctx.users[f"officer_{slug}"] for code, slug, *_ in DEMO_PROVINCES}
    created: list[YearlyFigure] = []
    changed: list[YearlyFigure] = []
    for establishment in ctx.establishments:
        rows = known.get(establishment.pk, {})
        if not rows:
            continue
        # The establishment's own yearly growth from its earliest figures (the anchor): every
        # other year follows it, with a little noise, so differences between establishments
        # are theirs and not chance.
        growth = rng.uniform(0.048, 0.052)
        anchor_year = min(rows)
        anchor = rows[anchor_year]
        founded = establishment.founded_year or first
        for when in range(max(first, founded), last + 1):
            if when == anchor_year:
                continue
            factor = (1 + growth) ** (when - anchor_year) * rng.gauss(1, 0.004)
            figure = rows.get(when) or YearlyFigure(
                establishment_id=establishment.pk,
                year=when,
                capital=anchor.capital,
                source=YearlyFigure.Source.DECLARED,
            )
            figure.workers = max(
                1,
                round((anchor.workers or 1) * (1 + growth / 2) ** (when - anchor_year))
                + rng.randint(-1, 1),
            )
            figure.revenue = _round_money((anchor.revenue or 0) * factor)
            figure.output_value = _round_money((anchor.output_value or 0) * factor)
            if figure.pk:
                figure.version += 1
                changed.append(figure)
            else:
                rows[when] = figure
                created.append(figure)
        supported = kinds.get(establishment.pk)
        if not supported:
            continue
        share = sum(EFFECTS.get(kind, (0.0, 0.0))[0] for kind in supported)
        jobs = sum(EFFECTS.get(kind, (0.0, 0.0))[1] for kind in supported)
        for when, figure in rows.items():
            if when < cohort or when > last:
                continue
            weight = 0.5 if when == cohort else 1.0
            gain = 1 + share * weight * rng.uniform(0.8, 1.2)
            figure.revenue = _round_money((figure.revenue or 0) * gain)
            figure.output_value = _round_money((figure.output_value or 0) * gain)
            figure.workers = (figure.workers or 0) + round(jobs * weight * rng.uniform(0.5, 1.5))
    by_province = {e.pk: e.province_id for e in ctx.establishments}
    for figure in created + changed:
        set_history_actor(figure, officers.get(by_province[figure.establishment_id]))
    if created:
        bulk_create_with_history(created, YearlyFigure, batch_size=500)
    if changed:
        bulk_update_with_history(
            changed, YearlyFigure, ["workers", "revenue", "output_value", "version"], batch_size=500
        )
    ctx.log(
        f"  {len(created)} earlier yearly figures; {len(kinds)} establishments first supported "
        f"in {cohort} show the effect of their support"
    )
