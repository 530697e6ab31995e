import factory

from khuyencong.core.text import normalise
from khuyencong.places.factories import CommuneFactory
from khuyencong.registry.models import Establishment, Sector


class EstablishmentFactory(factory.django.DjangoModelFactory):
    """Creates rows directly; tests of behaviour create through registry.services instead."""

    class Meta:
        model = Establishment

    name = factory.Sequence(lambda n: f"Cơ sở chế biến số {n}")
    kind = Establishment.Kind.HOUSEHOLD
    commune = factory.SubFactory(CommuneFactory)
    province = factory.LazyAttribute(lambda o: o.commune.province)
    sector = factory.LazyFunction(lambda: Sector.objects.get(code="a"))
    address = "Thôn 1"
    search_name = factory.LazyAttribute(lambda o: normalise(o.name))
