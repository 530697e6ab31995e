"""The national agency's review of a province's submitted report (issue 7, "Review"),
declared on the workflow kernel (core/workflow.py): the national agency (a national officer
or an administrator) accepts the latest version or returns it with a reason; every step is a
``SubmissionTransition``. A returned report is submitted again as the next version
(``submissions.submit``); an accepted one is final and counts in the consolidation."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.errors import ForbiddenError, WorkflowError
from khuyencong.core.workflow import Move, Step, Workflow, steps_of
from khuyencong.reports.access import (
    may_review,
)
from khuyencong.reports.errors import SubmissionError
from khuyencong.reports.models import ReportSubmission, SubmissionTransition
from khuyencong.reports.submissions import actor_name

# --- review by the national agency ------------------------------------------------------------

Status = ReportSubmission.Status
REVIEW_STEPS = steps_of(
    Step(
        SubmissionTransition.Action.RETURN,
        gettext_lazy("Return"),
        frozenset({Status.SUBMITTED}),
        Status.RETURNED,
        note_required=True,
        primary=False,
        params=frozenset({"now"}),
        help=gettext_lazy("The province submits a new version."),
    ),
    Step(
        SubmissionTransition.Action.ACCEPT,
        gettext_lazy("Accept"),
        frozenset({Status.SUBMITTED}),
        Status.ACCEPTED,
        params=frozenset({"now"}),
        help=gettext_lazy("The report is final and counts in the consolidation."),
    ),
)
REVIEW_ACTIONS = {action: step.target for action, step in REVIEW_STEPS.items()}


class ReviewWorkflow(Workflow[ReportSubmission]):
    """The national agency's review of a province's latest version, declared on the
    workflow kernel (core.workflow). Submitting is not a step of it: each submission is a
    new version, created by ``submit`` with its first ``SubmissionTransition``."""

    model = ReportSubmission
    transition_model = SubmissionTransition
    subject = "submission"
    steps = REVIEW_STEPS
    input_error = SubmissionError
    note_field = "reason"
    note_column = "reason"
    note_max_length = 2000

    def writable(self, actor: Any) -> QuerySet[ReportSubmission]:
        # Reviewers read every province (``may_review``); the caller fetched the submission
        # through ``submissions_for``.
        return ReportSubmission.objects.all()

    def gate(self, actor: Any) -> None:
        if not may_review(actor):
            raise ForbiddenError(_("Only the national agency returns or accepts reports."))

    def may_take(self, actor: Any, step: Step, obj: ReportSubmission) -> bool:
        return may_review(actor)

    def unknown_action(self, action: str) -> str:
        return _("Choose return or accept.")

    def wrong_state(self, obj: ReportSubmission, step: Step) -> str:
        if _has_newer(obj):
            return _("A newer version of this report was submitted: review that one.")
        return _("This report is already %(status)s.") % {
            "status": obj.get_status_display().lower()
        }

    def note_missing(self, step: Step) -> str:
        return _("Say why the report is returned: the province reads it.")

    def note_too_long(self, limit: int) -> str:
        return _("Keep the reason under 2,000 characters.")

    def check(self, move: Move[ReportSubmission], data: dict[str, Any]) -> None:
        if _has_newer(move.obj):
            raise WorkflowError(_("A newer version of this report was submitted: review that one."))

    def apply(self, move: Move[ReportSubmission], data: dict[str, Any]) -> str | None:
        # Kept as written, whoever the user becomes; ``now`` back-dates the demo's steps.
        move.record["actor_name"] = actor_name(move.actor)
        move.record["at"] = data.get("now") or timezone.now()
        return move.step.target

    def save(self, move: Move[ReportSubmission]) -> None:
        # ``version`` numbers the submissions: a review leaves it as it is.
        move.obj.save(update_fields=["status"])


def _has_newer(submission: ReportSubmission) -> bool:
    return ReportSubmission.objects.filter(
        province_id=submission.province_id,
        start=submission.start,
        end=submission.end,
        version__gt=submission.version,
    ).exists()


REVIEW = ReviewWorkflow()


def review(
    *,
    actor: Any,
    submission: ReportSubmission,
    action: str,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> ReportSubmission:
    """Return (with a reason) or accept the latest version of a province's report, when it
    is submitted and not yet reviewed. ``ForbiddenError`` (a ``PermissionError``) for a role
    that may not review, ``SubmissionError`` (400) for an unknown action or a return
    without a reason, ``WorkflowError`` (409) when the step is not allowed now."""
    return REVIEW.transition(submission, action, actor, note=reason, now=now)
