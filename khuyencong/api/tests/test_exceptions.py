"""The mapping of domain errors to HTTP answers, for every app's API module."""

from django.core.exceptions import ValidationError
from django.utils.translation import override

from khuyencong.api.exceptions import exception_handler
from khuyencong.core.errors import DomainError, StaleEditError


class NotNow(DomainError):
    http_status = 409


def test_a_domain_error_on_a_field_is_400_naming_it():
    response = exception_handler(DomainError("Sai.", field="tax_code"), {})

    assert response.status_code == 400
    assert response.data == {"tax_code": ["Sai."]}


def test_a_domain_error_without_field_is_400_detail():
    response = exception_handler(DomainError("Không được."), {})

    assert response.status_code == 400
    assert response.data == {"detail": "Không được."}


def test_a_stale_edit_is_409_in_the_active_language():
    with override("en"):
        response = exception_handler(StaleEditError(), {})

    assert response.status_code == 409
    assert "someone else" in response.data["detail"]


def test_a_domain_error_declaring_409_is_409_even_with_a_field():
    response = exception_handler(NotNow("Chưa được.", field="status"), {})

    assert response.status_code == 409
    assert response.data == {"detail": "Chưa được."}


def test_a_model_validation_error_is_400_by_field():
    error = ValidationError({"name": ["Trống."], "__all__": ["Trùng."]})

    response = exception_handler(error, {})

    assert response.status_code == 400
    assert response.data == {"name": ["Trống."], "non_field_errors": ["Trùng."]}


def test_other_exceptions_are_left_to_drf():
    assert exception_handler(RuntimeError("bug"), {}) is None


def test_not_found_names_no_model_and_is_translated():
    from django.http import Http404

    with override("en"):
        english = exception_handler(Http404("No Establishment matches the given query."), {})
    with override("vi"):
        vietnamese = exception_handler(Http404("No Establishment matches the given query."), {})

    assert english.status_code == vietnamese.status_code == 404
    assert english.data == {"detail": "Not found."}
    assert vietnamese.data["detail"] != "Not found."


def test_deleting_a_region_still_used_is_409_naming_what_uses_it(api_for, admin, province_a):
    from khuyencong.awards.factories import AwardRoundFactory
    from khuyencong.places.factories import RegionFactory
    from khuyencong.places.models import Region

    region = RegionFactory(code="NAM", name="Khu vực phía Nam")
    AwardRoundFactory(level="region", province=None, region=region)
    response = api_for(admin).delete("/api/v1/regions/NAM/")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Không xoá được bản ghi này: vẫn đang được dùng bởi 1 kỳ bình chọn. "
        "Hãy xoá hoặc sửa các bản ghi đó trước."
    }
    assert Region.objects.filter(code="NAM").exists()


def test_deleting_an_establishment_a_project_supports_is_409_naming_it(
    api_for, officer_a, province_a, commune_a1
):
    from khuyencong.programmes.factories import draft_project
    from khuyencong.registry.factories import EstablishmentFactory
    from khuyencong.registry.models import Establishment

    supported = EstablishmentFactory(commune=commune_a1)
    draft_project(actor=officer_a, province=province_a, beneficiaries=[supported.pk])
    response = api_for(officer_a).delete(f"/api/v1/establishments/{supported.pk}/")
    assert response.status_code == 409
    assert "1 cơ sở thụ hưởng" in response.json()["detail"]
    assert Establishment.objects.filter(pk=supported.pk).exists()
