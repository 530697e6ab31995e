"""``dataversions.deferred``: the raises of a long transaction made once, at its end, still
inside the transaction (core/dataversions.py)."""

from __future__ import annotations

import pytest
from django.db import transaction

from khuyencong.core import dataversions
from khuyencong.core.models import DataVersion


def version(scope: str) -> int:
    row = DataVersion.objects.filter(scope=scope).first()
    return row.version if row else 0


@pytest.mark.django_db
def test_raises_wait_for_the_end_of_the_block():
    before = {scope: version(scope) for scope in ("66", "79", "*")}
    with transaction.atomic():
        with dataversions.deferred():
            dataversions.bump(["66"])
            dataversions.bump(["79", None])
            assert {scope: version(scope) for scope in before} == before
        assert all(version(scope) > was for scope, was in before.items())


@pytest.mark.django_db
def test_a_failed_block_raises_nothing():
    class Failed(Exception):
        pass

    with transaction.atomic():
        with pytest.raises(Failed), dataversions.deferred():
            dataversions.bump(["66"])
            raise Failed
        assert version("66") == 0


def test_outside_a_transaction_it_refuses():
    # No database access at all: outside any atomic block (a transactional test would flush
    # the database, which the suite's serialized-rollback tests do not expect).
    with pytest.raises(RuntimeError), dataversions.deferred():
        pass
