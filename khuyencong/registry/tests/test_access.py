"""The registry's access entry points (registry/access.py on core/access.py): the communes
of a user's own area, which the establishment form offers, by role."""

from __future__ import annotations

import pytest

from khuyencong.places.factories import CommuneFactory
from khuyencong.registry.access import area_communes, communes_for
from khuyencong.registry.forms import EstablishmentForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes(commune_a1, commune_a2, commune_b1):
    return commune_a1, commune_a2, commune_b1


def _offered(user):
    return list(EstablishmentForm(user=user).fields["commune"].queryset)


def test_an_auditor_is_offered_their_provinces_communes_though_they_may_write_in_none(
    communes, auditor_a, django_assert_num_queries
):
    commune_a1, commune_a2, _commune_b1 = communes
    with django_assert_num_queries(1):
        assert set(area_communes(auditor_a)) == {commune_a1, commune_a2}
    assert not communes_for(auditor_a, write=True).exists()
    assert set(_offered(auditor_a)) == {commune_a1, commune_a2}


def test_a_provincial_officer_is_offered_their_provinces_communes(
    communes, officer_a, officer_b, django_assert_num_queries
):
    commune_a1, commune_a2, commune_b1 = communes
    with django_assert_num_queries(1):
        assert set(area_communes(officer_a)) == {commune_a1, commune_a2}
    # For a role that writes, their area is where they may register.
    assert list(area_communes(officer_a)) == list(communes_for(officer_a, write=True))
    assert set(area_communes(officer_b)) == {commune_b1}
    assert set(_offered(officer_a)) == {commune_a1, commune_a2}


def test_a_commune_collaborator_is_offered_their_own_communes_only(
    communes, collaborator_a1, django_assert_num_queries
):
    commune_a1, _commune_a2, _commune_b1 = communes
    second = CommuneFactory(code="24300", name="Xã Cư Huê", province=commune_a1.province)
    collaborator_a1.communes.add(second)
    with django_assert_num_queries(1):  # the collaborator's communes are a subquery
        assert list(area_communes(collaborator_a1)) == [second, commune_a1]  # by name
    assert _offered(collaborator_a1) == [second, commune_a1]  # by name


def test_a_national_officer_bound_to_no_province_is_offered_none(
    communes, national, admin, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert list(area_communes(national)) == []
    assert _offered(national) == []
    # Reading everywhere is not an area: only an administrator is offered every commune.
    assert set(area_communes(admin)) == set(communes)
