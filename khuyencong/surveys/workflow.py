"""An online application's triage, declared on the workflow kernel (core.workflow).

received → in review → accepted (the establishment is found or registered in the registry
and the request becomes a need) or rejected (with a reason the applicant reads on the
public status page). ``review`` may be taken again while in review; accepted and rejected
are final. The provincial centre triages (not the commune collaborators); every step is an
``ApplicationTransition`` row and sets the answer to the applicant, who triaged and when.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.errors import WorkflowError
from khuyencong.core.roles import Role
from khuyencong.core.scoping import is_admin
from khuyencong.core.workflow import Move, Step, Workflow, steps_of
from khuyencong.surveys import access, services
from khuyencong.surveys.errors import SurveyError
from khuyencong.surveys.models import Application, ApplicationTransition, Need, Priority

A = Application.Status
OPEN = frozenset({A.RECEIVED, A.IN_REVIEW})
# The answer to the applicant is cut to this length (the form and the API allow no more).
NOTE_LENGTH = 2000

STEPS = steps_of(
    Step("review", gettext_lazy("Being reviewed"), OPEN, A.IN_REVIEW, primary=False),
    Step(
        "accept",
        gettext_lazy("Accept as a need"),
        OPEN,
        A.ACCEPTED,
        params=frozenset({"establishment"}),
    ),
    Step("reject", gettext_lazy("Do not accept"), OPEN, A.REJECTED, note_required=True),
)
DECISIONS = tuple(STEPS)


def may_triage(actor: Any) -> bool:
    """Applications are triaged by the provincial centre, not by commune collaborators."""
    return is_admin(actor) or (actor.is_authenticated and actor.role != Role.COLLABORATOR)


class ApplicationWorkflow(Workflow[Application]):
    model = Application
    transition_model = ApplicationTransition
    subject = "application"
    steps = STEPS
    input_error = SurveyError

    def writable(self, actor: Any) -> QuerySet[Application]:
        return access.applications_for(actor, write=True)

    def lock(self, actor: Any, obj: Application, expected_version: int | None) -> Application:
        # Out of the actor's area: a refusal naming the application (as before the kernel),
        # then the role, before the application's state is looked at.
        try:
            current = super().lock(actor, obj, expected_version)
        except Http404:
            raise SurveyError(_("No such application in your area."), field="application") from None
        if not may_triage(actor):
            raise WorkflowError(_("Applications are triaged by the provincial centre."))
        return current

    def may_take(self, actor: Any, step: Step, obj: Application) -> bool:
        return may_triage(actor)

    def role_refusal(self, actor: Any, step: Step, obj: Application) -> str:
        return _("Applications are triaged by the provincial centre.")

    def unknown_action(self, action: str) -> str:
        return _("Choose review, accept or reject.")

    def wrong_state(self, obj: Application, step: Step) -> str:
        return _("This application is already “%(status)s”.") % {"status": obj.get_status_display()}

    def note_missing(self, step: Step) -> str:
        return _("Tell the applicant why the request is not accepted.")

    def check(self, move: Move[Application], data: dict[str, Any]) -> None:
        move.note = services.check_plain_text(move.note, "note")[:NOTE_LENGTH]

    def apply(self, move: Move[Application], data: dict[str, Any]) -> str | None:
        current = move.obj
        if move.step.action == "accept":
            establishment, _created = services.resolve_establishment(
                actor=move.actor,
                commune=current.commune,
                establishment_id=data.get("establishment"),
                details={
                    "name": current.establishment_name,
                    "kind": current.kind,
                    "tax_code": current.tax_code,
                    "sector": current.sector_id,
                    "address": current.address,
                    "representative": current.representative,
                    "phone": current.phone,
                },
            )
            if establishment.province_id != current.province_id:
                raise SurveyError(
                    _("This establishment lies in another province."), field="establishment"
                )
            current.establishment = establishment
            Need.objects.create(
                application=current,
                province_id=current.province_id,
                commune=establishment.commune,
                establishment=establishment,
                sector_id=establishment.sector_id,
                year=timezone.localtime(current.submitted_at).year,
                category=current.category,
                description=current.description,
                estimated_cost=current.estimated_cost,
                counterpart_capacity=current.counterpart_capacity,
                priority=Priority.MEDIUM,
            )
        current.decision_note = move.note
        current.triaged_by = move.actor
        current.triaged_at = timezone.now()
        return move.step.target

    def save(self, move: Move[Application]) -> None:
        # An application has no version (the public sends it once): its history row only.
        application: Any = move.obj
        application._history_user = move.actor
        application.save()


WORKFLOW = ApplicationWorkflow()
allowed_steps = WORKFLOW.allowed_steps


def triage_application(
    *,
    actor: Any,
    application: Application,
    decision: str,
    note: str = "",
    establishment_id: Any = None,
) -> Application:
    """The centre's answer: ``review`` (being looked at), ``accept`` (the establishment is
    found or registered in the registry and the request becomes a need) or ``reject``
    (with a reason the applicant reads on the status page). Refusals: ``SurveyError`` (400)
    naming the field, ``WorkflowError`` (409) for a step not allowed now or by the actor's
    role."""
    if decision not in STEPS:
        raise SurveyError(_("Choose review, accept or reject."), field="decision")
    data = {"establishment": establishment_id} if decision == "accept" else {}
    return WORKFLOW.transition(application, decision, actor, note=note or "", **data)
