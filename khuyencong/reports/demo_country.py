"""The rest of the country in the demo. The three demo provinces have their users and full
records; every other province gets, from the administrator through the apps' services, a
little of each kind of record in the last finished quarter — two establishments, a machinery
project of the national programme (approved, paid, accepted with its outputs), a training
project of the local programme (approved, paid) with its vocational course, an upskilling
course of the national programme, the year's staff count, and its provincial round of
typical products with the two entries — so that its four official forms have every figure
for that quarter and its year, and the national report's province table has a line of
figures for every province. Most provinces then submit that quarter's report (the
administrator signs off for them) and the national agency accepts it; one in seven is late,
one in eleven has not submitted — so the consolidated national forms add many provinces and
the national page shows every case."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from khuyencong.accounts.demo import DEMO_PROVINCES
from khuyencong.activities import services as activities
from khuyencong.activities.models import TrainingCourse
from khuyencong.awards import services as awards
from khuyencong.core.demokit import DemoContext
from khuyencong.core.history import set_history_actor
from khuyencong.places.models import Commune, Province
from khuyencong.programmes import services as programmes
from khuyencong.programmes.models import ActivityCategory, ActivitySubtype, Project
from khuyencong.programmes.workflow import transition_project
from khuyencong.registry import services as registry
from khuyencong.registry.models import Product, Sector
from khuyencong.reports import submissions, workflow
from khuyencong.reports.periods import Period

M = 1_000_000
TRADES = [
    ("a", "1079", "chế biến nông sản", "Bánh đặc sản"),
    ("dd", "1629", "mây tre đan", "Giỏ mây tre"),
    ("b", "3100", "đồ gỗ", "Bàn ghế gỗ"),
    ("d", "2592", "cơ khí", "Máy tuốt lúa mini"),
    ("a", "1075", "chế biến thực phẩm", "Mắm đặc sản"),
]
LATE_EVERY = 7
MISSING_EVERY = 11


def last_finished_quarter(today: datetime.date) -> Period:
    quarter = (today.month - 1) // 3  # 0: last year's fourth
    return Period.quarter(today.year if quarter else today.year - 1, quarter or 4)


def _day(period: Period, offset: int) -> datetime.date:
    return min(period.start + datetime.timedelta(days=offset), period.end)


def _establishments(admin: Any, province: Province, rng: Any) -> list[Any]:
    # Establishments of communes (xã): wards are not supported (Decree 235/2025).
    communes = list(
        Commune.objects.filter(province=province, kind=Commune.Kind.COMMUNE).order_by("code")[:2]
    )
    sectors = {s.code: s for s in Sector.objects.all()}
    made = []
    for index, commune in enumerate(communes):
        sector, vsic, trade, product = rng.choice(TRADES)
        establishment = registry.create_establishment(
            actor=admin,
            allow_duplicate=True,
            data={
                "name": f"{'Hợp tác xã' if index else 'Cơ sở'} {trade} {commune.short_name}",
                "kind": "cooperative" if index else "household",
                "representative": "Nguyễn Văn An" if index else "Trần Thị Bình",
                "address": f"Thôn {rng.randint(1, 9)}",
                "commune": commune,
                "vsic_code": vsic,
                "sector": sectors.get(sector) or next(iter(sectors.values())),
                "founded_year": rng.randint(1995, 2020),
            },
        )
        item = Product(establishment=establishment, name=f"{product} {province.short_name}")
        set_history_actor(item, admin)
        item.save()
        made.append((establishment, item))
    return made


def _project(
    admin: Any,
    province: Province,
    period: Period,
    *,
    level: str,
    category: str,
    subtype: str,
    title: str,
    state: int,
    counterpart: int,
    outputs: dict[str, int],
    beneficiaries: list[Any],
) -> Project:
    project = programmes.create_project(
        actor=admin,
        data={
            "province": province,
            "year": period.start.year,
            "funding_level": level,
            "title": title,
            "category": ActivityCategory.objects.get(pk=category),
            "subtype": ActivitySubtype.objects.get(pk=subtype),
            "implementer": f"Trung tâm Khuyến công {province.short_name}",
            "budget_lines": [
                {"source": level, "amount": state},
                {"source": "counterpart", "amount": counterpart},
            ],
            "outputs": outputs,
        },
    )
    if beneficiaries:
        project.beneficiaries.set(beneficiaries)
    for action in ("submit", "appraise"):
        project = transition_project(actor=admin, project=project, action=action, note="")
    return transition_project(
        actor=admin,
        project=project,
        action="approve",
        note="",
        decision_number=f"{province.code}/QĐ-SCT",
        decision_date=_day(period, 3),
    )


def _pay(admin: Any, project: Project, amount: int, on: datetime.date, source: str) -> None:
    programmes.record_disbursement(
        actor=admin, project=project, source=source, amount=amount, date=on
    )


def _records(admin: Any, province: Province, period: Period, rng: Any) -> None:
    pairs = _establishments(admin, province, rng)
    scale = rng.randint(4, 12)
    machinery = _project(
        admin,
        province,
        period,
        level="national",
        category="03",
        subtype="03-MAYMOC",
        title=f"Hỗ trợ ứng dụng máy móc thiết bị tiên tiến tại {province.short_name}",
        state=scale * 50 * M,
        counterpart=scale * 75 * M,
        outputs={"machinery.establishments": 2, "machinery.investment": scale * 75 * M},
        beneficiaries=[e for e, _p in pairs],
    )
    _pay(admin, machinery, scale * rng.randint(20, 50) * M, _day(period, 20), "national")
    _pay(admin, machinery, scale * 75 * M, _day(period, 25), "counterpart")
    machinery = transition_project(actor=admin, project=machinery, action="start", note="")
    transition_project(
        actor=admin,
        project=machinery,
        action="accept",
        note="Nghiệm thu đạt.",
        accepted_on=_day(period, 70),
        minutes=f"Biên bản nghiệm thu ngày {_day(period, 70):%d/%m/%Y}",
        actual_outputs={o.indicator_id: o.planned for o in machinery.outputs.all()},
    )
    training = _project(
        admin,
        province,
        period,
        level="local",
        category="01",
        subtype="01-NGHE",
        title=f"Đào tạo nghề cho lao động nông thôn tỉnh {province.short_name}",
        state=scale * 20 * M,
        counterpart=0,
        outputs={"trainees.count": 30},
        beneficiaries=[],
    )
    _pay(admin, training, scale * rng.randint(6, 20) * M, _day(period, 45), "local")
    participants = rng.randint(25, 45)
    activities.create_activity(
        actor=admin,
        model=TrainingCourse,
        data={
            "province": province,
            "title": f"Đào tạo nghề {rng.choice(TRADES)[2]} cho lao động nông thôn",
            "topic": "vocational",
            "start_date": _day(period, 30),
            "end_date": _day(period, 60),
            "place": f"Hội trường UBND xã, {province.short_name}",
            "participants": participants,
            "employed_after": participants * 3 // 4,
            "project": training,
        },
    )
    activities.create_activity(
        actor=admin,
        model=TrainingCourse,
        data={
            "province": province,
            "title": "Tập huấn nâng cao tay nghề cho thợ đang làm việc",
            "topic": "upskilling",
            "start_date": _day(period, 40),
            "end_date": _day(period, 50),
            "place": f"Trung tâm Khuyến công {province.short_name}",
            "participants": rng.randint(15, 30),
            "funding_level": "national",
        },
    )
    year = period.start.year
    activities.record_staff_count(
        actor=admin,
        province=province,
        year=year,
        staff=rng.randint(8, 20),
        note="Viên chức và người lao động của Trung tâm Khuyến công",
    )
    if pairs:
        round = awards.create_round(
            actor=admin,
            data={
                "level": "province",
                "year": year,
                "province": province,
                "title": f"Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu tỉnh "
                f"{province.short_name} năm {year}",
                "organiser": f"Sở Công Thương {province.short_name}",
                "decision": f"{rng.randint(100, 980)}/QĐ-SCT",
                "council_size": 7,
                "closing_date": _day(period, 80),
            },
        )
        for establishment, product in pairs:
            awards.create_entry(
                actor=admin,
                round=round,
                data={"establishment": establishment, "product": product, "group": "other"},
            )


def seed(ctx: DemoContext) -> None:
    admin = ctx.users["admin"]
    national = ctx.users.get("cuc")
    today = timezone.localdate()
    period = last_finished_quarter(today)
    due = submissions.due_date(period)
    demo = {code for code, *_rest in DEMO_PROVINCES}
    provinces = list(Province.objects.exclude(code__in=demo).order_by("code"))
    for province in provinces:
        _records(admin, province, period, ctx.rng)
    filed = late = 0
    for index, province in enumerate(provinces, start=1):
        if index % MISSING_EVERY == 0:
            continue
        is_late = index % LATE_EVERY == 0
        on = due + datetime.timedelta(days=3) if is_late else due - datetime.timedelta(days=2)
        at = timezone.make_aware(datetime.datetime.combine(min(on, today), datetime.time(10)))
        submission = submissions.submit(actor=admin, province=province, period=period, now=at)
        filed += 1
        late += is_late
        if national is not None:
            workflow.review(actor=national, submission=submission, action="accept")
    if provinces:
        ctx.log(
            f"Reports: records of {period.label} for {len(provinces)} more provinces, "
            f"{filed} of their reports submitted ({late} late) and accepted."
        )
