"""Who sees and changes which collaborators, quarterly reports and difficulties (DESIGN.md,
Scoping): every page, API endpoint, job and workflow step of the network app fetches them
through here (core/access.py).

Place scoping for every role, except the commune collaborator: they see their own record,
their own reports (not those of a colleague covering the same commune) and the shared
difficulties of those reports; they change their reports only.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from khuyencong.core.access import Rule
from khuyencong.core.roles import PROVINCIAL_ROLES, Role
from khuyencong.core.scoping import can_write, is_admin
from khuyencong.network.models import Collaborator, Difficulty, QuarterlyReport

M = TypeVar("M", bound=Model)


def is_collaborator_user(user: Any) -> bool:
    return bool(user.is_authenticated and not is_admin(user) and user.role == Role.COLLABORATOR)


def is_province_staff(user: Any) -> bool:
    """Administrators and provincial officers and managers: they keep the roster, review
    reports and handle difficulties (in their province, which scoping checks)."""
    return bool(
        user.is_authenticated and (is_admin(user) or user.role in PROVINCIAL_ROLES)
    ) and can_write(user)


class OwnOrPlace(Rule[M]):
    """Place scoping, except for a commune collaborator: the records that are theirs
    (``own``: the lookup from the record to its collaborator's login), which they may
    change only where ``own_write`` says so."""

    def __init__(self, model: type[M], *, own: str, own_write: bool, **kwargs: Any) -> None:
        super().__init__(model, **kwargs)
        self.own = own
        self.own_write = own_write

    def visible(
        self, user: Any, *, write: bool = False, queryset: QuerySet[M] | None = None
    ) -> QuerySet[M]:
        if is_collaborator_user(user):
            base = self.base() if queryset is None else queryset
            if write and not self.own_write:
                return base.none()
            return base.filter(**{self.own: user})
        return super().visible(user, write=write, queryset=queryset)


COLLABORATORS: OwnOrPlace[Collaborator] = OwnOrPlace(Collaborator, own="user", own_write=False)
REPORTS: OwnOrPlace[QuarterlyReport] = OwnOrPlace(
    QuarterlyReport, own="collaborator__user", own_write=True
)
# A report's difficulties reach the province when the report is first submitted; until
# then they are part of the collaborator's draft, seen through the report.
DIFFICULTIES: OwnOrPlace[Difficulty] = OwnOrPlace(
    Difficulty,
    own="report__collaborator__user",
    own_write=False,
    base=lambda: Difficulty.objects.filter(shared=True),
    deletable=False,
)


def collaborators_for(user: Any, *, write: bool = False) -> QuerySet[Collaborator]:
    """Collaborators the user may see (or change). Place scoping for every role, except
    that a commune collaborator sees only their own record, and changes none."""
    return COLLABORATORS.visible(user, write=write)


def reports_for(user: Any, *, write: bool = False) -> QuerySet[QuarterlyReport]:
    """Reports the user may see (or change): their province's for provincial roles, all
    for national ones; a commune collaborator only their own (not those of a colleague
    covering the same commune)."""
    return REPORTS.visible(user, write=write)


def difficulties_for(user: Any, *, write: bool = False) -> QuerySet[Difficulty]:
    """Difficulties the user may see (or handle). Those of a report become visible when the
    report is submitted; until then they are part of the collaborator's draft."""
    return DIFFICULTIES.visible(user, write=write)


def fileable(user: Any) -> QuerySet[Collaborator]:
    """The collaborators the user may file reports for: a collaborator their own record,
    provincial staff the collaborators of their province."""
    if is_collaborator_user(user):
        return collaborators_for(user)
    if not is_province_staff(user):
        return Collaborator.objects.none()
    return collaborators_for(user, write=True)


def may_file_for(actor: Any, collaborator: Collaborator) -> bool:
    """A commune collaborator files for their own record only; provincial officers and
    managers for any collaborator of their province."""
    if not can_write(actor):
        return False
    if is_collaborator_user(actor):
        return collaborator.user_id == actor.pk
    return is_province_staff(actor) and COLLABORATORS.may_change(actor, collaborator)
