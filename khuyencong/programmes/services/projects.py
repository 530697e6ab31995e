"""Projects (đề án): draft, edit and delete them, their budget lines, outputs,
beneficiaries and documents. Their steps are the project workflow (``programmes.workflow``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from khuyencong.core import dataversions
from khuyencong.core.errors import WorkflowError
from khuyencong.core.history import set_history_actor
from khuyencong.core.locking import lock_current
from khuyencong.programmes import access
from khuyencong.programmes.access import projects_for
from khuyencong.programmes.errors import ProgrammeError
from khuyencong.programmes.lines import write_budget, write_outputs
from khuyencong.programmes.models import (
    ActivitySubtype,
    AnnualPlan,
    FundingLevel,
    Indicator,
    Project,
    ProjectBeneficiary,
    ProjectDocument,
    Source,
)
from khuyencong.programmes.services.common import (
    EDITABLE_STATES,
    MAX_AMOUNT,
    MAX_DOCUMENT_BYTES,
    PROJECT_FIELDS,
    S,
    validate_amount,
)
from khuyencong.programmes.services.plans import get_or_create_plan
from khuyencong.registry.access import establishments_for


def _next_code(plan: AnnualPlan) -> str:
    prefix = f"{plan.province_id}-{plan.year}-{'QG' if plan.funding_level == 'national' else 'DP'}-"
    existing = Project.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(code[len(prefix) :]) for code in existing if code[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def _clean_budget(budget: Any) -> dict[str, tuple[int, str | None]]:
    """Budget lines from a form or the API: a list of ``{"source", "amount",
    "other_programme"}`` or a mapping ``{source: amount}``."""
    if isinstance(budget, dict):
        budget = [{"source": s, "amount": a} for s, a in budget.items()]
    if not isinstance(budget, list):
        raise ProgrammeError(_("Give the budget as lines by source."), field="budget_lines")
    cleaned: dict[str, tuple[int, str | None]] = {}
    for index, line in enumerate(budget, start=1):
        if not isinstance(line, dict):
            raise ProgrammeError(
                _("Line %(n)s: give a source and an amount.") % {"n": index}, field="budget_lines"
            )
        source = line.get("source")
        if source not in Source.values:
            raise ProgrammeError(
                _("Line %(n)s: “%(source)s” is not a funding source.")
                % {"n": index, "source": source},
                field="budget_lines",
            )
        if source in cleaned:
            raise ProgrammeError(
                _("Line %(n)s: %(source)s appears twice.")
                % {"n": index, "source": Source(source).label},
                field="budget_lines",
            )
        amount = validate_amount(line.get("amount"), "budget_lines")
        programme_name = line.get("other_programme")
        if programme_name is not None:
            programme_name = str(programme_name).strip()[:200]
        if source == Source.OTHER and amount and not (programme_name or "").strip():
            raise ProgrammeError(
                _("Name the programme the other money comes from (e.g. new rural development)."),
                field="budget_lines",
            )
        cleaned[source] = (amount, programme_name)
    return cleaned


def _clean_outputs(outputs: Any) -> dict[str, int]:
    if isinstance(outputs, list):
        try:
            outputs = {item["indicator"]: item["planned"] for item in outputs}
        except (KeyError, TypeError) as exc:
            raise ProgrammeError(
                _("Give each output as an indicator and a planned value."), field="outputs"
            ) from exc
    if not isinstance(outputs, dict):
        raise ProgrammeError(
            _("Give each output as an indicator and a planned value."), field="outputs"
        )
    known = set(Indicator.objects.filter(pk__in=list(outputs)).values_list("pk", flat=True))
    cleaned = {}
    for code, value in outputs.items():
        if code not in known:
            raise ProgrammeError(
                _("“%(code)s” is not an indicator.") % {"code": code}, field="outputs"
            )
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
            raise ProgrammeError(
                _("%(code)s: enter a whole number of 0 or more.") % {"code": code}, field="outputs"
            )
        cleaned[code] = value
    return cleaned


def _set_beneficiaries(actor: Any, project: Project, ids: Any) -> None:
    if not isinstance(ids, list | tuple | set) or any(
        isinstance(i, bool) or not isinstance(i, int) for i in ids
    ):
        raise ProgrammeError(
            _("Give the beneficiaries as establishment numbers."), field="beneficiaries"
        )
    wanted = set(ids)
    visible = establishments_for(actor).filter(pk__in=wanted)
    found = {e.pk: e for e in visible.only("pk", "province_id", "name")}
    missing = sorted(wanted - set(found))
    if missing:
        raise ProgrammeError(
            _("No establishment no. %(ids)s in your area.")
            % {"ids": ", ".join(str(i) for i in missing)},
            field="beneficiaries",
        )
    elsewhere = [e.name for e in found.values() if e.province_id != project.province_id]
    if elsewhere:
        raise ProgrammeError(
            _("These establishments are in another province: %(names)s.")
            % {"names": ", ".join(sorted(elsewhere))},
            field="beneficiaries",
        )
    ProjectBeneficiary.objects.filter(project=project).exclude(establishment__in=wanted).delete()
    present = set(
        ProjectBeneficiary.objects.filter(project=project).values_list(
            "establishment_id", flat=True
        )
    )
    added = ProjectBeneficiary.objects.bulk_create(
        ProjectBeneficiary(project=project, establishment_id=pk) for pk in sorted(wanted - present)
    )
    dataversions.changed(ProjectBeneficiary, added)  # no save signals (cached report figures)


def _apply(project: Project, data: dict[str, Any]) -> None:
    for name in PROJECT_FIELDS:
        if name in data:
            setattr(project, name, data[name])
    project.title = (project.title or "").strip()
    project.implementer = (project.implementer or "").strip()
    if not project.title:
        raise ProgrammeError(_("Give the project a title."), field="title")
    if not project.implementer:
        raise ProgrammeError(_("Name the implementer."), field="implementer")
    if project.subtype_id is not None:
        subtype = ActivitySubtype.objects.filter(pk=project.subtype_id).first()
        if subtype is None or subtype.category_id != project.category_id:
            raise ProgrammeError(
                _("This sub-type belongs to another activity category."), field="subtype"
            )
    commune = project.commune if project.commune_id is not None else None
    if commune is not None and commune.province_id != project.province_id:
        raise ProgrammeError(_("This commune lies in another province."), field="commune")
    if project.start_date and project.end_date and project.end_date < project.start_date:
        raise ProgrammeError(_("The end date is before the start date."), field="end_date")


def _check_province(actor: Any, province_id: str | None) -> None:
    if not access.may_draft_in(actor, province_id):
        raise ProgrammeError(_("You may not record projects for this province."), field="province")


@transaction.atomic
def create_project(*, actor: Any, data: dict[str, Any]) -> Project:
    """Draft a project in the plan of its province, year and funding level (created on
    first use). ``data`` holds the fields, and may hold ``budget_lines``, ``outputs`` and
    ``beneficiaries`` (establishment ids)."""
    province = data.get("province")
    province_id = getattr(province, "pk", province)
    _check_province(actor, province_id)
    assert province_id is not None  # _check_province refuses a project without one
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ProgrammeError(_("Enter a year between 2000 and 2100."), field="year")
    level = data.get("funding_level")
    if level not in FundingLevel.values:
        raise ProgrammeError(_("Choose national or local funds."), field="funding_level")
    plan = get_or_create_plan(province_id, year, level)
    project = Project(
        plan=plan,
        province_id=province_id,
        year=year,
        funding_level=level,
        created_by=actor,
    )
    _apply(project, data)
    code = (data.get("code") or "").strip()
    if code and Project.objects.filter(code=code).exists():
        raise ProgrammeError(_("A project with this code exists."), field="code")
    project.code = code or _next_code(plan)
    set_history_actor(project, actor)
    project.save()
    _write_related(actor, project, data)
    return project


def _write_related(actor: Any, project: Project, data: dict[str, Any]) -> None:
    if data.get("budget_lines") is not None:
        write_budget(project, _clean_budget(data["budget_lines"]))
    if data.get("outputs") is not None:
        write_outputs(project, _clean_outputs(data["outputs"]))
    if data.get("beneficiaries") is not None:
        _set_beneficiaries(actor, project, [getattr(b, "pk", b) for b in data["beneficiaries"]])


@transaction.atomic
def update_project(
    *, actor: Any, project: Project, data: dict[str, Any], expected_version: int | None
) -> Project:
    """Save an edit of a draft (or returned) project. A stale edit is refused
    (``StaleEditError``); so is an edit once the project has gone further: after approval
    only an adjustment changes its budget and outputs."""
    try:
        current = lock_current(projects_for(actor, write=True), project.pk, expected_version)
    except Project.DoesNotExist as exc:
        raise Http404 from exc
    if current.status not in EDITABLE_STATES:
        raise WorkflowError(
            _(
                "A project that is “%(status)s” is no longer edited directly; "
                "its budget and outputs change through an adjustment."
            )
            % {"status": current.get_status_display()}
        )
    year = data.get("year", current.year)
    level = data.get("funding_level", current.funding_level)
    if (year, level) != (current.year, current.funding_level):
        if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
            raise ProgrammeError(_("Enter a year between 2000 and 2100."), field="year")
        if level not in FundingLevel.values:
            raise ProgrammeError(_("Choose national or local funds."), field="funding_level")
        current.plan = get_or_create_plan(current.province_id, year, level)
        current.year, current.funding_level = year, level
    _apply(current, data)
    code = (data.get("code") or "").strip()
    if code and code != current.code:
        if Project.objects.filter(code=code).exclude(pk=current.pk).exists():
            raise ProgrammeError(_("A project with this code exists."), field="code")
        current.code = code
    current.version += 1
    set_history_actor(current, actor)
    current.save()
    _write_related(actor, current, data)
    return current


@transaction.atomic
def delete_project(*, actor: Any, project: Project) -> None:
    """Only a draft that never left its drafter can be deleted; anything further is
    cancelled instead, so it stays on record."""
    try:
        current = lock_current(projects_for(actor, write=True), project.pk, None)
    except Project.DoesNotExist as exc:
        raise Http404 from exc
    if current.status != S.DRAFT or current.transitions.exists():
        raise WorkflowError(
            _("Only a draft that was never submitted can be deleted; cancel it instead.")
        )
    set_history_actor(current, actor)
    current.delete()


@transaction.atomic
def attach_document(
    *, actor: Any, project: Project, kind: str, title: str, file: Any
) -> ProjectDocument:
    try:
        current = lock_current(projects_for(actor, write=True), project.pk, None)
    except Project.DoesNotExist as exc:
        raise Http404 from exc
    if kind not in ProjectDocument.Kind.values:
        raise ProgrammeError(_("Choose the kind of document."), field="kind")
    title = (title or "").strip()
    if not title:
        raise ProgrammeError(_("Give the document a title."), field="title")
    if file is None:
        raise ProgrammeError(_("Choose a file."), field="file")
    if file.size > MAX_DOCUMENT_BYTES:
        raise ProgrammeError(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_DOCUMENT_BYTES // (1024 * 1024)},
            field="file",
        )
    return ProjectDocument.objects.create(
        project=current, kind=kind, title=title[:300], file=file, uploaded_by=actor
    )


def status_counts(projects: QuerySet[Project]) -> dict[str, int]:
    return dict(projects.values_list("status").annotate(n=Count("id")).order_by())
