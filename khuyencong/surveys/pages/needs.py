"""The needs list with its summary, and turning needs into a draft project."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from khuyencong.accounts.requests import user_of
from khuyencong.core.errors import DomainError
from khuyencong.places.models import Commune
from khuyencong.surveys import access, services
from khuyencong.surveys.forms import (
    NeedFilterForm,
    NeedsToProjectForm,
)

# --- needs ---------------------------------------------------------------------------------------


@require_GET
@login_required
def need_list(request: HttpRequest) -> HttpResponse:
    needs = access.needs_for(request.user)
    # Without a filter the page shows this year's needs; an empty year means all years.
    query = request.GET.copy()
    if "year" not in query:
        query["year"] = str(timezone.localdate().year)
    form = NeedFilterForm(query)
    province_id = user_of(request).province_id
    if province_id:
        cast(forms.ModelChoiceField, form.fields["commune"]).queryset = Commune.objects.filter(
            province_id=province_id
        ).order_by("name")
    if form.is_valid():
        data = form.cleaned_data
        for name in ("year", "category", "commune"):
            if data.get(name) not in (None, ""):
                needs = needs.filter(**{name: data[name]})
        state = data.get("state")
        if state == "open":
            needs = needs.filter(Q(project__isnull=True) | Q(project__status="cancelled"))
        elif state == "drafted":
            needs = needs.filter(project__isnull=False).exclude(project__status="cancelled")
        elif state == "met":
            needs = needs.filter(project__status__in=services.MET_STATES)
    by = request.GET.get("by") or "commune"
    if by not in services.SUMMARY_GROUPS:
        by = "commune"
    page = Paginator(
        needs.select_related("establishment", "commune", "category", "project", "sector"),
        50,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/need_list.html",
        {
            "form": form,
            "page": page,
            "by": by,
            "summary": services.needs_summary(needs, by, limit=100),
            "share": services.met_share(needs),
            "plan_form": NeedsToProjectForm(initial={"year": timezone.localdate().year + 1}),
            "can_plan": access.may_plan(request.user),
        },
    )


@require_POST
@login_required
def needs_to_project(request: HttpRequest) -> HttpResponse:
    if not access.may_plan(request.user):
        raise PermissionDenied
    form = NeedsToProjectForm(request.POST)
    ids = request.POST.getlist("need")
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}")
        return redirect("surveys:need-list")
    try:
        project = services.needs_to_project(
            actor=request.user,
            need_ids=[int(i) for i in ids if i.isdigit()],
            year=form.cleaned_data["year"],
            funding_level=form.cleaned_data["funding_level"],
            title=form.cleaned_data["title"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("surveys:need-list")
    messages.success(
        request,
        _("Draft project %(code)s was created from %(count)s needs: check it and submit it.")
        % {"code": project.code, "count": len(ids)},
    )
    return redirect("programmes:project-detail", project.pk)
