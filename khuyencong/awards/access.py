"""Who sees and manages which rounds, entries and complaints (DESIGN.md, Scoping): every
page, API endpoint, export and workflow step of the app fetches them through here
(core/access.py).

The same approach as programmes: national data is read by every signed-in user and changed
by administrators only:

- district and province rounds belong to their province: its provincial officers and
  managers manage them (and administrators);
- region and national rounds are read by all staff and managed by administrators only;
  provincial officers and managers enter their own province's products in them while open.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from khuyencong.awards.models import AwardComplaint, AwardEntry, AwardRound, Level
from khuyencong.core.access import Rule
from khuyencong.core.querying import count_of
from khuyencong.core.roles import PROVINCIAL_ROLES
from khuyencong.core.scoping import can_write, is_admin, place_filter

# Rounds that belong to a province; the others are national data.
PROVINCIAL_LEVELS = frozenset({Level.DISTRICT, Level.PROVINCE})


def may_manage(user: Any, round: AwardRound) -> bool:
    """Whether the user manages the round: its data, workflow, scores and complaints."""
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    return (
        round.level in PROVINCIAL_LEVELS
        and can_write(user)
        and user.role in PROVINCIAL_ROLES
        and round.province_id is not None
        and round.province_id == user.province_id
    )


def may_enter(user: Any, round: AwardRound) -> bool:
    """Whether the user may enter products in the round (while it is open): its managers,
    and for region and national rounds the provincial staff (their own province's
    products)."""
    if round.status != AwardRound.Status.OPEN or not user.is_authenticated:
        return False
    if may_manage(user, round):
        return True
    if round.level in PROVINCIAL_LEVELS:
        return False
    return can_write(user) and user.role in PROVINCIAL_ROLES and user.province_id is not None


def may_create_round(user: Any) -> bool:
    return is_admin(user) or (
        can_write(user) and user.role in PROVINCIAL_ROLES and user.province_id is not None
    )


class RoundRule(Rule[AwardRound]):
    """Rounds are scoped by level as well as by place (region and national rounds are read
    by all staff), so the rule says it itself rather than by a province column."""

    def visible(
        self, user: Any, *, write: bool = False, queryset: QuerySet[AwardRound] | None = None
    ) -> QuerySet[AwardRound]:
        rounds = self.base() if queryset is None else queryset
        if not user.is_authenticated:
            return rounds.none()
        if is_admin(user):
            return rounds
        national = Q(level__in=[Level.REGION, Level.NATIONAL])
        if write:
            if not may_create_round(user):
                return rounds.none()
            return rounds.filter(level__in=PROVINCIAL_LEVELS, province_id=user.province_id)
        if place_filter(user) is None:
            return rounds
        if user.province_id is not None:
            return rounds.filter(national | Q(province_id=user.province_id))
        return rounds.filter(national)

    def may_change(self, user: Any, obj: AwardRound) -> bool:
        return may_manage(user, obj)


class ManagedRule(Rule[Any]):
    """Entries and complaints: seen by their place; changed (scores, complaints) by those
    who manage their round."""

    def visible(
        self, user: Any, *, write: bool = False, queryset: QuerySet[Any] | None = None
    ) -> QuerySet[Any]:
        records = self.base() if queryset is None else queryset
        if write:
            return records.filter(round__in=ROUNDS.visible(user, write=True))
        return super().visible(user, queryset=records)


ROUNDS = RoundRule(AwardRound, deletable=False)
ENTRIES: Rule[AwardEntry] = ManagedRule(AwardEntry)
COMPLAINTS: Rule[AwardComplaint] = ManagedRule(AwardComplaint, deletable=False)


def rounds_for(user: Any, *, write: bool = False) -> QuerySet[AwardRound]:
    """Rounds the user may see (or manage, with ``write=True``)."""
    return ROUNDS.visible(user, write=write)


def entries_for(user: Any, *, write: bool = False) -> QuerySet[AwardEntry]:
    """Entries the user may see: place scoping on the entry's province and commune (a
    province sees its own products in region and national rounds too). With ``write=True``:
    the entries of the rounds the user manages (scores, complaints)."""
    return ENTRIES.visible(user, write=write)


def complaints_for(user: Any, *, write: bool = False) -> QuerySet[AwardComplaint]:
    """Complaints the user may see (or resolve, with ``write=True``: those of the rounds
    they manage)."""
    return COMPLAINTS.visible(user, write=write)


def get_round(user: Any, pk: Any, *, write: bool = False) -> AwardRound:
    """One round the user may see (or manage), else 404."""
    return ROUNDS.get(
        user,
        write=write,
        queryset=AwardRound.objects.select_related("province", "region", "legacy_district"),
        pk=pk,
    )


def get_entry(user: Any, pk: Any) -> AwardEntry:
    """One entry the user may see, with what its page shows, else 404."""
    return ENTRIES.get(
        user,
        queryset=AwardEntry.objects.select_related(
            "round",
            "round__province",
            "round__region",
            "establishment",
            "commune",
            "product",
            "qualifying_entry",
            "qualifying_entry__round",
        ),
        pk=pk,
    )


def get_complaint(user: Any, pk: Any, *, write: bool = False) -> AwardComplaint:
    """One complaint the user may see (or resolve), else 404."""
    return COMPLAINTS.get(
        user,
        write=write,
        queryset=AwardComplaint.objects.select_related("entry", "round"),
        pk=pk,
    )


def with_counts(rounds: QuerySet[AwardRound], user: Any) -> QuerySet[AwardRound]:
    """Each round with the number of its entries and of its certified entries that the user
    may see (a province counts only its own entries of a region or national round):
    correlated counts, so a page of rounds counts only its own entries."""
    seen = place_filter(user) or Q()
    return rounds.annotate(
        entry_count=count_of(AwardEntry, "round", seen),
        certified_count=count_of(AwardEntry, "round", seen & Q(certified=True)),
    )
