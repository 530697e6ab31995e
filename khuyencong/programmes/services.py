"""Business rules of programmes, plans and projects: every change goes through a
``verb_noun`` function taking ``actor=`` (STYLE.md 2). The lifecycle itself is in
``programmes.workflow``; caps in ``programmes.caps``; money views in ``programmes.money``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.formats import format_vnd
from khuyencong.core.locking import lock_current
from khuyencong.core.workflow import transition
from khuyencong.programmes import access
from khuyencong.programmes.access import projects_for
from khuyencong.programmes.errors import ProgrammeError, WorkflowError
from khuyencong.programmes.lines import write_budget, write_outputs
from khuyencong.programmes.models import (
    ActivitySubtype,
    AnnualPlan,
    Disbursement,
    FundingLevel,
    Indicator,
    PlanVersion,
    Programme,
    ProgrammeTarget,
    Project,
    ProjectBeneficiary,
    ProjectDocument,
    ProjectOutput,
    Source,
)
from khuyencong.registry.services import establishments_for

S = Project.Status
# A project's own fields can be edited while it is being drafted; afterwards only through
# workflow steps (an adjustment for the budget and outputs).
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
PROJECT_FIELDS = (
    "title",
    "category",
    "subtype",
    "kind",
    "is_priority",
    "implementer",
    "partners",
    "commune",
    "place",
    "start_date",
    "end_date",
    "need",
    "objectives",
)
# States in which a project counts in its plan (API.md: "from the moment it is approved").
PLANNED_STATES = frozenset({S.APPROVED, S.IN_PROGRESS, S.ACCEPTED, S.SETTLED, S.SUSPENDED})
# States in which money may be paid out.
PAYABLE_STATES = frozenset({S.APPROVED, S.IN_PROGRESS, S.ACCEPTED})
# Largest amount accepted anywhere (a guard against typos and overflow, ~1 million tỷ).
MAX_AMOUNT = 10**15
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


# --- programmes ---------------------------------------------------------------------------


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
    programme._history_user = actor  # type: ignore[attr-defined]
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
    current._history_user = actor  # type: ignore[attr-defined]
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


# --- plans --------------------------------------------------------------------------------


def get_or_create_plan(province_id: str, year: int, funding_level: str) -> AnnualPlan:
    try:
        with transaction.atomic():
            plan, _created = AnnualPlan.objects.get_or_create(
                province_id=province_id, year=year, funding_level=funding_level
            )
    except IntegrityError:  # created by a concurrent request
        plan = AnnualPlan.objects.get(
            province_id=province_id, year=year, funding_level=funding_level
        )
    return plan


def _latest_version(plan: AnnualPlan) -> PlanVersion:
    version = plan.versions.order_by("-number").first()
    assert version is not None  # every plan step writes one
    return version


def register_plan(*, actor: Any, plan: AnnualPlan, note: str = "") -> PlanVersion:
    """Register the plan with the level above: version 1 freezes the filed projects."""
    return _latest_version(transition(plan, "register", actor, note=note))


def approve_plan(
    *,
    actor: Any,
    plan: AnnualPlan,
    decision_number: str,
    decision_date: datetime.date | None,
    override_reason: str = "",
) -> PlanVersion:
    """Record the decision approving the plan: every appraised project of the plan is
    approved with it, and the approved content is frozen (``PlanWorkflow``)."""
    moved = transition(
        plan,
        "approve",
        actor,
        decision_number=decision_number,
        decision_date=decision_date,
        override_reason=override_reason,
    )
    return _latest_version(moved)


def adjust_plan(
    *,
    actor: Any,
    plan: AnnualPlan,
    reason: str,
    decision_number: str = "",
    decision_date: datetime.date | None = None,
) -> PlanVersion:
    """Record an adjustment of an approved plan: a new version freezes the projects as they
    now stand (added, adjusted, cancelled); every earlier version is kept."""
    moved = transition(
        plan,
        "adjust",
        actor,
        note=reason,
        decision_number=decision_number,
        decision_date=decision_date,
    )
    return _latest_version(moved)


def compare_versions(old: PlanVersion, new: PlanVersion) -> dict[str, Any]:
    """Side by side: each project in either version with its total in both and the change;
    added, removed and changed projects flagged; totals by source."""
    before = {item["id"]: item for item in old.content}
    after = {item["id"]: item for item in new.content}
    rows = []
    for pk in sorted(set(before) | set(after), key=lambda k: (after.get(k) or before[k])["code"]):
        a, b = before.get(pk), after.get(pk)
        old_total = sum(a["budget"].values()) if a else 0
        new_total = sum(b["budget"].values()) if b else 0
        if a is None:
            change = "added"
        elif b is None:
            change = "removed"
        elif a["budget"] != b["budget"] or a["title"] != b["title"]:
            change = "changed"
        else:
            change = "same"
        sources = {}
        for source in Source.values:
            x = a["budget"].get(source, 0) if a else 0
            y = b["budget"].get(source, 0) if b else 0
            sources[source] = {"old": x, "new": y, "change": y - x}
        either = b if b is not None else before[pk]
        rows.append(
            {
                "id": pk,
                "code": either["code"],
                "title": either["title"],
                "change": change,
                "old_total": old_total,
                "new_total": new_total,
                "difference": new_total - old_total,
                "sources": sources,
            }
        )
    totals = {
        source: {
            "old": sum(item["budget"].get(source, 0) for item in old.content),
            "new": sum(item["budget"].get(source, 0) for item in new.content),
        }
        for source in Source.values
    }
    for value in totals.values():
        value["change"] = value["new"] - value["old"]
    return {
        "old": old,
        "new": new,
        "rows": rows,
        "totals": totals,
        "old_total": old.total,
        "new_total": new.total,
        "difference": new.total - old.total,
    }


# --- projects -----------------------------------------------------------------------------


def _next_code(plan: AnnualPlan) -> str:
    prefix = f"{plan.province_id}-{plan.year}-{'QG' if plan.funding_level == 'national' else 'DP'}-"
    existing = Project.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(code[len(prefix) :]) for code in existing if code[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def _validate_amount(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProgrammeError(_("Enter a whole number of đồng."), field=field)
    if value < 0 or value > MAX_AMOUNT:
        raise ProgrammeError(
            _("Enter an amount between 0 and %(max)s.") % {"max": format_vnd(MAX_AMOUNT)},
            field=field,
        )
    return value


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
        amount = _validate_amount(line.get("amount"), "budget_lines")
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
    ProjectBeneficiary.objects.bulk_create(
        ProjectBeneficiary(project=project, establishment_id=pk) for pk in sorted(wanted - present)
    )


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
    project._history_user = actor  # type: ignore[attr-defined]
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
    current._history_user = actor  # type: ignore[attr-defined]
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
    current._history_user = actor  # type: ignore[attr-defined]
    current.delete()


# --- disbursements ------------------------------------------------------------------------


@transaction.atomic
def record_disbursement(
    *,
    actor: Any,
    project: Project,
    source: str,
    amount: Any,
    date: datetime.date,
    kind: str = Disbursement.Kind.PAYMENT,
    reference: str = "",
    note: str = "",
) -> Disbursement:
    """Record money paid to a project. Refused outside approved → accepted, beyond the
    budget line of the source, and for an advance beyond the category's advance share
    (DOMAIN.md "Advances") or after acceptance."""
    from django.db.models import Sum

    try:
        current = lock_current(projects_for(actor, write=True), project.pk, None)
    except Project.DoesNotExist as exc:
        raise Http404 from exc
    if not access.may_record_disbursements(actor):
        raise WorkflowError(_("Your role may not record disbursements."))
    if current.status not in PAYABLE_STATES:
        raise WorkflowError(
            _(
                "Money is paid only to an approved, running or accepted project; this one is “%(status)s”."
            )
            % {"status": current.get_status_display()}
        )
    if source not in Source.values:
        raise ProgrammeError(_("Choose a funding source."), field="source")
    if kind not in Disbursement.Kind.values:
        raise ProgrammeError(_("Choose an advance or a payment."), field="kind")
    amount = _validate_amount(amount, "amount")
    if amount == 0:
        raise ProgrammeError(_("Enter an amount above zero."), field="amount")
    if not isinstance(date, datetime.date):
        raise ProgrammeError(_("Enter a valid date."), field="date")
    if date > timezone.localdate():
        raise ProgrammeError(_("The date cannot be in the future."), field="date")
    if current.approved_on and date < current.approved_on:
        raise ProgrammeError(
            _("The date is before the project's approval (%(date)s).")
            % {"date": current.approved_on.strftime("%d/%m/%Y")},
            field="date",
        )
    line = current.budget_lines.filter(source=source).first()
    budget = line.amount if line else 0
    paid = current.disbursements.filter(source=source).aggregate(t=Sum("amount"))["t"] or 0
    if paid + amount > budget:
        raise ProgrammeError(
            _(
                "%(source)s: %(paid)s is already disbursed of a budget of %(budget)s; "
                "at most %(left)s more can be paid."
            )
            % {
                "source": Source(source).label,
                "paid": format_vnd(paid),
                "budget": format_vnd(budget),
                "left": format_vnd(max(budget - paid, 0)),
            },
            field="amount",
        )
    if kind == Disbursement.Kind.ADVANCE:
        if current.status == S.ACCEPTED:
            raise ProgrammeError(
                _("After acceptance the rest is paid as a payment, not an advance."), field="kind"
            )
        share = current.category.advance_percent
        if share is not None and source == current.state_source:
            advanced = (
                current.disbursements.filter(
                    source=source, kind=Disbursement.Kind.ADVANCE
                ).aggregate(t=Sum("amount"))["t"]
                or 0
            )
            limit = budget * share // 100
            if advanced + amount > limit:
                raise ProgrammeError(
                    _(
                        "Advances for %(category)s are limited to %(share)s%% of the state "
                        "funds (%(limit)s); %(advanced)s is already advanced."
                    )
                    % {
                        "category": current.category.display_name,
                        "share": share,
                        "limit": format_vnd(limit),
                        "advanced": format_vnd(advanced),
                    },
                    field="amount",
                )
    return Disbursement.objects.create(
        project=current,
        province_id=current.province_id,
        kind=kind,
        source=source,
        amount=amount,
        date=date,
        reference=(reference or "").strip()[:100],
        note=(note or "").strip()[:300],
        created_by=actor,
    )


# --- documents ----------------------------------------------------------------------------


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
