"""The quarterly report's lifecycle as an explicit state machine (DESIGN.md, Workflow).

draft → submitted → accepted, or submitted → returned (with a reason) → submitted again.
``STEPS`` says, for each action, the states it starts from, where it leads and which roles
may take it; ``transition_report`` is the one function that moves a report, and every move
is a ``ReportTransition`` row. The collaborator files; the province reviews — never the
collaborator their own report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.locking import lock_current
from khuyencong.core.roles import Role
from khuyencong.core.scoping import is_admin
from khuyencong.network.errors import NetworkError, WorkflowError
from khuyencong.network.models import QuarterlyReport, ReportTransition
from khuyencong.network.services import MAX_TEXT, reports_for

S = QuarterlyReport.Status
FILERS = frozenset({Role.COLLABORATOR, Role.PROVINCIAL_OFFICER, Role.PROVINCIAL_MANAGER})
REVIEWERS = frozenset({Role.PROVINCIAL_OFFICER, Role.PROVINCIAL_MANAGER})


@dataclass(frozen=True)
class Step:
    action: str
    label: Promise
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    reason_required: bool = False
    review: bool = False  # a review step: never by the collaborator whose report it is
    help: Promise | str = ""


STEPS: dict[str, Step] = {
    step.action: step
    for step in [
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
            reason_required=True,
            review=True,
            help=gettext_lazy("The collaborator corrects the report and submits it again."),
        ),
    ]
}
ACTIONS = tuple(STEPS)


def may_take(user: Any, step: Step, report: QuarterlyReport) -> bool:
    """Whether the user's role may take this step on this report (their place is checked
    by scoping)."""
    if not user.is_authenticated:
        return False
    if step.review and report.collaborator.user_id == user.pk:
        return False
    return is_admin(user) or user.role in step.roles


def allowed_steps(user: Any, report: QuarterlyReport) -> list[Step]:
    """The steps the UI offers: allowed from the current state and for the user's role.
    (The caller checks the user may change the report at all.)"""
    return [
        step
        for step in STEPS.values()
        if report.status in step.sources and may_take(user, step, report)
    ]


@transaction.atomic
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
    step = STEPS.get(action)
    if step is None:
        raise NetworkError(
            _("“%(action)s” is not a report action.") % {"action": action}, field="action"
        )
    try:
        current = lock_current(
            reports_for(actor, write=True).select_related("collaborator"),
            report.pk,
            expected_version,
        )
    except QuarterlyReport.DoesNotExist as exc:
        raise Http404 from exc
    if current.status not in step.sources:
        raise WorkflowError(
            _("A report that is “%(status)s” cannot be %(action)s now.")
            % {"status": current.get_status_display(), "action": str(step.label).lower()}
        )
    if not may_take(actor, step, current):
        if step.review and current.collaborator.user_id == actor.pk:
            raise WorkflowError(_("A collaborator may not review their own report."))
        raise WorkflowError(_("Your role may not take the step “%(step)s”.") % {"step": step.label})
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise NetworkError(_("Write at most %(n)s characters.") % {"n": MAX_TEXT}, field="reason")
    if step.reason_required and not note:
        raise NetworkError(_("Give the reason for returning the report."), field="reason")
    now = timezone.now()
    from_status = current.status
    if action == "submit":
        if current.submitted_at is None:
            current.submitted_at = now
            # The report's difficulties now reach the province's list.
            current.difficulties.filter(shared=False).update(shared=True)
        current.return_reason = ""
    else:
        current.reviewed_by = actor
        current.reviewed_at = now
        if action == "return":
            current.return_reason = note
    current.status = step.target
    current.version += 1
    current._history_user = actor  # type: ignore[attr-defined]
    current.save()
    ReportTransition.objects.create(
        report=current,
        action=action,
        from_status=from_status,
        to_status=current.status,
        actor=actor,
        note=note,
    )
    return current


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
