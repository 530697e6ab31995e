"""Benchmarks of activities and typical products at national scale (run by hand).

Fills the benchmark database (bench/run.py's establishments first; bench/programmes.py's
projects are linked when present) with ten years of activities of the 34 provinces —
BENCH_TRAININGS training courses (default 60,000; one in ten with its trainee list), 10,000
fairs with about 150,000 participations, 20,000 showrooms, 20,000 brand registrations,
15,000 consulting contracts with their receipts, 30,000 communication items and 10,000
workshops with their establishments — and with the award rounds of those years: a province
round per province and year, district rounds up to 2024, region and national rounds (about
3,400 rounds, 40,000 entries, 235,000 score sheets; the past rounds closed with their
certificates). Then times the activities and awards pages, the public catalogue and the API
as a provincial manager, a national officer and an anonymous visitor. Prints the median of
several runs and the query count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench .venv/bin/python bench/activities.py
"""

from __future__ import annotations

import datetime
import os
import random
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]
os.environ.setdefault("BENCH_ESTABLISHMENTS", "300000")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DEBUG", "1")
# Two-factor authentication would send the national officer and the manager to its page.
os.environ.setdefault("REQUIRE_2FA", "0")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from bulk import analyze, store, store_rows  # noqa: E402  (bench/bulk.py: COPY on PostgreSQL)
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from run import RUNS, fill, measure  # noqa: E402  (bench/run.py: filling, timing)

from khuyencong.accounts.models import User  # noqa: E402
from khuyencong.activities.models import (  # noqa: E402
    BrandRegistration,
    CommunicationItem,
    ConsultingContract,
    ConsultingReceipt,
    Fair,
    FairParticipation,
    Showroom,
    Trainee,
    TrainingCourse,
    Workshop,
)
from khuyencong.awards.models import (  # noqa: E402
    AwardEntry,
    AwardRound,
    AwardRoundTransition,
    Level,
    ProductGroup,
    ScoreSheet,
)
from khuyencong.core.roles import Role  # noqa: E402
from khuyencong.core.text import normalise  # noqa: E402
from khuyencong.places.models import LegacyDistrict, Province, Region  # noqa: E402
from khuyencong.programmes.models import Project  # noqa: E402
from khuyencong.registry.models import Establishment, Product, ProductPhoto  # noqa: E402

