"""A fixed-window rate limit on the shared cache (Redis in production, so every app server
counts together). Used where people without an account may write: the public application
form and its API endpoint share one count per client address."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache


def client_address(request: Any) -> str:
    """The client's address. Behind a reverse proxy that sets ``X-Forwarded-For``, set
    ``TRUSTED_PROXY_COUNT`` to the number of proxies so the header's right entry is used."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one hit of ``key``; ``False`` once more than ``limit`` hits fell in the current
    window of ``window`` seconds."""
    bucket = f"ratelimit:{key}:{int(time.time()) // window}"
    if cache.add(bucket, 1, timeout=window + 1):
        return limit >= 1
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=window + 1)
        count = 1
    return count <= limit
