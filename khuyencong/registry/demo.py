"""Demo establishments: believable rural industry in the demo provinces, created through the
registry services so their history shows who registered and who edited them."""

from __future__ import annotations

from khuyencong.core.demokit import DemoContext
from khuyencong.core.history import set_history_actor
from khuyencong.places.models import Commune
from khuyencong.registry import services
from khuyencong.registry.models import CraftVillage, Establishment, Product, Sector, YearlyFigure
from khuyencong.registry.validators import tax_check_digit

# (sector, VSIC 2018, trade as in a name, products)
TRADES = {
    "01": [
        ("dd", "2393", "gốm sứ", ["Bình gốm men lam", "Bộ ấm chén men rạn"]),
        ("dd", "1629", "mây tre đan", ["Giỏ mây xuất khẩu", "Khay tre ép"]),
        ("dd", "3290", "sơn mài", ["Tranh sơn mài", "Hộp sơn mài khảm trai"]),
        ("d", "2592", "cơ khí", ["Máy tuốt lúa mini", "Khung nhà thép tiền chế"]),
        ("a", "1079", "chế biến nông sản", ["Miến dong", "Bánh cốm"]),
        ("b", "3100", "đồ gỗ", ["Tủ gỗ sồi", "Bàn ghế gỗ tự nhiên"]),
        ("b", "1410", "may mặc", ["Áo sơ mi xuất khẩu", "Đồng phục học sinh"]),
    ],
    "66": [
        ("a", "1077", "chế biến cà phê", ["Cà phê bột Robusta", "Cà phê hạt rang"]),
        ("a", "1079", "chế biến hồ tiêu", ["Tiêu đen sấy", "Tiêu sọ trắng"]),
        ("dd", "1392", "dệt thổ cẩm", ["Khăn thổ cẩm Ê Đê", "Túi thổ cẩm"]),
        ("dd", "1629", "gỗ mỹ nghệ", ["Tượng gỗ Tây Nguyên", "Đồ lưu niệm gỗ"]),
        (
            "d",
            "3312",
            "cơ khí sửa chữa máy nông nghiệp",
            ["Máy xay xát cà phê", "Máy sấy nông sản"],
        ),
        ("c", "2395", "gạch không nung", ["Gạch block xi măng", "Gạch lát tự chèn"]),
        ("a", "1050", "chế biến sữa và mật ong", ["Mật ong hoa cà phê", "Sữa chua dẻo"]),
    ],
    "82": [
        ("a", "1079", "tàu hủ ky", ["Tàu hủ ky lá", "Tàu hủ ky cuộn"]),
        ("a", "1075", "bánh phồng tôm", ["Bánh phồng tôm Sa Giang", "Bánh phồng sữa"]),
        ("a", "1010", "nem", ["Nem Lai Vung", "Chả lụa"]),
        ("dd", "1629", "dệt chiếu", ["Chiếu cói in hoa", "Chiếu trơn"]),
        ("d", "2821", "cơ khí nông nghiệp", ["Máy sạ lúa", "Máy bơm nước dầu"]),
        ("a", "1061", "xay xát và chế biến bột", ["Bột gạo", "Bột năng"]),
        ("g", "3821", "xử lý phụ phẩm nông nghiệp", ["Phân hữu cơ từ vỏ trấu", "Than trấu"]),
    ],
}
BRANDS = [
    "Thành Đạt",
    "Phú Vinh",
    "Hưng Thịnh",
    "Minh Phát",
    "An Khang",
    "Tân Tiến",
    "Hoàng Long",
    "Phúc Lộc",
    "Trường Sơn",
    "Đức Thành",
    "Bình Minh",
    "Hòa Bình",
    "Kim Ngân",
    "Sao Mai",
    "Thiên Phú",
    "Quang Vinh",
    "Hồng Hà",
    "Nam Phong",
    "Việt Tiến",
    "Toàn Thắng",
]
OWNERS = [
    "Nguyễn Văn An",
    "Trần Thị Bích",
    "Lê Hoàng Nam",
    "Phạm Thị Lan",
    "Hoàng Văn Đức",
    "Vũ Thị Hạnh",
    "Đặng Quốc Bảo",
    "Bùi Thị Ngọc",
    "Đỗ Văn Khánh",
    "Ngô Thị Thảo",
    "Dương Văn Lợi",
    "Lý Thị Kim",
    "Huỳnh Văn Sáu",
    "Võ Thị Tư",
    "Y Blốc Êban",
    "H'Hen Niê",
]
PREFIX = {
    Establishment.Kind.ENTERPRISE: "Công ty TNHH",
    Establishment.Kind.COOPERATIVE: "Hợp tác xã",
    Establishment.Kind.COOPERATIVE_GROUP: "Tổ hợp tác",
    Establishment.Kind.HOUSEHOLD: "Cơ sở",
    Establishment.Kind.ARTISAN: "Nghệ nhân",
}
KIND_WEIGHTS = [
    (Establishment.Kind.HOUSEHOLD, 50),
    (Establishment.Kind.ENTERPRISE, 25),
    (Establishment.Kind.COOPERATIVE, 15),
    (Establishment.Kind.COOPERATIVE_GROUP, 6),
    (Establishment.Kind.ARTISAN, 4),
]
VILLAGES: dict[str, list[tuple[str, str | None, str, int]]] = {
    "01": [("Làng gốm Bát Tràng", "Bát Tràng", "gốm sứ", 2006)],
    "66": [("Làng nghề dệt thổ cẩm buôn Kô Siêr", None, "dệt thổ cẩm", 2012)],
    "82": [("Làng nghề bánh phồng tôm Sa Đéc", None, "bánh phồng tôm", 2010)],
}
PER_PROVINCE = 60


