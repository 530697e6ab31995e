import pytest

from khuyencong.core.errors import StaleEditError
from khuyencong.registry import services
from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.registry.models import Establishment, Sector

pytestmark = pytest.mark.django_db


def data(commune, **extra):
    values = {
        "name": "Cơ sở sản xuất Tàu hủ ky Bà Tư",
        "kind": Establishment.Kind.HOUSEHOLD,
        "commune": commune,
        "sector": Sector.objects.get(code="a"),
    }
    values.update(extra)
    return values


def test_creating_sets_the_province_and_the_search_name(officer_a, commune_a1):
    establishment = services.create_establishment(actor=officer_a, data=data(commune_a1))
    assert establishment.province_id == commune_a1.province_id
    assert establishment.search_name == "co so san xuat tau hu ky ba tu"
    assert establishment.history.get().history_user == officer_a


def test_an_officer_cannot_create_in_another_province(officer_b, commune_a1):
    with pytest.raises(services.RegistryError) as error:
        services.create_establishment(actor=officer_b, data=data(commune_a1))
    assert error.value.field == "commune"
    assert not Establishment.objects.exists()


def test_a_collaborator_creates_only_in_their_communes(collaborator_a1, commune_a1, commune_a2):
    services.create_establishment(actor=collaborator_a1, data=data(commune_a1))
    with pytest.raises(services.RegistryError):
        services.create_establishment(actor=collaborator_a1, data=data(commune_a2, name="Khác"))


def test_read_only_roles_cannot_create(national, auditor_a, commune_a1):
    for user in (national, auditor_a):
        with pytest.raises(services.RegistryError):
            services.create_establishment(actor=user, data=data(commune_a1))


def test_a_stale_edit_is_refused_and_the_first_edit_kept(officer_a, manager_a, commune_a1):
    establishment = services.create_establishment(actor=officer_a, data=data(commune_a1))
    seen = establishment.version
    services.update_establishment(
        actor=officer_a,
        establishment=establishment,
        data={"phone": "0911111111"},
        expected_version=seen,
    )
    with pytest.raises(StaleEditError):
        services.update_establishment(
            actor=manager_a,
            establishment=establishment,
            data={"phone": "0922222222"},
            expected_version=seen,
        )
    establishment.refresh_from_db()
    assert establishment.phone == "0911111111"
    assert establishment.version == seen + 1


def test_moving_to_another_province_is_refused(officer_a, commune_a1, commune_b1):
    establishment = services.create_establishment(actor=officer_a, data=data(commune_a1))
    with pytest.raises(services.RegistryError):
        services.update_establishment(
            actor=officer_a,
            establishment=establishment,
            data={"commune": commune_b1},
            expected_version=None,
        )
    establishment.refresh_from_db()
    assert establishment.commune == commune_a1


def test_search_ignores_diacritics_and_case(commune_a1):
    EstablishmentFactory(name="Cơ sở Tàu hủ ky Bà Tư", commune=commune_a1)
    EstablishmentFactory(name="Hợp tác xã Mây tre đan Phú Vinh", commune=commune_a1)
    found = services.search(Establishment.objects.all(), "TAU HU KY")
    assert [e.name for e in found] == ["Cơ sở Tàu hủ ky Bà Tư"]
    assert services.search(Establishment.objects.all(), "mây TRE").count() == 1


def test_duplicates_by_tax_code_or_by_name_in_the_commune(commune_a1, commune_a2):
    first = EstablishmentFactory(name="Cơ sở Gốm Sứ An", commune=commune_a1, tax_code="0100109106")
    by_tax = services.find_duplicates(
        name="Khác hẳn", commune_id=commune_a2.pk, tax_code="0100109106"
    )
    assert [d.establishment for d in by_tax] == [first]
    by_name = services.find_duplicates(
        name="co so gom su an", commune_id=commune_a1.pk, tax_code=None
    )
    assert [d.establishment for d in by_name] == [first]
    elsewhere = services.find_duplicates(
        name="Cơ sở Gốm Sứ An", commune_id=commune_a2.pk, tax_code=None
    )
    assert elsewhere == []
    itself = services.find_duplicates(
        name=first.name, commune_id=commune_a1.pk, tax_code=first.tax_code, exclude_pk=first.pk
    )
    assert itself == []


def test_a_second_record_for_the_same_year_is_refused(officer_a, commune_a1):
    establishment = services.create_establishment(actor=officer_a, data=data(commune_a1))
    services.save_yearly_figure(
        actor=officer_a,
        establishment=establishment,
        figure=None,
        data={"year": 2025, "workers": 12},
    )
    with pytest.raises(services.RegistryError):
        services.save_yearly_figure(
            actor=officer_a,
            establishment=establishment,
            figure=None,
            data={"year": 2025, "workers": 99},
        )
    assert establishment.yearly_figures.get().workers == 12
