"""Staff pages of difficulties: the province's list with counts by topic and status, a
difficulty's page with its history and the form recording how it is handled."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from khuyencong.accounts.requests import user_of
from khuyencong.core.errors import DomainError, StaleEditError
from khuyencong.core.filters import drop_filters
from khuyencong.core.forms import model_choice
from khuyencong.core.pages import field_error, list_page
from khuyencong.core.scoping import is_admin
from khuyencong.network import access, services
from khuyencong.network.filters import DifficultyFilter
from khuyencong.network.history import history_entries
from khuyencong.network.models import Difficulty
from khuyencong.network.pages.collaborators import may_manage
from khuyencong.network.pages.forms import (
    DifficultyChangeForm,
    DifficultyRecordForm,
)
from khuyencong.network.workflow import DIFFICULTY_WORKFLOW, change_difficulty
from khuyencong.places.choosing import chosen_province
from khuyencong.places.models import Commune

PAGE_SIZE = 25


@require_GET
@login_required
def difficulty_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    own = access.is_collaborator_user(user)
    province = None if own else chosen_province(request)

    def prepare(filterset: DifficultyFilter) -> None:
        if not (is_admin(user) or user.province_id is None):
            drop_filters(filterset, "province")
        if province is None:
            drop_filters(filterset, "commune")
        else:
            model_choice(filterset.form, "commune").queryset = Commune.objects.filter(
                province_id=province.pk
            ).order_by("name")

    record_form = None
    if province is not None and may_manage(user, province.pk):
        record_form = DifficultyRecordForm(user=user, province_id=province.pk)
    return list_page(
        request,
        access.difficulties_for(user).select_related(
            "commune", "province", "handler", "report__collaborator"
        ),
        DifficultyFilter,
        "network/staff/difficulty_list.html",
        order=("-created_at", "-id"),
        page_size=PAGE_SIZE,
        prepare=prepare,
        # The counts are of every difficulty listed, not only of the page shown.
        extra=lambda filterset, page: {
            "form": filterset.form,
            "rollup": services.difficulty_rollup(
                cast("QuerySet[Difficulty]", page.paginator.object_list)
            ),
        },
        context={
            "statuses": Difficulty.Status.choices,
            "record_form": record_form,
            "province": province,
            "own": own,
        },
    )


@require_POST
@login_required
def difficulty_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    province = chosen_province(request)
    if province is None or not may_manage(user, province.pk):
        raise Http404
    form = DifficultyRecordForm(request.POST, user=user, province_id=province.pk)
    if form.is_valid():
        try:
            difficulty = services.record_difficulty(actor=user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The difficulty was recorded."))
            return redirect("network:difficulty-detail", pk=difficulty.pk)
    else:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
    return redirect("network:difficulty-list")


@require_http_methods(["GET", "POST"])
@login_required
def difficulty_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    difficulty, may_change = access.DIFFICULTIES.fetch(
        user,
        queryset=access.DIFFICULTIES.base().select_related(
            "commune", "province", "handler", "report__collaborator"
        ),
        pk=pk,
    )
    # The handling form, while a step is open to the user (none once resolved).
    writable = (
        access.is_province_staff(user)
        and may_change
        and bool(DIFFICULTY_WORKFLOW.allowed_steps(user, difficulty))
    )
    form = (
        DifficultyChangeForm(request.POST or None, user=user, difficulty=difficulty)
        if writable
        else None
    )
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                change_difficulty(
                    actor=user,
                    difficulty=difficulty,
                    status=data["status"],
                    forwarded_to=data.get("forwarded_to") or "",
                    resolution=data.get("resolution") or "",
                    handler=data.get("handler"),
                    expected_status=data.get("expected_status") or None,
                )
            except StaleEditError as error:
                messages.error(request, error.message)
                return redirect("network:difficulty-detail", pk=pk)
            except DomainError as error:
                field_error(form, error)
            else:
                messages.success(request, _("The difficulty was updated."))
                return redirect("network:difficulty-detail", pk=pk)
    return render(
        request,
        "network/staff/difficulty_detail.html",
        {"difficulty": difficulty, "form": form, "history": history_entries(difficulty)},
    )
