import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def places(django_db_setup, django_db_blocker):
    """The real dataset, loaded once per test module inside a transaction that is rolled
    back afterwards, so that no other module (with its small made-up units) ever sees it.
    Each test still runs in its own savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_places", "--quiet")
        yield
        transaction.set_rollback(True)
