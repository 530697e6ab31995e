"""Report pages read from the replica when there is one (core/routing.py); every write, the
session, the user and every other page stay on the primary. The replica here is Django's test
mirror of the test database, so what the page shows proves the rows came through it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import resolve, reverse
from knox.models import AuthToken

from khuyencong.accounts.tokens import issue_token
from khuyencong.core.routing import REPLICA, ReplicaRouter, reading_replica
from khuyencong.registry.models import Establishment
from khuyencong.reports.factories import enter

BOTH = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", REPLICA]
)


def _figures(officer):
    enter(officer, "funding.disbursed", "legacy-province:54", "2024-01-01", "2024-12-31", 10**9)
    enter(officer, "funding.disbursed", "legacy-province:66", "2024-01-01", "2024-12-31", 2 * 10**9)


def _get(client, url, params=None):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = client.get(url, params or {})
    return response, len(primary), len(replica)


SUMMARY = {"unit": "province:66", "kind": "year", "year": 2024}


@BOTH
def test_the_report_page_reads_its_figures_from_the_replica(client_for, officer_a, merged):
    _figures(officer_a)
    client = client_for(officer_a)
    with override_settings(REPLICA_READS=True):
        response, primary, replica = _get(client, "/reports/", SUMMARY)
    assert response.status_code == 200
    assert (
        "3 tỷ đồng" in response.content.decode() or "3.000 triệu đồng" in response.content.decode()
    )
    assert replica > 0
    # The session and the user come from the primary, before the view runs.
    assert primary > 0


@BOTH
def test_other_pages_and_a_database_without_replica_stay_on_the_primary(
    client_for, officer_a, merged
):
    _figures(officer_a)
    client = client_for(officer_a)
    with override_settings(REPLICA_READS=True):
        response, _, replica = _get(client, "/establishments/")
    assert response.status_code == 200 and replica == 0
    with override_settings(REPLICA_READS=False):
        response, _, replica = _get(client, "/reports/", SUMMARY)
    assert response.status_code == 200 and replica == 0


@BOTH
def test_an_out_of_scope_report_is_still_404_on_the_replica(client_for, officer_b, merged):
    with override_settings(REPLICA_READS=True):
        response, _, _ = _get(
            client_for(officer_b),
            "/reports/",
            {"unit": "province:79", "commune": "24100", "kind": "year", "year": 2024},
        )
    assert response.status_code == 404


def test_writes_and_migrations_never_go_to_the_replica():
    router = ReplicaRouter()
    with override_settings(REPLICA_READS=True), reading_replica():
        assert router.db_for_read(Establishment) == REPLICA
        assert router.db_for_write(Establishment) == "default"
    assert router.db_for_read(Establishment) is None
    assert router.allow_migrate(REPLICA, "registry") is False
    assert router.allow_migrate("default", "registry") is True


# An example of the URL arguments of the views that take some.
ARGUMENTS = {"api-report-form": {"code": "results"}}


def test_every_view_sent_to_the_replica_exists_and_only_reads(client):
    """A page that takes a POST shows what was just saved on its next GET: it must read the
    primary, so only GET-only views may be sent to the replica. An API view authenticates
    before it answers 405, so its class is checked for write handlers instead."""
    for name in settings.REPLICA_READ_VIEWS:
        url = reverse(name, kwargs=ARGUMENTS.get(name))
        view = getattr(resolve(url).func, "cls", None)
        if view is not None:
            assert view.replica_reads_after_authentication, name
            assert not {"post", "put", "patch", "delete"} & set(dir(view)), name
        else:
            assert client.post(url).status_code == 405, name


API_SUMMARY = {"unit": "province:66", "start": "2024-01-01", "end": "2024-12-31"}
JSON = {"HTTP_ACCEPT": "application/json; version=1"}


@BOTH
def test_the_report_api_reads_its_figures_from_the_replica_after_authenticating(
    client, officer_a, merged
):
    """The token is checked on the primary (a revoked token is refused at once); the figures
    come from the replica."""
    _figures(officer_a)
    _token, secret = issue_token(officer_a)
    headers = {"HTTP_AUTHORIZATION": f"Token {secret}", **JSON}
    with override_settings(REPLICA_READS=True):
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections[REPLICA]) as replica,
        ):
            response = client.get("/api/v1/reports/summary/", API_SUMMARY, **headers)
        assert response.status_code == 200
        disbursed = {r["code"]: r for r in response.json()["indicators"]}["funding.disbursed"]
        assert disbursed["value"] == 3 * 10**9
        assert any("knox_authtoken" in q["sql"] for q in primary.captured_queries)
        assert not any("knox_authtoken" in q["sql"] for q in replica.captured_queries)
        assert any("reports_aggregatevalue" in q["sql"] for q in replica.captured_queries)
        assert not any("reports_aggregatevalue" in q["sql"] for q in primary.captured_queries)
        # Revoked on the primary: refused, the replica is not asked.
        AuthToken.objects.filter(user=officer_a).delete()
        response = client.get("/api/v1/reports/summary/", API_SUMMARY, **headers)
        assert response.status_code == 401
    # Without a replica the API reads the primary.
    _token, secret = issue_token(officer_a)
    with override_settings(REPLICA_READS=False):
        with CaptureQueriesContext(connections[REPLICA]) as replica:
            response = client.get(
                "/api/v1/reports/summary/",
                API_SUMMARY,
                HTTP_AUTHORIZATION=f"Token {secret}",
                **JSON,
            )
        assert response.status_code == 200 and len(replica) == 0
