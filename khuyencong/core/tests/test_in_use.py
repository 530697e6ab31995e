"""Deleting what other records still use is a 409 naming them, on the pages as on the API
(docs/security.md, No 5xx): never a 500, nothing deleted."""

from __future__ import annotations

import pytest
from django.db.models import ProtectedError
from django.test import RequestFactory
from django.urls import reverse

from khuyencong.core.middleware import InUseMiddleware
from khuyencong.programmes.factories import draft_project
from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.registry.models import Establishment

pytestmark = pytest.mark.django_db


@pytest.fixture
def supported(officer_a, province_a, commune_a1):
    """An establishment a project lists as its beneficiary (ProjectBeneficiary protects it)."""
    establishment = EstablishmentFactory(commune=commune_a1)
    draft_project(actor=officer_a, province=province_a, beneficiaries=[establishment.pk])
    return establishment


def test_deleting_an_establishment_a_project_supports_is_409_naming_it(
    client_for, officer_a, supported
):
    response = client_for(officer_a).post(
        reverse("registry:establishment-delete", args=[supported.pk])
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "vẫn đang được dùng bởi 1 cơ sở thụ hưởng" in page
    assert "ngừng hoạt động" in page
    assert Establishment.objects.filter(pk=supported.pk).exists()


def test_any_page_whose_delete_the_database_refuses_answers_a_409_page(officer_a, supported):
    """The safety net under every page: a ``ProtectedError`` that no view caught."""
    request = RequestFactory().post("/somewhere/delete/", HTTP_REFERER="http://testserver/back/")
    request.user = officer_a
    error = ProtectedError("protected", {supported, EstablishmentFactory()})
    response = InUseMiddleware(lambda r: None).process_exception(request, error)
    assert response is not None and response.status_code == 409
    page = response.content.decode()
    assert "vẫn đang được dùng bởi 2 cơ sở" in page
    assert 'href="http://testserver/back/"' in page


def test_the_409_page_never_links_back_to_another_site(officer_a, supported):
    request = RequestFactory().post("/x/", HTTP_REFERER="https://evil.example/")
    request.user = officer_a
    response = InUseMiddleware(lambda r: None).process_exception(
        request, ProtectedError("protected", {supported})
    )
    assert "evil.example" not in response.content.decode()


def test_other_errors_are_left_to_django(officer_a):
    request = RequestFactory().get("/x/")
    assert InUseMiddleware(lambda r: None).process_exception(request, ValueError("x")) is None
