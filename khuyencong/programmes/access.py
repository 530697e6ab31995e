"""Who sees and changes which projects (DESIGN.md, Scoping): every page, API endpoint,
export and workflow step of the app fetches projects through here (core/access.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from khuyencong.core.access import Rule
from khuyencong.programmes.models import Project

PROJECTS: Rule[Project] = Rule(Project)


def projects_for(user: Any, *, write: bool = False) -> QuerySet[Project]:
    """The projects the user may see (or change, with ``write=True``): their places'."""
    return PROJECTS.visible(user, write=write)
