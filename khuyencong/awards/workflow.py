"""A round's lifecycle as an explicit state machine (DESIGN.md, Workflow).

open → scoring → closed. While open, products are entered and the criteria groups, pass
mark and council may change; ``start_scoring`` fixes them and the judges' sheets are
recorded; ``reopen`` goes back to entries while no sheet has been recorded; ``close``
computes the results once (``awards.scoring``), issues the certificates on the closing date
and opens the complaint window. ``transition_round`` is the one function that moves a round;
every move is an ``AwardRoundTransition`` row. Only those who manage the round
(``services.may_manage``) take its steps.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.awards import scoring, services
from khuyencong.awards.errors import AwardError, WorkflowError
from khuyencong.awards.models import AwardRound, AwardRoundTransition, ScoreSheet
from khuyencong.core.locking import lock_current

S = AwardRound.Status


@dataclass(frozen=True)
class Step:
    action: str
    label: Promise
    sources: frozenset[str]
    target: str
    help: Promise
    primary: bool = True


STEPS: dict[str, Step] = {
    step.action: step
    for step in [
        Step(
            "start_scoring",
            gettext_lazy("Start scoring"),
            frozenset({S.OPEN}),
            S.SCORING,
            gettext_lazy(
                "Entries close; the criteria groups, pass mark and council are fixed and the "
                "judges' score sheets can be recorded."
            ),
        ),
        Step(
            "reopen",
            gettext_lazy("Reopen for entries"),
            frozenset({S.SCORING}),
            S.OPEN,
            gettext_lazy("Back to entries, possible while no score sheet has been recorded."),
            primary=False,
        ),
        Step(
            "close",
            gettext_lazy("Close and publish results"),
            frozenset({S.SCORING}),
            S.CLOSED,
            gettext_lazy(
                "Each product's average is computed and frozen; products reaching the pass "
                "mark are certified, numbered and valid until 31 December of the third year. "
                "The complaint window opens on the closing date."
            ),
        ),
    ]
}
ACTIONS = tuple(STEPS)


def allowed_steps(user: Any, round: AwardRound) -> list[Step]:
    """The steps the UI offers: allowed from the round's state, for those who manage it."""
    if not services.may_manage(user, round):
        return []
    return [step for step in STEPS.values() if round.status in step.sources]


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


@transaction.atomic
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
    step = STEPS.get(action)
    if step is None:
        raise AwardError(
            _("“%(action)s” is not a step of a round.") % {"action": action}, field="action"
        )
    try:
        current = lock_current(services.rounds_for(actor, write=True), round.pk, expected_version)
    except AwardRound.DoesNotExist as exc:
        raise Http404 from exc
    if current.status not in step.sources:
        raise WorkflowError(
            _("A round that is “%(status)s” cannot take the step “%(step)s”.")
            % {"status": current.get_status_display(), "step": step.label}
        )
    note = (note or "").strip()
    if len(note) > services.MAX_TEXT:
        raise AwardError(
            _("Write at most %(n)s characters.") % {"n": services.MAX_TEXT}, field="note"
        )
    if action == "start_scoring" and not current.entries.exists():
        raise WorkflowError(_("No product has been entered: there is nothing to score."))
    if action == "reopen" and ScoreSheet.objects.filter(round=current).exists():
        raise WorkflowError(
            _("Score sheets have been recorded: the round can no longer go back to entries.")
        )
    if action == "close":
        day = _closing_date(current, closing_date)
        missing = list(services.entries_missing_sheets(current)[: MISSING_NAMED + 1])
        if missing:
            raise WorkflowError(
                _(
                    "The round cannot close: each product needs a score sheet from every one "
                    "of the %(size)s council members. Still missing sheets: %(entries)s."
                )
                % {"size": current.council_size, "entries": missing_names(missing)}
            )
    from_status = current.status
    if action == "close":
        current.closing_date = day
        current.closed_at = timezone.now()
        scoring.compute_results(current, day, actor=actor)
    current.status = step.target
    current.version += 1
    current._history_user = actor  # type: ignore[attr-defined]
    current.save()
    AwardRoundTransition.objects.create(
        round=current,
        action=action,
        from_status=from_status,
        to_status=current.status,
        actor=actor,
        note=note,
    )
    return current


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
