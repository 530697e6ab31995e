"""The quarterly report's lifecycle, declared on the workflow kernel (core.workflow).

draft → submitted → accepted, or submitted → returned (with a reason) → submitted again.
``STEPS`` says, for each action, the states it starts from, where it leads and which roles
may take it; ``WORKFLOW.transition`` moves a report, and every move is a
``ReportTransition`` row. The collaborator files; the province reviews — never the
collaborator their own report.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.roles import Role
from khuyencong.core.workflow import Move, Step, Workflow, steps_of
from khuyencong.network.access import reports_for
from khuyencong.network.errors import NetworkError
from khuyencong.network.models import QuarterlyReport, ReportTransition
from khuyencong.network.services import MAX_TEXT

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
