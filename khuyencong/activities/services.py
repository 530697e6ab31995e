"""Business rules of activities. Every change goes through these functions, taking
``actor=`` (STYLE.md 2); the staff pages, the API, the trainee import and the demo all call
them. Reads go through ``activities.access`` (``records_for``, and ``participations_for`` &
co. for rows of a record).

Who records activities: administrators and the provincial officers and managers of the
record's province. National officers and auditors read; commune collaborators read the
records placed in their communes.

One pair of functions serves the seven kinds (``create_activity``/``update_activity``):
each kind declares its editable fields in ``FIELDS`` and its own rules in ``RULES``; the
rules shared by all (place, project of the same province, establishments of the province,
the model's field validators) are checked here once.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.activities.access import may_record, records_for
from khuyencong.activities.errors import ActivityError
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
from khuyencong.core.formats import format_number
from khuyencong.core.locking import lock_current
from khuyencong.core.text import normalise
from khuyencong.places.models import Commune, Province
from khuyencong.programmes.models import Project
from khuyencong.registry.models import Establishment

# The fields of each kind a create or an edit may set, besides the common ones.
COMMON_FIELDS = ("commune", "project", "funding_level", "notes")
FIELDS: dict[type[Activity], tuple[str, ...]] = {
    TrainingCourse: (
        "title",
        "topic",
        "start_date",
        "end_date",
        "place",
        "participants",
        "employed_after",
    ),
    Fair: ("name", "level", "start_date", "end_date", "place", "country", "organised", "booths"),
    Showroom: ("name", "establishment", "address", "opened_on", "cost", "supported_amount"),
    BrandRegistration: (
        "establishment",
        "mark_name",
        "kind",
        "application_number",
        "filed_on",
        "status",
        "certificate_number",
        "certificate_date",
        "supported_amount",
    ),
    ConsultingContract: (
        "title",
        "client_establishment",
        "client_name",
        "service",
        "contract_number",
        "value",
        "signed_on",
        "completed_on",
        "status",
    ),
    CommunicationItem: (
        "kind",
        "title",
        "date",
        "outlet",
        "topic",
        "reach",
        "quantity",
        "cost",
    ),
    Workshop: ("title", "kind", "topic", "date", "place", "attendees"),
}
# Foreign keys to establishments that must lie in the record's province.
ESTABLISHMENT_FIELDS = ("establishment", "client_establishment")
MAX_TRAINEES = 2_000


def today() -> datetime.date:
    return timezone.localdate()


# --- who sees and changes what --------------------------------------------------------------


def _refuse_unless_may_record(actor: Any, province_id: str | None) -> None:
    if not may_record(actor, province_id):
        raise ActivityError(_("You may not record activities for this province."), field="province")


# --- checks -------------------------------------------------------------------------------


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _fetch(model: type[models.Model], value: Any, field: str) -> Any:
    """An object given as itself or as its key; a key that names nothing is the field's error."""
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    try:
        return model._default_manager.get(pk=value)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise ActivityError(
            _("No such record: %(value)s.") % {"value": value}, field=field
        ) from exc


