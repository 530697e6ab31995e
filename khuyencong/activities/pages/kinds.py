"""The seven activity kinds as the staff pages see them: one ``Kind`` each, naming the model,
its URL slug, the columns of its list, its filters and the section its page adds. The
generic list, form and detail views (``pages.generic``) take a ``Kind``; the few things
only one kind has (a fair's participations, a course's trainee list, a contract's
receipts) live in ``pages.rows``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

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


@dataclass(frozen=True)
class Column:
    """A list column: a label and an attribute of the record (dotted), shown as ``style``
    (``text``, ``date``, ``money``, ``number``, ``percent``, ``choice``)."""

    label: Any
    attr: str
    style: str = "text"


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type[Activity]
    title: Any  # the list's heading
    add: Any  # the create button
    columns: tuple[Column, ...]
    # Choice fields offered as list filters.
    choice_filters: tuple[str, ...] = ()
    # Related objects shown on the list and the page, fetched with the record.
    related: tuple[str, ...] = ("province", "commune", "project")
    # The extra section of the record's page (participations, trainees, receipts…).
    section: str = ""
    # Fields of the form the establishment picker serves.
    pickers: tuple[str, ...] = field(default=())
    # Rows counted on the list: (annotation, related name).
    counts: tuple[tuple[str, str], ...] = ()

    @property
    def verbose_name(self) -> Any:
        return self.model._meta.verbose_name

    @property
    def date_field(self) -> str:
        return self.model.PERIOD_FIELD

    @property
    def name_field(self) -> str:
        return self.model.NAME_FIELD


KINDS: tuple[Kind, ...] = (
    Kind(
        slug="trainings",
        model=TrainingCourse,
        title=_("Training courses"),
        add=_("Record a course"),
        columns=(
            Column(_("Course"), "title"),
            Column(_("Topic"), "topic", "choice"),
            Column(_("Dates"), "start_date", "date"),
            Column(_("End"), "end_date", "date"),
            Column(_("Participants"), "participants", "number"),
            Column(_("Employed"), "employed_percent", "percent"),
        ),
        choice_filters=("topic",),
        section="activities/staff/sections/trainees.html",
    ),
    Kind(
        slug="fairs",
        model=Fair,
        title=_("Trade fairs and exhibitions"),
        add=_("Record a fair"),
        columns=(
            Column(_("Fair"), "name"),
            Column(_("Level"), "level", "choice"),
            Column(_("Opens"), "start_date", "date"),
            Column(_("Place"), "place"),
            Column(_("Participations"), "participation_count", "number"),
        ),
        choice_filters=("level",),
        section="activities/staff/sections/participations.html",
        counts=(("participation_count", "participations"),),
    ),
    Kind(
        slug="showrooms",
        model=Showroom,
        title=_("Showrooms"),
        add=_("Record a showroom"),
        columns=(
            Column(_("Showroom"), "name"),
            Column(_("Establishment"), "establishment.name"),
            Column(_("Opened"), "opened_on", "date"),
            Column(_("Cost"), "cost", "money"),
            Column(_("Support"), "supported_amount", "money"),
        ),
        related=("province", "commune", "project", "establishment"),
        pickers=("establishment",),
    ),
    Kind(
        slug="brands",
        model=BrandRegistration,
        title=_("Brand registrations"),
        add=_("Record a registration"),
        columns=(
            Column(_("Mark"), "mark_name"),
            Column(_("Establishment"), "establishment.name"),
            Column(_("Kind"), "kind", "choice"),
            Column(_("Filed"), "filed_on", "date"),
            Column(_("Status"), "status", "choice"),
            Column(_("Support"), "supported_amount", "money"),
        ),
        choice_filters=("kind", "status"),
        related=("province", "commune", "project", "establishment"),
        pickers=("establishment",),
    ),
    Kind(
        slug="consulting",
        model=ConsultingContract,
        title=_("Consulting contracts"),
        add=_("Record a contract"),
        columns=(
            Column(_("Contract"), "title"),
            Column(_("Client"), "client_name"),
            Column(_("Service"), "service", "choice"),
            Column(_("Signed"), "signed_on", "date"),
            Column(_("Status"), "status", "choice"),
            Column(_("Value"), "value", "money"),
        ),
        choice_filters=("service", "status"),
        related=("province", "commune", "project", "client_establishment"),
        section="activities/staff/sections/receipts.html",
        pickers=("client_establishment",),
    ),
    Kind(
        slug="communications",
        model=CommunicationItem,
        title=_("Communication"),
        add=_("Record an item"),
        columns=(
            Column(_("Title"), "title"),
            Column(_("Kind"), "kind", "choice"),
            Column(_("Date"), "date", "date"),
            Column(_("Channel or outlet"), "outlet"),
            Column(_("Quantity"), "quantity", "number"),
            Column(_("Cost"), "cost", "money"),
        ),
        choice_filters=("kind", "topic"),
    ),
    Kind(
        slug="workshops",
        model=Workshop,
        title=_("Workshops and conferences"),
        add=_("Record a workshop"),
        columns=(
            Column(_("Title"), "title"),
            Column(_("Kind"), "kind", "choice"),
            Column(_("Date"), "date", "date"),
            Column(_("Place"), "place"),
            Column(_("Attendees"), "attendees", "number"),
        ),
        choice_filters=("kind", "topic"),
        section="activities/staff/sections/workshop_establishments.html",
        pickers=("establishments",),
    ),
)
BY_SLUG = {kind.slug: kind for kind in KINDS}
BY_MODEL = {kind.model: kind for kind in KINDS}