TRAININGS = int(os.environ.get("BENCH_TRAININGS", "60000"))
# The other kinds, in proportion to the training courses (defaults for 60,000).
SCALE = TRAININGS / 60000
COUNTS = {
    Fair: int(10000 * SCALE),
    Showroom: int(20000 * SCALE),
    BrandRegistration: int(20000 * SCALE),
    ConsultingContract: int(15000 * SCALE),
    CommunicationItem: int(30000 * SCALE),
    Workshop: int(10000 * SCALE),
}
YEARS = 10
BATCH = 5000
M = 1_000_000
TRADES = [
    "mây tre đan",
    "dệt thổ cẩm",
    "chế biến cà phê",
    "làm bánh tráng",
    "đan lục bình",
    "may mặc",
    "gốm sứ",
    "chế biến gỗ",
    "cơ khí nông nghiệp",
]
TRAINING_TITLES = [
    ("vocational", "Đào tạo nghề {trade} cho lao động nông thôn"),
    ("vocational", "Truyền nghề {trade} cho lao động nữ"),
    ("management", "Tập huấn khởi sự và quản trị doanh nghiệp nhỏ"),
    ("cleaner_production", "Tập huấn áp dụng sản xuất sạch hơn trong {trade}"),
    ("energy_efficiency", "Tập huấn sử dụng năng lượng tiết kiệm và hiệu quả"),
    ("digital", "Tập huấn chuyển đổi số và bán hàng trên sàn thương mại điện tử"),
    ("collaborator", "Bồi dưỡng nghiệp vụ cho cộng tác viên khuyến công"),
    ("other", "Tập huấn an toàn thực phẩm cho cơ sở chế biến"),
    ("management", "Tập huấn xây dựng thương hiệu và bao bì sản phẩm {trade}"),
]
FAIR_NAMES = [
    ("province", "Hội chợ Công Thương {province} năm {year}"),
    ("province", "Hội chợ hàng Việt và sản phẩm OCOP {province} năm {year}"),
    ("region", "Hội chợ sản phẩm công nghiệp nông thôn tiêu biểu khu vực năm {year}"),
    ("national", "Hội chợ Khuyến công toàn quốc năm {year}"),
    ("national", "Triển lãm hàng thủ công mỹ nghệ Việt Nam {year}"),
    ("international", "Hội chợ quốc tế hàng tiêu dùng {year}"),
]
COUNTRIES = ["Nhật Bản", "Hàn Quốc", "Trung Quốc", "Thái Lan", "Đức"]
COMMUNICATIONS = [
    ("tv", "Phóng sự: {trade} vươn lên nhờ khuyến công"),
    ("radio", "Chuyên mục khuyến công: hỗ trợ máy móc cho cơ sở {trade}"),
    ("article", "Cơ sở {trade} đổi mới công nghệ"),
    ("bulletin", "Bản tin khuyến công số {n}"),
    ("panel", "Pa nô tuyên truyền sản xuất sạch hơn"),
    ("handbook", "Sổ tay khuyến công năm {year}"),
    ("web", "Trang tin sản phẩm công nghiệp nông thôn tiêu biểu"),
]
WORKSHOPS = [
    ("cleaner_production", "Hội thảo sản xuất sạch hơn trong công nghiệp"),
    ("energy_efficiency", "Hội thảo sử dụng năng lượng tiết kiệm và hiệu quả"),
    ("digital", "Hội thảo chuyển đổi số cho cơ sở công nghiệp nông thôn"),
    ("market", "Hội nghị kết nối cung cầu sản phẩm {trade}"),
    ("management", "Hội thảo nâng cao năng lực quản trị cho hợp tác xã"),
    ("policy", "Hội nghị triển khai chính sách khuyến công năm {year}"),
]
SERVICES = {
    "energy_audit": "Kiểm toán năng lượng",
    "investment": "Lập dự án đầu tư",
    "environment": "Tư vấn môi trường",
    "technology": "Tư vấn công nghệ và thiết bị",
    "other": "Tư vấn quản lý sản xuất",
}
MARKS = ["Thành Đạt", "Phú Vinh", "Hưng Thịnh", "Minh Phát", "An Khang", "Tân Tiến", "Bà Tư"]
PRODUCTS = [
    ("Cà phê bột nguyên chất", ProductGroup.FOOD),
    ("Cà phê rang xay", ProductGroup.FOOD),
    ("Mật ong hoa cà phê", ProductGroup.FOOD),
    ("Nước mắm cá cơm", ProductGroup.FOOD),
    ("Bánh tráng phơi sương", ProductGroup.FOOD),
    ("Trà shan tuyết", ProductGroup.FOOD),
    ("Hạt điều rang muối", ProductGroup.FOOD),
    ("Tàu hủ ky", ProductGroup.FOOD),
    ("Nem chua", ProductGroup.FOOD),
    ("Thổ cẩm dệt tay", ProductGroup.HANDICRAFT),
    ("Gốm sứ men lam", ProductGroup.HANDICRAFT),
    ("Giỏ mây tre đan", ProductGroup.HANDICRAFT),
    ("Chiếu cói", ProductGroup.HANDICRAFT),
    ("Nón lá", ProductGroup.HANDICRAFT),
    ("Tượng gỗ mỹ nghệ", ProductGroup.HANDICRAFT),
    ("Tranh sơn mài", ProductGroup.HANDICRAFT),
    ("Máy tách hạt cà phê", ProductGroup.MECHANICAL),
    ("Máy sấy nông sản", ProductGroup.MECHANICAL),
    ("Dao rèn thủ công", ProductGroup.MECHANICAL),
    ("Xà phòng thảo mộc", ProductGroup.OTHER),
    ("Tinh dầu sả", ProductGroup.OTHER),
    ("Nhang trầm", ProductGroup.OTHER),
]
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
JUDGE_KEYS = {judge: normalise(judge) for judge in JUDGES}
SHEET_FIELDS = ("entry_id", "round_id", "judge", "judge_key", "points", "total")
# Council sizes, entries per round (low, high) and when rounds close (month, first day).
COUNCILS = {"district": 5, "province": 7, "region": 9, "national": 11}
ENTRIES = {"district": (4, 12), "province": (30, 50), "region": (40, 60), "national": (50, 70)}
CLOSING = {"district": (8, 1), "province": (9, 15), "region": (11, 1), "national": (12, 1)}
# Share of the 696 pre-2025 districts holding a round each year up to 2024.
DISTRICT_SHARE = 0.54
CENT = Decimal("0.01")
S = AwardRound.Status


