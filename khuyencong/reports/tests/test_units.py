"""Units: parsing, what they cover, and who may read them."""

import pytest
from django.http import Http404

from khuyencong.reports.access import may_read_unit as may_read
from khuyencong.reports.access import resolve_for
from khuyencong.reports.units import Unit, UnitError, resolve


@pytest.mark.parametrize(
    "text", ["", "province", "province:", "city:66", "nation:1", "province:6 6"]
)
def test_malformed_units_are_refused(text):
    with pytest.raises(UnitError) as error:
        Unit.parse(text)
    assert error.value.field == "unit"


def test_parse():
    assert Unit.parse("nation") == Unit("nation")
    assert Unit.parse("region:nam") == Unit("region", "NAM")
    assert str(Unit.parse("legacy-province:80")) == "legacy-province:80"


def test_a_merged_province_is_its_old_provinces(merged):
    resolved = resolve(Unit.parse("province:66"))
    assert resolved.provinces == ["66"]
    assert resolved.communes is None
    part = resolved.parts[0]
    assert part.own == Unit("province", "66")
    assert part.alternatives == (Unit("legacy-province", "54"), Unit("legacy-province", "66"))


def test_an_old_province_reads_the_communes_that_came_from_it(merged, commune_a2):
    resolved = resolve(Unit.parse("legacy-province:54"))
    assert resolved.provinces == ["66"]
    assert resolved.communes == [commune_a2.code]
    assert resolved.legacy_province == "54"
    assert resolved.label == "Tỉnh Phú Yên (trước 2025)"


def test_a_region_is_its_provinces(merged, regions):
    resolved = resolve(Unit.parse("region:NAM"))
    assert resolved.provinces == ["79"]
    assert resolved.label == "Khu vực phía Nam"


def test_unknown_places(db):
    for text in ("province:99", "region:XYZ", "legacy-province:99", "commune:12345"):
        with pytest.raises(UnitError):
            resolve(Unit.parse(text))


def test_who_reads_what(
    merged, regions, national, officer_a, officer_b, collaborator_a1, commune_a2
):
    nation = resolve(Unit.parse("nation"))
    a = resolve(Unit.parse("province:66"))
    old_a = resolve(Unit.parse("legacy-province:54"))
    b = resolve(Unit.parse("province:79"))
    assert may_read(national, nation) and may_read(national, b)
    assert may_read(officer_a, a) and may_read(officer_a, old_a)
    assert not may_read(officer_a, b) and not may_read(officer_a, nation)
    assert not may_read(officer_b, a)
    assert may_read(collaborator_a1, resolve(Unit.parse("commune:24100")))
    assert not may_read(collaborator_a1, resolve(Unit.parse("commune:24200")))
    assert not may_read(collaborator_a1, a)
    with pytest.raises(Http404):
        resolve_for(officer_b, "province:66")
