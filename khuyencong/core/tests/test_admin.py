"""Every admin page of our models opens for an administrator (no 500 from a typo)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from khuyencong.registry.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


def test_every_changelist_opens(client_for, admin, commune_a1):
    EstablishmentFactory(commune=commune_a1)
    client = client_for(admin)
    for model in admin_models():
        opts = model._meta
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert response.status_code == 200, opts.label


def test_a_provincial_officer_has_no_admin(client_for, officer_a):
    response = client_for(officer_a).get(reverse("admin:index"))
    assert response.status_code == 302


def admin_models():
    return [m for m in admin.site._registry if m.__module__.startswith("khuyencong.")]
