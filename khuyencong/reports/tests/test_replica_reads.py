"""Report pages read from the replica when there is one (core/routing.py); every write, the
session, the user and every other page stay on the primary. The replica here is Django's test
mirror of the test database, so what the page shows proves the rows came through it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

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


def test_every_view_sent_to_the_replica_exists_and_only_reads(client):
    """A page that takes a POST shows what was just saved on its next GET: it must read the
    primary, so only GET-only views may be sent to the replica."""
    for name in settings.REPLICA_READ_VIEWS:
        assert client.post(reverse(name)).status_code == 405, name
