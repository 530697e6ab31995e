"""End to end in Debian's Chromium on a phone-sized screen, without logging in: someone
looks for a typical product typing without accents, finds it, opens its page and reads its
certificate, then narrows the catalogue to region-level products."""

import datetime

import pytest

from khuyencong.accounts.factories import UserFactory
from khuyencong.awards import services
from khuyencong.awards.factories import score_and_close
from khuyencong.core.roles import Role
from khuyencong.places.factories import CommuneFactory, ProvinceFactory, RegionFactory
from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.registry.models import Product

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _round(actor, **data):
    return services.create_round(
        actor=actor, data={"title": "Bình chọn sản phẩm CNNT tiêu biểu", "council_size": 7, **data}
    )


def _certify(actor, round, rows, closing_date):
    totals = {}
    for establishment, product, group, score in rows:
        entry = services.create_entry(
            actor=actor,
            round=round,
            data={"establishment": establishment, "product": product, "group": group},
        )
        totals[entry] = [score] * round.council_size
    score_and_close(actor, round, totals, closing_date=closing_date)


def test_someone_finds_a_typical_product_and_its_certificate(page):
    province = ProvinceFactory(code="82", name="Tỉnh Đồng Tháp", short_name="Đồng Tháp")
    commune = CommuneFactory(code="29800", name="Xã Tân Phú Trung", province=province)
    officer = UserFactory(username="canbo", role=Role.PROVINCIAL_OFFICER, province=province)
    admin = UserFactory(username="quantri", role=Role.ADMIN, is_superuser=True)
    region = RegionFactory(code="nam", name="Khu vực phía Nam")
    region.provinces.set([province])
    tofu = EstablishmentFactory(name="Cơ sở sản xuất Tàu hủ ky Bà Tư", commune=commune)
    mats = EstablishmentFactory(name="Tổ hợp tác dệt chiếu Định Yên", commune=commune)
    tofu_product = Product.objects.create(establishment=tofu, name="Tàu hủ ky lá")
    mat_product = Product.objects.create(establishment=mats, name="Chiếu cói in hoa")
    province_round = _round(officer, level="province", year=2025, province=province)
    _certify(
        officer,
        province_round,
        [(tofu, tofu_product, "food", 86), (mats, mat_product, "handicraft", 82)],
        datetime.date(2025, 10, 20),
    )
    region_round = _round(admin, level="region", year=2026, region=region, council_size=9)
    _certify(
        admin, region_round, [(mats, mat_product, "handicraft", 80)], datetime.date(2026, 6, 30)
    )

    base = page.base_url
    page.goto(f"{base}/public/products/")
    assert page.locator("[data-testid=product-card]").count() == 3
    page.fill("#id_q", "tau hu ky")
    page.click("[data-testid=catalogue-filters] button[type=submit]")
    page.wait_for_url("**/public/products/?*q=tau+hu+ky*")
    cards = page.locator("[data-testid=product-card]")
    assert cards.count() == 1
    assert "Tàu hủ ky lá" in cards.first.inner_text()
    # No photo recorded: a drawn placeholder, not a broken image.
    assert cards.first.locator("[data-testid=photo-placeholder]").count() == 1

    cards.first.locator("h2 a").click()
    page.wait_for_selector("[data-testid=certificate-number]")
    assert page.inner_text("[data-testid=certificate-number]").strip() == "1/2025/CNNT-82"
    assert "31/12/2027" in page.inner_text("[data-testid=validity]")
    assert "Cơ sở sản xuất Tàu hủ ky Bà Tư" in page.inner_text("[data-testid=producer]")

    page.goto(f"{base}/public/products/")
    page.select_option("#id_level", "region")
    page.click("[data-testid=catalogue-filters] button[type=submit]")
    page.wait_for_url("**/public/products/?*level=region*")
    cards = page.locator("[data-testid=product-card]")
    assert cards.count() == 1
    assert "Chiếu cói in hoa" in cards.first.inner_text()
    cards.first.locator("h2 a").click()
    page.wait_for_selector("[data-testid=certificate-number]")
    assert page.inner_text("[data-testid=certificate-number]").strip() == "1/2026/CNNT-KV-NAM"
