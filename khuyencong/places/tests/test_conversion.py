"""Pre-2025 places → 2025 communes, against the real dataset."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from khuyencong.places.conversion import (
    LegacyResolver,
    convert_legacy,
    convert_legacy_address,
)
from khuyencong.places.models import Commune, CommuneMapping, LegacyCommune

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_it_converts_names_without_diacritics(places):
    result = convert_legacy(province="tinh dak lak", district="krong buk", commune="xa cu ne")
    assert result.ok, result.error
    assert result.error is None
    assert result.legacy_commune.short_name == "Cư Né"
    assert result.commune.province_id == "66"
    assert result.candidates == [result.commune]


def test_it_converts_codes(places):
    by_name = convert_legacy(province="Đắk Lắk", district="Krông Búk", commune="Cư Né")
    old = by_name.legacy_commune
    by_code = convert_legacy(province=old.province_id, district=old.district_id, commune=old.code)
    assert by_code.legacy_commune == old
    assert by_code.commune == by_name.commune
    # A code without its leading zero (as spreadsheets keep it) still finds the commune.
    assert convert_legacy(commune="4").legacy_commune.code == "00004"


def test_abbreviated_prefixes_are_understood(places):
    result = convert_legacy(province="TP. HCM", district="Q.3", commune="P.1")
    assert result.ok, result.error
    assert result.legacy_commune.name == "Phường 1"
    assert result.legacy_commune.district.name == "Quận 3"
    assert result.commune.province.short_name == "Hồ Chí Minh"


def test_an_old_long_an_commune_lands_in_tay_ninh(places):
    result = convert_legacy(province="Long An", district="Huyện Thủ Thừa", commune="Xã Tân Thành")
    assert result.ok, result.error
    assert result.legacy_commune.province_id == "80"  # old 80: Long An
    assert result.commune.province_id == "80"  # new 80: Tây Ninh
    assert result.commune.province.short_name == "Tây Ninh"


def test_a_split_commune_lands_in_its_default_successor(places):
    mapping = (
        CommuneMapping.objects.filter(is_default=False)
        .select_related("legacy_commune__district", "legacy_commune__province")
        .first()
    )
    old = mapping.legacy_commune
    result = convert_legacy(
        province=old.province.name, district=old.district.name, commune=old.name
    )
    assert result.ok, result.error
    assert len(result.candidates) >= 2
    assert result.commune == old.mappings.get(is_default=True).commune
    assert result.candidates[0] == result.commune
    assert set(result.candidates) == set(
        Commune.objects.filter(legacy_mappings__legacy_commune=old)
    )


def test_diacritics_decide_between_near_namesakes(places):
    # Thị xã Sa Pa had both Phường Sa Pa and Phường Sa Pả.
    result = convert_legacy(province="Lào Cai", district="Sa Pa", commune="Phường Sa Pả")
    assert result.legacy_commune.name == "Phường Sa Pả"
    # Typed without diacritics, "sa pa" may be either: never guessed, by name or by address.
    assert "Sa Pả" in convert_legacy(province="Lào Cai", district="Sa Pa", commune="sa pa").error
    assert not convert_legacy_address("phuong sa pa, thi xa sa pa, tinh lao cai").ok
    ambiguous = convert_legacy(province="Yên Bái", district="Trấn Yên", commune="minh quan")
    assert not ambiguous.ok
    assert "Minh Quán" in ambiguous.error and "Minh Quân" in ambiguous.error


def test_a_commune_name_shared_in_the_province_asks_for_the_district(places):
    result = convert_legacy(province="Hồ Chí Minh", commune="Phường 1")
    assert not result.ok
    assert "give the district" in result.error


def test_an_island_district_converts_from_its_district_alone(places):
    result = convert_legacy(province="Hải Phòng", district="Huyện Bạch Long Vĩ")
    assert result.ok, result.error
    assert result.commune.kind == Commune.Kind.SPECIAL_ZONE
    assert result.commune.province.short_name == "Hải Phòng"
    address = convert_legacy_address("Huyện Côn Đảo, Tỉnh Bà Rịa - Vũng Tàu")
    assert address.ok, address.error
    assert address.commune.short_name == "Côn Đảo"


def test_errors_name_what_was_not_found(places):
    assert "Atlantis" in convert_legacy(province="Atlantis", commune="X").error
    missing = convert_legacy(province="Đắk Lắk", district="Krông Búk", commune="Không Có")
    assert "Không Có" in missing.error and "Krông Búk" in missing.error
    assert "99999" in convert_legacy(commune="99999").error
    elsewhere = convert_legacy(province="Hà Nội", commune="24400")
    assert "Đắk Lắk" in elsewhere.error
    assert convert_legacy(province="Đắk Lắk", district="Krông Búk").error


def test_it_converts_a_free_text_address(places):
    result = convert_legacy_address("Thôn 3, xã Cư Né, huyện Krông Búk, tỉnh Đắk Lắk")
    assert result.ok, result.error
    assert result.legacy_commune.short_name == "Cư Né"
    assert result.commune.province.short_name == "Đắk Lắk"
    for variant in (
        "thon 3, xa cu ne, huyen krong buk, tinh dak lak",
        "Thôn 3, xã Cư Né, Đắk Lắk",
        "xa cu ne krong buk dak lak",
    ):
        assert convert_legacy_address(variant).legacy_commune == result.legacy_commune, variant


def test_a_wrong_commune_in_a_real_district_is_not_guessed(places):
    result = convert_legacy_address("Thôn 1, xã Không Có, huyện Krông Búk, tỉnh Đắk Lắk")
    assert not result.ok
    assert "Không Có" in result.error


def test_an_unknown_address_is_a_clear_error(places):
    result = convert_legacy_address("Số 5, đường Không Có, Nơi Nào Đó")
    assert not result.ok
    assert "Nơi Nào Đó" in result.error
    assert convert_legacy_address("  ").error


def test_the_resolver_does_not_query_per_row(places):
    communes = list(
        LegacyCommune.objects.filter(province__short_name="Đắk Lắk")
        .exclude(code__startswith="D")
        .select_related("district")
        .order_by("code")
    )
    unique = [c for c in communes if sum(o.short_name == c.short_name for o in communes) == 1]

    def run(rows):
        resolver = LegacyResolver()
        with CaptureQueriesContext(connection) as queries:
            for old in rows:
                result = resolver.convert(province="Đắk Lắk", commune=old.short_name)
                assert result.legacy_commune == old, result.error
                assert result.commune.province.short_name == "Đắk Lắk"
                address = f"Thôn 1, {old.name}, {old.district.name}, Tỉnh Đắk Lắk"
                assert resolver.convert_address(address).legacy_commune == old, address
        return len(queries)

    assert run(unique[:5]) == run(unique[:100]) <= 4
