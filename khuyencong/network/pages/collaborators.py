"""Staff pages of collaborators: the roster with commune coverage, a collaborator's page,
the form, trainings and rewards. Objects are fetched through the scoped entry points
(``access.collaborators_for``); every change goes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from khuyencong.accounts.requests import user_of
from khuyencong.core.errors import DomainError
from khuyencong.core.pages import edit_page, field_error
from khuyencong.core.scoping import can_write_place, sees_everywhere
from khuyencong.network import access, services
from khuyencong.network.history import history_entries
from khuyencong.network.models import Collaborator
from khuyencong.network.pages.forms import CollaboratorForm, RewardForm, TrainingForm
from khuyencong.places.choosing import chosen_province
from khuyencong.places.models import Commune, Province


def may_manage(user: Any, province_id: str | None) -> bool:
    return access.is_province_staff(user) and can_write_place(
        user, province_id=province_id, commune_id=None
    )


@require_GET
@login_required
def roster(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if access.is_collaborator_user(user):
        return redirect("network:report-list")
    province = chosen_province(request)
    if province is None:
        if not sees_everywhere(user):
            raise Http404  # only those who see every province get the national overview
        provinces = services.province_coverage(Province.objects.all())
        return render(request, "network/staff/roster.html", {"provinces": provinces})
    coverage = services.roster(province)
    collaborators = (
        access.collaborators_for(user)
        .filter(province=province)
        .prefetch_related(Prefetch("communes", queryset=Commune.objects.order_by("name")))
        .order_by("full_name", "id")
    )
    return render(
        request,
        "network/staff/roster.html",
        {
            "province": province,
            "coverage": coverage,
            "collaborators": collaborators,
            "today": coverage.on,
            "can_create": may_manage(user, province.pk),
        },
    )


def _get(request: HttpRequest, pk: int, *, write: bool = False) -> Collaborator:
    queryset = Collaborator.objects.select_related("province", "user")
    return access.COLLABORATORS.get(request.user, write=write, queryset=queryset, pk=pk)


@require_GET
@login_required
def collaborator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    collaborator = _get(request, pk)
    writable = may_manage(request.user, collaborator.province_id) and (
        access.COLLABORATORS.may_change(request.user, collaborator)
    )
    rewards = list(collaborator.rewards.all())
    reports = list(
        access.reports_for(request.user)
        .filter(collaborator=collaborator)
        .order_by("-year", "-quarter")[:8]
    )
    return render(
        request,
        "network/staff/collaborator_detail.html",
        {
            "collaborator": collaborator,
            "communes": collaborator.communes.order_by("name"),
            "trainings": collaborator.trainings.all(),
            "rewards": rewards,
            "rewards_total": collaborator.rewards.aggregate(total=Sum("amount"))["total"] or 0,
            "reports": reports,
            "history": history_entries(collaborator),
            "writable": writable,
            "may_file": access.may_file_for(request.user, collaborator),
            "active": collaborator.is_active_on(services.today()),
            "training_form": TrainingForm(),
            "reward_form": RewardForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def collaborator_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not access.is_province_staff(user):
        raise Http404
    province = chosen_province(request)
    if province is not None and not may_manage(user, province.pk):
        raise Http404
    if province is None:
        # An administrator picks the province first: the communes offered depend on it.
        return render(
            request,
            "network/staff/collaborator_form.html",
            {"provinces": Province.objects.all(), "collaborator": None},
        )
    form = CollaboratorForm(request.POST or None, user=user, province_id=province.pk)
    if request.method == "POST" and form.is_valid():
        try:
            collaborator = services.create_collaborator(actor=user, data=form.service_data())
        except DomainError as error:
            field_error(form, error)
        else:
            messages.success(
                request, _("%(name)s was added to the network.") % {"name": collaborator.full_name}
            )
            return redirect("network:collaborator-detail", pk=collaborator.pk)
    return render(
        request,
        "network/staff/collaborator_form.html",
        {"form": form, "collaborator": None, "province": province},
    )


@require_http_methods(["GET", "POST"])
@login_required
def collaborator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    collaborator = _get(request, pk, write=True)
    if not may_manage(request.user, collaborator.province_id):
        raise Http404
    form = CollaboratorForm(
        request.POST or None,
        user=request.user,
        province_id=collaborator.province_id,
        instance=collaborator,
    )
    return edit_page(
        request,
        form=form,
        save=lambda version: services.update_collaborator(
            actor=request.user,
            collaborator=collaborator,
            data=form.service_data(),
            expected_version=version,
        ),
        saved=_("The changes were saved."),
        done=lambda _saved: redirect("network:collaborator-detail", pk=pk),
        template="network/staff/collaborator_form.html",
        context={"collaborator": collaborator, "province": collaborator.province},
    )


def _add(request: HttpRequest, pk: int, form_class: Any, add: Any, done: str, anchor: str):
    collaborator = _get(request, pk, write=True)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            add(actor=request.user, collaborator=collaborator, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
    else:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}")
    return redirect(reverse("network:collaborator-detail", args=[pk]) + anchor)


@require_POST
@login_required
def training_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add(
        request,
        pk,
        TrainingForm,
        services.add_training,
        _("The training was recorded."),
        "#trainings",
    )


@require_POST
@login_required
def reward_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add(
        request, pk, RewardForm, services.add_reward, _("The reward was recorded."), "#rewards"
    )
