"""Who reads and changes what in reports (DESIGN.md, Scoping): every page, API endpoint,
export and job of the app asks here (core/access.py declares the kernel, core/scoping.py
the role rules).

- **Aggregate values** (``AGGREGATES``) and **submissions** (``SUBMISSIONS``) are scoped
  records: ``aggregates_for`` / ``submissions_for`` list them, ``AGGREGATES.get`` fetches
  one (404 otherwise).
- **Units** (``resolve_for``): a place a report is about; unrestricted readers (an
  administrator, a national officer, an auditor bound to no province) read every unit, a
  province's staff and auditor their province and the units inside it, a collaborator their
  own communes. Another place is 404.
- **Entering values** (``may_enter``, ``Writer``): a province's officers and manager for
  their province, a collaborator for their communes, an administrator everywhere.
- **Submitting** (``may_submit``): a province's manager and administrators; **reviewing**
  and **consolidating** (``may_review``, ``may_consolidate``): the national agency.
- **Issuing agencies** (``may_read_agency``, ``may_configure_agency``, ``agency_province``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from khuyencong.core.access import Rule
from khuyencong.core.roles import PROVINCIAL_ROLES, READ_ONLY_ROLES, Role
from khuyencong.core.scoping import is_admin
from khuyencong.places.models import Province
from khuyencong.reports.errors import SubmissionError
from khuyencong.reports.models import AggregateValue, ReportSubmission, UnitKind
from khuyencong.reports.units import (
    COMMUNE,
    LEGACY_PROVINCE,
    NATION,
    PROVINCE,
    REGION,
    ResolvedUnit,
    Unit,
    UnitError,
    resolve,
)

if TYPE_CHECKING:
    from khuyencong.reports.services import Place

AGGREGATES: Rule[AggregateValue] = Rule(AggregateValue)
SUBMISSIONS: Rule[ReportSubmission] = Rule(ReportSubmission, deletable=False)


# --- who the user is, for reports -------------------------------------------------------------


def reads_everywhere(user: Any) -> bool:
    """An administrator, a national officer or an auditor bound to no province."""
    if not user.is_authenticated:
        return False
    return (
        is_admin(user)
        or user.role == Role.NATIONAL_OFFICER
        or (user.role == Role.AUDITOR and user.province_id is None)
    )


def bound_province(user: Any) -> str | None:
    """The province a user's forms are fixed to (an administrator's: none)."""
    if user.province_id and not is_admin(user):
        return str(user.province_id)
    return None


def communes_only(user: Any) -> bool:
    """Whether the user reads (and chooses) only their own communes: a collaborator."""
    return bool(user.role == Role.COLLABORATOR)


def chooses_any_province(user: Any) -> bool:
    """Whether the user's forms offer every province (an administrator's), not only theirs."""
    return is_admin(user)


def default_unit(user: Any) -> Unit:
    """The unit a user's report page opens on."""
    if user.role == Role.COLLABORATOR:
        first = user.communes.order_by("code").values_list("code", flat=True).first()
        return Unit(COMMUNE, first) if first else Unit(NATION)
    if user.province_id and not is_admin(user) and user.role != Role.NATIONAL_OFFICER:
        return Unit(PROVINCE, user.province_id)
    return Unit(NATION)


# --- units ------------------------------------------------------------------------------------


def may_read_unit(user: Any, resolved: ResolvedUnit) -> bool:
    """Whether the user may see reports of this unit (core.scoping's rules, for places):
    unrestricted roles see every unit; a province's staff and auditor their province and
    the units inside it; a collaborator their own communes."""
    if not user.is_authenticated:
        return False
    if is_admin(user) or user.role == Role.NATIONAL_OFFICER:
        return True
    kind = resolved.unit.kind
    if user.role == Role.AUDITOR and user.province_id is None:
        return True
    if user.role in PROVINCIAL_ROLES or user.role == Role.AUDITOR:
        return (
            user.province_id is not None
            and kind in (PROVINCE, LEGACY_PROVINCE, COMMUNE)
            and resolved.provinces == [user.province_id]
        )
    if user.role == Role.COLLABORATOR:
        return kind == COMMUNE and user.communes.filter(pk=resolved.unit.code).exists()
    return False


def resolve_for(user: Any, text: str | None) -> ResolvedUnit:
    """Parse and resolve a unit the user may read: ``UnitError`` (400) for a malformed or
    unknown unit, ``Http404`` for one outside the user's places."""
    resolved = resolve(Unit.parse(text))
    if not may_read_unit(user, resolved):
        raise Http404
    return resolved


# --- aggregate values -------------------------------------------------------------------------


def aggregates_for(user: Any, *, write: bool = False) -> QuerySet[AggregateValue]:
    """The aggregate values the user may see (or change)."""
    return AGGREGATES.visible(user, write=write)


