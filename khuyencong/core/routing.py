"""Reads of the heavy report pages from a PostgreSQL replica (docs/deploy.md, "How the system
grows"): with ``DATABASE_REPLICA_URL`` set, the views named in ``REPLICA_READ_VIEWS`` read from
the ``replica`` database; everything else — every write, every other page, the session and
the user — stays on ``default``. Without a replica nothing changes.

A view is sent to the replica for its whole run (``ReplicaReadsMiddleware``), after the user
and the session are loaded from the primary, so a login or a submission made a moment ago is
never missed by the check of who is asking; what the report itself shows may lag the primary
by the replication delay (usually well under a second).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
_reading: ContextVar[bool] = ContextVar("khuyencong_reading_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings and bool(getattr(settings, "REPLICA_READS", False))


@contextmanager
def reading_replica() -> Iterator[None]:
    """Within this block, reads go to the replica (when one is configured)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    """Django's database router: reads inside ``reading_replica()`` go to the replica;
    writes always to ``default`` (never to where an object was read from); migrations run on
    ``default`` only (the replica follows the primary)."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _reading.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA


class ReplicaReadsMiddleware:
    """Runs the GET views named in ``settings.REPLICA_READ_VIEWS`` inside
    ``reading_replica()``. Last in ``MIDDLEWARE``: every other middleware (sessions, the user,
    two-factor checks) has read what it needs from the primary before the view starts; the
    view, its template and the exception handlers then run as usual."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            token = request.__dict__.pop("_replica_token", None)
            if token is not None:
                _reading.reset(token)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        if getattr(getattr(view, "cls", None), "replica_reads_after_authentication", False):
            return  # an API view: it starts once it has authenticated the caller
        if _wants_replica(request):
            # The user (and so the session) from the primary, before the view reads anything.
            bool(request.user.is_authenticated)
            start_replica_reads(request)


def _wants_replica(request: HttpRequest) -> bool:
    match = request.resolver_match
    return (
        request.method in ("GET", "HEAD")
        and match is not None
        and match.view_name in settings.REPLICA_READ_VIEWS
        and replica_configured()
        and "_replica_token" not in request.__dict__
    )


def start_replica_reads(request: HttpRequest) -> None:
    """Send the rest of this request's reads to the replica when its view is one of
    ``REPLICA_READ_VIEWS`` (``ReplicaReadsMiddleware`` ends it with the request). The API's
    report views call it after authenticating the caller on the primary (a token revoked a
    moment ago must be refused, whatever the replica's delay)."""
    if _wants_replica(request):
        request.__dict__["_replica_token"] = _reading.set(True)
