"""Nothing overwritten: every PUT/PATCH of a versioned record requires ``version``.

The first test walks the router: a new endpoint that edits a versioned record cannot leave
the requirement out. The others prove the answers (400 without, 409 stale) and the schema.
"""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from khuyencong.api.urls import router
from khuyencong.api.versioning import VersionRequiredMixin
from khuyencong.core.models import VersionedModel
from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.registry.models import Establishment


def _model_of(viewset):
    serializer = getattr(viewset, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    model = getattr(meta, "model", None) or getattr(viewset, "model", None)
    return model or getattr(getattr(viewset, "queryset", None), "model", None)


def _edits(viewset) -> bool:
    methods = set(getattr(viewset, "http_method_names", ())) & {"put", "patch"}
    return bool(methods) and any(
        hasattr(viewset, action) for action in ("update", "partial_update")
    )


def test_every_endpoint_editing_a_versioned_record_requires_the_version():
    editing = []
    for prefix, viewset, _basename in router.registry:
        model = _model_of(viewset)
        if model is None or not issubclass(model, VersionedModel) or not _edits(viewset):
            continue
        editing.append(prefix)
        assert issubclass(viewset, VersionRequiredMixin), (
            f"/api/v1/{prefix}/ edits {model.__name__} without requiring `version`: "
            "add api.versioning.VersionRequiredMixin"
        )
    # The walk really found the versioned endpoints (not a test that cannot fail).
    assert {"establishments", "projects", "trainings", "collaborators", "award-rounds"} <= set(
        editing
    )


URL = "/api/v1/establishments/"


@pytest.fixture
def tofu(commune_a1):
    return EstablishmentFactory(commune=commune_a1, name="Cơ sở đậu phụ", address="Thôn 1")


def test_a_patch_without_version_is_400_naming_it_in_vietnamese(api_for, officer_a, tofu):
    response = api_for(officer_a).patch(f"{URL}{tofu.pk}/", {"address": "Thôn 5"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "version": [
            "Cần gửi kèm phiên bản: gửi `version` của bản ghi đã đọc, để không ghi đè lên "
            "thay đổi người khác vừa lưu."
        ]
    }
    tofu.refresh_from_db()
    assert (tofu.address, tofu.version) == ("Thôn 1", 1)


@pytest.mark.parametrize("body", [{"version": None}, {"version": ""}, [], "text"])
def test_a_null_or_empty_version_or_a_body_that_is_not_an_object_is_400(
    api_for, officer_a, tofu, body
):
    response = api_for(officer_a).patch(f"{URL}{tofu.pk}/", body, format="json")
    assert response.status_code == 400


def test_an_activity_put_without_version_is_400_and_a_stale_one_409(api_for, officer_a):
    client = api_for(officer_a)
    created = client.post(
        "/api/v1/workshops/",
        {
            "title": "Hội thảo",
            "topic": "market",
            "date": "2026-03-02",
            "attendees": 40,
            "funding_level": "local",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    record = created.json()
    url = f"/api/v1/workshops/{record['id']}/"
    body = {
        "title": "Hội thảo 2",
        "topic": "market",
        "date": "2026-03-02",
        "attendees": 41,
        "funding_level": "local",
    }
    assert client.put(url, body, format="json").status_code == 400
    assert client.put(url, {**body, "version": record["version"]}, format="json").status_code == 200
    stale = client.put(url, {**body, "version": record["version"]}, format="json")
    assert stale.status_code == 409


def test_a_stale_patch_changes_nothing(api_for, officer_a, tofu):
    Establishment.objects.filter(pk=tofu.pk).update(version=4)
    response = api_for(officer_a).patch(
        f"{URL}{tofu.pk}/", {"address": "Thôn 9", "version": 3}, format="json"
    )
    assert response.status_code == 409
    tofu.refresh_from_db()
    assert tofu.address == "Thôn 1"


def test_the_schema_says_version_is_required_on_updates_with_an_example():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    patch = schema["paths"]["/api/v1/establishments/{id}/"]["patch"]
    body = patch["requestBody"]["content"]["application/json"]["schema"]
    extra = body["allOf"][1]
    assert extra["required"] == ["version"]
    assert extra["properties"]["version"]["example"] == 3
    put = schema["paths"]["/api/v1/workshops/{id}/"]["put"]
    assert "allOf" in put["requestBody"]["content"]["application/json"]["schema"]
    # Creating does not need a version.
    post = schema["paths"]["/api/v1/establishments/"]["post"]
    assert "allOf" not in post["requestBody"]["content"]["application/json"]["schema"]
