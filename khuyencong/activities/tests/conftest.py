"""Establishments and projects of provinces A and B for the personas of the root conftest,
and ``record`` to create activities through the services."""

from __future__ import annotations

import datetime

import pytest

from khuyencong.activities import services
from khuyencong.activities.models import TrainingCourse
from khuyencong.programmes.factories import draft_project
from khuyencong.registry.factories import EstablishmentFactory

DAY = datetime.date(2025, 6, 10)


@pytest.fixture
def est_a1(commune_a1):
    return EstablishmentFactory(name="Cơ sở mây tre đan Ea Kar", commune=commune_a1)


@pytest.fixture
def est_a2(commune_a2):
    return EstablishmentFactory(name="Hợp tác xã cà phê Buôn Ma Thuột", commune=commune_a2)


@pytest.fixture
def est_b(commune_b1):
    return EstablishmentFactory(name="Cơ sở bánh tráng Củ Chi", commune=commune_b1)


@pytest.fixture
def project_a(officer_a, province_a):
    return draft_project(
        actor=officer_a,
        province=province_a,
        title="Đào tạo nghề mây tre đan",
        category="01",
        subtype="01-NGHE",
        budget_lines=[{"source": "national", "amount": 135_000_000}],
        outputs={"trainees.count": 35},
    )


@pytest.fixture
def project_b(officer_b, province_b):
    return draft_project(actor=officer_b, province=province_b, category="01", subtype="01-NGHE")


def training_data(**extra):
    data = {
        "title": "Đào tạo nghề mây tre đan",
        "topic": "vocational",
        "start_date": DAY - datetime.timedelta(days=20),
        "end_date": DAY,
        "place": "UBND xã Ea Kar",
        "participants": 30,
        "employed_after": 24,
    }
    data.update(extra)
    return data


@pytest.fixture
def record():
    """``record(actor, Model, province, **fields)`` through the services."""

    def make(actor, model, province, **data):
        if not data.get("project"):
            data.setdefault("funding_level", "local")
        if model is TrainingCourse:
            if "end_date" in data and "start_date" not in data:
                data["start_date"] = data["end_date"] - datetime.timedelta(days=20)
            data = training_data(**data)
        return services.create_activity(
            actor=actor, model=model, data={"province": province, **data}
        )

    return make
