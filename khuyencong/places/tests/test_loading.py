"""load_places against the real vietnamadminunits dataset."""

import io
import json

import pytest
from django.core.management import call_command

from khuyencong.places import loading
from khuyencong.places.conversion import legacy_districts_of, legacy_units_of
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
    assert LegacyDistrict.objects.count() > 600
    # 10,035 communes plus one unit for each of the five island districts without communes.
    assert 9_900 < LegacyCommune.objects.count() < 10_200
    assert set(Commune.objects.values_list("kind", flat=True)) == {"xa", "phuong", "dac_khu"}


def test_provinces_and_communes_carry_kind_and_search_name(places):
    hanoi = Province.objects.get(code="01")
    assert (hanoi.name, hanoi.kind, hanoi.search_name) == (
        "Thành phố Hà Nội",
        Province.Kind.CITY,
        "thanh pho ha noi",
    )
    assert Province.objects.get(short_name="Đắk Lắk").kind == Province.Kind.PROVINCE
    assert Province.objects.filter(kind=Province.Kind.CITY).count() == 6
    special = Commune.objects.get(province__short_name="Hải Phòng", short_name="Bạch Long Vĩ")
    assert special.kind == Commune.Kind.SPECIAL_ZONE
    assert special.search_name == "dac khu bach long vi"


def test_a_second_run_changes_nothing(places):
    before = counts()
    report = loading.load_places()
    assert not report.changed
    assert counts() == before


def test_a_changed_name_is_brought_back_by_the_next_run(places):
    Commune.objects.filter(code="00004").update(name="Sai", search_name="sai")
    report = loading.load_places()
    assert report.updated["communes"] == 1
    assert Commune.objects.get(code="00004").name != "Sai"


def test_the_command_prints_counts_and_unmapped_communes(places):
    out = io.StringIO()
    call_command("load_places", stdout=out)
    text = out.getvalue()
    assert "communes: 3321 (0 created, 0 updated)" in text
    assert "pre-2025 communes without a 2025 successor: 0" in text
    assert "Places already up to date in" in text


def test_codes_travel_with_their_edition(places):
    assert LegacyProvince.objects.get(code="80").short_name == "Long An"
    assert Province.objects.get(code="80").short_name == "Tây Ninh"
    assert LegacyProvince.objects.get(code="80").successor_id == "80"
    assert set(legacy_units_of("80").values_list("short_name", flat=True)) == {
        "Long An",
        "Tây Ninh",
    }
    assert legacy_districts_of("80").filter(province__code="80").exists()


def test_every_old_province_has_a_successor_and_every_new_one_predecessors(places):
    assert not Province.objects.filter(predecessors__isnull=True).exists()
    assert LegacyProvince.objects.values("successor").distinct().count() == 34


def test_every_old_commune_has_exactly_one_default_successor(places):
    assert not LegacyCommune.objects.filter(mappings__isnull=True).exists()
    assert CommuneMapping.objects.filter(is_default=True).count() == LegacyCommune.objects.count()
    split = LegacyCommune.objects.filter(mappings__is_default=False).distinct()
    assert split.count() > 100
    for old in split[:20]:
        assert old.mappings.count() >= 2
        assert old.mappings.filter(is_default=True).count() == 1


def test_island_districts_without_communes_stand_for_themselves(places):
    islands = LegacyCommune.objects.filter(code__startswith="D")
    assert set(islands.values_list("short_name", flat=True)) == {
        "Bạch Long Vĩ",
        "Cồn Cỏ",
        "Hoàng Sa",
        "Lý Sơn",
        "Côn Đảo",
    }
    for island in islands:
        assert island.code == f"D{island.district_id}"
        assert island.mappings.get().commune.kind == Commune.Kind.SPECIAL_ZONE


def test_regions_are_seeded_from_the_data_file(places):
    sizes = {r.code: r.provinces.count() for r in Region.objects.all()}
    assert sizes == {"BAC": 18, "TRUNG": 8, "NAM": 8}
    assert set(Region.objects.get(code="NAM").provinces.values_list("short_name", flat=True)) == {
        "Hồ Chí Minh",
        "Đồng Nai",
        "Tây Ninh",
        "Đồng Tháp",
        "Vĩnh Long",
        "Cần Thơ",
        "An Giang",
        "Cà Mau",
    }
    assert "verify" in Region.objects.get(code="BAC").legal_basis.lower() or "xác minh" in (
        Region.objects.get(code="BAC").legal_basis
    )
    # Every province is in exactly one region.
    assert Province.objects.filter(regions__isnull=True).count() == 0
    assert Region.provinces.through.objects.count() == 34


def test_an_edited_region_is_never_overwritten(places):
    south = Region.objects.get(code="NAM")
    south.name = "Khu vực phía Nam (đã sửa)"
    south.save()
    south.provinces.remove(Province.objects.get(code="96"))
    call_command("load_places", "--quiet")
    south.refresh_from_db()
    assert south.name.endswith("(đã sửa)")
    assert south.provinces.count() == 7


def test_a_region_deleted_by_an_administrator_is_not_seeded_again(places):
    Region.objects.get(code="TRUNG").delete()
    report = loading.load_places()
    assert report.created["regions"] == 0
    assert set(Region.objects.values_list("code", flat=True)) == {"BAC", "NAM"}


def test_a_region_naming_an_unknown_province_fails_loudly(places, tmp_path, monkeypatch):
    spec = json.loads(loading.REGIONS_FILE.read_text("utf-8"))
    spec["regions"][1]["provinces"].append("Hà Tây")
    bad = tmp_path / "regions.json"
    bad.write_text(json.dumps(spec), "utf-8")
    monkeypatch.setattr(loading, "REGIONS_FILE", bad)
    Region.objects.all().delete()
    with pytest.raises(loading.PlacesDataError, match="Hà Tây"):
        loading.load_places()
