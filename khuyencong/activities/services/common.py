"""The checks every rule of activities shares: who may record for a province, a key or an
object given, dates in order, a record's place and programme, its model's validators, and
the parent record locked for a change of one of its rows."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.activities.access import may_record, records_for
from khuyencong.activities.errors import ActivityError
from khuyencong.activities.models import (
    Activity,
)
from khuyencong.core.locking import lock_current
from khuyencong.places.models import Province
from khuyencong.registry.models import Establishment


def today() -> datetime.date:
    return timezone.localdate()


def refuse_unless_may_record(actor: Any, province_id: str | None) -> None:
    if not may_record(actor, province_id):
        raise ActivityError(_("You may not record activities for this province."), field="province")


def pk_of(value: Any) -> Any:
    return getattr(value, "pk", value)


def fetch_by_key(model: type[models.Model], value: Any, field: str) -> Any:
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


def date_label(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def not_before(later: Any, earlier: Any, field: str, message: str) -> None:
    if later is not None and earlier is not None and later < earlier:
        raise ActivityError(message % {"date": date_label(earlier)}, field=field)


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


def clean_fields(record: models.Model) -> None:
    """The model's own field checks (required, length, choices, ranges), as a domain error
    on the first field at fault. Relations were fetched already and are not queried again."""
    relations = [f.name for f in record._meta.concrete_fields if f.is_relation]
    try:
        record.clean_fields(exclude=relations)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ActivityError(messages[0], field=None if field == "__all__" else field) from exc


def lock_parent(actor: Any, model: type[Activity], pk: int) -> Any:
    """The parent record locked for the change of one of its rows, if the actor may change it."""
    try:
        parent = lock_current(records_for(actor, model, write=True), pk, None)
    except model.DoesNotExist as exc:
        raise Http404 from exc
    refuse_unless_may_record(actor, parent.province_id)
    return parent
