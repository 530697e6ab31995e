"""Places shaped like the 2025 merger: Đắk Lắk (66) = old Phú Yên (54) + old Đắk Lắk (66),
Hồ Chí Minh (79) = old Bình Dương (74) + old Hồ Chí Minh (79); regions TRUNG and NAM."""

import pytest

from khuyencong.places.factories import RegionFactory
from khuyencong.reports.factories import legacy_province


@pytest.fixture
def merged(province_a, province_b, commune_a1, commune_a2, commune_b1):
    return {
        "54": legacy_province("54", "Phú Yên", province_a, [commune_a2]),
        "66": legacy_province("66", "Đắk Lắk", province_a, [commune_a1]),
        "74": legacy_province("74", "Bình Dương", province_b, [commune_b1]),
        "79": legacy_province("79", "Hồ Chí Minh", province_b, [commune_b1]),
    }


@pytest.fixture
def regions(province_a, province_b):
    trung = RegionFactory(code="TRUNG", name="Khu vực miền Trung – Tây Nguyên")
    trung.provinces.set([province_a])
    nam = RegionFactory(code="NAM", name="Khu vực phía Nam")
    nam.provinces.set([province_b])
    return {"TRUNG": trung, "NAM": nam}
