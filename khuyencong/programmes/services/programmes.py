"""National and provincial programmes: record them (who may: ``access.programme_refusal``),
their targets and their progress."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from khuyencong.core.errors import WorkflowError
from khuyencong.core.history import set_history_actor
from khuyencong.core.locking import lock_current
from khuyencong.programmes import access
from khuyencong.programmes.errors import ProgrammeError
from khuyencong.programmes.models import (
    FundingLevel,
    Indicator,
    Programme,
    ProgrammeTarget,
    Project,
    ProjectOutput,
)
from khuyencong.programmes.services.common import (
    PLANNED_STATES,
    S,
)


def _check_programme_rights(actor: Any, level: str, province_id: str | None) -> None:
    refusal = access.programme_refusal(actor, level, province_id)
    if refusal is not None:
        raise WorkflowError(refusal)


def _programme_fields(programme: Programme, data: dict[str, Any]) -> None:
    for name in (
        "code",
        "name",
        "level",
        "province",
        "start_year",
        "end_year",
        "decision_number",
        "decision_date",
        "signer",
        "description",
    ):
        if name in data:
            setattr(programme, name, data[name])
    if programme.level == Programme.Level.NATIONAL:
        programme.province = None
    elif programme.province_id is None:
        raise ProgrammeError(_("A provincial programme needs its province."), field="province")
    if programme.end_year < programme.start_year:
        raise ProgrammeError(_("The last year is before the first year."), field="end_year")


def _write_targets(programme: Programme, targets: dict[str, int] | None) -> None:
    if targets is None:
        return
    known = set(Indicator.objects.filter(pk__in=list(targets)).values_list("pk", flat=True))
    for code, value in targets.items():
        if code not in known:
            raise ProgrammeError(
                _("“%(code)s” is not an indicator.") % {"code": code}, field="targets"
            )
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ProgrammeError(
                _("%(code)s: enter a whole number of 0 or more.") % {"code": code},
                field="targets",
            )
    programme.targets.exclude(indicator__in=list(targets)).delete()
    for code, value in targets.items():
        ProgrammeTarget.objects.update_or_create(
            programme=programme, indicator_id=code, defaults={"value": value}
        )


@transaction.atomic
def create_programme(
    *, actor: Any, data: dict[str, Any], targets: dict[str, int] | None = None
) -> Programme:
    programme = Programme()
    _programme_fields(programme, data)
    _check_programme_rights(actor, programme.level, programme.province_id)
    if Programme.objects.filter(code=programme.code).exists():
        raise ProgrammeError(_("A programme with this code exists."), field="code")
    set_history_actor(programme, actor)
    programme.save()
    _write_targets(programme, targets)
    return programme


@transaction.atomic
def update_programme(
    *,
    actor: Any,
    programme: Programme,
    data: dict[str, Any],
    targets: dict[str, int] | None = None,
    expected_version: int | None = None,
) -> Programme:
    current = lock_current(access.programmes_for(actor), programme.pk, expected_version)
    _check_programme_rights(actor, current.level, current.province_id)
    _programme_fields(current, data)
    _check_programme_rights(actor, current.level, current.province_id)
    if Programme.objects.filter(code=current.code).exclude(pk=current.pk).exists():
        raise ProgrammeError(_("A programme with this code exists."), field="code")
    current.version += 1
    set_history_actor(current, actor)
    current.save()
    _write_targets(current, targets)
    return current


def programme_projects(programme: Programme) -> QuerySet[Project]:
    """The projects a programme covers: national funds for a national programme, the
    province's local funds for a provincial one, in the programme's years."""
    projects = Project.objects.filter(year__gte=programme.start_year, year__lte=programme.end_year)
    if programme.level == Programme.Level.NATIONAL:
        return projects.filter(funding_level=FundingLevel.NATIONAL)
    return projects.filter(funding_level=FundingLevel.LOCAL, province=programme.province_id)


def programme_progress(programme: Programme, *, user: Any) -> list[dict[str, Any]]:
    """Each target with what approved projects plan and what accepted ones delivered, in
    the user's scope (a province sees its own contribution to a national programme)."""
    from django.db.models import Sum

    projects = access.PROJECTS.visible(user, queryset=programme_projects(programme))
    outputs = (
        ProjectOutput.objects.filter(project__in=projects.values("pk"))
        .values("indicator")
        .annotate(
            planned=Sum("planned", filter=Q(project__status__in=PLANNED_STATES)),
            achieved=Sum("actual", filter=Q(project__status__in=[S.ACCEPTED, S.SETTLED])),
        )
        .order_by()
    )
    by_indicator = {row["indicator"]: row for row in outputs}
    rows = []
    for target in programme.targets.select_related("indicator"):
        row = by_indicator.get(target.indicator_id, {})
        achieved = row.get("achieved") or 0
        rows.append(
            {
                "indicator": target.indicator,
                "target": target.value,
                "planned": row.get("planned") or 0,
                "achieved": achieved,
                "percent": round(100 * achieved / target.value, 1) if target.value else None,
            }
        )
    return rows
