from __future__ import annotations

import datetime
import itertools

import pytest
from django.utils import timezone

from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.surveys import services

MILLION = 1_000_000
_keys = itertools.count(1)


@pytest.fixture
def campaign(province_a, manager_a):
    today = timezone.localdate()
    return services.create_campaign(
        actor=manager_a,
        data={
            "province": province_a,
            "year": today.year,
            "title": "Khảo sát nhu cầu khuyến công",
            "opens_on": today - datetime.timedelta(days=30),
            "closes_on": today + datetime.timedelta(days=30),
            "questions": [{"key": "workers", "label": "Số lao động", "kind": "number"}],
        },
    )


@pytest.fixture
def establishment_a1(commune_a1):
    return EstablishmentFactory(name="Cơ sở dệt thổ cẩm H'Mông", commune=commune_a1)


def response_data(commune, **overrides):
    data = {
        "client_key": f"key-{next(_keys)}",
        "commune": commune.pk,
        "establishment_details": {
            "name": "Cơ sở chế biến cà phê Ea Kar",
            "kind": "household",
            "sector": "a",
        },
        "respondent": "Y Bih",
        "answers": {"workers": "12"},
        "needs": [
            {
                "category": "03",
                "description": "Máy rang cà phê",
                "estimated_cost": 300 * MILLION,
                "counterpart_capacity": 120 * MILLION,
                "priority": 1,
            }
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def respond(campaign, commune_a1, officer_a):
    def make(actor=None, commune=None, **overrides):
        return services.submit_response(
            actor=actor or officer_a,
            campaign=campaign,
            data=response_data(commune or commune_a1, **overrides),
        )

    return make
