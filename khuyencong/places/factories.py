"""Factories for places. Tests use small made-up units; the real dataset is loaded only by
the tests of ``load_places`` itself."""

import factory

from khuyencong.core.text import normalise
from khuyencong.places.models import Commune, Province, Region


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{(n % 90) + 10:02d}")
    short_name = factory.Sequence(lambda n: f"Tỉnh thử {n}")
    name = factory.LazyAttribute(lambda o: f"Tỉnh {o.short_name}")
    kind = Province.Kind.PROVINCE
    key = factory.LazyAttribute(lambda o: normalise(o.name).replace(" ", ""))
    search_name = factory.LazyAttribute(lambda o: normalise(o.name))


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{90000 + n:05d}")
    short_name = factory.Sequence(lambda n: f"Xã Thử {n}")
    name = factory.LazyAttribute(lambda o: o.short_name)
    kind = Commune.Kind.COMMUNE
    province = factory.SubFactory(ProvinceFactory)
    key = factory.LazyAttribute(lambda o: normalise(o.name).replace(" ", ""))
    search_name = factory.LazyAttribute(lambda o: normalise(o.name))


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"KV{n}")
    name = factory.Sequence(lambda n: f"Khu vực {n}")


def legacy_ea_kar(province, commune):
    """Thị trấn Ea Kar, huyện Ea Kar, tỉnh Đắk Lắk (pre-2025) → ``commune`` (2025), with the
    dataset's keys so that free-text addresses parse to it."""
    from khuyencong.places.models import (
        CommuneMapping,
        LegacyCommune,
        LegacyDistrict,
        LegacyProvince,
    )

    old_province = LegacyProvince.objects.create(
        code="66",
        name="Tỉnh Đắk Lắk",
        short_name="Đắk Lắk",
        key="tinhdaklak",
        search_name="tinh dak lak",
        successor=province,
    )
    district = LegacyDistrict.objects.create(
        code="651",
        name="Huyện Ea Kar",
        short_name="Ea Kar",
        kind="Huyện",
        province=old_province,
        key="huyeneakar",
    )
    old = LegacyCommune.objects.create(
        code="24400",
        name="Thị trấn Ea Kar",
        short_name="Ea Kar",
        kind="Thị trấn",
        district=district,
        province=old_province,
        key="tinhdaklak_huyeneakar_thitraneakar",
        search_name="thi tran ea kar",
    )
    CommuneMapping.objects.create(legacy_commune=old, commune=commune, is_default=True)
    return old
