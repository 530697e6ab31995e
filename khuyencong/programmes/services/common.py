"""What the programmes services share: the states that count, the bounds of an amount."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from khuyencong.core.formats import format_vnd
from khuyencong.programmes.errors import ProgrammeError
from khuyencong.programmes.models import (
    Project,
)

S = Project.Status
# A project's own fields can be edited while it is being drafted; afterwards only through
# workflow steps (an adjustment for the budget and outputs).
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
PROJECT_FIELDS = (
    "title",
    "category",
    "subtype",
    "kind",
    "is_priority",
    "implementer",
    "partners",
    "commune",
    "place",
    "start_date",
    "end_date",
    "need",
    "objectives",
)
# States in which a project counts in its plan (API.md: "from the moment it is approved").
PLANNED_STATES = frozenset({S.APPROVED, S.IN_PROGRESS, S.ACCEPTED, S.SETTLED, S.SUSPENDED})
# States in which money may be paid out.
PAYABLE_STATES = frozenset({S.APPROVED, S.IN_PROGRESS, S.ACCEPTED})
# Largest amount accepted anywhere (a guard against typos and overflow, ~1 million tỷ).
MAX_AMOUNT = 10**15
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def validate_amount(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProgrammeError(_("Enter a whole number of đồng."), field=field)
    if value < 0 or value > MAX_AMOUNT:
        raise ProgrammeError(
            _("Enter an amount between 0 and %(max)s.") % {"max": format_vnd(MAX_AMOUNT)},
            field=field,
        )
    return value