def _date_label(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _not_before(later: Any, earlier: Any, field: str, message: str) -> None:
    if later is not None and earlier is not None and later < earlier:
        raise ActivityError(message % {"date": _date_label(earlier)}, field=field)


def check_place(record: Activity) -> None:
    """The commune lies in the record's province; so does the project."""
    commune, project = record.commune, record.project
    if commune is not None and commune.province_id != record.province_id:
        raise ActivityError(_("This commune lies in another province."), field="commune")
    if project is not None and project.province_id != record.province_id:
        raise ActivityError(
            _("This project belongs to another province: choose one of %(province)s.")
            % {"province": record.province.name},
            field="project",
        )


def check_programme(record: Activity) -> None:
    """The programme an activity counts under in the official forms: its project's, else
    its own, which is then required (shared/API.md, "Official report forms")."""
    if record.project_id is not None:
        # The project decides; an own level beside it could only disagree with it.
        record.funding_level = ""
    elif not record.funding_level:
        raise ActivityError(
            _("Choose the programme (national or local khuyến công), or name the project."),
            field="funding_level",
        )


def check_establishment(establishment: Establishment | None, province_id: str, field: str) -> None:
    if establishment is not None and establishment.province_id != province_id:
        # The name is not repeated: it belongs to a province the user may not see.
        raise ActivityError(
            _("This establishment belongs to another province: choose one of %(province)s.")
            % {"province": Province.objects.get(pk=province_id).name},
            field=field,
        )


def _clean_fields(record: models.Model) -> None:
    """The model's own field checks (required, length, choices, ranges), as a domain error
    on the first field at fault. Relations were fetched already and are not queried again."""
    relations = [f.name for f in record._meta.concrete_fields if f.is_relation]
    try:
        record.clean_fields(exclude=relations)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ActivityError(messages[0], field=None if field == "__all__" else field) from exc


def _check_training(course: TrainingCourse) -> None:
    _not_before(
        course.end_date,
        course.start_date,
        "end_date",
        _("The course cannot end before it starts (%(date)s)."),
    )
    if course.employed_after is not None and course.employed_after > course.participants:
        raise ActivityError(
            _("More employed than trained: at most %(n)s.")
            % {"n": format_number(course.participants)},
            field="employed_after",
        )
    if course.pk is not None:
        listed = course.trainees.count()
        if course.participants < listed:
            raise ActivityError(
                _(
                    "The trainee list has %(n)s names: the number of participants cannot be "
                    "lower. Remove names from the list first."
                )
                % {"n": format_number(listed)},
                field="participants",
            )


def _check_fair(fair: Fair) -> None:
    _not_before(
        fair.end_date,
        fair.start_date,
        "end_date",
        _("The fair cannot end before it opens (%(date)s)."),
    )
    if fair.level == Fair.Level.INTERNATIONAL and not fair.country.strip():
        raise ActivityError(_("Name the country of an international fair."), field="country")
    if fair.booths is not None and not fair.organised:
        raise ActivityError(
            _("Booths of the whole fair are recorded for a fair the province organised."),
            field="booths",
        )


def _check_showroom(showroom: Showroom) -> None:
    if showroom.supported_amount > showroom.cost:
        raise ActivityError(
            _("The support cannot exceed the total cost (%(cost)s đồng).")
            % {"cost": format_number(showroom.cost)},
            field="supported_amount",
        )


def _check_brand(brand: BrandRegistration) -> None:
    granted = brand.status == BrandRegistration.Status.GRANTED
    if granted and not brand.certificate_number.strip():
        raise ActivityError(
            _("A granted registration needs its certificate number."), field="certificate_number"
        )
    if granted and brand.certificate_date is None:
        raise ActivityError(
            _("A granted registration needs its certificate date."), field="certificate_date"
        )
    if not granted and (brand.certificate_number.strip() or brand.certificate_date):
        raise ActivityError(
            _("Only a granted registration has a certificate: set the status to granted."),
            field="status",
        )
    _not_before(
        brand.certificate_date,
        brand.filed_on,
        "certificate_date",
        _("The certificate cannot be dated before the filing (%(date)s)."),
    )


def _check_consulting(contract: ConsultingContract) -> None:
    if contract.status == ConsultingContract.Status.COMPLETED and contract.completed_on is None:
        raise ActivityError(_("Enter the date the contract was completed."), field="completed_on")
    _not_before(
        contract.completed_on,
        contract.signed_on,
        "completed_on",
        _("The contract cannot be completed before it was signed (%(date)s)."),
    )
    if contract.pk is not None and contract.value is not None:
        received = contract.receipts.aggregate(total=Sum("amount"))["total"] or 0
        if contract.value < received:
            raise ActivityError(
                _("%(amount)s đồng were already received: the value cannot be lower.")
                % {"amount": format_number(received)},
                field="value",
            )


RULES: dict[type[Activity], Callable[[Any], None]] = {
    TrainingCourse: _check_training,
    Fair: _check_fair,
    Showroom: _check_showroom,
    BrandRegistration: _check_brand,
    ConsultingContract: _check_consulting,
    CommunicationItem: lambda item: None,
    Workshop: lambda workshop: None,
}


def _establishments(values: Any, province_id: str) -> list[Establishment]:
    if values is None or isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
        raise ActivityError(_("Give a list of establishments."), field="establishments")
    ids = {_pk(v) for v in values}
    found = {e.pk: e for e in Establishment.objects.filter(pk__in=ids)} if ids else {}
    missing = sorted(str(i) for i in ids if i not in found)
    if missing:
        raise ActivityError(
            _("No establishment with the id %(ids)s.") % {"ids": ", ".join(missing)},
            field="establishments",
        )
    for establishment in found.values():
        check_establishment(establishment, province_id, "establishments")
    return sorted(found.values(), key=lambda e: e.pk)


def _apply(record: Activity, data: dict[str, Any]) -> None:
    model = type(record)
    for name in (*COMMON_FIELDS, *FIELDS[model]):
        if name not in data:
            continue
        value = data[name]
        # A concrete column or foreign key of the kind (FIELDS names no reverse relation).
        field: Any = model._meta.get_field(name)
        if field.is_relation:
            setattr(record, name, _fetch(field.related_model, value, name))
        elif value is None and not field.null:
            # An empty optional text or number: its blank default.
            setattr(record, name, field.get_default())
        else:
            setattr(record, name, value)
    for name in ESTABLISHMENT_FIELDS:
        if name in FIELDS[model]:
            establishment = getattr(record, name)
            check_establishment(establishment, record.province_id, name)
            # By default the record lies where the establishment does, so the commune's
            # collaborator sees it too.
            if establishment is not None and "commune" not in data and record.commune_id is None:
                record.commune = establishment.commune
    # A client from the registry is named as it is there, unless named otherwise.
    if isinstance(record, ConsultingContract):
        client = record.client_establishment
        if not (record.client_name or "").strip() and client is not None:
            record.client_name = client.name
    _clean_fields(record)
    check_place(record)
    check_programme(record)
    RULES[model](record)
    record.search_text = normalise(str(getattr(record, model.NAME_FIELD)))[:400]


def _set_links(record: Activity, data: dict[str, Any], *, created: bool) -> None:
    """A workshop's establishments, checked, recorded in the same history entry as the
    rest of the edit (or as a change right after the creation)."""
    if not isinstance(record, Workshop):
        return
    if "establishments" not in data:
        return
    chosen = _establishments(data["establishments"], record.province_id)
    if len(chosen) > record.attendees:
        raise ActivityError(
            _("%(n)s establishments took part: there were at least as many attendees.")
            % {"n": format_number(len(chosen))},
            field="attendees",
        )
    record._links = chosen  # type: ignore[attr-defined]  # kept for _save


def _save(record: Activity, actor: Any, *, created: bool) -> None:
    links = getattr(record, "_links", None)
    record._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
    if links is not None and not created:
        record.skip_history_when_saving = True  # type: ignore[attr-defined]  # simple_history flag
        try:
            record.establishments.set(links)  # type: ignore[attr-defined]  # only workshops have links
        finally:
            del record.skip_history_when_saving  # type: ignore[attr-defined]  # simple_history flag
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:  # a database constraint the checks above did not foresee
        raise ActivityError(
            _("These values contradict each other: check the dates and amounts.")
        ) from exc
    if links is not None and created:
        record.establishments.set(links)  # type: ignore[attr-defined]  # only workshops have links


@transaction.atomic
def create_activity(*, actor: Any, model: type[Activity], data: dict[str, Any]) -> Activity:
    """Record an activity of a province (its officers and managers, or an administrator).
    ``data`` holds ``province`` (object or code) and the kind's fields (``FIELDS``)."""
    province = _fetch(Province, data.get("province"), "province")
    if province is None:
        raise ActivityError(_("Choose the province."), field="province")
    _refuse_unless_may_record(actor, province.pk)
    record = model(province=province, created_by=actor)
    _apply(record, data)
    _set_links(record, data, created=True)
    _save(record, actor, created=True)
    return record


@transaction.atomic
def update_activity(
    *, actor: Any, record: Activity, data: dict[str, Any], expected_version: int | None
) -> Activity:
    """Save an edit; a stale one (someone saved since ``expected_version``) is refused."""
    model = type(record)
    try:
        current = lock_current(records_for(actor, model, write=True), record.pk, expected_version)
    except model.DoesNotExist as exc:
        raise Http404 from exc
    _refuse_unless_may_record(actor, current.province_id)
    province = data.get("province")
    if province is not None and str(_pk(province)) != current.province_id:
        raise ActivityError(
            _("A record stays in its province; record a new one instead."), field="province"
        )
    _apply(current, data)
    _set_links(current, data, created=False)
    current.version += 1
    _save(current, actor, created=False)
    return current


def _lock_parent(actor: Any, model: type[Activity], pk: int) -> Any:
    """The parent record locked for the change of one of its rows, if the actor may change it."""
    try:
        parent = lock_current(records_for(actor, model, write=True), pk, None)
    except model.DoesNotExist as exc:
        raise Http404 from exc
    _refuse_unless_may_record(actor, parent.province_id)
    return parent


# --- fair participations ------------------------------------------------------------------

PARTICIPATION_FIELDS = ("supported_amount", "booths", "contracts_signed", "sales")


@transaction.atomic
def add_participation(
    *, actor: Any, fair: Fair, establishment: Any, **values: Any
) -> FairParticipation:
    """One establishment of the fair's province takes part (once per fair)."""
    current = _lock_parent(actor, Fair, fair.pk)
    establishment = _fetch(Establishment, establishment, "establishment")
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
    _clean_fields(participation)
    participation._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
    participation.save()
    return participation


@transaction.atomic
def remove_participation(*, actor: Any, participation: FairParticipation) -> None:
    _lock_parent(actor, Fair, participation.fair_id)
    participation._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
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
            value = _fetch(Establishment, value, name)
            check_establishment(value, course.province_id, name)
        elif value is None and name in ("name", "gender"):
            value = ""
        setattr(trainee, name, value)
    trainee.name = (trainee.name or "").strip()
    _clean_fields(trainee)
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
        course._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
        course.save()


def _list_figures(course: TrainingCourse) -> tuple[int, int | None]:
    rows = list(course.trainees.values_list("employed_after", flat=True))
    if rows and all(value is not None for value in rows):
        return len(rows), sum(1 for value in rows if value)
    return len(rows), None


@transaction.atomic
def add_trainee(*, actor: Any, course: TrainingCourse, data: dict[str, Any]) -> Trainee:
    """Add a name to the course's list; the participants count grows with the list."""
    current = _lock_parent(actor, TrainingCourse, course.pk)
    if current.trainees.count() >= MAX_TRAINEES:
        raise ActivityError(
            _("A course's list holds at most %(n)s names.") % {"n": format_number(MAX_TRAINEES)},
            field="name",
        )
    trainee = _trainee(current, data)
    trainee._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
    trainee.save()
    listed, employed = _list_figures(current)
    _sync_course(current, actor, listed=listed, employed=employed)
    return trainee


@transaction.atomic
def remove_trainee(*, actor: Any, trainee: Trainee) -> None:
    """Remove a name; the participants count stays (it may exceed the list)."""
    _lock_parent(actor, TrainingCourse, trainee.course_id)
    trainee._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
    trainee.delete()


@transaction.atomic
def replace_trainees(
    *, actor: Any, course: TrainingCourse, rows: Iterable[dict[str, Any]]
) -> list[Trainee]:
    """Replace the course's list with a whole one (an import): the participants count
    becomes the list's length, the employed count too when every outcome is known."""
    current = _lock_parent(actor, TrainingCourse, course.pk)
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
        trainee._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
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
    current = _lock_parent(actor, ConsultingContract, contract.pk)
    receipt = ConsultingReceipt(
        contract=current, date=date, amount=amount, reference=reference or "", created_by=actor
    )
    _clean_fields(receipt)
    _not_before(
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
    receipt._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
    receipt.save()
    return receipt


@transaction.atomic
def remove_receipt(*, actor: Any, receipt: ConsultingReceipt) -> None:
    _lock_parent(actor, ConsultingContract, receipt.contract_id)
    receipt._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
    receipt.delete()


# --- choices offered in forms -------------------------------------------------------------


def projects_of(province_id: str | None) -> QuerySet[Project]:
    """The projects an activity of this province may name, newest first."""
    return (
        Project.objects.filter(province_id=province_id or "-")
        .exclude(status=Project.Status.CANCELLED)
        .order_by("-year", "code")
    )


def communes_of(province_id: str | None) -> QuerySet[Commune]:
    return Commune.objects.filter(province_id=province_id or "-").order_by("name")


# --- khuyến công staff ----------------------------------------------------------------------


@transaction.atomic
def record_staff_count(
    *, actor: Any, province: Any, year: Any, staff: Any, note: str = ""
) -> StaffCount:
    """Set the number of khuyến công staff of a province for a year (replacing the year's
    figure, its history kept): the officers and managers of the province, or an
    administrator."""
    province = _fetch(Province, province, "province")
    if province is None:
        raise ActivityError(_("Choose the province."), field="province")
    _refuse_unless_may_record(actor, province.pk)
    try:
        year = int(year)
    except (TypeError, ValueError) as exc:
        raise ActivityError(_("Enter a year."), field="year") from exc
    record = StaffCount.objects.select_for_update().filter(
        province=province, year=year
    ).first() or StaffCount(province=province, created_by=actor)
    record.year = year
    record.staff = staff
    record.note = note or ""
    _clean_fields(record)
    record._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
    record.save()
    return record
