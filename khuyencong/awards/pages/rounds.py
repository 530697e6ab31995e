"""Staff pages of award rounds: the list with filters, the round form (with its criteria
groups), the round page (criteria, entries with results, workflow steps, complaints,
timeline, history) and the confirm-then-act workflow steps. Objects are fetched through
the scoped entry points of ``awards.services``; every change goes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from khuyencong.accounts.requests import user_of
from khuyencong.awards import access, scoring, services
from khuyencong.awards.filters import RoundFilter
from khuyencong.awards.history import history_entries
from khuyencong.awards.models import AwardComplaint, AwardRound
from khuyencong.awards.pages.forms import (
    CriterionFormSet,
    RoundForm,
    TransitionForm,
    criteria_initial,
    criteria_items,
)
from khuyencong.awards.workflow import WORKFLOW, allowed_steps
from khuyencong.core.errors import DomainError
from khuyencong.core.filters import drop_filters
from khuyencong.core.pages import edit_page, field_error, list_page, page_of, transition_page
from khuyencong.core.scoping import is_admin

PAGE_SIZE = 25
ENTRY_PAGE_SIZE = 50


@require_GET
@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)

    def prepare(filterset: RoundFilter) -> None:
        if not is_admin(user) and user.province_id is not None:
            drop_filters(filterset, "province")

    return list_page(
        request,
        access.with_counts(
            access.rounds_for(user).select_related("province", "region", "legacy_district"), user
        ),
        RoundFilter,
        "awards/staff/round_list.html",
        order=("-year", "level", "province_id", "id"),
        page_size=PAGE_SIZE,
        prepare=prepare,
        extra=lambda filterset, _page: {"form": filterset.form},
        context={"can_create": access.may_create_round(user)},
    )


def _criteria_formset(request: HttpRequest, round: AwardRound | None) -> Any:
    from khuyencong.awards.models import default_criteria

    if request.method == "POST":
        # No ``initial`` when bound: rows equal to it would count as unchanged and be dropped.
        return CriterionFormSet(request.POST, prefix="criteria")
    criteria = round.criteria if round is not None else default_criteria()
    return CriterionFormSet(initial=criteria_initial(criteria), prefix="criteria")


def _criteria_error(form: Any, formset: Any, error: DomainError) -> None:
    if error.field == "criteria":
        formset._non_form_errors = formset.error_class([error.message])
    else:
        field_error(form, error)


@require_http_methods(["GET", "POST"])
@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.may_create_round(user):
        raise Http404
    form = RoundForm(request.POST or None, user=user)
    formset = _criteria_formset(request, None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.service_data()
        data["criteria"] = criteria_items(formset)
        try:
            round = services.create_round(actor=user, data=data)
        except DomainError as error:
            _criteria_error(form, formset, error)
        else:
            messages.success(request, _("The round was created."))
            return redirect("awards:round-detail", pk=round.pk)
    return render(
        request,
        "awards/staff/round_form.html",
        {"form": form, "formset": formset, "round": None},
    )


@require_http_methods(["GET", "POST"])
@login_required
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round = access.get_round(request.user, pk, write=True)
    if round.status == AwardRound.Status.CLOSED:
        messages.error(
            request, _("A closed round can no longer be changed: its results are final.")
        )
        return redirect("awards:round-detail", pk=pk)
    form = RoundForm(request.POST or None, user=request.user, instance=round)
    editable_criteria = round.status == AwardRound.Status.OPEN
    formset = _criteria_formset(request, round) if editable_criteria else None

    def save(version: int | None) -> AwardRound:
        data = form.service_data()
        if formset is not None:
            data["criteria"] = criteria_items(formset)
        return services.update_round(
            actor=request.user, round=round, data=data, expected_version=version
        )

    def refused(error: DomainError) -> None:
        if formset is not None:
            _criteria_error(form, formset, error)
        else:
            field_error(form, error)

    return edit_page(
        request,
        form=form,
        also_valid=[formset] if formset is not None else [],
        save=save,
        saved=_("The changes were saved."),
        done=lambda _saved: redirect("awards:round-detail", pk=pk),
        template="awards/staff/round_form.html",
        context={"formset": formset, "round": round},
        conflict_back=reverse("awards:round-detail", args=[pk]),
        on_error=refused,
    )


@require_GET
@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    round = access.get_round(user, pk)
    manages = access.may_manage(user, round)
    entries = (
        access.entries_for(user)
        .filter(round=round)
        .select_related("establishment", "commune", "qualifying_entry")
        .annotate(live_sheets=Count("sheets"))
        .order_by("-certified", "-average", "product_name", "id")
    )
    page = page_of(request, entries, ENTRY_PAGE_SIZE)
    complaints = (
        access.complaints_for(user)
        .filter(round=round)
        .select_related("entry")
        .order_by("received_on", "id")
    )
    today = services.today()
    complaint_rows = [(c, c.overdue_on(today)) for c in complaints]
    return render(
        request,
        "awards/staff/round_detail.html",
        {
            "round": round,
            "criteria": [
                {"code": c["code"], "label": scoring.criterion_label(c), "max": c["max_points"]}
                for c in round.criteria
            ],
            "page": page,
            "complaints": complaint_rows,
            "window": services.complaint_window(round),
            "judges": services.judge_count(round),
            # While scoring: the products still lacking a judge's sheet (closing waits).
            "missing_sheets": list(services.entries_missing_sheets(round))
            if round.status == AwardRound.Status.SCORING
            else [],
            "steps": allowed_steps(user, round),
            "manages": manages,
            "can_enter": access.may_enter(user, round),
            "transitions": round.transitions.select_related("actor").order_by("at", "id"),
            "history": history_entries(round),
            "today": today,
            "open_complaints": sum(
                1 for c, _late in complaint_rows if c.status == AwardComplaint.Status.OPEN
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def round_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    round = access.get_round(request.user, pk, write=True)
    return transition_page(
        request,
        workflow=WORKFLOW,
        obj=round,
        action=action,
        make_form=lambda data: TransitionForm(data, round=round, action=action),
        back=reverse("awards:round-detail", args=[pk]),
        template="awards/staff/transition_form.html",
        context={
            "round": round,
            "entries": round.entries.count(),
            "sheets": round.entries.filter(sheets__isnull=False).distinct().count(),
        },
    )