def _tax_code(rng) -> str:
    while True:
        head = f"{rng.randint(1, 99):02d}{rng.randint(0, 9999999):07d}"
        digit = tax_check_digit(head)
        if digit is not None:
            return f"{head}{digit}"


def _personal_number(rng) -> str:
    return f"0{rng.randint(1, 96):02d}{rng.choice('0123')}{rng.randint(60, 99):02d}{rng.randint(0, 999999):06d}"


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    sectors = {s.code: s for s in Sector.objects.all()}
    kinds = [k for k, w in KIND_WEIGHTS for _ in range(w)]
    total = 0
    for province in ctx.provinces:
        slug = {"01": "hanoi", "66": "daklak", "82": "dongthap"}[province.code]
        officer = ctx.users[f"officer_{slug}"]
        collaborator = ctx.users[f"collaborator_{slug}"]
        own = list(collaborator.communes.order_by("code"))
        communes = list(Commune.objects.filter(province=province).order_by("code"))
        rural = [c for c in communes if c.kind == Commune.Kind.COMMUNE and c not in own]
        wards = [c for c in communes if c.kind == Commune.Kind.WARD]
        chosen = own + rng.sample(rural, 10) + rng.sample(wards, 2)

        villages = []
        for name, commune_name, craft, year in VILLAGES[province.code]:
            commune = next((c for c in communes if c.short_name == commune_name), chosen[2])
            villages.append(
                CraftVillage.objects.create(
                    name=name,
                    commune=commune,
                    province=province,
                    craft=craft,
                    recognised_year=year,
                )
            )

        for index in range(PER_PROVINCE):
            sector_code, vsic, trade, products = rng.choice(TRADES[province.code])
            kind = rng.choice(kinds)
            if province.code == "82" and index == 0:
                # A name people search for without accents in the walkthrough ("tau hu ky").
                sector_code, vsic, trade, products = TRADES["82"][0]
                kind = Establishment.Kind.HOUSEHOLD
                name = "Cơ sở sản xuất Tàu hủ ky Bà Tư"
                commune = own[0]
            else:
                owner = rng.choice(OWNERS)
                brand = rng.choice(BRANDS)
                tail = (
                    owner
                    if kind in (Establishment.Kind.HOUSEHOLD, Establishment.Kind.ARTISAN)
                    else brand
                )
                name = f"{PREFIX[kind]} {trade} {tail}"
                commune = chosen[index % len(chosen)]
            if kind in (Establishment.Kind.ENTERPRISE, Establishment.Kind.COOPERATIVE):
                tax_code = _tax_code(rng)
            elif kind == Establishment.Kind.HOUSEHOLD and rng.random() < 0.5:
                tax_code = _personal_number(rng)
            else:
                tax_code = None
            village = next(
                (v for v in villages if v.craft == trade and v.commune_id == commune.code), None
            )
            author = collaborator if commune in own and index % 2 else officer
            status = rng.choices(
                [
                    Establishment.Status.ACTIVE,
                    Establishment.Status.PAUSED,
                    Establishment.Status.CEASED,
                ],
                weights=[88, 8, 4],
            )[0]
            establishment = services.create_establishment(
                actor=author,
                allow_duplicate=True,
                data={
                    "name": name,
                    "kind": kind,
                    "tax_code": tax_code,
                    "representative": rng.choice(OWNERS),
                    "phone": f"09{rng.randint(10000000, 99999999)}",
                    "address": f"Thôn {rng.randint(1, 12)}",
                    "commune": commune,
                    "vsic_code": vsic,
                    "sector": sectors[sector_code],
                    "craft_village": village,
                    "founded_year": rng.randint(1985, 2023),
                    "status": status,
                },
            )
            for product_name in products[: rng.randint(1, 2)]:
                product = Product(establishment=establishment, name=product_name)
                set_history_actor(product, author)
                product.save()
            workers = rng.randint(3, 120 if kind == Establishment.Kind.ENTERPRISE else 25)
            revenue = rng.randint(3, 400) * 100_000_000 // (4 if workers < 10 else 1)
            for year in (2023, 2024, 2025):
                growth = 1 + (year - 2023) * rng.uniform(0.02, 0.12)
                figure = YearlyFigure(
                    establishment=establishment,
                    year=year,
                    workers=round(workers * growth),
                    revenue=round(revenue * growth / 1_000_000) * 1_000_000,
                    output_value=round(revenue * growth * 1.1 / 1_000_000) * 1_000_000,
                    capital=round(revenue * 0.6 / 1_000_000) * 1_000_000,
                )
                set_history_actor(figure, author)
                figure.save()
            if index % 7 == 3:
                # A later correction by the provincial officer, so the history has an edit.
                establishment = services.update_establishment(
                    actor=officer,
                    establishment=establishment,
                    data={
                        "phone": f"02{rng.randint(10000000, 99999999)}",
                        "address": f"Thôn {rng.randint(1, 12)}, tổ {rng.randint(1, 9)}",
                    },
                    expected_version=establishment.version,
                )
            ctx.establishments.append(establishment)
            total += 1
    ctx.log(f"  {total} demo establishments")
