"""A round's lifecycle and a complaint's resolution, declared on the workflow kernel
(core.workflow).

open → scoring → closed. While open, products are entered and the criteria groups, pass
mark and council may change; ``start_scoring`` fixes them and the judges' sheets are
recorded; ``reopen`` goes back to entries while no sheet has been recorded; ``close``
computes the results once (``awards.scoring``), issues the certificates on the closing date
and opens the complaint window. ``WORKFLOW.transition`` moves a round; every move is an
``AwardRoundTransition`` row. Only those who manage the round (``access.may_manage``)
take its steps.

A complaint (recorded by ``services.record_complaint`` within the round's window) is open
until ``resolve`` records the answer and its date (``ComplaintWorkflow``, one
``AwardComplaintTransition`` row); only the round's managers resolve it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.awards import access, scoring, services
from khuyencong.awards.errors import AwardError
from khuyencong.awards.models import (
    AwardComplaint,
    AwardComplaintTransition,
    AwardRound,
    AwardRoundTransition,
    ScoreSheet,
)
from khuyencong.core.errors import WorkflowError
from khuyencong.core.workflow import Move, Step, Workflow, steps_of

S = AwardRound.Status

STEPS = steps_of(
    Step(
        "start_scoring",
        gettext_lazy("Start scoring"),
        frozenset({S.OPEN}),
        S.SCORING,
        help=gettext_lazy(
            "Entries close; the criteria groups, pass mark and council are fixed and the "
            "judges' score sheets can be recorded."
        ),
    ),
    Step(
        "reopen",
        gettext_lazy("Reopen for entries"),
        frozenset({S.SCORING}),
        S.OPEN,
        help=gettext_lazy("Back to entries, possible while no score sheet has been recorded."),
        primary=False,
    ),
    Step(
        "close",
        gettext_lazy("Close and publish results"),
        frozenset({S.SCORING}),
        S.CLOSED,
        params=frozenset({"closing_date"}),
        help=gettext_lazy(
            "Each product's average is computed and frozen; products reaching the pass "
            "mark are certified, numbered and valid until 31 December of the third year. "
            "The complaint window opens on the closing date."
        ),
    ),
)
ACTIONS = tuple(STEPS)


# How many products a refusal names before it says "and others".
MISSING_NAMED = 10


def missing_names(entries: list[Any]) -> str:
    """ "Trà A (B, 3/7 phiếu); …": the products still lacking sheets, with their counts."""
    named = [
        _("%(product)s (%(establishment)s, %(n)s of %(size)s sheets)")
        % {
            "product": e.product_name,
            "establishment": e.establishment.name,
            "n": e.sheet_total,
            "size": e.round.council_size,
        }
        for e in entries[:MISSING_NAMED]
    ]
    text = "; ".join(named)
    if len(entries) > MISSING_NAMED:
        text += "; " + _("and others")
    return text


def _closing_date(round: AwardRound, value: Any) -> datetime.date:
    today = services.today()
    if value in (None, ""):
        planned = round.closing_date
        return planned if planned is not None and planned <= today else today
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise AwardError(_("Enter a valid date."), field="closing_date")
    if value > today:
        raise AwardError(_("The closing date cannot be in the future."), field="closing_date")
    if not round.year <= value.year <= round.year + 1:
        raise AwardError(
            _("The closing date must fall in %(year)s or early the year after.")
            % {"year": round.year},
            field="closing_date",
        )
    return value


class RoundWorkflow(Workflow[AwardRound]):
    model = AwardRound
    transition_model = AwardRoundTransition
    subject = "round"
    steps = STEPS
    input_error = AwardError
    note_max_length = services.MAX_TEXT

    def writable(self, actor: Any) -> QuerySet[AwardRound]:
        return access.rounds_for(actor, write=True)

    def may_take(self, actor: Any, step: Step, obj: AwardRound) -> bool:
        return access.may_manage(actor, obj)

    def unknown_action(self, action: str) -> str:
        return _("“%(action)s” is not a step of a round.") % {"action": action}

    def wrong_state(self, obj: AwardRound, step: Step) -> str:
        return _("A round that is “%(status)s” cannot take the step “%(step)s”.") % {
            "status": obj.get_status_display(),
            "step": step.label,
        }

    def check(self, move: Move[AwardRound], data: dict[str, Any]) -> None:
        round, action = move.obj, move.step.action
        if action == "start_scoring" and not round.entries.exists():
            raise WorkflowError(_("No product has been entered: there is nothing to score."))
        if action == "reopen" and ScoreSheet.objects.filter(round=round).exists():
            raise WorkflowError(
                _("Score sheets have been recorded: the round can no longer go back to entries.")
            )
        if action == "close":
            data["closing_date"] = _closing_date(round, data.get("closing_date"))
            missing = list(services.entries_missing_sheets(round)[: MISSING_NAMED + 1])
            if missing:
                raise WorkflowError(
                    _(
                        "The round cannot close: each product needs a score sheet from every "
                        "one of the %(size)s council members. Still missing sheets: %(entries)s."
                    )
                    % {"size": round.council_size, "entries": missing_names(missing)}
                )

    def apply(self, move: Move[AwardRound], data: dict[str, Any]) -> str | None:
        if move.step.action == "close":
            round, day = move.obj, data["closing_date"]
            round.closing_date = day
            round.closed_at = timezone.now()
            scoring.compute_results(round, day, actor=move.actor)
        return move.step.target


WORKFLOW = RoundWorkflow()
allowed_steps = WORKFLOW.allowed_steps


def transition_round(
    *,
    actor: Any,
    round: AwardRound,
    action: str,
    note: str = "",
    closing_date: Any = None,
    expected_version: int | None = None,
) -> AwardRound:
    """Take ``action`` on the round, or refuse: ``WorkflowError`` (409) for a step not
    allowed from its state, ``AwardError`` (400) for a bad closing date, ``StaleEditError``
    (409) when ``expected_version`` is old, ``Http404`` when the actor does not manage it."""
    return WORKFLOW.transition(
        round,
        action,
        actor,
        note=note,
        expected_version=expected_version,
        closing_date=closing_date,
    )


def start_scoring(*, actor: Any, round: AwardRound, note: str = "") -> AwardRound:
    return transition_round(actor=actor, round=round, action="start_scoring", note=note)


def reopen_round(*, actor: Any, round: AwardRound, note: str = "") -> AwardRound:
    return transition_round(actor=actor, round=round, action="reopen", note=note)


def close_round(
    *, actor: Any, round: AwardRound, closing_date: Any = None, note: str = ""
) -> AwardRound:
    return transition_round(
        actor=actor, round=round, action="close", closing_date=closing_date, note=note
    )


# --- complaints ---------------------------------------------------------------------------

C = AwardComplaint.Status

COMPLAINT_STEPS = steps_of(
    Step(
        "resolve",
        gettext_lazy("Record the resolution"),
        frozenset({C.OPEN}),
        C.RESOLVED,
        params=frozenset({"resolved_on"}),
    ),
)


class ComplaintWorkflow(Workflow[AwardComplaint]):
    """open → resolved: the answer to a complaint (the round's results stay as issued; a
    changed result needs a new decision). The answer is the step's note, called
    ``resolution``."""

    model = AwardComplaint
    transition_model = AwardComplaintTransition
    subject = "complaint"
    steps = COMPLAINT_STEPS
    input_error = AwardError
    note_field = "resolution"
    says_why_not_open = True

    def writable(self, actor: Any) -> QuerySet[AwardComplaint]:
        return access.complaints_for(actor, write=True)

    def may_take(self, actor: Any, step: Step, obj: AwardComplaint) -> bool:
        return access.may_manage(actor, obj.round)

    def wrong_state(self, obj: AwardComplaint, step: Step) -> str:
        return _("This complaint is already resolved.")

    def check(self, move: Move[AwardComplaint], data: dict[str, Any]) -> None:
        complaint, given = move.obj, data.get("resolved_on")
        day = services.clean_date(given if given is not None else services.today(), "resolved_on")
        if day > services.today():
            raise AwardError(_("The date cannot be in the future."), field="resolved_on")
        if day < complaint.received_on:
            raise AwardError(
                _("A complaint cannot be resolved before it was received (%(date)s).")
                % {"date": complaint.received_on.strftime("%d/%m/%Y")},
                field="resolved_on",
            )
        data["resolved_on"] = day
        move.note = services.clean_text(
            move.note, "resolution", max_length=services.MAX_TEXT, required=True
        )

    def apply(self, move: Move[AwardComplaint], data: dict[str, Any]) -> str | None:
        move.obj.resolution = move.note
        move.obj.resolved_on = data["resolved_on"]
        return move.step.target

    def save(self, move: Move[AwardComplaint]) -> None:
        # A complaint has no version (it is not edited in a form): its history row only.
        complaint: Any = move.obj
        complaint._history_user = move.actor
        complaint.save()


COMPLAINT_WORKFLOW = ComplaintWorkflow()


def resolve_complaint(
    *, actor: Any, complaint: AwardComplaint, resolution: Any, resolved_on: Any = None
) -> AwardComplaint:
    """Record how a complaint was answered, or refuse: ``WorkflowError`` (409) once it is
    resolved, ``AwardError`` (400) for a bad date or a missing answer, ``Http404`` when the
    actor does not manage its round."""
    return COMPLAINT_WORKFLOW.transition(
        complaint,
        "resolve",
        actor,
        note="" if resolution is None else str(resolution),
        resolved_on=resolved_on,
    )
