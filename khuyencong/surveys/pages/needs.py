"""The needs list with its summary, and turning needs into a draft project."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from khuyencong.accounts.requests import user_of
from khuyencong.core.errors import DomainError
from khuyencong.core.pages import list_page
from khuyencong.places.models import Commune
from khuyencong.surveys import access, services
from khuyencong.surveys.filters import NeedFilter
from khuyencong.surveys.forms import (
    NeedsToProjectForm,
)
from khuyencong.surveys.models import Need

# --- needs ---------------------------------------------------------------------------------------


@require_GET
@login_required
def need_list(request: HttpRequest) -> HttpResponse:
    province_id = user_of(request).province_id
    by = request.GET.get("by") or "commune"
    if by not in services.SUMMARY_GROUPS:
        by = "commune"

    def summary(filterset: NeedFilter, page: Page[Need]) -> dict[str, Any]:
        needs = cast(QuerySet[Need], page.paginator.object_list)  # every need listed
        return {
            "summary": services.needs_summary(needs, by, limit=100),
            "share": services.met_share(needs),
        }

    return list_page(
        request,
        access.needs_for(request.user).select_related(
            "establishment", "commune", "category", "project", "sector"
        ),
        NeedFilter,
        "surveys/need_list.html",
        page_size=50,
        prepare=lambda filterset: _limit_communes(filterset, province_id),
        # Without a filter the page shows this year's needs; an empty year means all years.
        default={"year": str(timezone.localdate().year)},
        # A filter it cannot read leaves the needs unfiltered, its error on the form.
        invalid_lists_all=True,
        extra=summary,
        context={
            "by": by,
            "plan_form": NeedsToProjectForm(initial={"year": timezone.localdate().year + 1}),
            "can_plan": access.may_plan(request.user),
        },
    )


def _limit_communes(filterset: NeedFilter, province_id: str | None) -> None:
    """The communes of the user's province (a national user has none to pick)."""
    commune = cast(forms.ModelChoiceField, filterset.form.fields["commune"])
    if province_id:
        commune.queryset = Commune.objects.filter(province_id=province_id).order_by("name")


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