class Context:
    """What every kind's filling needs: the years, the places, the establishments of each
    province and the projects of each province and year."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.years = list(range(self.today.year - YEARS + 1, self.today.year + 1))
        self.provinces = dict(Province.objects.values_list("code", "name"))
        self.establishments: dict[str, list[tuple[int, str, str]]] = {}
        rows = Establishment.objects.values_list("pk", "province_id", "commune_id", "name")
        for pk, province, commune, name in rows.iterator(chunk_size=20000):
            self.establishments.setdefault(province, []).append((pk, commune, name))
        self.projects: dict[tuple[str, int], list[int]] = {}
        for pk, province, year in Project.objects.values_list("pk", "province_id", "year"):
            self.projects.setdefault((province, year), []).append(pk)
        self.codes = list(self.provinces)

    def day(self, year: int) -> datetime.date:
        """A day of the year, not after today."""
        last = min(datetime.date(year, 12, 31), self.today)
        span = (last - datetime.date(year, 1, 1)).days
        return datetime.date(year, 1, 1) + datetime.timedelta(days=self.rng.randint(0, span))

    def place(self) -> tuple[str, int]:
        return self.rng.choice(self.codes), self.rng.choice(self.years)

    def establishment(self, province: str) -> tuple[int, str, str]:
        return self.rng.choice(self.establishments[province])

    def some(self, province: str, count: int) -> list[tuple[int, str, str]]:
        """``count`` different establishments of the province (fewer if it has fewer)."""
        pool = self.establishments[province]
        return self.rng.sample(pool, min(count, len(pool)))

    def common(self, province: str, year: int, name: str, commune: str | None = None) -> dict:
        """The fields every activity shares: a project of the province and year for one
        record in three, a commune for most, the normalised name for search."""
        projects = self.projects.get((province, year))
        if commune is None and self.rng.random() < 0.6:
            commune = self.establishment(province)[1]
        project = self.rng.choice(projects) if projects and self.rng.random() < 0.33 else None
        return {
            "province_id": province,
            "commune_id": commune,
            "project_id": project,
            # Without a project, the record's own programme (the official forms' KCQG/KCĐP).
            "funding_level": "" if project else self.rng.choice(["national", "local"]),
            "search_text": normalise(name)[:400],
        }


def _created(model, batch):
    return store(model, batch)


def _trainings(ctx: Context, count: int) -> None:
    rng = ctx.rng
    for start in range(0, count, BATCH):
        courses = []
        for _ in range(min(BATCH, count - start)):
            province, year = ctx.place()
            topic, title = rng.choice(TRAINING_TITLES)
            title = title.format(trade=rng.choice(TRADES))
            end = ctx.day(year)
            participants = rng.randint(20, 60)
            known = end.year < ctx.today.year and rng.random() < 0.7
            courses.append(
                TrainingCourse(
                    title=title,
                    topic=topic,
                    start_date=end - datetime.timedelta(days=rng.randint(0, 20)),
                    end_date=end,
                    place=f"Hội trường xã {rng.randint(1, 30)}",
                    participants=participants,
                    employed_after=rng.randint(participants // 2, participants) if known else None,
                    **ctx.common(province, year, title),
                )
            )
        trainees = []
        for course in _created(TrainingCourse, courses):
            if rng.random() >= 0.1:
                continue
            for index in range(min(course.participants, 25)):
                linked = rng.random() < 0.6
                trainees.append(
                    Trainee(
                        course=course,
                        name=f"Học viên {index + 1:02d}",
                        gender=rng.choice(["female", "male"]),
                        birth_year=rng.randint(1965, 2005),
                        establishment_id=ctx.establishment(course.province_id)[0]
                        if linked
                        else None,
                        employed_after=rng.random() < 0.8
                        if course.employed_after is not None
                        else None,
                    )
                )
        store(Trainee, trainees)


def _fairs(ctx: Context, count: int) -> None:
    rng = ctx.rng
    for start in range(0, count, BATCH // 5):
        fairs = []
        for _ in range(min(BATCH // 5, count - start)):
            province, year = ctx.place()
            level, name = rng.choice(FAIR_NAMES)
            name = name.format(province=ctx.provinces[province], year=year)
            opens = ctx.day(year)
            fairs.append(
                Fair(
                    name=name,
                    level=level,
                    start_date=opens,
                    end_date=opens + datetime.timedelta(days=rng.randint(2, 6)),
                    place="Trung tâm Hội chợ triển lãm",
                    country=rng.choice(COUNTRIES) if level == "international" else "",
                    **ctx.common(province, year, name),
                )
            )
        rows = []
        for fair in _created(Fair, fairs):
            chosen = ctx.some(fair.province_id, rng.randint(5, 25))
            for pk, _commune, _name in chosen:
                rows.append(
                    FairParticipation(
                        fair=fair,
                        establishment_id=pk,
                        supported_amount=rng.randint(5, 30) * M,
                        booths=rng.choice([1, 1, 2]),
                        contracts_signed=rng.randint(0, 5),
                        sales=rng.randint(0, 200) * M,
                    )
                )
        store(FairParticipation, rows)


def _showrooms(ctx: Context, count: int) -> None:
    rng = ctx.rng
    batch = []
    for _ in range(count):
        province, year = ctx.place()
        pk, commune, owner = ctx.establishment(province)
        name = f"Phòng trưng bày sản phẩm {owner}"
        cost = rng.randint(50, 400) * M
        batch.append(
            Showroom(
                name=name,
                establishment_id=pk,
                address=f"Thôn {rng.randint(1, 12)}",
                opened_on=ctx.day(year),
                cost=cost,
                supported_amount=cost // 2,
                **ctx.common(province, year, name, commune),
            )
        )
    store(Showroom, batch)


def _brands(ctx: Context, count: int) -> None:
    rng = ctx.rng
    batch = []
    for index in range(count):
        province, year = ctx.place()
        pk, commune, _owner = ctx.establishment(province)
        product, _group = rng.choice(PRODUCTS)
        mark = f"{product} {rng.choice(MARKS)}"
        filed = ctx.day(year)
        status = (
            rng.choice(["granted"] * 6 + ["refused", "withdrawn", "filed"])
            if year < ctx.today.year - 1
            else rng.choice(["filed", "filed", "granted"])
        )
        granted = status == "granted"
        batch.append(
            BrandRegistration(
                establishment_id=pk,
                mark_name=mark,
                kind=rng.choice(["trademark"] * 7 + ["collective", "certification"]),
                application_number=f"4-{year}-{index:06d}",
                filed_on=filed,
                status=status,
                certificate_number=f"4-{index:07d}" if granted else "",
                certificate_date=filed + datetime.timedelta(days=300) if granted else None,
                supported_amount=rng.randint(5, 30) * M,
                **ctx.common(province, year, mark, commune),
            )
        )
    store(BrandRegistration, batch)


def _consulting(ctx: Context, count: int) -> None:
    rng = ctx.rng
    services = list(SERVICES)
    for start in range(0, count, BATCH):
        contracts = []
        for index in range(start, min(start + BATCH, count)):
            province, year = ctx.place()
            signed = ctx.day(year)
            client = ctx.establishment(province) if rng.random() < 0.6 else None
            status = (
                rng.choice(["completed"] * 7 + ["cancelled", "in_progress"])
                if year < ctx.today.year
                else rng.choice(["signed", "in_progress", "completed"])
            )
            completed = None
            if status == "completed":
                completed = min(signed + datetime.timedelta(days=rng.randint(30, 200)), ctx.today)
            service = rng.choice(services)
            client_name = client[2] if client else f"Công ty TNHH {rng.choice(MARKS)}"
            title = f"{SERVICES[service]} cho {client_name}"
            contracts.append(
                ConsultingContract(
                    title=title,
                    client_establishment_id=client[0] if client else None,
                    client_name=client_name,
                    service=service,
                    contract_number=f"{index}/HĐTV",
                    value=rng.randint(20, 500) * M,
                    signed_on=signed,
                    completed_on=completed,
                    status=status,
                    **ctx.common(province, year, title, client[1] if client else None),
                )
            )
        receipts = []
        for contract in _created(ConsultingContract, contracts):
            if contract.status == "cancelled":
                continue
            parts = rng.choice([0, 1, 1, 2, 2, 3])
            for part in range(parts):
                paid = contract.signed_on + datetime.timedelta(days=30 * (part + 1))
                if paid > ctx.today:
                    break
                receipts.append(
                    ConsultingReceipt(
                        contract=contract,
                        date=paid,
                        amount=contract.value // parts,
                        reference=f"PT-{contract.pk}-{part + 1}",
                    )
                )
        store(ConsultingReceipt, receipts)


def _communications(ctx: Context, count: int) -> None:
    rng = ctx.rng
    topics = list(CommunicationItem.Topic.values)
    batch = []
    for index in range(count):
        province, year = ctx.place()
        kind, title = rng.choice(COMMUNICATIONS)
        title = title.format(trade=rng.choice(TRADES), year=year, n=index % 12 + 1)
        batch.append(
            CommunicationItem(
                kind=kind,
                title=title,
                date=ctx.day(year),
                outlet=f"Đài Phát thanh và Truyền hình {ctx.provinces[province]}",
                topic=rng.choice(topics),
                reach=rng.randint(1000, 200000) if kind in ("tv", "radio") else None,
                quantity=rng.randint(1, 500),
                cost=rng.randint(2, 60) * M,
                **ctx.common(province, year, title),
            )
        )
    store(CommunicationItem, batch)


def _workshops(ctx: Context, count: int) -> None:
    rng = ctx.rng
    through = Workshop.establishments.through
    for start in range(0, count, BATCH):
        workshops = []
        for _ in range(min(BATCH, count - start)):
            province, year = ctx.place()
            topic, title = rng.choice(WORKSHOPS)
            title = title.format(trade=rng.choice(TRADES), year=year)
            workshops.append(
                Workshop(
                    title=title,
                    kind=rng.choice(["workshop", "workshop", "conference"]),
                    topic=topic,
                    date=ctx.day(year),
                    place=f"Hội trường Sở Công Thương {ctx.provinces[province]}",
                    attendees=rng.randint(30, 150),
                    **ctx.common(province, year, title),
                )
            )
        links = []
        for workshop in _created(Workshop, workshops):
            chosen = ctx.some(workshop.province_id, rng.randint(0, 8))
            links += [through(workshop_id=workshop.pk, establishment_id=pk) for pk, *_ in chosen]
        store(through, links)


KINDS = [
    (TrainingCourse, _trainings),
    (Fair, _fairs),
    (Showroom, _showrooms),
    (BrandRegistration, _brands),
    (ConsultingContract, _consulting),
    (CommunicationItem, _communications),
    (Workshop, _workshops),
]


def fill_activity_records() -> None:
    targets = {TrainingCourse: TRAININGS, **COUNTS}
    missing = [(model, f) for model, f in KINDS if model.objects.count() < targets[model]]
    if not missing:
        return
    started = time.perf_counter()
    ctx = Context(11)
    for model, fill_kind in missing:
        with transaction.atomic():
            fill_kind(ctx, targets[model] - model.objects.count())
    print(f"filled activities in {time.perf_counter() - started:.0f} s")
    analyze(
        *targets, Trainee, FairParticipation, ConsultingReceipt, Workshop.establishments.through
    )


# --- awards -------------------------------------------------------------------------------


def _sheets(rng: random.Random, council: int) -> list[Decimal]:
    """Each judge's total around the product's merit: an average pass rate near 60 %."""
    merit = rng.uniform(55, 90)
    return [
        Decimal(str(min(100.0, max(0.0, merit + rng.uniform(-5, 5))))).quantize(CENT)
        for _ in range(council)
    ]


def _points(total: Decimal) -> dict[str, str]:
    left, points = total, {}
    for code, maximum in (("market", 40), ("economic", 40), ("culture", 10), ("other", 10)):
        given = min(left, Decimal(maximum))
        points[code] = str(given)
        left -= given
    return points


class AwardFiller:
    """The rounds of each year in the order they are held — district and province rounds,
    then region rounds entering province certificates, then the national round entering
    region certificates — with entries, score sheets, results and transitions."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        # Who took the workflow steps (a round's page names them).
        self.actor = User.objects.filter(is_superuser=True).first() or User.objects.first()
        self.region_provinces: dict[str, set[str]] = {}
        for region, province in Region.provinces.through.objects.values_list(
            "region_id", "province_id"
        ):
            self.region_provinces.setdefault(region, set()).add(province)
        self.districts = list(
            LegacyDistrict.objects.values_list("code", "province__successor_id").order_by("code")
        )
        # Certified entries: (level, pk, establishment, product, name, search name, group,
        # province, commune, issued_on).
        self.certified: list[tuple] = []

    def status(self, level: str, year: int) -> tuple[str, datetime.date | None]:
        """Past rounds are closed; this year's close if their date has passed, else a
        province round is being scored or open and the others are open."""
        month, day = CLOSING[level]
        if year == self.ctx.today.year and level == "province" and self.rng.random() < 0.3:
            month, day = 12, 1  # late this year: still scoring or open
        closing = datetime.date(year, month, day) + datetime.timedelta(self.rng.randint(0, 20))
        if closing <= self.ctx.today:
            return S.CLOSED, closing
        if level == "province" and self.rng.random() < 0.5:
            return S.SCORING, closing
        return S.OPEN, closing

    def fill(self) -> None:
        for year in self.ctx.years:
            rounds = []
            if year <= 2024:
                count = round(len(self.districts) * DISTRICT_SHARE)
                for code, province in self.rng.sample(self.districts, count):
                    rounds.append(self.round("district", year, province=province, district=code))
            for province in self.ctx.codes:
                rounds.append(self.round("province", year, province=province))
            self.hold(year, rounds)
            self.hold(year, [self.round("region", year, region=r) for r in self.region_provinces])
            self.hold(year, [self.round("national", year)])

    def round(
        self, level: str, year: int, *, province=None, district=None, region=None
    ) -> AwardRound:
        status, closing = self.status(level, year)
        place = {
            "district": f"huyện {district}",
            "province": self.ctx.provinces.get(province, ""),
            "region": f"khu vực {region}",
            "national": "toàn quốc",
        }[level]
        return AwardRound(
            level=level,
            year=year,
            province_id=province,
            legacy_district_id=district,
            region_id=region,
            title=f"Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu {place} năm {year}",
            organiser="Sở Công Thương" if province else "Bộ Công Thương",
            decision=f"{self.rng.randint(100, 999)}/QĐ-SCT",
            status=status,
            council_size=COUNCILS[level],
            closing_date=closing,
            closed_at=timezone.make_aware(datetime.datetime.combine(closing, datetime.time(16)))
            if status == S.CLOSED
            else None,
        )

    def candidates(self, round: AwardRound) -> list[dict]:
        """The entries of a round, before results: new products of the province for a
        district or province round, valid certificates of the level below otherwise."""
        low, high = ENTRIES[round.level]
        wanted = self.rng.randint(low, high)
        if round.level in ("district", "province"):
            chosen = self.ctx.some(round.province_id, wanted)
            entries = []
            for pk, commune, _name in chosen:
                product, group = self.rng.choice(PRODUCTS)
                name = f"{product} {self.rng.choice(MARKS)}"
                entries.append(
                    {
                        "establishment_id": pk,
                        "product_id": None,
                        "product_name": name,
                        "search_name": normalise(name),
                        "group": group,
                        "province_id": round.province_id,
                        "commune_id": commune,
                        "qualifying_entry_id": None,
                    }
                )
            return entries
        below = "province" if round.level == "region" else "region"
        day = round.closing_date or datetime.date(round.year, 12, 31)
        provinces = self.region_provinces.get(round.region_id)
        pool = [
            c
            for c in self.certified
            if c[0] == below
            and c[9] <= day <= datetime.date(c[9].year + 2, 12, 31)
            and (provinces is None or c[7] in provinces)
        ]
        seen, entries = set(), []
        for c in self.rng.sample(pool, len(pool)):
            key = (c[2], c[5])
            if key in seen:
                continue
            seen.add(key)
            entries.append(
                {
                    "establishment_id": c[2],
                    "product_id": c[3],
                    "product_name": c[4],
                    "search_name": c[5],
                    "group": c[6],
                    "province_id": c[7],
                    "commune_id": c[8],
                    "qualifying_entry_id": c[1],
                }
            )
            if len(entries) == wanted:
                break
        return entries

    def hold(self, year: int, rounds: list[AwardRound]) -> None:
        rounds = _created(AwardRound, rounds)
        transitions, prepared, products = [], [], []
        for round in rounds:
            steps = {S.SCORING: [("start_scoring", S.OPEN, S.SCORING)]}
            steps[S.CLOSED] = [*steps[S.SCORING], ("close", S.SCORING, S.CLOSED)]
            transitions += [
                AwardRoundTransition(
                    round=round, action=a, from_status=f, to_status=t, actor=self.actor
                )
                for a, f, t in steps.get(round.status, [])
            ]
            for data in self.candidates(round):
                if data["product_id"] is None and self.rng.random() < 0.5:
                    product = Product(
                        establishment_id=data["establishment_id"], name=data["product_name"]
                    )
                    products.append(product)
                    data["product"] = product
                prepared.append((round, data))
        store(AwardRoundTransition, transitions)
        if products:
            _created(Product, products)
        store(
            ProductPhoto,
            [ProductPhoto(product=p, image=f"products/{year}/bench-{p.pk}.jpg") for p in products],
        )
        entries, totals = [], []
        for round, data in prepared:
            product = data.pop("product", None)
            if product is not None:
                data["product_id"] = product.pk
            sheets = _sheets(self.rng, round.council_size) if round.status != S.OPEN else []
            entry = AwardEntry(round=round, **data)
            if round.status == S.CLOSED:
                average = (sum(sheets, Decimal(0)) / len(sheets)).quantize(CENT, ROUND_HALF_UP)
                entry.sheet_count = len(sheets)
                entry.average = average
                entry.certified = average >= round.pass_mark
            entries.append(entry)
            totals.append(sheets)
        by_round: dict[int, list[AwardEntry]] = {}
        for entry in entries:
            if entry.certified:
                by_round.setdefault(entry.round.pk, []).append(entry)
        for winners in by_round.values():
            winners.sort(key=lambda e: -e.average)
            for seq, entry in enumerate(winners, start=1):
                round = entry.round
                entry.certificate_seq = seq
                entry.certificate_number = (
                    f"{seq}/{round.closing_date.year}/CNNT-{self.place(round)}"
                )
                entry.issued_on = round.closing_date
                entry.valid_until = datetime.date(round.closing_date.year + 2, 12, 31)
        created = []
        for start in range(0, len(entries), BATCH):
            created += _created(AwardEntry, entries[start : start + BATCH])
        sheets = []
        for entry, entry_totals in zip(created, totals, strict=True):
            names = JUDGES[: len(entry_totals)]
            sheets += [
                (entry.pk, entry.round_id, judge, JUDGE_KEYS[judge], _points(total), total)
                for judge, total in zip(names, entry_totals, strict=True)
            ]
            if entry.certified:
                self.certified.append(
                    (
                        entry.round.level,
                        entry.pk,
                        entry.establishment_id,
                        entry.product_id,
                        entry.product_name,
                        entry.search_name,
                        entry.group,
                        entry.province_id,
                        entry.commune_id,
                        entry.issued_on,
                    )
                )
        store_rows(ScoreSheet, SHEET_FIELDS, sheets)

    @staticmethod
    def place(round: AwardRound) -> str:
        if round.level == Level.NATIONAL:
            return "QG"
        if round.level == Level.REGION:
            return f"KV-{round.region_id.upper()}"
        if round.level == Level.DISTRICT:
            return f"{round.province_id}-H{round.legacy_district_id}"
        return str(round.province_id)


