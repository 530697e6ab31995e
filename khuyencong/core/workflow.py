"""The workflow kernel: one way to declare a state machine and to move a record through it
(DESIGN.md, Workflow; STYLE.md 2 and 5).

An app declares its steps and the rule of each; the kernel does the rest, the same way for
every record that has a workflow (a project, a collaborator's quarterly report, an award
round, a province's report submission)::

    class RoundWorkflow(Workflow[AwardRound]):
        model = AwardRound
        transition_model = AwardRoundTransition
        subject = "round"            # the transition row's foreign key to the record
        input_error = AwardError     # the app's "bad input" error (400 naming the field)
        steps = steps_of(Step("close", _("Close"), {S.SCORING}, S.CLOSED, help=…), …)

        def writable(self, actor): ...   # the records the actor may move (others: 404)

    WORKFLOW = RoundWorkflow()
    transition(round, "close", actor, closing_date=…)

``transition`` checks, in this order, and refuses with one error type, ``WorkflowError``
(409), whatever the app: the action is a step (else the app's input error on ``action``);
the record is one the actor may change (else 404), at the version the caller saw (else
``StaleEditError``); the record's state is a source of the step; the actor may take it
(``Step.roles`` and ``may_take``); the note (``note_required``, ``note_max_length``); the
data the step takes (``Step.params``); the app's own ``check``. It then lets the app
``apply`` the step, sets the status, saves the record (its history row names the actor)
and writes the transition row, all inside one transaction with the row locked; ``after``
runs last for follow-up work.

Pages list ``allowed_steps`` (what the UI offers is what ``transition`` accepts) and share
one confirm page (core.pages.transition_page); the API takes the same data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from khuyencong.core.errors import DomainError, StaleEditError, WorkflowError
from khuyencong.core.scoping import is_admin

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

M = TypeVar("M", bound=models.Model)

__all__ = [
    "Move",
    "Step",
    "Workflow",
    "WorkflowError",
    "allowed_steps",
    "steps_of",
    "transition",
    "workflow_for",
]


@dataclass(frozen=True)
class Step:
    """One step: the states it starts from, the state it leads to (None: the workflow's
    ``apply`` decides, e.g. back to where a suspension began, or it stays), its label and
    the help the confirm page shows, and who may take it (``roles``: None leaves it to the
    workflow's ``may_take``)."""

    action: str
    label: StrOrPromise
    sources: frozenset[str]
    target: str | None
    roles: frozenset[str] | None = None
    help: StrOrPromise = ""
    note_required: bool = False
    # The data the step takes besides the note (``transition(..., **data)``).
    params: frozenset[str] = frozenset()
    # Shown as the main button of the record's page (a side exit is not).
    primary: bool = True
    # A review: never by the person the record belongs to (``Workflow.owner_id``).
    review: bool = False


def steps_of(*steps: Step) -> dict[str, Step]:
    """The steps by action, in the order the UI offers them."""
    return {step.action: step for step in steps}


@dataclass
class Move(Generic[M]):
    """A step being taken, as the app's ``check``/``apply``/``after`` see it."""

    obj: M
    step: Step
    actor: Any
    note: str
    from_status: str
    # Extra columns of the transition row (e.g. a manager's override reason).
    record: dict[str, Any] = field(default_factory=dict)


_REGISTRY: dict[type[models.Model], Workflow[Any]] = {}


class Workflow(Generic[M]):
    """The declarations of one state machine; subclass it once per model and instantiate
    it once (the instance registers itself for ``transition`` and ``allowed_steps``)."""

    model: ClassVar[type[models.Model]]
    transition_model: ClassVar[type[models.Model]]
    # The transition row's foreign key to the record.
    subject: ClassVar[str]
    steps: ClassVar[Mapping[str, Step]]
    # The app's error for bad input (400 on ``field``).
    input_error: ClassVar[type[DomainError]] = DomainError
    status_field: ClassVar[str] = "status"
    # The name the note goes by in error messages and in the API (``note``, ``reason``).
    note_field: ClassVar[str] = "note"
    note_max_length: ClassVar[int | None] = None
    # The transition row's column that keeps the note.
    note_column: ClassVar[str] = "note"
    # Whether a confirm page says why a step is not open in the workflow's own words
    # (``wrong_state``, ``role_refusal``) rather than naming the step and the state.
    says_why_not_open: ClassVar[bool] = False

    def __init__(self) -> None:
        _REGISTRY[self.model] = self

    # --- what an app declares: who, which records, its messages, its rules ---------------

    def writable(self, actor: Any) -> QuerySet[M]:
        """The records the actor may move (the others answer 404)."""
        raise NotImplementedError

    def gate(self, actor: Any) -> None:
        """Refuse an actor who may never take any step of this workflow (``ForbiddenError``),
        before anything else is looked at. By default everyone goes on to the step's roles."""

    def owner_id(self, obj: M) -> Any:
        """The user the record belongs to, who may not take its review steps."""
        return None

    def may_take(self, actor: Any, step: Step, obj: M) -> bool:
        """Whether the actor may take the step on this record (their place is checked by
        ``writable``): an administrator or a role of ``step.roles``; never a review of
        their own record."""
        if not actor.is_authenticated:
            return False
        if step.review and self.owner_id(obj) == actor.pk:
            return False
        return step.roles is None or is_admin(actor) or actor.role in step.roles

    def role_refusal(self, actor: Any, step: Step, obj: M) -> str:
        return _("Your role may not take the step “%(step)s”.") % {"step": step.label}

    def unknown_action(self, action: str) -> str:
        return _("“%(action)s” is not a step of this record.") % {"action": action}

    def wrong_state(self, obj: M, step: Step) -> str:
        return _("The step “%(step)s” is not possible from “%(status)s”.") % {
            "step": step.label,
            "status": self.status_label(obj),
        }

    def not_open(self, actor: Any, obj: M, step: Step) -> str:
        """What a confirm page says when the step is not open to the actor now."""
        if self.says_why_not_open:
            if self.status(obj) not in step.sources:
                return self.wrong_state(obj, step)
            return self.role_refusal(actor, step, obj)
        return _("The step “%(step)s” is not open now (%(status)s).") % {
            "step": step.label,
            "status": self.status_label(obj),
        }

    def note_missing(self, step: Step) -> str:
        return _("Give the reason for this step.")

    def note_too_long(self, limit: int) -> str:
        return _("Write at most %(n)s characters.") % {"n": limit}

    def check(self, move: Move[M], data: dict[str, Any]) -> None:
        """The step's own preconditions (raise ``WorkflowError`` or the input error)."""

    def apply(self, move: Move[M], data: dict[str, Any]) -> str | None:
        """Change the record for the step (not yet saved) and answer its new status:
        ``step.target`` unless the app decides otherwise."""
        return move.step.target

    def save(self, move: Move[M]) -> None:
        """Save the record: a new version, its history row naming the actor."""
        obj: Any = move.obj
        obj.version += 1
        # django-simple-history reads the actor from this attribute.
        obj._history_user = move.actor
        obj.save()

    def record(self, move: Move[M]) -> models.Model:
        """Write the transition row (healthchecks ``Flip``): who did what, when, why."""
        return self.transition_model._default_manager.create(
            **{self.subject: move.obj, self.note_column: move.note},
            action=move.step.action,
            from_status=move.from_status,
            to_status=self.status(move.obj),
            actor=move.actor,
            **move.record,
        )

    def after(self, move: Move[M]) -> None:
        """Follow-up work once the step is recorded (inside the same transaction)."""

    # --- the kernel -----------------------------------------------------------------------

    def status(self, obj: M) -> str:
        return str(getattr(obj, self.status_field))

    def status_label(self, obj: M) -> str:
        return str(getattr(obj, f"get_{self.status_field}_display")())

    def step(self, action: str) -> Step:
        step = self.steps.get(action)
        if step is None:
            raise self.input_error(self.unknown_action(action), field="action")
        return step

    def offers(self, actor: Any, obj: M, step: Step) -> bool:
        """Whether the step is open to the actor on this record now."""
        return self.status(obj) in step.sources and self.may_take(actor, step, obj)

    def allowed_steps(self, actor: Any, obj: M) -> list[Step]:
        """The steps the UI offers: open from the record's state, for the actor. (The
        caller checks the actor may change the record at all.)"""
        return [step for step in self.steps.values() if self.offers(actor, obj, step)]

    def lock(self, actor: Any, obj: M, expected_version: int | None) -> M:
        """Inside the transaction: the record locked, from what the actor may change (404
        otherwise), at the version the caller saw (``StaleEditError`` otherwise)."""
        try:
            current = self.writable(actor).select_for_update().get(pk=obj.pk)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
        if expected_version is not None and getattr(current, "version", None) != expected_version:
            raise StaleEditError()
        return current

    def clean_note(self, step: Step, note: str) -> str:
        note = (note or "").strip()
        limit = self.note_max_length
        if limit is not None and len(note) > limit:
            raise self.input_error(self.note_too_long(limit), field=self.note_field)
        if step.note_required and not note:
            raise self.input_error(self.note_missing(step), field=self.note_field)
        return note

    def clean_data(self, step: Step, data: dict[str, Any]) -> dict[str, Any]:
        """The data the step takes; a name it does not take is refused (None or an empty
        text count as not given, as a form's empty field does)."""
        given = {name: value for name, value in data.items() if value not in (None, "")}
        unknown = sorted(set(given) - step.params)
        if unknown:
            raise self.input_error(
                _("This step takes no “%(name)s”.") % {"name": unknown[0]}, field=unknown[0]
            )
        return given

    def transition(
        self,
        obj: M,
        action: str,
        actor: Any,
        *,
        note: str = "",
        expected_version: int | None = None,
        **data: Any,
    ) -> M:
        """Take ``action`` on ``obj`` for ``actor``, or refuse (see the module's text)."""
        self.gate(actor)
        step = self.step(action)
        with transaction.atomic():
            current = self.lock(actor, obj, expected_version)
            if self.status(current) not in step.sources:
                raise WorkflowError(self.wrong_state(current, step))
            if not self.may_take(actor, step, current):
                raise WorkflowError(self.role_refusal(actor, step, current))
            move = Move(
                obj=current,
                step=step,
                actor=actor,
                note=self.clean_note(step, note),
                from_status=self.status(current),
            )
            given = self.clean_data(step, data)
            self.check(move, given)
            target = self.apply(move, given)
            if target is not None:
                setattr(current, self.status_field, target)
            self.save(move)
            self.record(move)
            self.after(move)
        return current


def workflow_for(obj: M | type[M]) -> Workflow[M]:
    """The workflow declared for the record's model."""
    model = obj if isinstance(obj, type) else type(obj)
    try:
        return _REGISTRY[model]
    except KeyError:
        raise LookupError(f"No workflow is declared for {model.__name__}.") from None


def registered_workflow(model: type[M]) -> Workflow[M] | None:
    """The workflow declared for the model, or None when it has none."""
    return _REGISTRY.get(model)


def transition(
    obj: M,
    action: str,
    actor: Any,
    *,
    note: str = "",
    expected_version: int | None = None,
    **data: Any,
) -> M:
    """Take ``action`` on ``obj`` through its model's workflow (``Workflow.transition``)."""
    return workflow_for(obj).transition(
        obj, action, actor, note=note, expected_version=expected_version, **data
    )


def allowed_steps(actor: Any, obj: M) -> list[Step]:
    """The steps of the record's workflow open to the actor now."""
    return workflow_for(obj).allowed_steps(actor, obj)
