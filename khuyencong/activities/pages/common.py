"""Helpers shared by the activities pages."""

from __future__ import annotations

from typing import Any

from khuyencong.activities.pages.kinds import KINDS, Kind
from khuyencong.places.models import Province


def nav_context(kind: Kind | None, province: Province | None) -> dict[str, Any]:
    return {"kinds": KINDS, "here": kind.slug if kind else "index", "province": province}
