"""The rows of a record: a fair's participants, a course's trainees (one by one or the
whole list), a consulting contract's receipts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from khuyencong.activities.errors import ActivityError
from khuyencong.activities.models import (
    ConsultingContract,
    ConsultingReceipt,
    Fair,
    FairParticipation,
    Trainee,
    TrainingCourse,
)
from khuyencong.activities.services.common import (
    check_establishment,
    clean_fields,
    fetch_by_key,
    lock_parent,
    not_before,
)
from khuyencong.core.formats import format_number
from khuyencong.core.history import set_history_actor
from khuyencong.registry.models import Establishment

MAX_TRAINEES = 2_000


# --- fair participations ------------------------------------------------------------------

PARTICIPATION_FIELDS = ("supported_amount", "booths", "contracts_signed", "sales")


@transaction.atomic
def add_participation(
    *, actor: Any, fair: Fair, establishment: Any, **values: Any
) -> FairParticipation:
    """One establishment of the fair's province takes part (once per fair)."""
    current = lock_parent(actor, Fair, fair.pk)
    establishment = fetch_by_key(Establishment, establishment, "establishment")
    if establishment is None:
        raise ActivityError(_("Choose the establishment."), field="establishment")
    check_establishment(establishment, current.province_id, "establishment")
    if current.participations.filter(establishment=establishment).exists():
        raise ActivityError(
            _("%(name)s already takes part in this fair.") % {"name": establishment.name},
            field="establishment",
        )
    participation = FairParticipation(fair=current, establishment=establishment, created_by=actor)
    for name in PARTICIPATION_FIELDS:
        if values.get(name) is not None:
            setattr(participation, name, values[name])
    unknown = set(values) - set(PARTICIPATION_FIELDS)
    if unknown:
        raise ActivityError(_("Unknown field."), field=sorted(unknown)[0])
    clean_fields(participation)
    set_history_actor(participation, actor)
    participation.save()
    return participation


@transaction.atomic
def remove_participation(*, actor: Any, participation: FairParticipation) -> None:
    lock_parent(actor, Fair, participation.fair_id)
    set_history_actor(participation, actor)
    participation.delete()


# --- trainees -----------------------------------------------------------------------------

TRAINEE_FIELDS = ("name", "gender", "birth_year", "establishment", "employed_after")


def _trainee(course: TrainingCourse, data: dict[str, Any]) -> Trainee:
    trainee = Trainee(course=course)
    for name in TRAINEE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "establishment":
            value = fetch_by_key(Establishment, value, name)
            check_establishment(value, course.province_id, name)
        elif value is None and name in ("name", "gender"):
            value = ""
        setattr(trainee, name, value)
    trainee.name = (trainee.name or "").strip()
    clean_fields(trainee)
    return trainee


def _sync_course(course: TrainingCourse, actor: Any, *, listed: int, employed: int | None) -> None:
    """Keep the course's counts consistent with its list: at least as many participants as
    names; when the list is complete and everyone's outcome is known, the employed count
    is the list's."""
    changed = []
    if course.participants < listed:
        course.participants = listed
        changed.append("participants")
    complete = employed is not None and listed and listed == course.participants
    if complete and course.employed_after != employed:
        course.employed_after = employed
        changed.append("employed_after")
    if changed:
        course.version += 1
        set_history_actor(course, actor)
        course.save()


def _list_figures(course: TrainingCourse) -> tuple[int, int | None]:
    rows = list(course.trainees.values_list("employed_after", flat=True))
    if rows and all(value is not None for value in rows):
        return len(rows), sum(1 for value in rows if value)
    return len(rows), None


@transaction.atomic
def add_trainee(*, actor: Any, course: TrainingCourse, data: dict[str, Any]) -> Trainee:
    """Add a name to the course's list; the participants count grows with the list."""
    current = lock_parent(actor, TrainingCourse, course.pk)
    if current.trainees.count() >= MAX_TRAINEES:
        raise ActivityError(
            _("A course's list holds at most %(n)s names.") % {"n": format_number(MAX_TRAINEES)},
            field="name",
        )
    trainee = _trainee(current, data)
    set_history_actor(trainee, actor)
    trainee.save()
    listed, employed = _list_figures(current)
    _sync_course(current, actor, listed=listed, employed=employed)
    return trainee


@transaction.atomic
def remove_trainee(*, actor: Any, trainee: Trainee) -> None:
    """Remove a name; the participants count stays (it may exceed the list)."""
    lock_parent(actor, TrainingCourse, trainee.course_id)
    set_history_actor(trainee, actor)
    trainee.delete()


@transaction.atomic
def replace_trainees(
    *, actor: Any, course: TrainingCourse, rows: Iterable[dict[str, Any]]
) -> list[Trainee]:
    """Replace the course's list with a whole one (an import): the participants count
    becomes the list's length, the employed count too when every outcome is known."""
    current = lock_parent(actor, TrainingCourse, course.pk)
    trainees = [_trainee(current, row) for row in rows]
    if not trainees:
        raise ActivityError(_("The list has no names."), field="name")
    if len(trainees) > MAX_TRAINEES:
        raise ActivityError(
            _("A course's list holds at most %(n)s names.") % {"n": format_number(MAX_TRAINEES)},
            field="name",
        )
    for old in current.trainees.all():
        old._history_user = actor  # read by simple_history
        old.delete()
    for trainee in trainees:
        set_history_actor(trainee, actor)
        trainee.save()
    outcomes = [t.employed_after for t in trainees]
    known = all(value is not None for value in outcomes)
    current.participants = len(trainees)
    if known:
        current.employed_after = sum(1 for value in outcomes if value)
    elif current.employed_after is not None and current.employed_after > current.participants:
        current.employed_after = None
    current.version += 1
    current._history_user = actor  # read by simple_history
    current.save()
    return trainees


# --- consulting receipts ------------------------------------------------------------------


@transaction.atomic
def add_receipt(
    *,
    actor: Any,
    contract: ConsultingContract,
    date: Any,
    amount: Any,
    reference: str = "",
) -> ConsultingReceipt:
    """Money received for a contract: within its value, not before its signing."""
    current = lock_parent(actor, ConsultingContract, contract.pk)
    receipt = ConsultingReceipt(
        contract=current, date=date, amount=amount, reference=reference or "", created_by=actor
    )
    clean_fields(receipt)
    not_before(
        receipt.date,
        current.signed_on,
        "date",
        _("Money cannot be received before the contract was signed (%(date)s)."),
    )
    received = current.receipts.aggregate(total=Sum("amount"))["total"] or 0
    if received + receipt.amount > current.value:
        raise ActivityError(
            _("The receipts would exceed the contract's value: at most %(amount)s đồng more.")
            % {"amount": format_number(max(current.value - received, 0))},
            field="amount",
        )
    set_history_actor(receipt, actor)
    receipt.save()
    return receipt


@transaction.atomic
def remove_receipt(*, actor: Any, receipt: ConsultingReceipt) -> None:
    lock_parent(actor, ConsultingContract, receipt.contract_id)
    set_history_actor(receipt, actor)
    receipt.delete()
