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
