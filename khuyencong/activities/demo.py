"""Demo activities, recorded through the services by each demo province's officer so the
history shows who did it: for the current year so far and the two before, training courses
of every topic (one with its trainee list; the share employed known for the older ones),
trade fairs with demo establishments taking part (some in several fairs), showrooms, brand
registrations in every status, consulting contracts with and without receipts,
communication items and workshops; many linked to the demo projects of their category."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from khuyencong.accounts.demo import DEMO_PROVINCES
from khuyencong.activities import services
from khuyencong.activities.models import (
    BrandRegistration,
    CommunicationItem,
    ConsultingContract,
    Fair,
    Showroom,
    TrainingCourse,
    Workshop,
)
from khuyencong.core.demokit import DemoContext
from khuyencong.programmes.models import Project
from khuyencong.registry.models import Establishment

M = 1_000_000
TRAININGS = [
    ("vocational", "Đào tạo nghề {trade} cho lao động nông thôn"),
    ("vocational", "Truyền nghề {trade} cho lao động nữ"),
    ("management", "Tập huấn khởi sự và quản trị doanh nghiệp nhỏ"),
    ("cleaner_production", "Tập huấn áp dụng sản xuất sạch hơn trong chế biến"),
    ("energy_efficiency", "Tập huấn sử dụng năng lượng tiết kiệm và hiệu quả"),
    ("digital", "Tập huấn chuyển đổi số và bán hàng trên sàn thương mại điện tử"),
    ("collaborator", "Bồi dưỡng nghiệp vụ cho cộng tác viên khuyến công"),
    ("other", "Tập huấn an toàn thực phẩm cho cơ sở chế biến"),
    ("vocational", "Đào tạo nghề cơ khí sửa chữa máy nông nghiệp"),
    ("management", "Tập huấn xây dựng thương hiệu và bao bì sản phẩm"),
    ("upskilling", "Đào tạo nâng cao tay nghề {trade} cho thợ đang làm việc"),
    ("startup", "Đào tạo khởi sự doanh nghiệp cho hộ sản xuất {trade}"),
]
STUDY_TOURS = [
    (
        "study_tour",
        "Đoàn tham quan khảo sát mô hình sản xuất sạch hơn tại các tỉnh phía Bắc",
        "Bắc Ninh",
    ),
    ("study_tour_abroad", "Đoàn khảo sát, học tập kinh nghiệm phát triển làng nghề", "Thái Lan"),
]
TRADES = [
    "mây tre đan",
    "dệt thổ cẩm",
    "chế biến cà phê",
    "làm bánh tráng",
    "đan lục bình",
    "may mặc",
]
FAIRS = [
    (
        "province",
        "Hội chợ Công Thương {province} năm {year}",
        "Trung tâm Hội chợ triển lãm tỉnh",
        "",
    ),
    (
        "region",
        "Hội chợ sản phẩm công nghiệp nông thôn tiêu biểu khu vực năm {year}",
        "Đà Nẵng",
        "",
    ),
    ("national", "Hội chợ Hàng Việt Nam chất lượng cao năm {year}", "TP. Hồ Chí Minh", ""),
    ("national", "Hội chợ Thương mại quốc tế Việt Nam (Vietnam Expo) {year}", "Hà Nội", ""),
    ("international", "Hội chợ Thương mại Việt – Lào năm {year}", "Viêng Chăn", "Lào"),
    ("region", "Phiên chợ sản phẩm OCOP và hàng công nghiệp nông thôn năm {year}", "Cần Thơ", ""),
]
COMMUNICATIONS = [
    ("tv", "Phóng sự: Khuyến công đồng hành cùng cơ sở {trade}", "Đài PT-TH tỉnh", "programme"),
    ("radio", "Chuyên mục Khuyến công trên sóng phát thanh", "Đài PT-TH tỉnh", "programme"),
    ("article", "Sản xuất sạch hơn giúp cơ sở giảm chi phí", "Báo tỉnh", "cleaner_production"),
    ("bulletin", "Bản tin Khuyến công số {n}", "Trung tâm Khuyến công", "programme"),
    ("handbook", "Sổ tay sử dụng năng lượng tiết kiệm", "Trung tâm Khuyến công", "energy_saving"),
    (
        "panel",
        "Pano giới thiệu sản phẩm công nghiệp nông thôn tiêu biểu",
        "Trục đường chính",
        "typical_products",
    ),
    (
        "web",
        "Giới thiệu sản phẩm tiêu biểu trên Cổng thông tin",
        "Cổng thông tin Sở Công Thương",
        "typical_products",
    ),
]
WORKSHOPS = [
    ("workshop", "market", "Hội thảo kết nối cung cầu sản phẩm công nghiệp nông thôn"),
    ("workshop", "cleaner_production", "Hội thảo giới thiệu giải pháp sản xuất sạch hơn"),
    ("conference", "policy", "Hội nghị tổng kết công tác khuyến công năm {year}"),
    ("workshop", "digital", "Hội thảo chuyển đổi số cho cơ sở công nghiệp nông thôn"),
    ("workshop", "energy_efficiency", "Hội thảo tiết kiệm năng lượng trong sản xuất"),
]
CONSULTING = [
    ("energy_audit", "Kiểm toán năng lượng tại {client}"),
    ("investment", "Lập dự án đầu tư mở rộng sản xuất cho {client}"),
    ("environment", "Lập hồ sơ môi trường cho {client}"),
    ("technology", "Tư vấn lựa chọn thiết bị cho {client}"),
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Huỳnh"]
MIDDLE = ["Thị", "Văn", "Thị Thu", "Văn Minh", "Thị Ngọc", "Đức", "Thị Mỹ"]
GIVEN = ["Lan", "Hùng", "Mai", "Tuấn", "Hoa", "Phúc", "Linh", "Nam", "Hạnh", "Dũng", "Thảo", "Sơn"]


def _day(rng: Any, year: int, today: datetime.date, *, latest: int = 0) -> datetime.date:
    """A day of ``year``, not after today minus ``latest`` days."""
    last = min(datetime.date(year, 12, 20), today - datetime.timedelta(days=latest))
    first = datetime.date(year, 1, 6)
    if last <= first:
        return first if first <= today else datetime.date(year, 1, 1)
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _pick_project(projects: list[Project], year: int, categories: tuple[str, ...]) -> Any:
    fitting = [p for p in projects if p.category_id in categories]
    same_year = [p for p in fitting if p.year == year]
    return next(iter(same_year or fitting), None)


def _mark(name: str) -> str:
    """The mark an establishment registers: its name without the legal form."""
    for prefix in ("Cơ sở sản xuất ", "Cơ sở ", "Hộ kinh doanh ", "Hợp tác xã ", "Tổ hợp tác ",
                   "Công ty TNHH ", "Nghệ nhân "):  # fmt: skip
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return name[:1].upper() + name[1:]


def _person(rng: Any) -> tuple[str, str]:
    middle = rng.choice(MIDDLE)
    gender = "female" if "Thị" in middle else "male"
    return f"{rng.choice(SURNAMES)} {middle} {rng.choice(GIVEN)}", gender


def _province_year(
    ctx: DemoContext,
    officer: Any,
    province: Any,
    year: int,
    today: datetime.date,
    pool: list[Establishment],
    regulars: list[Establishment],
    projects: list[Project],
) -> int:
    rng = ctx.rng
    created = 0

    def record(model: Any, **data: Any) -> Any:
        nonlocal created
        created += 1
        if not data.get("project"):
            # The centre's own activities alternate between the two programmes.
            data.setdefault("funding_level", "national" if created % 2 else "local")
        return services.create_activity(
            actor=officer, model=model, data={"province": province, **data}
        )

    # Training courses: older ones know how many found work.
    for index, (topic, title) in enumerate(rng.sample(TRAININGS, rng.randint(6, 8))):
        end = _day(rng, year, today)
        start = end - datetime.timedelta(days=rng.choice([3, 5, 10, 30, 45]))
        participants = rng.randint(20, 60)
        known = (today - end).days > 60 and rng.random() < 0.85
        project = _pick_project(projects, year, ("01", "02") if index % 2 == 0 else ())
        course = record(
            TrainingCourse,
            title=title.format(trade=rng.choice(TRADES)),
            topic=topic,
            start_date=start,
            end_date=end,
            place=f"Hội trường UBND xã, {province.short_name}",
            participants=participants,
            employed_after=round(participants * rng.uniform(0.6, 0.9)) if known else None,
            project=project,
        )
        if index == 0:
            rows = []
            for _n in range(participants):
                name, gender = _person(rng)
                rows.append(
                    {
                        "name": name,
                        "gender": gender,
                        "birth_year": rng.randint(1970, 2005),
                        "establishment": rng.choice(pool) if rng.random() < 0.3 else None,
                        "employed_after": (rng.random() < 0.75) if known else None,
                    }
                )
            services.replace_trainees(actor=officer, course=course, rows=rows)
    # Fairs: the province's regular exhibitors go to several.
    for level, pattern, place, country in rng.sample(FAIRS, rng.randint(3, 5)):
        start = _day(rng, year, today, latest=3)
        fair = record(
            Fair,
            name=pattern.format(province=province.short_name, year=year),
            level=level,
            start_date=start,
            end_date=start + datetime.timedelta(days=rng.randint(3, 5)),
            place=place,
            country=country,
            project=_pick_project(projects, year, ("04",)) if level != "international" else None,
        )
        chosen = {e.pk: e for e in rng.sample(regulars, min(3, len(regulars)))}
        chosen.update({e.pk: e for e in rng.sample(pool, min(rng.randint(1, 4), len(pool)))})
        for establishment in chosen.values():
            services.add_participation(
                actor=officer,
                fair=fair,
                establishment=establishment,
                supported_amount=rng.choice([8, 10, 12, 15, 24]) * M,
                booths=rng.choice([1, 1, 1, 2]),
                contracts_signed=rng.randint(0, 6),
                sales=rng.randint(20, 300) * M,
            )
    # A showroom and brand registrations of establishments.
    for establishment in rng.sample(pool, min(rng.randint(1, 2), len(pool))):
        cost = rng.randint(150, 400) * M
        record(
            Showroom,
            name=f"Phòng trưng bày sản phẩm {establishment.name}",
            establishment=establishment,
            address=establishment.address,
            opened_on=_day(rng, year, today),
            cost=cost,
            supported_amount=min(cost // 2, 100 * M),
            project=_pick_project(projects, year, ("04",)),
        )
    statuses = ["filed"] if year == today.year else ["granted", "granted", "refused", "withdrawn"]
    for establishment in rng.sample(pool, min(2, len(pool))):
        filed = _day(rng, year, today)
        status = rng.choice(statuses)
        granted = status == "granted"
        record(
            BrandRegistration,
            establishment=establishment,
            mark_name=_mark(establishment.name),
            kind=rng.choice(["trademark", "trademark", "collective"]),
            application_number=f"4-{year}-{rng.randint(10000, 99999)}",
            filed_on=filed,
            status=status,
            certificate_number=f"{rng.randint(300000, 499999)}" if granted else "",
            certificate_date=filed + datetime.timedelta(days=rng.randint(200, 300))
            if granted
            else None,
            supported_amount=rng.choice([15, 20, 30]) * M,
            project=_pick_project(projects, year, ("04",)),
        )
    # Consulting contracts of the centre, most paid in one or two receipts.
    for service, pattern in rng.sample(CONSULTING, rng.randint(2, 4)):
        client = rng.choice(pool)
        signed = _day(rng, year, today, latest=10)
        value = rng.randint(40, 180) * M
        done = (today - signed).days > 90
        contract = record(
            ConsultingContract,
            title=pattern.format(client=client.name),
            client_establishment=client,
            client_name=client.name,
            service=service,
            contract_number=f"{rng.randint(10, 99)}/{year}/HĐTV",
            value=value,
            signed_on=signed,
            status="completed" if done else "in_progress",
            completed_on=min(signed + datetime.timedelta(days=rng.randint(30, 80)), today)
            if done
            else None,
            project=_pick_project(projects, year, ("05",)),
        )
        if rng.random() < 0.75:
            first = value * 30 // 100
            services.add_receipt(
                actor=officer,
                contract=contract,
                date=signed,
                amount=first,
                reference=f"Tạm ứng 30% theo hợp đồng số {contract.pk}/HĐTV",
            )
            if done:
                services.add_receipt(
                    actor=officer,
                    contract=contract,
                    date=contract.completed_on,
                    amount=value - first,
                    reference="Thanh lý hợp đồng",
                )
    for number, (kind, title, outlet, topic) in enumerate(
        rng.sample(COMMUNICATIONS, rng.randint(4, 6)), start=1
    ):
        record(
            CommunicationItem,
            kind=kind,
            title=title.format(trade=rng.choice(TRADES), n=number),
            date=_day(rng, year, today),
            outlet=outlet,
            topic=topic,
            reach=rng.randint(5, 80) * 1000 if kind in ("tv", "radio", "web") else None,
            quantity=500 if kind == "handbook" else rng.choice([1, 4, 12]),
            cost=rng.randint(5, 40) * M,
            project=_pick_project(projects, year, ("06",)),
        )
    for kind, topic, title in rng.sample(WORKSHOPS, rng.randint(2, 4)):
        record(
            Workshop,
            title=title.format(year=year),
            kind=kind,
            topic=topic,
            date=_day(rng, year, today),
            place=f"Sở Công Thương {province.short_name}",
            attendees=rng.randint(40, 150),
            establishments=rng.sample(pool, min(rng.randint(2, 5), len(pool))),
            project=_pick_project(projects, year, ("02",)),
        )
    # The province's own fair, with all its booths, and study tours (groups of persons).
    opened = _day(rng, year, today, latest=3)
    record(
        Fair,
        name=f"Hội chợ hàng công nghiệp nông thôn tiêu biểu {province.short_name} năm {year}",
        level="province",
        start_date=opened,
        end_date=opened + datetime.timedelta(days=4),
        place=f"Quảng trường trung tâm, {province.short_name}",
        organised=True,
        booths=rng.randint(120, 260),
        funding_level="local" if year % 2 else "national",
    )
    for number, (kind, title, place) in enumerate(STUDY_TOURS):
        record(
            Workshop,
            title=title,
            kind=kind,
            topic="market" if number else "cleaner_production",
            date=_day(rng, year, today),
            place=place,
            attendees=rng.randint(12, 25),
            funding_level="national" if number else "local",
        )
    services.record_staff_count(
        actor=officer,
        province=province,
        year=year,
        staff=rng.randint(14, 30),
        note="Viên chức và người lao động của Trung tâm Khuyến công",
    )
    return created


def seed(ctx: DemoContext) -> None:
    today = timezone.localdate()
    total = 0
    slugs = {code: slug for code, slug, *_names in DEMO_PROVINCES}
    for province in ctx.provinces:
        officer = ctx.users.get(f"officer_{slugs.get(province.code)}")
        pool = [e for e in ctx.establishments if e.province_id == province.code]
        if officer is None or len(pool) < 6:
            continue
        regulars = pool[:4]
        projects = list(Project.objects.filter(province=province).order_by("-year", "code"))
        for year in (today.year - 2, today.year - 1, today.year):
            total += _province_year(ctx, officer, province, year, today, pool, regulars, projects)
    ctx.log(f"  {total} demo activities (trainings, fairs, showrooms, brands, consulting…)")
