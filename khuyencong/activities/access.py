"""Who sees and changes which activities and rows of them (DESIGN.md, Scoping): every page,
API endpoint, import and summary of the activities app fetches them through here
(core/access.py).

Who records activities: administrators and the provincial officers and managers of the
record's province. National officers and auditors read; commune collaborators read the
records placed in their communes. A row of a record (a fair's participant, a course's
trainee, a contract's receipt, a workshop's establishment) belongs to its record's place.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from khuyencong.activities.models import (
    Activity,
    BrandRegistration,
    CommunicationItem,
    ConsultingContract,
    ConsultingReceipt,
    Fair,
    FairParticipation,
    Showroom,
    StaffCount,
    Trainee,
    TrainingCourse,
    Workshop,
)
from khuyencong.core.access import Rule
from khuyencong.core.roles import PROVINCIAL_ROLES, Role
from khuyencong.core.scoping import can_write_place, is_admin

#: One rule per kind of activity.
RECORDS: dict[type[Activity], Rule[Any]] = {
    model: Rule(model)
    for model in (
        TrainingCourse,
        Fair,
        Showroom,
        BrandRegistration,
        ConsultingContract,
        CommunicationItem,
        Workshop,
    )
}


def _row_rule(model: type[Model], parent: str) -> Rule[Any]:
    return Rule(model, province_field=f"{parent}__province", commune_field=f"{parent}__commune")


PARTICIPATIONS: Rule[FairParticipation] = _row_rule(FairParticipation, "fair")
TRAINEES: Rule[Trainee] = _row_rule(Trainee, "course")
RECEIPTS: Rule[ConsultingReceipt] = _row_rule(ConsultingReceipt, "contract")
WORKSHOP_LINKS: Rule[Any] = _row_rule(Workshop.establishments.through, "workshop")


class StaffCountRule(Rule[StaffCount]):
    """A province's staff counts: place scoping; commune collaborators see none."""

    def visible(
        self, user: Any, *, write: bool = False, queryset: QuerySet[StaffCount] | None = None
    ) -> QuerySet[StaffCount]:
        if getattr(user, "role", None) == Role.COLLABORATOR:
            return StaffCount.objects.none()
        return super().visible(user, write=write, queryset=queryset)


STAFF_COUNTS = StaffCountRule(StaffCount)


def may_record(user: Any, province_id: str | None) -> bool:
    """Whether the user may record and change activities of this province."""
    if not user.is_authenticated or province_id is None:
        return False
    if is_admin(user):
        return True
    return user.role in PROVINCIAL_ROLES and can_write_place(
        user, province_id=province_id, commune_id=None
    )


def may_record_somewhere(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and (is_admin(user) or (user.role in PROVINCIAL_ROLES and user.province_id))
    )


def rule_of(model: type[Activity]) -> Rule[Any]:
    """The rule of one kind of activity."""
    return RECORDS[model]


def records_for(user: Any, model: type[Activity], *, write: bool = False) -> QuerySet[Any]:
    """Records of one kind the user may see (or change)."""
    return rule_of(model).visible(user, write=write)


def participations_for(user: Any, *, write: bool = False) -> QuerySet[FairParticipation]:
    return PARTICIPATIONS.visible(user, write=write)


def trainees_for(user: Any, *, write: bool = False) -> QuerySet[Trainee]:
    return TRAINEES.visible(user, write=write)


def receipts_for(user: Any, *, write: bool = False) -> QuerySet[ConsultingReceipt]:
    return RECEIPTS.visible(user, write=write)


def workshop_links_for(user: Any) -> QuerySet[Any]:
    """The (workshop, establishment) rows the user may see."""
    return WORKSHOP_LINKS.visible(user)


def staff_counts_for(user: Any, *, write: bool = False) -> QuerySet[StaffCount]:
    """The yearly staff counts the user may see (or change): a province's staff their
    province; national officers and auditors every province; collaborators none."""
    return STAFF_COUNTS.visible(user, write=write)
