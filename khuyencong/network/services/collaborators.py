"""Collaborators, their trainings and rewards, and the roster with commune coverage."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from khuyencong.core.formats import percent
from khuyencong.core.history import set_history_actor
from khuyencong.core.locking import lock_current
from khuyencong.core.roles import Role
from khuyencong.core.scoping import can_write_place
from khuyencong.network.access import (
    collaborators_for,
    is_province_staff,
)
from khuyencong.network.errors import NetworkError
from khuyencong.network.models import (
    Collaborator,
    CollaboratorReward,
    CollaboratorTraining,
)
from khuyencong.network.services.common import (
    MAX_AMOUNT,
    MAX_TEXT,
    clean_date,
    clean_text,
    clean_whole,
    today,
)
from khuyencong.places.models import Commune, Province

COLLABORATOR_FIELDS = (
    "full_name",
    "phone",
    "email",
    "position",
    "appointed_on",
    "appointment_decision",
    "active_until",
    "monthly_fee",
    "notes",
)


def _communes(province_id: str, values: Any) -> list[Commune]:
    """The communes a collaborator covers: at least one, all of their province."""
    if values is None or isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
        raise NetworkError(_("Choose the communes the collaborator covers."), field="communes")
    codes = {str(getattr(value, "pk", value)) for value in values}
    if not codes:
        raise NetworkError(_("Choose the communes the collaborator covers."), field="communes")
    found = {c.pk: c for c in Commune.objects.filter(pk__in=codes)}
    unknown = sorted(codes - set(found))
    if unknown:
        raise NetworkError(
            _("No commune with the code %(codes)s.") % {"codes": ", ".join(unknown)},
            field="communes",
        )
    elsewhere = sorted(c.name for c in found.values() if c.province_id != province_id)
    if elsewhere:
        raise NetworkError(
            _("These communes lie in another province: %(names)s.")
            % {"names": ", ".join(elsewhere)},
            field="communes",
        )
    return sorted(found.values(), key=lambda c: c.pk)


def _check_login(collaborator: Collaborator, user: Any) -> None:
    if user is None:
        return
    if user.role != Role.COLLABORATOR:
        raise NetworkError(
            _("A collaborator's login must have the role of commune collaborator."), field="user"
        )
    if user.province_id not in (None, collaborator.province_id):
        raise NetworkError(_("This login belongs to another province."), field="user")
    taken = Collaborator.objects.filter(user=user).exclude(pk=collaborator.pk).exists()
    if taken:
        raise NetworkError(_("This login is already linked to another collaborator."), field="user")


def _apply_collaborator(collaborator: Collaborator, data: dict[str, Any]) -> None:
    for name in COLLABORATOR_FIELDS:
        if name in data:
            setattr(collaborator, name, data[name])
    collaborator.full_name = clean_text(
        collaborator.full_name, "full_name", max_length=200, required=True
    )
    collaborator.phone = clean_text(collaborator.phone, "phone", max_length=20)
    collaborator.email = clean_text(collaborator.email, "email", max_length=254)
    if collaborator.email:
        try:
            validate_email(collaborator.email)
        except ValidationError as exc:
            raise NetworkError(_("Enter a valid email address."), field="email") from exc
    collaborator.position = clean_text(collaborator.position, "position", max_length=200)
    collaborator.appointment_decision = clean_text(
        collaborator.appointment_decision, "appointment_decision", max_length=100
    )
    collaborator.notes = clean_text(collaborator.notes, "notes", max_length=MAX_TEXT)
    collaborator.appointed_on = clean_date(collaborator.appointed_on, "appointed_on", required=True)
    collaborator.active_until = clean_date(
        collaborator.active_until, "active_until", required=False
    )
    if collaborator.active_until and collaborator.active_until < collaborator.appointed_on:
        raise NetworkError(
            _("The end of activity is before the appointment (%(date)s).")
            % {"date": collaborator.appointed_on.strftime("%d/%m/%Y")},
            field="active_until",
        )
    collaborator.monthly_fee = clean_whole(
        collaborator.monthly_fee if collaborator.monthly_fee is not None else 0,
        "monthly_fee",
        maximum=MAX_AMOUNT,
    )
    if "user" in data:
        _check_login(collaborator, data["user"])
        collaborator.user = data["user"]


def _check_staff(actor: Any, province_id: str | None) -> str:
    """The province, if the actor keeps its roster (else refused)."""
    if (
        province_id is None
        or not is_province_staff(actor)
        or not can_write_place(actor, province_id=province_id, commune_id=None)
    ):
        raise NetworkError(
            _("You may not record collaborators for this province."), field="province"
        )
    return province_id


@transaction.atomic
def create_collaborator(*, actor: Any, data: dict[str, Any]) -> Collaborator:
    """Record a collaborator of a province (officers and managers of the province)."""
    province = data.get("province")
    province_id = getattr(province, "pk", province)
    province_id = _check_staff(actor, province_id)
    collaborator = Collaborator(province_id=province_id)
    _apply_collaborator(collaborator, data)
    communes = _communes(province_id, data.get("communes"))
    set_history_actor(collaborator, actor)
    collaborator.save()
    # Recorded by the history as a change of the communes covered, right after creation.
    collaborator.communes.set(communes)
    return collaborator


@transaction.atomic
def update_collaborator(
    *,
    actor: Any,
    collaborator: Collaborator,
    data: dict[str, Any],
    expected_version: int | None,
) -> Collaborator:
    """Save an edit; a stale one (someone saved since ``expected_version``) is refused."""
    try:
        current = lock_current(
            collaborators_for(actor, write=True), collaborator.pk, expected_version
        )
    except Collaborator.DoesNotExist as exc:
        raise Http404 from exc
    _check_staff(actor, current.province_id)
    province = data.get("province")
    if province is not None and getattr(province, "pk", province) != current.province_id:
        raise NetworkError(
            _("A collaborator stays in their province; record a new one instead."),
            field="province",
        )
    _apply_collaborator(current, data)
    current.version += 1
    set_history_actor(current, actor)
    if "communes" in data:
        communes = _communes(current.province_id, data["communes"])
        # The save below records the new communes with the other changes, in one entry.
        current.skip_history_when_saving = True  # type: ignore[attr-defined]  # simple_history flag
        try:
            current.communes.set(communes)
        finally:
            del current.skip_history_when_saving  # type: ignore[attr-defined]  # simple_history flag
    current.save()
    return current


def _writable_collaborator(actor: Any, collaborator: Collaborator) -> Collaborator:
    try:
        current = collaborators_for(actor, write=True).select_for_update().get(pk=collaborator.pk)
    except Collaborator.DoesNotExist as exc:
        raise Http404 from exc
    _check_staff(actor, current.province_id)
    return current


@transaction.atomic
def add_training(
    *, actor: Any, collaborator: Collaborator, title: str, date: Any, organiser: str = ""
) -> CollaboratorTraining:
    current = _writable_collaborator(actor, collaborator)
    title = clean_text(title, "title", max_length=300, required=True)
    day = clean_date(date, "date", required=True)
    if day > today():
        raise NetworkError(_("The date cannot be in the future."), field="date")
    return CollaboratorTraining.objects.create(
        collaborator=current,
        title=title,
        date=day,
        organiser=clean_text(organiser, "organiser", max_length=200),
        created_by=actor,
    )


@transaction.atomic
def add_reward(
    *,
    actor: Any,
    collaborator: Collaborator,
    title: str,
    date: Any,
    amount: Any = 0,
    decision: str = "",
) -> CollaboratorReward:
    current = _writable_collaborator(actor, collaborator)
    title = clean_text(title, "title", max_length=300, required=True)
    day = clean_date(date, "date", required=True)
    if day > today():
        raise NetworkError(_("The date cannot be in the future."), field="date")
    return CollaboratorReward.objects.create(
        collaborator=current,
        title=title,
        date=day,
        amount=clean_whole(amount if amount is not None else 0, "amount", maximum=MAX_AMOUNT),
        decision=clean_text(decision, "decision", max_length=100),
        created_by=actor,
    )


# --- roster and coverage ------------------------------------------------------------------


def active_on(day: datetime.date) -> QuerySet[Collaborator]:
    return Collaborator.objects.filter(Collaborator.active_between(day, day))


@dataclass
class Roster:
    """A province's communes with their active collaborators, and those without any."""

    province: Province
    on: datetime.date
    communes: Sequence[Commune]  # each with ``covered`` and ``active_collaborators``
    uncovered: Sequence[Commune]
    total: int
    covered: int

    @property
    def percent(self) -> float | None:
        return percent(self.covered, self.total)


