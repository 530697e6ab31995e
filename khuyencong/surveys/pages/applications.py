"""Online applications: the list by status and an application's page with its triage."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from khuyencong.core.errors import DomainError
from khuyencong.core.pages import field_error, list_page
from khuyencong.core.scoping import can_write
from khuyencong.registry import access as registry_access
from khuyencong.registry import services as registry_services
from khuyencong.surveys import access, workflow
from khuyencong.surveys.filters import ApplicationFilter
from khuyencong.surveys.forms import (
    TriageForm,
)
from khuyencong.surveys.models import Application, Need
from khuyencong.surveys.pages import PAGE_SIZE

# --- applications --------------------------------------------------------------------------------


@require_GET
@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    counts = dict(
        access.applications_for(request.user)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return list_page(
        request,
        access.applications_for(request.user).select_related("commune", "category"),
        ApplicationFilter,
        "surveys/application_list.html",
        order=("-submitted_at",),
        page_size=PAGE_SIZE,
        extra=lambda filterset, page: {"status": filterset.data.get("status", "")},
        context={
            "statuses": [(v, label, counts.get(v, 0)) for v, label in Application.Status.choices]
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.get_application(request.user, pk)
    # What the page offers is what the triage workflow accepts (its steps open to the user).
    may_triage = (
        can_write(request.user)
        and access.applications_for(request.user, write=True).filter(pk=pk).exists()
        and bool(workflow.allowed_steps(request.user, application))
    )
    form = TriageForm(request.POST or None)
    if request.method == "POST":
        if not may_triage:
            raise PermissionDenied
        if form.is_valid():
            try:
                workflow.triage_application(
                    actor=request.user,
                    application=application,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                    establishment_id=form.cleaned_data["establishment"],
                )
            except DomainError as exc:
                field_error(form, exc)
            else:
                messages.success(request, _("The application was updated."))
                return redirect("surveys:application-detail", pk)
    need = Need.objects.filter(application=application).select_related("project").first()
    duplicates = []
    if may_triage:
        duplicates = registry_services.find_duplicates(
            name=application.establishment_name,
            commune_id=application.commune_id,
            tax_code=application.tax_code or None,
            among=registry_access.establishments_for(request.user),
        )
    return render(
        request,
        "surveys/application_detail.html",
        {
            "application": application,
            "form": form,
            "may_triage": may_triage,
            "need": need,
            "duplicates": duplicates,
        },
    )
