"""The project lifecycle and the annual plan's, declared on the workflow kernel
(core.workflow).

draft → submitted → appraised → approved → in progress → accepted → settled, with the side
exits returned (back to the drafter), adjusted (a new budget/output revision, the status
stays), suspended (and resumed) and cancelled. ``STEPS`` says, for each action, the states
it starts from, where it leads, which roles may take it and the data it takes;
``WORKFLOW.transition`` moves a project, and every move is a ``ProjectTransition`` row.

An annual plan is being prepared → registered → approved → adjusted (again and again):
``PLAN_STEPS``, taken by a provincial manager; each step freezes the plan's projects as a
``PlanVersion`` and is a ``PlanTransition`` row.

A follow-up inspection is to inspect → inspected, or → follow-up pending → inspected when
its finding calls for a follow-up action: ``INSPECTION_STEPS``, each an
``InspectionTransition`` row.

This module imports the services' helpers, never the other way round.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import Max, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.history import set_history_actor
from khuyencong.core.roles import Role
from khuyencong.core.workflow import Move, Step, Workflow, WorkflowError, steps_of
from khuyencong.programmes import caps
from khuyencong.programmes.access import (
    inspections_for,
    may_manage_plans,
    plans_for,
    projects_for,
)
from khuyencong.programmes.errors import ProgrammeError, RulesRefused
from khuyencong.programmes.inspections import schedule_inspections
from khuyencong.programmes.lines import write_budget, write_outputs
from khuyencong.programmes.models import (
    AnnualPlan,
    Indicator,
    Inspection,
    InspectionTransition,
    PlanTransition,
    PlanVersion,
    Project,
    ProjectRevision,
    ProjectTransition,
    SettlementLine,
    Source,
)
from khuyencong.registry.models import YearlyFigure
from khuyencong.registry.services import record_yearly_figure

__all__ = [
    "ACTIONS",
    "INSPECTION_STEPS",
    "INSPECTION_WORKFLOW",
    "PLAN_STEPS",
    "PLAN_WORKFLOW",
    "STEPS",
    "WORKFLOW",
    "allowed_steps",
    "plan_content",
    "projects_for",
    "transition_project",
]

S = Project.Status
OFFICERS = frozenset({Role.PROVINCIAL_OFFICER, Role.PROVINCIAL_MANAGER})
MANAGERS = frozenset({Role.PROVINCIAL_MANAGER})
# Every state from which a project can still be stopped.
OPEN_STATES = frozenset(
    {S.DRAFT, S.SUBMITTED, S.APPRAISED, S.APPROVED, S.IN_PROGRESS, S.RETURNED, S.SUSPENDED}
)
DECISION = frozenset({"decision_number", "decision_date", "override_reason"})

STEPS = steps_of(
    Step(
        "submit",
        gettext_lazy("Submit"),
        frozenset({S.DRAFT, S.RETURNED}),
        S.SUBMITTED,
        OFFICERS,
        help=gettext_lazy("The project file goes to the department for appraisal."),
    ),
    Step(
        "appraise",
        gettext_lazy("Appraise"),
        frozenset({S.SUBMITTED}),
        S.APPRAISED,
        MANAGERS,
        help=gettext_lazy("The department has appraised the project file."),
    ),
    Step(
        "approve",
        gettext_lazy("Approve"),
        frozenset({S.APPRAISED}),
        S.APPROVED,
        MANAGERS,
        params=DECISION,
        help=gettext_lazy(
            "The support caps and the beneficiaries' eligibility in force on the approval "
            "date are checked; the budget and outputs become revision 1."
        ),
    ),
    Step(
        "start",
        gettext_lazy("Start"),
        frozenset({S.APPROVED}),
        S.IN_PROGRESS,
        OFFICERS,
        help=gettext_lazy("The contract is signed and the work begins."),
    ),
    Step(
        "accept",
        gettext_lazy("Accept"),
        frozenset({S.IN_PROGRESS}),
        S.ACCEPTED,
        MANAGERS,
        params=frozenset({"accepted_on", "minutes", "actual_outputs"}),
        help=gettext_lazy(
            "Record the acceptance: its date, the minutes and the actual outputs. "
            "Follow-up inspections of the beneficiaries are scheduled."
        ),
    ),
    Step(
        "settle",
        gettext_lazy("Settle"),
        frozenset({S.ACCEPTED}),
        S.SETTLED,
        MANAGERS,
        params=frozenset({"settled_on", "spending"}),
        help=gettext_lazy("Record what was actually spent, by source."),
    ),
    Step(
        "return",
        gettext_lazy("Return for revision"),
        frozenset({S.SUBMITTED, S.APPRAISED}),
        S.RETURNED,
        MANAGERS,
        note_required=True,
        help=gettext_lazy("The drafter revises the project and submits it again."),
    ),
    Step(
        "adjust",
        gettext_lazy("Adjust"),
        frozenset({S.APPROVED, S.IN_PROGRESS}),
        None,  # the status stays
        MANAGERS,
        note_required=True,
        params=DECISION | {"budget", "outputs", "end_date"},
        primary=False,
        help=gettext_lazy(
            "A decision changes the budget, the outputs or the end date: a new revision "
            "is recorded with its reason; earlier revisions are kept."
        ),
    ),
    Step(
        "suspend",
        gettext_lazy("Suspend"),
        frozenset({S.APPROVED, S.IN_PROGRESS}),
        S.SUSPENDED,
        MANAGERS,
        note_required=True,
        help=gettext_lazy("Work stops until the project is resumed."),
    ),
    Step(
        "resume",
        gettext_lazy("Resume"),
        frozenset({S.SUSPENDED}),
        None,  # back to the state it was suspended in
        MANAGERS,
        primary=False,
        help=gettext_lazy("The project goes back to the state it was suspended in."),
    ),
    Step(
        "cancel",
        gettext_lazy("Cancel"),
        OPEN_STATES,
        S.CANCELLED,
        MANAGERS,
        note_required=True,
        help=gettext_lazy("The project is stopped for good; it stays on record."),
    ),
)
ACTIONS = tuple(STEPS)


class ProjectWorkflow(Workflow[Project]):
    model = Project
    transition_model = ProjectTransition
    subject = "project"
    steps = STEPS
    input_error = ProgrammeError

    def writable(self, actor: Any) -> QuerySet[Project]:
        return projects_for(actor, write=True)

    def unknown_action(self, action: str) -> str:
        return _("“%(action)s” is not a project action.") % {"action": action}

    def wrong_state(self, obj: Project, step: Step) -> str:
        return _("A project that is “%(status)s” cannot be %(action)s.") % {
            "status": obj.get_status_display(),
            "action": str(step.label).lower(),
        }

    def apply(self, move: Move[Project], data: dict[str, Any]) -> str | None:
        handler = _HANDLERS.get(move.step.action)
        if handler is not None:
            handler(move, **data)
        if move.step.action == "resume":
            last = move.obj.transitions.filter(action="suspend").order_by("-at", "-id").first()
            return last.from_status if last is not None else S.APPROVED
        return move.step.target

    def after(self, move: Move[Project]) -> None:
        if move.step.action == "accept":
            schedule_inspections(move.obj)


WORKFLOW = ProjectWorkflow()
allowed_steps = WORKFLOW.allowed_steps


def transition_project(
    *,
    actor: Any,
    project: Project,
    action: str,
    note: str = "",
    expected_version: int | None = None,
    **params: Any,
) -> Project:
    """Take ``action`` on the project, or refuse with ``WorkflowError`` (wrong state or
    role, 409), ``RulesRefused`` (a cap or eligibility rule; a manager may override with a
    reason) or ``ProgrammeError`` (bad input for the step, naming the field)."""
    return WORKFLOW.transition(
        project, action, actor, note=note, expected_version=expected_version, **params
    )


def _today() -> datetime.date:
    return timezone.localdate()


def _parse_date(value: Any, field: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ProgrammeError(_("Enter a valid date."), field=field) from exc


def _amounts(value: Any, field: str, *, allowed: set[str]) -> dict[str, int]:
    """A mapping of codes to non-negative whole numbers, or a clear error on ``field``."""
    if not isinstance(value, dict):
        raise ProgrammeError(_("Give an amount for each item."), field=field)
    result = {}
    for key, amount in value.items():
        if key not in allowed:
            raise ProgrammeError(_("“%(key)s” is not a valid choice.") % {"key": key}, field=field)
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ProgrammeError(_("%(key)s: enter a whole number.") % {"key": key}, field=field)
        if amount < 0 or amount > 10**15:
            raise ProgrammeError(
                _("%(key)s: enter a number between 0 and 10^15.") % {"key": key}, field=field
            )
        result[key] = amount
    return result


def _check_rules(
    project: Project,
    *,
    on: datetime.date,
    budget: dict[str, int] | None,
    record: dict[str, Any],
    override_reason: str,
) -> None:
    result = caps.check_project(project, on=on, budget=budget)
    if not result.refusals:
        return
    override_reason = (override_reason or "").strip()
    if not override_reason:
        raise RulesRefused(
            _("The project breaks %(n)s rule(s): %(list)s A manager may override with a reason.")
            % {"n": len(result.refusals), "list": " ".join(result.refusals)},
            result.refusals,
            field="override_reason",
        )
    record["override_reason"] = override_reason
    record["overridden"] = result.refusals


def _current_budget(project: Project) -> dict[str, int]:
    return {line.source: line.amount for line in project.budget_lines.all()}


def _current_outputs(project: Project) -> dict[str, int]:
    return {o.indicator_id: o.planned for o in project.outputs.all()}


def _approve(
    move: Move[Project],
    *,
    override_reason: str = "",
    decision_number: str = "",
    decision_date: Any = None,
) -> None:
    project, actor, record = move.obj, move.actor, move.record
    on = _parse_date(decision_date, "decision_date") or _today()
    if on > _today():
        raise ProgrammeError(_("The approval date cannot be in the future."), field="decision_date")
    budget = _current_budget(project)
    if not sum(budget.values()):
        raise ProgrammeError(_("A project needs a budget before it is approved."), field="budget")
    _check_rules(project, on=on, budget=budget, record=record, override_reason=override_reason)
    project.approved_on = on
    project.approval_decision = (decision_number or "").strip()[:60]
    ProjectRevision.objects.create(
        project=project,
        number=1,
        reason=_("Approved"),
        decision_number=project.approval_decision,
        decision_date=on,
        budget=budget,
        outputs=_current_outputs(project),
        created_by=actor,
    )


def _adjust(
    move: Move[Project],
    *,
    override_reason: str = "",
    budget: Any = None,
    outputs: Any = None,
    end_date: Any = None,
    decision_number: str = "",
    decision_date: Any = None,
) -> None:
    project, actor, record = move.obj, move.actor, move.record
    old_budget = _current_budget(project)
    old_outputs = _current_outputs(project)
    new_budget = (
        old_budget if budget is None else _amounts(budget, "budget", allowed=set(Source.values))
    )
    indicators = set(Indicator.objects.values_list("code", flat=True))
    new_outputs = (
        old_outputs if outputs is None else _amounts(outputs, "outputs", allowed=indicators)
    )
    new_end = _parse_date(end_date, "end_date")
    details = {}
    if new_end is not None and new_end != project.end_date:
        if project.start_date and new_end < project.start_date:
            raise ProgrammeError(_("The end date is before the start date."), field="end_date")
        details["end_date"] = [
            project.end_date.isoformat() if project.end_date else None,
            new_end.isoformat(),
        ]
    if new_budget == old_budget and new_outputs == old_outputs and not details:
        raise ProgrammeError(
            _("The adjustment changes nothing: give a new budget, outputs or end date."),
            field="budget",
        )
    paid = dict(
        project.disbursements.values_list("source").annotate(total=Sum("amount")).order_by()
    )
    for source, total in paid.items():
        if new_budget.get(source, 0) < total:
            raise ProgrammeError(
                _("%(source)s cannot go below the %(paid)s already disbursed.")
                % {"source": Source(source).label, "paid": caps.format_vnd(total)},
                field="budget",
            )
    if not sum(new_budget.values()):
        raise ProgrammeError(_("A project needs a budget."), field="budget")
    _check_rules(
        project,
        on=project.approved_on or _today(),
        budget=new_budget,
        record=record,
        override_reason=override_reason,
    )
    write_budget(project, {s: (a, None) for s, a in new_budget.items()})
    write_outputs(project, new_outputs)
    if new_end is not None:
        project.end_date = new_end
    number = (
        project.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    ProjectRevision.objects.create(
        project=project,
        number=number,
        reason=move.note,
        decision_number=(decision_number or "").strip()[:60],
        decision_date=_parse_date(decision_date, "decision_date"),
        budget=new_budget,
        outputs=new_outputs,
        details=details,
        created_by=actor,
    )


def _accept(
    move: Move[Project],
    *,
    accepted_on: Any = None,
    minutes: str = "",
    actual_outputs: Any = None,
) -> None:
    project = move.obj
    on = _parse_date(accepted_on, "accepted_on")
    if on is None:
        raise ProgrammeError(_("Give the date of the acceptance."), field="accepted_on")
    if on > _today():
        raise ProgrammeError(_("The acceptance date cannot be in the future."), field="accepted_on")
    if project.approved_on and on < project.approved_on:
        raise ProgrammeError(
            _("The acceptance date is before the approval (%(date)s).")
            % {"date": project.approved_on.strftime("%d/%m/%Y")},
            field="accepted_on",
        )
    minutes = (minutes or "").strip()
    if not minutes:
        raise ProgrammeError(_("Summarise the acceptance minutes."), field="minutes")
    outputs = {o.indicator_id: o for o in project.outputs.all()}
    actual = _amounts(actual_outputs or {}, "actual_outputs", allowed=set(outputs))
    missing = [code for code in outputs if code not in actual]
    if missing:
        names = ", ".join(str(outputs[code].indicator) for code in missing)
        raise ProgrammeError(
            _("Give the actual value of every expected output: %(names)s.") % {"names": names},
            field="actual_outputs",
        )
    for code, value in actual.items():
        output = outputs[code]
        output.actual = value
        output.save(update_fields=["actual"])
    project.accepted_on = on
    project.acceptance_minutes = minutes


def _settle(
    move: Move[Project],
    *,
    settled_on: Any = None,
    spending: Any = None,
) -> None:
    project = move.obj
    on = _parse_date(settled_on, "settled_on") or _today()
    if on > _today():
        raise ProgrammeError(_("The settlement date cannot be in the future."), field="settled_on")
    if project.accepted_on and on < project.accepted_on:
        raise ProgrammeError(_("The settlement date is before the acceptance."), field="settled_on")
    budget = _current_budget(project)
    spent = _amounts(spending or {}, "spending", allowed=set(Source.values))
    missing = [source for source, amount in budget.items() if amount and source not in spent]
    if missing:
        raise ProgrammeError(
            _("Give the amount actually spent from every source of the budget: %(list)s.")
            % {"list": ", ".join(str(Source(s).label) for s in missing)},
            field="spending",
        )
    state = project.state_source
    if spent.get(state, 0) > budget.get(state, 0):
        raise ProgrammeError(
            _("%(source)s spent (%(spent)s) is more than its budget (%(budget)s).")
            % {
                "source": Source(state).label,
                "spent": caps.format_vnd(spent[state]),
                "budget": caps.format_vnd(budget.get(state, 0)),
            },
            field="spending",
        )
    SettlementLine.objects.filter(project=project).delete()
    SettlementLine.objects.bulk_create(
        SettlementLine(project=project, source=source, amount=amount)
        for source, amount in spent.items()
    )
    project.settled_on = on


_HANDLERS: dict[str, Callable[..., None]] = {
    "approve": _approve,
    "adjust": _adjust,
    "accept": _accept,
    "settle": _settle,
}


# --- annual plans ---------------------------------------------------------------------------

P = AnnualPlan.Status
PLAN_STEPS = steps_of(
    Step(
        "register",
        gettext_lazy("Register the plan"),
        frozenset({P.DRAFT}),
        P.REGISTERED,
        MANAGERS,
        help=gettext_lazy(
            "The projects filed so far are frozen as version 1 and the plan is registered with the level above."
        ),
    ),
    Step(
        "approve",
        gettext_lazy("Record the plan's approval"),
        frozenset({P.DRAFT, P.REGISTERED}),
        P.APPROVED,
        MANAGERS,
        params=DECISION,
        help=gettext_lazy(
            "Every appraised project of the plan is approved with this decision (support caps and eligibility checked), and the approved plan is frozen as a new version."
        ),
    ),
    Step(
        "adjust",
        gettext_lazy("Record an adjustment of the plan"),
        frozenset({P.APPROVED, P.ADJUSTED}),
        P.ADJUSTED,
        MANAGERS,
        note_required=True,
        params=frozenset({"decision_number", "decision_date"}),
        help=gettext_lazy(
            "The projects as they now stand (adjusted, added, cancelled) are frozen as a new version; earlier versions are kept and can be compared."
        ),
    ),
)


def plan_content(plan: AnnualPlan) -> list[dict[str, Any]]:
    """The projects that make up the plan now (not drafts, returned or cancelled ones), each
    with its budget by source: what a version freezes."""
    projects = (
        plan.projects.exclude(status__in=[S.DRAFT, S.RETURNED, S.CANCELLED])
        .select_related("category")
        .prefetch_related("budget_lines")
        .order_by("code")
    )
    return [
        {
            "id": project.pk,
            "code": project.code,
            "title": project.title,
            "status": project.status,
            "category": project.category_id,
            "budget": {line.source: line.amount for line in project.budget_lines.all()},
        }
        for project in projects
    ]


def _new_version(plan: AnnualPlan, kind: str, actor: Any, **fields: Any) -> PlanVersion:
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return PlanVersion.objects.create(
        plan=plan, number=number, kind=kind, content=plan_content(plan), created_by=actor, **fields
    )


class PlanWorkflow(Workflow[AnnualPlan]):
    """Register, approve and adjust a plan; each step freezes a new ``PlanVersion``."""

    model = AnnualPlan
    transition_model = PlanTransition
    subject = "plan"
    steps = PLAN_STEPS
    input_error = ProgrammeError
    # The API and the page call the adjustment's note its reason.
    note_field = "reason"

    def writable(self, actor: Any) -> QuerySet[AnnualPlan]:
        return plans_for(actor, write=True)

    def gate(self, actor: Any) -> None:
        if not may_manage_plans(actor):
            raise WorkflowError(
                _("Only a provincial manager may register, approve or adjust a plan.")
            )

    def wrong_state(self, obj: AnnualPlan, step: Step) -> str:
        if step.action == "register":
            return _("This plan is already registered.")
        if step.action == "approve":
            return _("This plan is already approved; record an adjustment instead.")
        return _("Only an approved plan can be adjusted.")

    def note_missing(self, step: Step) -> str:
        return _("Give the reason for the adjustment.")

    def check(self, move: Move[AnnualPlan], data: dict[str, Any]) -> None:
        action = move.step.action
        decision_date = data.get("decision_date")
        if action == "approve":
            if not str(data.get("decision_number") or "").strip():
                raise ProgrammeError(
                    _("Give the number of the approving decision."), field="decision_number"
                )
            if decision_date is None:
                raise ProgrammeError(
                    _("Give the date of the approving decision."), field="decision_date"
                )
        if decision_date is not None and decision_date > _today():
            raise ProgrammeError(
                _("The decision date cannot be in the future."), field="decision_date"
            )
        if action == "register" and not plan_content(move.obj):
            raise WorkflowError(
                _("The plan has no submitted project yet: submit projects before registering it.")
            )
        if action == "adjust":
            last = move.obj.versions.order_by("-number").first()
            if last is not None and last.content == plan_content(move.obj):
                raise WorkflowError(
                    _("Nothing changed since version %(n)s: adjust, add or cancel projects first.")
                    % {"n": last.number}
                )

    def apply(self, move: Move[AnnualPlan], data: dict[str, Any]) -> str | None:
        plan, actor, action = move.obj, move.actor, move.step.action
        if action == "register":
            _new_version(plan, PlanVersion.Kind.REGISTERED, actor, reason=move.note)
        elif action == "approve":
            _approve_plan(move, **data)
        else:
            _new_version(
                plan,
                PlanVersion.Kind.ADJUSTED,
                actor,
                reason=move.note,
                decision_number=str(data.get("decision_number") or "").strip(),
                decision_date=data.get("decision_date"),
            )
        return move.step.target

    def save(self, move: Move[AnnualPlan]) -> None:
        # A plan has no version column and no history of its own: its versions are its history.
        move.obj.save(update_fields=["status"])


def _approve_plan(
    move: Move[AnnualPlan],
    *,
    decision_number: str,
    decision_date: datetime.date,
    override_reason: str = "",
) -> None:
    """Every appraised project of the plan is approved with the decision (caps and
    eligibility checked for each; one refusal stops them all, naming the project), then the
    approved content is frozen."""
    plan, actor = move.obj, move.actor
    decision_number = decision_number.strip()
    for project in plan.projects.filter(status=S.APPRAISED).order_by("code"):
        try:
            transition_project(
                actor=actor,
                project=project,
                action="approve",
                note=_("Approved with the plan (%(number)s).") % {"number": decision_number},
                decision_number=decision_number,
                decision_date=decision_date,
                override_reason=override_reason,
            )
        except (WorkflowError, ProgrammeError) as error:
            error.message = f"{project.code}: {error.message}"
            error.args = (error.message,)
            raise
    if not plan_content(plan):
        raise WorkflowError(_("The plan has no appraised or approved project to approve."))
    _new_version(
        plan,
        PlanVersion.Kind.APPROVED,
        actor,
        decision_number=decision_number,
        decision_date=decision_date,
    )


PLAN_WORKFLOW = PlanWorkflow()


# --- follow-up inspections ----------------------------------------------------------------

STAGE = Inspection.Stage
INSPECTION_FIELDS = frozenset(
    {
        "done_on",
        "finding",
        "inspector",
        "notes",
        "follow_up",
        "follow_up_due",
        "workers",
        "revenue",
    }
)
INSPECTION_STEPS = steps_of(
    Step(
        "record",
        gettext_lazy("Record the inspection"),
        # A recorded inspection may be corrected.
        frozenset({STAGE.DUE, STAGE.FOLLOW_UP, STAGE.DONE}),
        None,  # its stage follows from what was found
        OFFICERS,
        params=INSPECTION_FIELDS,
    ),
    Step(
        "follow_up_done",
        gettext_lazy("Follow-up done"),
        frozenset({STAGE.FOLLOW_UP}),
        STAGE.DONE,
        None,  # whoever may change the inspection
        params=frozenset({"done_on"}),
    ),
)


class InspectionWorkflow(Workflow[Inspection]):
    """Record what an inspection found (again, to correct it) and close its follow-up."""

    model = Inspection
    transition_model = InspectionTransition
    subject = "inspection"
    steps = INSPECTION_STEPS
    input_error = ProgrammeError
    status_field = "stage"
    says_why_not_open = True

    def writable(self, actor: Any) -> QuerySet[Inspection]:
        return inspections_for(actor, write=True)

    def role_refusal(self, actor: Any, step: Step, obj: Inspection) -> str:
        return _("Your role may not record inspections.")

    def wrong_state(self, obj: Inspection, step: Step) -> str:
        if not obj.follow_up:
            return _("This inspection has no follow-up action.")
        return _("The follow-up is already recorded as done.")

    def check(self, move: Move[Inspection], data: dict[str, Any]) -> None:
        done_on = data.get("done_on")
        if move.step.action == "follow_up_done":
            if done_on is None or done_on > _today():
                raise ProgrammeError(_("Enter a date that is not in the future."), field="done_on")
            if move.obj.done_on and done_on < move.obj.done_on:
                raise ProgrammeError(
                    _("The follow-up is dated before the inspection."), field="done_on"
                )
            return
        if done_on is None:
            raise ProgrammeError(_("Give the date of the inspection."), field="done_on")
        if done_on > _today():
            raise ProgrammeError(_("The inspection date cannot be in the future."), field="done_on")
        accepted_on = move.obj.project.accepted_on
        if accepted_on and done_on < accepted_on:
            raise ProgrammeError(
                _("The inspection date is before the acceptance."), field="done_on"
            )
        finding = data.get("finding")
        if finding not in Inspection.Finding.values:
            raise ProgrammeError(_("Choose what the inspection found."), field="finding")
        follow_up = str(data.get("follow_up") or "").strip()
        follow_up_due = data.get("follow_up_due")
        if finding in Inspection.NEEDS_FOLLOW_UP:
            if not follow_up:
                raise ProgrammeError(
                    _("The support is not being used as agreed: describe the follow-up action."),
                    field="follow_up",
                )
            if follow_up_due is None:
                raise ProgrammeError(
                    _("Give the date the follow-up is due."), field="follow_up_due"
                )
        if follow_up_due is not None and follow_up_due < done_on:
            raise ProgrammeError(
                _("The follow-up is due before the inspection."), field="follow_up_due"
            )

    def apply(self, move: Move[Inspection], data: dict[str, Any]) -> str | None:
        inspection = move.obj
        if move.step.action == "follow_up_done":
            inspection.follow_up_done_on = data["done_on"]
            return None
        follow_up = str(data.get("follow_up") or "").strip()
        inspection.done_on = data["done_on"]
        inspection.finding = data["finding"]
        inspection.inspector = str(data.get("inspector") or "").strip()[:200]
        inspection.notes = str(data.get("notes") or "").strip()
        inspection.follow_up = follow_up
        inspection.follow_up_due = data.get("follow_up_due") if follow_up else None
        inspection.workers = data.get("workers")
        inspection.revenue = data.get("revenue")
        inspection.recorded_by = move.actor
        return None  # the stage follows from the dates

    def save(self, move: Move[Inspection]) -> None:
        # No version column: the history row names the actor.
        set_history_actor(move.obj, move.actor)
        move.obj.save()

    def after(self, move: Move[Inspection]) -> None:
        inspection = move.obj
        if move.step.action != "record":
            return
        if inspection.workers is not None or inspection.revenue is not None:
            assert inspection.done_on is not None  # set by the step
            record_yearly_figure(
                actor=move.actor,
                establishment=inspection.establishment,
                data={
                    "year": inspection.done_on.year,
                    "workers": inspection.workers,
                    "revenue": inspection.revenue,
                },
                source=YearlyFigure.Source.INSPECTION,
                replace=False,
            )


INSPECTION_WORKFLOW = InspectionWorkflow()
