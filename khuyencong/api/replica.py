"""API report views that read from the replica (core/routing.py): like the report pages, once
the caller is known. The caller is authenticated on the primary first — a token revoked or a
session ended a moment ago is refused whatever the replica's delay — then, for a GET of a view
named in ``REPLICA_READ_VIEWS``, the view's own reads go to the replica."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.views import APIView

from khuyencong.core.routing import start_replica_reads


class ReplicaReadView(APIView):
    # ReplicaReadsMiddleware leaves these views to start the replica reads themselves.
    replica_reads_after_authentication = True

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttles
        start_replica_reads(request._request)
