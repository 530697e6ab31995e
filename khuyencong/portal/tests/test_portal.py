from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from khuyencong.surveys.models import Application

MILLION = 1_000_000


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def form(where, **overrides):
    data = {
        "establishment_name": "Cơ sở mây tre đan Phú Vinh",
        "kind": "household",
        "province": where.province_id,
        "commune": where.pk,
        "sector": "a",
        "representative": "Trần Thị Bình",
        "phone": "0987654321",
        "category": "03",
        "description": "Máy chẻ nan và máy vót nan",
        "estimated_cost": str(120 * MILLION),
        "counterpart_capacity": str(50 * MILLION),
    }
    data.update(overrides)
    return data


def test_apply_track_and_follow(client, commune_a1):
    assert client.get(reverse("portal:apply")).status_code == 200
    sent = client.post(reverse("portal:apply"), form(commune_a1))
    application = Application.objects.get()
    assert sent.status_code == 302
    receipt = client.get(sent["Location"])
    assert application.tracking_code in receipt.content.decode()
    lookup = client.get(
        reverse("portal:status-lookup"), {"code": application.tracking_code.lower()}
    )
    assert lookup["Location"] == reverse("portal:status", args=[application.tracking_code])
    status = client.get(lookup["Location"])
    assert status.status_code == 200
    assert application.get_status_display() in status.content.decode()
    # The receipt page is only for the browser that sent it.
    from django.test import Client

    assert Client().get(sent["Location"]).status_code == 302


def test_unknown_codes(client, db):
    assert client.get(reverse("portal:status", args=["KC-AAAA-BBBB"])).status_code == 404
    page = client.get(reverse("portal:status-lookup"), {"code": "<script>"})
    assert page.status_code == 200 and "<script>" not in page.content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"establishment_name": ""}, "establishment_name"),
        ({"establishment_name": "<img src=x onerror=alert(1)>"}, "establishment_name"),
        ({"description": "x" * 4001}, "description"),
        ({"phone": "gọi tôi"}, "phone"),
        ({"estimated_cost": "abc"}, "estimated_cost"),
        ({"counterpart_capacity": str(900 * MILLION)}, "counterpart_capacity"),
        ({"commune": "99999"}, "commune"),
        ({"tax_code": "123"}, "tax_code"),
    ],
)
def test_every_invalid_field_is_named(client, commune_a1, change, field):
    page = client.post(reverse("portal:apply"), form(commune_a1, **change))
    assert page.status_code == 200
    assert field in page.context["form"].errors
    assert not Application.objects.exists()


def test_a_commune_of_another_province_is_refused(client, commune_a1, commune_b1):
    page = client.post(reverse("portal:apply"), form(commune_a1, commune=commune_b1.pk))
    assert "commune" in page.context["form"].errors
    assert not Application.objects.exists()


def test_the_hidden_field_stops_robots(client, commune_a1):
    page = client.post(reverse("portal:apply"), form(commune_a1, website="http://spam"))
    assert page.status_code == 302
    assert not Application.objects.exists()


def test_rate_limit_and_size_limit(client, commune_a1, settings):
    settings.APPLICATIONS_PER_HOUR = 2
    for _ in range(2):
        assert client.post(reverse("portal:apply"), form(commune_a1)).status_code == 302
    limited = client.post(reverse("portal:apply"), form(commune_a1))
    assert limited.status_code == 429
    assert Application.objects.count() == 2
    big = client.post(reverse("portal:apply"), form(commune_a1, description="x" * 70_000))
    assert big.status_code == 413


def test_commune_options(client, commune_a1, commune_a2, commune_b1):
    page = client.get(reverse("portal:communes"), {"province": commune_a1.province_id})
    body = page.content.decode()
    assert commune_a1.pk in body and commune_a2.pk in body and commune_b1.pk not in body
