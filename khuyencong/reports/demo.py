"""Demo historical figures, entered through the services by each province's manager: yearly
values 2012–2024 of the main indicators for the demo provinces, under the pre-2025
provinces where the 2025 province was a merger (Đắk Lắk = Phú Yên + Đắk Lắk; Đồng Tháp =
Tiền Giang + Đồng Tháp), a declared 2012–2023 total beside the yearly values (never added
to them), and one declared total that does not match the sum of its sources, so the
data-quality page has something to show."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from khuyencong.accounts.demo import DEMO_PROVINCES
from khuyencong.core.demokit import DemoContext
from khuyencong.places.models import LegacyProvince
from khuyencong.reports import agency, demo_country, services, submissions, workflow
from khuyencong.reports.periods import Period

YEARS = range(2012, 2025)
MILLION = 1_000_000
# Disbursed money of a unit in 2012, in millions of đồng; later years grow.
BASE = {"01": 9_800, "54": 3_100, "66": 4_600, "82": 3_900, "87": 4_200}
SHARES = {"national": 0.30, "local": 0.25, "counterpart": 0.40, "other": 0.05}


def _units(province_code: str) -> list[str]:
    olds = list(
        LegacyProvince.objects.filter(successor_id=province_code)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if len(olds) > 1:
        return [f"legacy-province:{code}" for code in olds]
    return [f"province:{province_code}"]


def _rows(unit: str, rng: Any) -> tuple[list[dict[str, Any]], int]:
    code = unit.partition(":")[2]
    base = BASE.get(code, 3_000)
    rows: list[dict[str, Any]] = []
    total_2012_2023 = 0

    def add(indicator: str, year: int, value: int, **extra: Any) -> None:
        rows.append(
            {
                "indicator": indicator,
                "unit": unit,
                "start": f"{year}-01-01",
                "end": f"{year}-12-31",
                "value": value,
                "source_note": f"Báo cáo tổng kết công tác khuyến công năm {year}",
                **extra,
            }
        )

    for index, year in enumerate(YEARS):
        disbursed_m = int(base * (1 + 0.07 * index) * rng.uniform(0.9, 1.1))
        parts = {source: int(disbursed_m * share) * MILLION for source, share in SHARES.items()}
        disbursed = sum(parts.values())
        if year <= 2023:
            total_2012_2023 += disbursed
        planned = int(disbursed / rng.uniform(0.82, 0.97)) // MILLION * MILLION
        add("funding.disbursed", year, disbursed, is_declared_total=True)
        for source, amount in parts.items():
            add(f"funding.disbursed.{source}", year, amount)
        add("funding.planned", year, planned)
        add("projects.approved", year, rng.randint(6, 18))
        add("establishments.supported", year, rng.randint(25, 90))
        trainees = rng.randint(120, 420)
        add("trainees.count", year, trainees)
        add("trainees.employed_percent", year, round(rng.uniform(72, 92), 1))
        participations = rng.randint(10, 45)
        add("fairs.participations", year, participations)
        if year >= 2022:
            # The official results form's rows for the last years before the records, split
            # between the national (KCQG) and the local programme (KCĐP).
            vocational = trainees * 6 // 10
            for row, value in (
                ("training.vocational", vocational),
                ("training.vocational.employed", vocational * 4 // 5),
                ("fairs.establishments", participations),
                ("workshops.count", 2 + trainees // 100),
            ):
                national = value * 55 // 100
                add(f"results.{row}.national", year, national)
                add(f"results.{row}.local", year, value - national)
    return rows, total_2012_2023


def seed(ctx: DemoContext) -> None:
    entered = 0
    inconsistent = ""
    for code, slug, *_names in DEMO_PROVINCES:
        manager = ctx.users[f"manager_{slug}"]
        for unit in _units(code):
            rows, total = _rows(unit, ctx.rng)
            # The 2012–2023 review as its report declared it, beside the yearly values.
            rows.append(
                {
                    "indicator": "funding.disbursed",
                    "unit": unit,
                    "start": "2012-01-01",
                    "end": "2023-12-31",
                    "value": total,
                    "is_declared_total": True,
                    "source_note": "Báo cáo tổng kết 12 năm thực hiện Nghị định 45/2012/NĐ-CP",
                }
            )
            if not inconsistent and code == "66":
                # A typing slip in the 2019 report: the total is 150 million above its sources.
                row = next(
                    r
                    for r in rows
                    if r["indicator"] == "funding.disbursed" and r["start"] == "2019-01-01"
                )
                row["value"] += 150 * MILLION
                inconsistent = unit
            saved, _counts = services.enter_aggregates(actor=manager, items=rows)
            entered += len(saved)
    ctx.log(
        f"Reports: {entered} historical aggregate values 2012–2024"
        + (f", one inconsistent declared total ({inconsistent}, 2019)" if inconsistent else "")
        + "."
    )
    _submit_demo_reports(ctx)
    _agencies(ctx)
    # Every other province: a quarter of records and its report (reports/demo_country.py).
    demo_country.seed(ctx)


def _agencies(ctx: DemoContext) -> None:
    """Every demo province's issuing agency, set by its manager (a deputy director signs for
    the director), and the national agency, set by the administrator."""
    for _code, slug, manager_name, *_names in DEMO_PROVINCES:
        manager = ctx.users[f"manager_{slug}"]
        shown = agency.default_agency(manager.province)
        data = {name: getattr(shown, name) for name in agency.FIELDS}
        data.update(
            signer_authority="KT. GIÁM ĐỐC",
            signer_title="PHÓ GIÁM ĐỐC",
            signer_name=manager_name,
        )
        agency.save_agency(actor=manager, province=manager.province, data=data, expected_version=0)
    national = {name: getattr(agency.default_agency(None), name) for name in agency.FIELDS}
    national.update(
        signer_authority="KT. CỤC TRƯỞNG", signer_title="PHÓ CỤC TRƯỞNG", signer_name="Đỗ Minh Quân"
    )
    agency.save_agency(actor=ctx.users["admin"], province=None, data=national, expected_version=0)
    ctx.log(f"Reports: the issuing agency of {len(DEMO_PROVINCES)} provinces and of the nation.")


def _submit_demo_reports(ctx: DemoContext) -> None:
    """The last finished quarter's report: the first demo province submits it on time and
    then a corrected version 2 (accepted by the national agency), the second submits it late
    (returned with a reason), the third not at all — so the consolidation shows every case."""
    today = timezone.localdate()
    quarter = (today.month - 1) // 3  # the last finished quarter (0: last year's fourth)
    year = today.year if quarter else today.year - 1
    period = Period.quarter(year, quarter or 4)
    due = submissions.due_date(period)
    made = []
    for index, (_code, slug, *_names) in enumerate(DEMO_PROVINCES[:2]):
        manager = ctx.users[f"manager_{slug}"]
        province = manager.province
        on = due - datetime.timedelta(days=3) if index == 0 else due + datetime.timedelta(days=4)
        at = timezone.make_aware(datetime.datetime.combine(min(on, today), datetime.time(9)))
        made.append(submissions.submit(actor=manager, province=province, period=period, now=at))
        if index == 0:
            later = at + datetime.timedelta(days=2)
            made.append(
                submissions.submit(
                    actor=manager,
                    province=province,
                    period=period,
                    note="Bổ sung số liệu giải ngân cuối quý.",
                    now=min(later, timezone.now()),
                )
            )
    # The national agency accepts the first province's corrected version and returns the
    # second's with a reason; the consolidated national forms show the accepted one.
    national = ctx.users.get("cuc")
    if national is not None and len(made) >= 3:
        workflow.review(actor=national, submission=made[1], action="accept")
        workflow.review(
            actor=national,
            submission=made[2],
            action="return",
            reason="Biểu kinh phí thiếu số giải ngân vốn khuyến công địa phương quý này; "
            "đề nghị bổ sung và gửi lại.",
        )
    ctx.log(f"Reports: {len(made)} submitted period reports ({period.label}).")
    # Yearly figures with the effect of support, for the impact page (reports.impact_demo).
    from khuyencong.reports import impact_demo

    impact_demo.seed(ctx)