def roster(province: Province, on: datetime.date | None = None) -> Roster:
    """Coverage of a province on a day, in four queries whatever its size: the communes
    with an ``EXISTS`` per commune and their active collaborators prefetched, the uncovered
    ones, and the counts."""
    on = on or today()
    active = active_on(on)
    covered = Exists(active.filter(communes=OuterRef("pk")))
    communes = Commune.objects.filter(province=province).annotate(covered=covered)
    rows = list(
        communes.prefetch_related(
            Prefetch(
                "collaborators",
                queryset=active.order_by("full_name", "id"),
                to_attr="active_collaborators",
            )
        ).order_by("name", "code")
    )
    uncovered = list(communes.filter(covered=False).order_by("name", "code"))
    # The EXISTS itself in the filter: Django drops an annotation referenced only in an
    # aggregate's filter from the subquery it builds (counting nothing as covered).
    counts = Commune.objects.filter(province=province).aggregate(
        total=Count("pk"), covered=Count("pk", filter=Q(covered))
    )
    return Roster(province, on, rows, uncovered, counts["total"], counts["covered"])


def province_coverage(provinces: QuerySet[Province], on: datetime.date | None = None):
    """Each province with its active collaborators and communes covered: one query."""
    on = on or today()
    active = active_on(on)

    def count(queryset: QuerySet[Any], field: str) -> Coalesce:
        return Coalesce(
            Subquery(
                queryset.filter(**{field: OuterRef("pk")})
                .order_by()
                .values(field)
                .annotate(n=Count("pk"))
                .values("n")
            ),
            Value(0),
        )

    covered_communes = Commune.objects.filter(Exists(active.filter(communes=OuterRef("pk"))))
    return provinces.annotate(
        active_count=count(active, "province"),
        commune_count=count(Commune.objects.all(), "province"),
        covered_count=count(covered_communes, "province"),
    ).order_by("code")