def may_enter(user: Any) -> bool:
    """Whether the user's role may enter values somewhere."""
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    if user.role in READ_ONLY_ROLES:
        return False
    if user.role == Role.COLLABORATOR:
        return True
    return user.province_id is not None


def may_change_aggregate(user: Any, value: AggregateValue) -> bool:
    """Whether the user may change or remove this value (their role enters values, and the
    value lies in their places)."""
    return may_enter(user) and AGGREGATES.may_change(user, value)


class Writer:
    """The places a user may enter values for (one query for a collaborator's communes)."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.everywhere = is_admin(user)
        self.province = (
            user.province_id
            if user.role in (Role.PROVINCIAL_MANAGER, Role.PROVINCIAL_OFFICER)
            else None
        )
        self.communes: set[str] = (
            set(user.communes.values_list("pk", flat=True))
            if user.role == Role.COLLABORATOR
            else set()
        )

    def may(self, place: Place) -> bool:
        if self.everywhere:
            return True
        if self.province is not None:
            return place.province_id == self.province
        return place.kind == UnitKind.COMMUNE and place.code in self.communes


# --- submissions ------------------------------------------------------------------------------


def submissions_for(user: Any) -> QuerySet[ReportSubmission]:
    """The submissions the user may read (another province's: none). A collaborator reads
    their communes' figures, never a province's report."""
    if user.is_authenticated and user.role == Role.COLLABORATOR:
        return ReportSubmission.objects.none()
    return SUBMISSIONS.visible(user)


def may_submit(user: Any, province_id: str | None = None) -> bool:
    """Whether the user may submit reports (for ``province_id`` when given): the province's
    manager, who signs them off, and administrators."""
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    if user.role != Role.PROVINCIAL_MANAGER or user.province_id is None:
        return False
    return province_id is None or province_id == user.province_id


def may_review(user: Any) -> bool:
    """Whether the user returns or accepts the provinces' reports: the national agency's
    officers and administrators."""
    return bool(user.is_authenticated and (is_admin(user) or user.role == Role.NATIONAL_OFFICER))


def may_consolidate(user: Any) -> bool:
    """Whether the user reads the whole country (consolidation pages)."""
    return bool(user.is_authenticated and may_read_unit(user, ResolvedUnit(Unit(NATION), "", [])))


def province_for_submission(user: Any, text: Any) -> Province:
    """The province of a ``unit`` (``province:66``) the user submits for: 400 for another
    kind of place or an unknown one, 404 for a province outside the user's places, and
    ``PermissionError`` for a role that reads it but may not submit."""
    unit = Unit.parse(text)
    if unit.kind != PROVINCE:
        raise SubmissionError(
            _("A report is submitted for a province (province:<code>)."), field="unit"
        )
    province = Province.objects.filter(pk=unit.code).first()
    if province is None:
        raise UnitError(_("No such place: %(unit)s.") % {"unit": str(unit)}, field="unit")
    if not may_submit(user, province.code):
        if user.province_id == province.code or (user.province_id is None and not is_admin(user)):
            raise PermissionError(
                _("Only the province's manager signs off and submits its reports.")
            )
        raise Http404
    return province


def consolidation_unit(user: Any, text: Any) -> ResolvedUnit:
    """A region or the nation the user may read: 400 naming ``unit`` for another kind of
    place or a malformed one, 404 when the user may not read it."""
    unit = Unit.parse(text)
    if unit.kind not in (NATION, REGION):
        raise SubmissionError(
            _("Consolidation is for a region (region:<code>) or the whole country (nation)."),
            field="unit",
        )
    resolved = resolve(unit)
    if not may_read_unit(user, resolved):
        raise Http404
    return resolved


# --- issuing agencies -------------------------------------------------------------------------


def may_read_agency(user: Any, province: Province | None) -> bool:
    """National readers and administrators read every agency; everyone bound to a province
    (its staff, auditors, collaborators) reads that province's."""
    if not user.is_authenticated:
        return False
    if is_admin(user) or user.role == Role.NATIONAL_OFFICER:
        return True
    if user.role == Role.AUDITOR and user.province_id is None:
        return True
    return province is not None and user.province_id == province.code


def may_configure_agency(user: Any, province: Province | None) -> bool:
    """An administrator any agency; a province's manager their province's."""
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    return (
        province is not None
        and user.role == Role.PROVINCIAL_MANAGER
        and user.province_id == province.code
    )


def agency_province(user: Any, code: str | None) -> Province | None:
    """The province named by ``code`` ("" or "nation": the national agency) if the user may
    read its agency; ``UnitError`` naming ``province`` otherwise (the page answers 404)."""
    code = (code or "").strip()
    if not code:
        code = bound_province(user) or "nation"
    province = None
    if code != "nation":
        province = Province.objects.filter(code=code).first()
        if province is None:
            raise UnitError(_("No such province: %(code)s.") % {"code": code}, field="province")
    if not may_read_agency(user, province):
        raise UnitError(_("No such province: %(code)s.") % {"code": code}, field="province")
    return province
