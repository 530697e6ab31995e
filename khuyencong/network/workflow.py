"""The network's two state machines, declared on the workflow kernel (core.workflow).

The quarterly report: draft → submitted → accepted, or submitted → returned (with a
reason) → submitted again. ``STEPS`` says, for each action, the states it starts from,
where it leads and which roles may take it; ``WORKFLOW.transition`` moves a report, and
every move is a ``ReportTransition`` row. The collaborator files; the province reviews —
never the collaborator their own report.

A difficulty: open → forwarded (naming the body it went to) → resolved (saying how), or
open → resolved directly; an open or forwarded one may also stay as it is while its handler
or the body changes. ``DIFFICULTY_STEPS`` declares them, ``DIFFICULTY_WORKFLOW`` moves a
difficulty (the province's officers and managers), every move a ``DifficultyTransition``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.errors import StaleEditError, WorkflowError
from khuyencong.core.history import set_history_actor
from khuyencong.core.roles import PROVINCIAL_ROLES, Role
from khuyencong.core.scoping import is_admin
from khuyencong.core.workflow import Move, Step, Workflow, steps_of
from khuyencong.network.access import difficulties_for, is_province_staff, reports_for
from khuyencong.network.errors import NetworkError
from khuyencong.network.models import (
    Difficulty,
    DifficultyTransition,
    QuarterlyReport,
    ReportTransition,
)
from khuyencong.network.services import MAX_TEXT, clean_text

S = QuarterlyReport.Status
FILERS = frozenset({Role.COLLABORATOR, Role.PROVINCIAL_OFFICER, Role.PROVINCIAL_MANAGER})
REVIEWERS = frozenset({Role.PROVINCIAL_OFFICER, Role.PROVINCIAL_MANAGER})


STEPS = steps_of(
    Step(
        "submit",
        gettext_lazy("Submit"),
        frozenset({S.DRAFT, S.RETURNED}),
        S.SUBMITTED,
        FILERS,
        help=gettext_lazy("The report goes to the provincial centre for review."),
    ),
    Step(
        "accept",
        gettext_lazy("Accept"),
        frozenset({S.SUBMITTED}),
        S.ACCEPTED,
        REVIEWERS,
        review=True,
        help=gettext_lazy("The centre has checked the report; its figures count."),
    ),
    Step(
        "return",
        gettext_lazy("Return for correction"),
        frozenset({S.SUBMITTED}),
        S.RETURNED,
        REVIEWERS,
        note_required=True,
        review=True,
        primary=False,
        help=gettext_lazy("The collaborator corrects the report and submits it again."),
    ),
)
ACTIONS = tuple(STEPS)


class ReportWorkflow(Workflow[QuarterlyReport]):
    model = QuarterlyReport
    transition_model = ReportTransition
    subject = "report"
    steps = STEPS
    input_error = NetworkError
    # A return's note is its reason, the name the API and the form give it.
    note_field = "reason"
    note_max_length = MAX_TEXT

    def writable(self, actor: Any) -> QuerySet[QuarterlyReport]:
        return reports_for(actor, write=True).select_related("collaborator")

    def owner_id(self, obj: QuarterlyReport) -> Any:
        return obj.collaborator.user_id

    def role_refusal(self, actor: Any, step: Step, obj: QuarterlyReport) -> str:
        if step.review and self.owner_id(obj) == actor.pk:
            return _("A collaborator may not review their own report.")
        return super().role_refusal(actor, step, obj)

    def unknown_action(self, action: str) -> str:
        return _("“%(action)s” is not a report action.") % {"action": action}

    def wrong_state(self, obj: QuarterlyReport, step: Step) -> str:
        return _("A report that is “%(status)s” cannot be %(action)s now.") % {
            "status": obj.get_status_display(),
            "action": str(step.label).lower(),
        }

    def note_missing(self, step: Step) -> str:
        return _("Give the reason for returning the report.")

    def apply(self, move: Move[QuarterlyReport], data: dict[str, Any]) -> str | None:
        report, now = move.obj, timezone.now()
        if move.step.action == "submit":
            if report.submitted_at is None:
                report.submitted_at = now
                # The report's difficulties now reach the province's list.
                report.difficulties.filter(shared=False).update(shared=True)
            report.return_reason = ""
        else:
            report.reviewed_by = move.actor
            report.reviewed_at = now
            if move.step.action == "return":
                report.return_reason = move.note
        return move.step.target


WORKFLOW = ReportWorkflow()
allowed_steps = WORKFLOW.allowed_steps


def transition_report(
    *,
    actor: Any,
    report: QuarterlyReport,
    action: str,
    note: str = "",
    expected_version: int | None = None,
) -> QuarterlyReport:
    """Take ``action`` on the report, or refuse: ``WorkflowError`` (409) for a step not
    allowed from its state or for the actor's role, ``NetworkError`` on ``reason`` (400)
    for a return without one, ``StaleEditError`` (409) when ``expected_version`` is old,
    ``Http404`` when the report is outside what the actor may change."""
    return WORKFLOW.transition(report, action, actor, note=note, expected_version=expected_version)


def submit_report(
    *, actor: Any, report: QuarterlyReport, note: str = "", expected_version: int | None = None
) -> QuarterlyReport:
    return transition_report(
        actor=actor, report=report, action="submit", note=note, expected_version=expected_version
    )


def accept_report(
    *, actor: Any, report: QuarterlyReport, note: str = "", expected_version: int | None = None
) -> QuarterlyReport:
    return transition_report(
        actor=actor, report=report, action="accept", note=note, expected_version=expected_version
    )


def return_report(
    *, actor: Any, report: QuarterlyReport, reason: str, expected_version: int | None = None
) -> QuarterlyReport:
    return transition_report(
        actor=actor, report=report, action="return", note=reason, expected_version=expected_version
    )


# --- difficulties -------------------------------------------------------------------------

D = Difficulty.Status
HANDLERS = frozenset(PROVINCIAL_ROLES)
# What the handling form sets besides the status.
HANDLING = frozenset({"forwarded_to", "resolution", "handler"})

DIFFICULTY_STEPS = steps_of(
    Step(
        "keep_open",
        gettext_lazy("Keep open"),
        frozenset({D.OPEN}),
        D.OPEN,
        HANDLERS,
        params=HANDLING,
        primary=False,
        help=gettext_lazy("The difficulty stays open; its handler may change."),
    ),
    Step(
        "forward",
        gettext_lazy("Forward"),
        frozenset({D.OPEN, D.FORWARDED}),
        D.FORWARDED,
        HANDLERS,
        params=HANDLING,
        help=gettext_lazy("Name the body the difficulty is passed to."),
    ),
    Step(
        "resolve",
        gettext_lazy("Resolve"),
        frozenset({D.OPEN, D.FORWARDED}),
        D.RESOLVED,
        HANDLERS,
        params=HANDLING,
        help=gettext_lazy("Say how the difficulty was resolved; it then stays resolved."),
    ),
)
# The handling form and ``change_difficulty`` name the status a step leads to.
DIFFICULTY_ACTION = {step.target: step.action for step in DIFFICULTY_STEPS.values()}


class DifficultyWorkflow(Workflow[Difficulty]):
    model = Difficulty
    transition_model = DifficultyTransition
    subject = "difficulty"
    steps = DIFFICULTY_STEPS
    input_error = NetworkError

    def writable(self, actor: Any) -> QuerySet[Difficulty]:
        return difficulties_for(actor, write=True)

    def gate(self, actor: Any) -> None:
        if not is_province_staff(actor):
            raise WorkflowError(_("Your role may not handle difficulties."))

    def step(self, action: str) -> Step:
        step = self.steps.get(action)
        if step is None:
            raise NetworkError(_("Choose a status."), field="status")
        return step

    def lock(self, actor: Any, obj: Difficulty, expected_version: int | None) -> Difficulty:
        # Only the difficulty's row: PostgreSQL cannot lock the nullable side of an outer
        # join to its report.
        try:
            return self.writable(actor).select_for_update(of=("self",)).get(pk=obj.pk)
        except Difficulty.DoesNotExist as exc:
            raise Http404 from exc

    def wrong_state(self, obj: Difficulty, step: Step) -> str:
        return _("A difficulty that is “%(old)s” cannot become “%(new)s”.") % {
            "old": obj.get_status_display(),
            "new": D(str(step.target)).label,  # every difficulty step has a target
        }

    def clean_data(self, step: Step, data: dict[str, Any]) -> dict[str, Any]:
        # Only None is "not given": an empty text clears the field, as the form's does.
        given = {name: value for name, value in data.items() if value is not None}
        super().clean_data(step, given)  # refuses a name the step does not take
        return given

    def check(self, move: Move[Difficulty], data: dict[str, Any]) -> None:
        current = move.obj
        forwarded_to = current.forwarded_to
        if "forwarded_to" in data:
            forwarded_to = data["forwarded_to"] = clean_text(
                data["forwarded_to"], "forwarded_to", max_length=300
            )
        resolution = current.resolution
        if "resolution" in data:
            resolution = data["resolution"] = clean_text(
                data["resolution"], "resolution", max_length=MAX_TEXT
            )
        if move.step.target == D.FORWARDED and not forwarded_to:
            raise NetworkError(
                _("Name the body the difficulty is forwarded to."), field="forwarded_to"
            )
        if move.step.target == D.RESOLVED and not resolution:
            raise NetworkError(_("Say how the difficulty was resolved."), field="resolution")
        handler = data.get("handler")
        if handler is not None and not self.may_handle(handler, current):
            raise NetworkError(
                _("The handler must be an officer or manager of the province."), field="handler"
            )

    @staticmethod
    def may_handle(user: Any, difficulty: Difficulty) -> bool:
        """An administrator, or an officer or manager of the difficulty's province."""
        return is_admin(user) or (
            user.role in PROVINCIAL_ROLES and user.province_id == difficulty.province_id
        )

    def apply(self, move: Move[Difficulty], data: dict[str, Any]) -> str | None:
        current = move.obj
        for name in ("forwarded_to", "resolution"):
            if name in data:
                setattr(current, name, data[name])
        if data.get("handler") is not None:
            current.handler = data["handler"]
        elif current.handler_id is None:
            current.handler = move.actor
        return move.step.target

    def save(self, move: Move[Difficulty]) -> None:
        # A difficulty has no version: a stale form is told by its status (change_difficulty).
        set_history_actor(move.obj, move.actor)
        move.obj.save()


DIFFICULTY_WORKFLOW = DifficultyWorkflow()


def change_difficulty(
    *,
    actor: Any,
    difficulty: Difficulty,
    status: str,
    forwarded_to: str | None = None,
    resolution: str | None = None,
    handler: Any = None,
    expected_status: str | None = None,
) -> Difficulty:
    """Record how the province handles a difficulty: the step leading to ``status``
    (``DIFFICULTY_ACTION``), with the body it was forwarded to, how it was resolved and the
    officer handling it (the actor if none yet). ``expected_status`` is the status the
    form showed: if someone moved the difficulty since, the change is refused as stale
    (``StaleEditError``) before anything else is looked at."""
    DIFFICULTY_WORKFLOW.gate(actor)
    with transaction.atomic():
        if expected_status is not None:
            current = DIFFICULTY_WORKFLOW.lock(actor, difficulty, None)
            if current.status != expected_status:
                raise StaleEditError()
        return DIFFICULTY_WORKFLOW.transition(
            difficulty,
            DIFFICULTY_ACTION.get(status, status),
            actor,
            forwarded_to=forwarded_to,
            resolution=resolution,
            handler=handler,
        )
