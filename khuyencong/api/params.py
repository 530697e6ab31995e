"""Bounds of the query parameters every endpoint shares (API.md, Errors: never a 500 for
anything a client can send). A year outside them is a 400 naming the parameter, before any
query reaches the database."""

from __future__ import annotations

from typing import Any

YEAR_MIN, YEAR_MAX = 2000, 2100
# Keyword arguments of a django-filter ``NumberFilter`` on a year.
YEAR_BOUNDS: dict[str, Any] = {"min_value": YEAR_MIN, "max_value": YEAR_MAX}
# An id in a filter (``?project=``, ``?establishment=``): a whole number the database's
# bigint holds. ``?project=-1.3e246`` reached SQLite as a number it cannot hold (a 500).
ID_MAX = 2**63 - 1
ID_BOUNDS: dict[str, Any] = {"min_value": 1, "max_value": ID_MAX, "decimal_places": 0}