def fill_awards() -> None:
    if AwardRound.objects.exists():
        return
    if not User.objects.exists():
        User.objects.create_superuser("bench_admin", "bench@example.org", "x")
    started = time.perf_counter()
    with transaction.atomic():
        AwardFiller(Context(13)).fill()
    print(f"filled awards in {time.perf_counter() - started:.0f} s")
    analyze(AwardRound, AwardRoundTransition, AwardEntry, ScoreSheet, Product, ProductPhoto)


def fill_activities() -> None:
    """Activities and awards, once (the establishments must be there: run.fill)."""
    fill_activity_records()
    fill_awards()


# --- timing -------------------------------------------------------------------------------

# A search per kind, typed without diacritics.
SEARCHES = {
    "trainings": "may tre",
    "fairs": "hoi cho cong thuong",
    "showrooms": "gom su",
    "brands": "ca phe",
    "consulting": "nang luong",
    "communications": "khuyen cong",
    "workshops": "san xuat sach",
}


def main() -> None:
    fill()
    fill_activities()
    province = Province.objects.get(code="66")
    manager, _ = User.objects.get_or_create(
        username="bench_manager", defaults={"role": Role.PROVINCIAL_MANAGER, "province": province}
    )
    national, _ = User.objects.get_or_create(
        username="bench_national", defaults={"role": Role.NATIONAL_OFFICER}
    )
    year = timezone.localdate().year - 1
    busy = (
        FairParticipation.objects.filter(fair__province=province)
        .values("establishment")
        .annotate(n=Count("id"))
        .order_by("-n", "establishment")
        .first()["establishment"]
    )
    round = AwardRound.objects.get(level="province", province=province, year=year)
    cases = []
    for slug, term in SEARCHES.items():
        search = f"/activities/{slug}/?q={term.replace(' ', '+')}"
        cases += [
            (manager, f"province {slug} {year}", f"/activities/{slug}/?year={year}"),
            (manager, f"province {slug} search '{term}'", search),
            (national, f"national {slug}", f"/activities/{slug}/"),
            (national, f"national {slug} {year}", f"/activities/{slug}/?year={year}"),
            (national, f"national {slug} search '{term}'", search),
        ]
    cases += [
        (manager, "province activities index", "/activities/"),
        (national, "national activities index", "/activities/"),
        (manager, "establishment's activities", f"/activities/establishments/{busy}/"),
        (manager, "province award rounds", "/awards/"),
        (national, "national award rounds", "/awards/"),
        (national, f"national award rounds {year}, closed", f"/awards/?year={year}&status=closed"),
        (manager, "award round page", f"/awards/rounds/{round.pk}/"),
        (None, "catalogue", "/public/products/"),
        (None, "catalogue search 'ca phe'", "/public/products/?q=ca+phe"),
        (None, "catalogue, province level", "/public/products/?level=province"),
        (None, "catalogue search 'mat ong', region", "/public/products/?q=mat+ong&level=region"),
        (manager, "API trainings, province", "/api/v1/trainings/"),
        (national, "API trainings, national", "/api/v1/trainings/"),
        (national, f"API trainings, national {year}", f"/api/v1/trainings/?year={year}"),
        (national, "API fairs, national", "/api/v1/fairs/"),
        (manager, "API award rounds, province", "/api/v1/award-rounds/"),
        (national, "API award rounds, national", "/api/v1/award-rounds/"),
    ]
    print(
        f"{TrainingCourse.objects.count():,} courses, {Fair.objects.count():,} fairs, "
        f"{FairParticipation.objects.count():,} participations, "
        f"{AwardRound.objects.count():,} rounds, {AwardEntry.objects.count():,} entries, "
        f"{connection.vendor}, median of {RUNS}"
    )
    print(f"{'case':<48} {'ms':>8} {'queries':>8} {'status':>7}")
    for user, label, url in cases:
        client = Client()
        if user is not None:
            client.force_login(user)
        client.get(url)
        ms, queries, status = measure(client, url)
        print(f"{label:<48} {ms:>8.1f} {queries:>8} {status:>7}")


if __name__ == "__main__":
    main()
