"""Award fixtures on top of the root personas: establishments with products in provinces A
and B, a region holding both, and an open province round of A."""

from __future__ import annotations

import pytest

from khuyencong.awards import services
from khuyencong.places.factories import RegionFactory
from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.registry.models import Product


@pytest.fixture
def est_a(commune_a1):
    return EstablishmentFactory(name="Cơ sở cà phê Ea Kar", commune=commune_a1)


@pytest.fixture
def est_a2(commune_a2):
    return EstablishmentFactory(name="Hợp tác xã dệt thổ cẩm Buôn Ma Thuột", commune=commune_a2)


@pytest.fixture
def est_b(commune_b1):
    return EstablishmentFactory(name="Cơ sở bánh tráng Củ Chi", commune=commune_b1)


@pytest.fixture
def coffee(est_a):
    return Product.objects.create(establishment=est_a, name="Cà phê bột Robusta")


@pytest.fixture
def brocade(est_a2):
    return Product.objects.create(establishment=est_a2, name="Khăn thổ cẩm Ê Đê")


@pytest.fixture
def region(province_a, province_b):
    region = RegionFactory(code="tnnb", name="Khu vực Tây Nguyên và Nam Bộ")
    region.provinces.set([province_a, province_b])
    return region


def round_data(**extra):
    data = {
        "level": "province",
        "year": 2026,
        "title": "Bình chọn sản phẩm CNNT tiêu biểu tỉnh Đắk Lắk năm 2026",
        "organiser": "Sở Công Thương Đắk Lắk",
        "decision": "125/QĐ-SCT ngày 10/03/2026",
        "council_size": 7,
    }
    data.update(extra)
    return data


@pytest.fixture
def round_a(officer_a, province_a):
    return services.create_round(actor=officer_a, data=round_data(province=province_a))


def enter(actor, round, establishment, product=None, **extra):
    data = {"establishment": establishment, "product": product, "group": "food", **extra}
    return services.create_entry(actor=actor, round=round, data=data)
