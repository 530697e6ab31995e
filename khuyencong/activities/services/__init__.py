"""Business rules of activities, by subject: ``records`` (the seven kinds of activity),
``rows`` (a fair's participants, a course's trainees, a contract's receipts) and ``staff``
(the yearly staff counts); ``common`` holds the checks they share. Every change goes through
these functions, taking ``actor=`` (STYLE.md 2); the staff pages, the API, the trainee
import and the demo all call them, as ``services.<name>``. Reads go through
``activities.access`` (``records_for``, and ``participations_for`` & co. for rows).

Who records activities: administrators and the provincial officers and managers of the
record's province. National officers and auditors read; commune collaborators read the
records placed in their communes.
"""

from __future__ import annotations

from khuyencong.activities.services.common import (
    check_establishment,
    check_place,
    check_programme,
    today,
)
from khuyencong.activities.services.records import (
    COMMON_FIELDS,
    ESTABLISHMENT_FIELDS,
    FIELDS,
    RULES,
    communes_of,
    create_activity,
    projects_of,
    update_activity,
)
from khuyencong.activities.services.rows import (
    MAX_TRAINEES,
    PARTICIPATION_FIELDS,
    TRAINEE_FIELDS,
    add_participation,
    add_receipt,
    add_trainee,
    remove_participation,
    remove_receipt,
    remove_trainee,
    replace_trainees,
)
from khuyencong.activities.services.staff import record_staff_count

__all__ = [
    "COMMON_FIELDS",
    "ESTABLISHMENT_FIELDS",
    "FIELDS",
    "MAX_TRAINEES",
    "PARTICIPATION_FIELDS",
    "RULES",
    "TRAINEE_FIELDS",
    "add_participation",
    "add_receipt",
    "add_trainee",
    "check_establishment",
    "check_place",
    "check_programme",
    "communes_of",
    "create_activity",
    "projects_of",
    "record_staff_count",
    "remove_participation",
    "remove_receipt",
    "remove_trainee",
    "replace_trainees",
    "today",
    "update_activity",
]
