"""The records of the seven kinds (``create_activity``/``update_activity``): each kind
declares its editable fields in ``FIELDS`` and its own rules in ``RULES``; the rules shared
by all are checked once. Also the choices a record's form offers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from khuyencong.activities.access import records_for
from khuyencong.activities.errors import ActivityError
from khuyencong.activities.models import (
    Activity,
    BrandRegistration,
    CommunicationItem,
    ConsultingContract,
    Fair,
    Showroom,
    TrainingCourse,
    Workshop,
)
from khuyencong.activities.services.common import (
    check_establishment,
    check_place,
    check_programme,
    clean_fields,
    fetch_by_key,
    not_before,
    pk_of,
    refuse_unless_may_record,
)
from khuyencong.core.formats import format_number
from khuyencong.core.history import set_history_actor
from khuyencong.core.locking import lock_current
from khuyencong.core.text import normalise
from khuyencong.places.models import Commune, Province
from khuyencong.programmes.models import Project
from khuyencong.registry.models import Establishment

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


def _check_training(course: TrainingCourse) -> None:
    not_before(
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
    not_before(
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
    not_before(
        brand.certificate_date,
        brand.filed_on,
        "certificate_date",
        _("The certificate cannot be dated before the filing (%(date)s)."),
    )


def _check_consulting(contract: ConsultingContract) -> None:
    if contract.status == ConsultingContract.Status.COMPLETED and contract.completed_on is None:
        raise ActivityError(_("Enter the date the contract was completed."), field="completed_on")
    not_before(
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
    ids = {pk_of(v) for v in values}
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
            setattr(record, name, fetch_by_key(field.related_model, value, name))
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
    clean_fields(record)
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
    set_history_actor(record, actor)
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
    province = fetch_by_key(Province, data.get("province"), "province")
    if province is None:
        raise ActivityError(_("Choose the province."), field="province")
    refuse_unless_may_record(actor, province.pk)
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
    refuse_unless_may_record(actor, current.province_id)
    province = data.get("province")
    if province is not None and str(pk_of(province)) != current.province_id:
        raise ActivityError(
            _("A record stays in its province; record a new one instead."), field="province"
        )
    _apply(current, data)
    _set_links(current, data, created=False)
    current.version += 1
    _save(current, actor, created=False)
    return current


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
