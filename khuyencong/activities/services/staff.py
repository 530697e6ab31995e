"""The yearly number of khuyến công staff of a province."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from khuyencong.activities.errors import ActivityError
from khuyencong.activities.models import (
    StaffCount,
)
from khuyencong.activities.services.common import (
    clean_fields,
    fetch_by_key,
    refuse_unless_may_record,
)
from khuyencong.core.history import set_history_actor
from khuyencong.places.models import Province


@transaction.atomic
def record_staff_count(
    *, actor: Any, province: Any, year: Any, staff: Any, note: str = ""
) -> StaffCount:
    """Set the number of khuyến công staff of a province for a year (replacing the year's
    figure, its history kept): the officers and managers of the province, or an
    administrator."""
    province = fetch_by_key(Province, province, "province")
    if province is None:
        raise ActivityError(_("Choose the province."), field="province")
    refuse_unless_may_record(actor, province.pk)
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
    clean_fields(record)
    set_history_actor(record, actor)
    record.save()
    return record
