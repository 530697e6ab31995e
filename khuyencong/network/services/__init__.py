"""Business rules of the field network, by subject: ``collaborators`` (their trainings and
rewards, the roster with commune coverage), ``reports`` (quarterly reports being drafted;
the lifecycle is in ``network.workflow``, deadlines in ``network.deadlines``) and
``difficulties``; ``common`` holds the checks they share.

Every change goes through a ``verb_noun`` function taking ``actor=`` (STYLE.md 2); the
staff pages, the API and the demo all call these, as ``services.<name>``. Reads go through
the scoped entry points of ``network.access`` (``collaborators_for``, ``reports_for``,
``difficulties_for``).
"""

from __future__ import annotations

from khuyencong.network.services.collaborators import (
    COLLABORATOR_FIELDS,
    Roster,
    active_on,
    add_reward,
    add_training,
    create_collaborator,
    province_coverage,
    roster,
    update_collaborator,
)
from khuyencong.network.services.common import (
    MAX_AMOUNT,
    MAX_COUNT,
    MAX_DIFFICULTIES,
    MAX_TEXT,
    clean_date,
    clean_text,
    clean_whole,
    today,
)
from khuyencong.network.services.difficulties import Rollup, difficulty_rollup, record_difficulty
from khuyencong.network.services.reports import (
    EDITABLE_STATES,
    LINE_FIELDS,
    create_report,
    update_report,
)

__all__ = [
    "COLLABORATOR_FIELDS",
    "EDITABLE_STATES",
    "LINE_FIELDS",
    "MAX_AMOUNT",
    "MAX_COUNT",
    "MAX_DIFFICULTIES",
    "MAX_TEXT",
    "Rollup",
    "Roster",
    "active_on",
    "add_reward",
    "add_training",
    "clean_date",
    "clean_text",
    "clean_whole",
    "create_collaborator",
    "create_report",
    "difficulty_rollup",
    "province_coverage",
    "record_difficulty",
    "roster",
    "today",
    "update_collaborator",
    "update_report",
]
