"""Who sees and changes what in programmes (DESIGN.md, Scoping; core/access.py): one
``Rule`` per scoped model and the app's named entry points. Every page, API endpoint,
export, job and workflow step of the app fetches its records through here, and the two
questions of rights the app asks beyond places are answered here once: who may manage a
plan (register, approve, adjust) and who may record a programme."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from khuyencong.core.access import Rule
from khuyencong.core.roles import PROVINCIAL_ROLES, Role
from khuyencong.core.scoping import can_write, can_write_place, is_admin, place_filter
from khuyencong.programmes.models import (
    AnnualPlan,
    Disbursement,
    Inspection,
    Programme,
    Project,
)


class PlanRule(Rule[AnnualPlan]):
    """Plans are provincial: commune collaborators see none (a plan has no commune)."""

    def visible(
        self,
        user: Any,
        *,
        write: bool = False,
        queryset: QuerySet[AnnualPlan] | None = None,
    ) -> QuerySet[AnnualPlan]:
        if user.is_authenticated and user.role == Role.COLLABORATOR and not is_admin(user):
            return AnnualPlan.objects.none()
        return super().visible(user, write=write, queryset=queryset)


class ProgrammeRule(Rule[Programme]):
    """National programmes are open to every signed-in user; a provincial programme to
    those who see its province. Changing one is for those who may record it
    (``programme_refusal``): an administrator, or a manager of its province."""

    def visible(
        self,
        user: Any,
        *,
        write: bool = False,
        queryset: QuerySet[Programme] | None = None,
    ) -> QuerySet[Programme]:
        programmes = self.base() if queryset is None else queryset
        if not user.is_authenticated:
            return programmes.none()
        if write:
            if is_admin(user):
                return programmes
            if user.role == Role.PROVINCIAL_MANAGER and user.province_id is not None:
                return programmes.filter(
                    level=Programme.Level.PROVINCIAL, province=user.province_id
                )
            return programmes.none()
        if place_filter(user) is None:
            return programmes
        national = Q(level=Programme.Level.NATIONAL)
        if user.role in PROVINCIAL_ROLES or user.role == Role.AUDITOR:
            return programmes.filter(national | Q(province=user.province_id))
        return programmes.filter(national)


PROJECTS: Rule[Project] = Rule(Project)
PLANS = PlanRule(AnnualPlan, deletable=False)
PROGRAMMES = ProgrammeRule(Programme, deletable=False)
DISBURSEMENTS: Rule[Disbursement] = Rule(
    Disbursement, commune_field="project__commune", deletable=False
)
INSPECTIONS: Rule[Inspection] = Rule(
    Inspection, commune_field="establishment__commune", deletable=False
)


# --- the named entry points ---------------------------------------------------------------


def projects_for(user: Any, *, write: bool = False) -> QuerySet[Project]:
    """The projects the user may see (or change, with ``write=True``): their places'."""
    return PROJECTS.visible(user, write=write)


def plans_for(user: Any, *, write: bool = False) -> QuerySet[AnnualPlan]:
    """The plans of the user's province (all of them for national users); none for a
    commune collaborator."""
    return PLANS.visible(user, write=write)


def programmes_for(user: Any, *, write: bool = False) -> QuerySet[Programme]:
    """National programmes and the provincial ones of the provinces the user sees."""
    return PROGRAMMES.visible(user, write=write)


def disbursements_for(user: Any, *, write: bool = False) -> QuerySet[Disbursement]:
    return DISBURSEMENTS.visible(user, write=write)


def inspections_for(user: Any, *, write: bool = False) -> QuerySet[Inspection]:
    """The follow-up inspections of the establishments in the user's places."""
    return INSPECTIONS.visible(user, write=write)


def province_visible(user: Any, province_id: str | None) -> bool:
    """Whether the user works on this province's data: national users on every province,
    a provincial user on their own."""
    return is_admin(user) or user.province_id is None or province_id == user.province_id


# --- rights beyond places -----------------------------------------------------------------


def may_manage_plans(user: Any) -> bool:
    """Registering, approving and adjusting plans is a provincial manager's (or an
    administrator's) work. The one answer for the pages, the API and the plan workflow."""
    return is_admin(user) or (user.is_authenticated and user.role == Role.PROVINCIAL_MANAGER)


def may_manage_plan(user: Any, plan: AnnualPlan) -> bool:
    """Whether the user may take the plan's steps: a manager who may change this plan."""
    return may_manage_plans(user) and PLANS.may_change(user, plan)


def programme_refusal(user: Any, level: str, province_id: str | None) -> str | None:
    """Why the user may not record (create or change) a programme of this level and
    province, or None when they may: a national programme is an administrator's, a
    provincial one its province's manager's. Services raise it as a ``WorkflowError``,
    the API as 403, pages answer 404."""
    if level == Programme.Level.NATIONAL:
        if is_admin(user):
            return None
        return _("Only an administrator may record a national programme.")
    if is_admin(user) or (
        user.is_authenticated
        and user.role == Role.PROVINCIAL_MANAGER
        and province_id is not None
        and province_id == user.province_id
    ):
        return None
    return _("Only a manager of the province may record its programme.")


def may_record_programmes(user: Any) -> bool:
    """Whether the user may record some programme (the "new programme" button): a
    programme of their own province."""
    return programme_refusal(user, Programme.Level.PROVINCIAL, user.province_id) is None


def may_draft(user: Any) -> bool:
    """Whether the user may draft projects at all (provincial staff, administrators)."""
    return can_write(user) and (
        is_admin(user) or user.role in (Role.PROVINCIAL_OFFICER, Role.PROVINCIAL_MANAGER)
    )


def may_draft_in(user: Any, province_id: str | None) -> bool:
    """Whether the user may record a project for this province."""
    return (
        province_id is not None
        and can_write_place(user, province_id=province_id, commune_id=None)
        and user.role != Role.COLLABORATOR
    )


def may_record_disbursements(user: Any) -> bool:
    """Money paid out is recorded by provincial staff, not by commune collaborators."""
    return user.role != Role.COLLABORATOR


def may_record_inspections(user: Any) -> bool:
    """Inspections are recorded by provincial staff, not by commune collaborators."""
    return user.role != Role.COLLABORATOR


def may_record_inspection(user: Any, inspection: Inspection) -> bool:
    """Whether the user may record this inspection's finding and follow-up."""
    return INSPECTIONS.may_change(user, inspection) and may_record_inspections(user)
