"""Bounds of the query parameters every endpoint shares (API.md, Errors: never a 500 for
anything a client can send). A year outside them is a 400 naming the parameter, before any
query reaches the database."""

from __future__ import annotations

from typing import Any

YEAR_MIN, YEAR_MAX = 2000, 2100
# Keyword arguments of a django-filter ``NumberFilter`` on a year.
YEAR_BOUNDS: dict[str, Any] = {"min_value": YEAR_MIN, "max_value": YEAR_MAX}
