"""load_places against the real dataset, and the conversion of pre-2025 addresses."""

import pytest
from django.core.management import call_command

from khuyencong.places.conversion import (
    convert_legacy,
    convert_legacy_address,
    legacy_units_of,
)
from khuyencong.places.models import (
    Commune,
    CommuneMapping,
    LegacyCommune,
    LegacyDistrict,
    LegacyProvince,
    Province,
    Region,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    call_command("load_places", "--quiet")


def counts():
    return [
        m.objects.count()
        for m in (
            Province,
            Commune,
            LegacyProvince,
            LegacyDistrict,
            LegacyCommune,
            CommuneMapping,
            Region,
        )
    ]


def test_it_loads_both_editions(places):
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    assert LegacyProvince.objects.count() == 63
    assert LegacyDistrict.objects.count() == 696
    # 10,035 communes plus one unit for each of the five island districts without communes.
    assert LegacyCommune.objects.count() == 10040
    assert set(Commune.objects.values_list("kind", flat=True)) == {"xa", "phuong", "dac_khu"}


def test_it_is_idempotent(places):
    before = counts()
    call_command("load_places", "--quiet")
    assert counts() == before


def test_codes_travel_with_their_edition(places):
    assert LegacyProvince.objects.get(code="80").short_name == "Long An"
    assert Province.objects.get(code="80").short_name == "Tây Ninh"
    assert LegacyProvince.objects.get(code="80").successor_id == "80"
    assert set(legacy_units_of("80").values_list("short_name", flat=True)) == {
        "Long An",
        "Tây Ninh",
    }


def test_every_old_commune_has_exactly_one_default_successor(places):
    assert not LegacyCommune.objects.filter(mappings__isnull=True).exists()
    split = LegacyCommune.objects.filter(mappings__is_default=False).distinct()
    assert split.count() > 100
    for old in split[:20]:
        assert old.mappings.count() >= 2
        assert old.mappings.filter(is_default=True).count() == 1


def test_regions_are_seeded_and_never_overwritten(places):
    sizes = {r.code: r.provinces.count() for r in Region.objects.all()}
    assert sizes == {"BAC": 18, "TRUNG": 8, "NAM": 8}
    south = Region.objects.get(code="NAM")
    south.name = "Khu vực phía Nam (đã sửa)"
    south.save()
    south.provinces.remove(Province.objects.get(code="96"))
    call_command("load_places", "--quiet")
    south.refresh_from_db()
    assert south.name.endswith("(đã sửa)")
    assert south.provinces.count() == 7


def test_it_converts_names_without_diacritics(places):
    result = convert_legacy(province="tinh dak lak", district="krong buk", commune="xa cu ne")
    assert result.ok, result.error
    assert result.legacy_commune.short_name == "Cư Né"
    assert result.commune.province_id == "66"


def test_it_converts_an_old_long_an_commune_into_tay_ninh(places):
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


def test_it_converts_a_free_text_address(places):
    result = convert_legacy_address("Thôn 3, xã Cư Né, huyện Krông Búk, tỉnh Đắk Lắk")
    assert result.ok, result.error
    assert result.legacy_commune.short_name == "Cư Né"
    assert result.commune.province.short_name == "Đắk Lắk"


def test_an_island_district_without_communes_converts(places):
    result = convert_legacy_address("Huyện Bạch Long Vĩ, Thành phố Hải Phòng")
    assert result.ok, result.error
    assert result.commune.kind == Commune.Kind.SPECIAL_ZONE


def test_an_unknown_address_is_a_clear_error(places):
    result = convert_legacy_address("Số 5, đường Không Có, Nơi Nào Đó")
    assert not result.ok
    assert "Nơi Nào Đó" in result.error
    assert not convert_legacy(province="Atlantis", commune="X").ok
