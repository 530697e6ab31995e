"""End to end in Debian's Chromium, on a phone-sized screen: log in, register an
establishment, find it by an unaccented search, edit it and read its history."""

import pytest
from django.conf import settings

from conftest import read_db
from khuyencong.accounts.factories import PASSWORD, UserFactory
from khuyencong.core.roles import Role
from khuyencong.places.factories import CommuneFactory, ProvinceFactory
from khuyencong.registry.models import Establishment

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_register_find_edit_and_see_history(page):
    province = ProvinceFactory(code="82", name="Tỉnh Đồng Tháp", short_name="Đồng Tháp")
    commune = CommuneFactory(code="28360", name="Xã Cái Bè", province=province)
    UserFactory(
        username="canbo",
        first_name="Văn Phúc",
        last_name="Huỳnh",
        role=Role.PROVINCIAL_OFFICER,
        province=province,
    )
    base = page.base_url

    page.goto(f"{base}/login/")
    page.fill("#id_username", "canbo")
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base}/")

    # The menu is folded on a phone: open it and go to the registry.
    page.click("label.nav-toggle-label")
    page.click("nav.nav a[href='/establishments/']")
    page.click("a[href='/establishments/new/']")
    page.fill("#id_name", "Cơ sở sản xuất Tàu hủ ky Năm Sáu")
    page.select_option("#id_kind", "household")
    page.fill("#id_tax_code", "0100109106")
    page.select_option("#id_commune", commune.code)
    page.select_option("#id_sector", "a")
    page.fill("#id_phone", "0277111222")
    page.click("[data-testid=save]")
    page.wait_for_selector("h1:has-text('Tàu hủ ky Năm Sáu')")
    establishment = read_db(Establishment.objects.get)
    assert establishment.province_id == "82"

    page.goto(f"{base}/establishments/")
    page.fill("#id_q", "tau hu ky")
    page.press("#id_q", "Enter")
    row = page.locator("[data-testid=establishment-row]")
    row.first.wait_for()
    assert row.count() == 1
    row.first.locator("a").click()
    page.wait_for_selector("h1:has-text('Tàu hủ ky Năm Sáu')")

    page.click(f"a[href='/establishments/{establishment.pk}/edit/']")
    page.fill("#id_phone", "0277999888")
    page.click("[data-testid=save]")
    history = page.locator("[data-testid=history] > li")
    history.first.wait_for()
    assert history.count() == 2
    latest = history.first.inner_text()
    assert "0277111222" in latest and "0277999888" in latest
    assert "Huỳnh Văn Phúc" in latest
    shots = settings.VAR_DIR / "test-screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "establishment.png"), full_page=True)
