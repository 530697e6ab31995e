"""The activities index (a year's counts per kind) and an establishment's activities."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from khuyencong.accounts.requests import user_of
from khuyencong.activities import access
from khuyencong.activities.filters import FIRST_YEAR
from khuyencong.activities.models import (
    BrandRegistration,
    ConsultingContract,
    Showroom,
    Workshop,
)
from khuyencong.activities.pages.common import nav_context
from khuyencong.activities.summary import year_summary
from khuyencong.core.pages import get_or_404
from khuyencong.places.choosing import chosen_province
from khuyencong.places.models import Province
from khuyencong.registry.access import establishments_for

# Rows shown per section of an establishment's page (its most recent ones).
ESTABLISHMENT_ROWS = 50


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        year = this_year
    year = min(max(year, FIRST_YEAR), this_year + 1)
    province = chosen_province(request)
    return render(
        request,
        "activities/staff/index.html",
        {
            "year": year,
            "years": range(this_year + 1, FIRST_YEAR - 1, -1),
            "summary": year_summary(request.user, year, province.pk if province else None),
            "provinces": Province.objects.all() if user_of(request).province_id is None else None,
            **nav_context(None, province),
        },
    )


@require_GET
@login_required
def establishment(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything an establishment took part in, as far as the user may see."""
    user = user_of(request)
    subject = get_or_404(establishments_for(user).select_related("commune", "province"), pk=pk)
    limit = ESTABLISHMENT_ROWS
    participations = (
        access.participations_for(user)
        .filter(establishment=subject)
        .select_related("fair")
        .order_by("-fair__start_date", "-id")[:limit]
    )
    trainees = (
        access.trainees_for(user)
        .filter(establishment=subject)
        .select_related("course")
        .order_by("-course__end_date", "-id")[:limit]
    )
    workshop_ids = (
        access.workshop_links_for(user).filter(establishment=subject).values("workshop_id")
    )
    return render(
        request,
        "activities/staff/establishment.html",
        {
            "establishment": subject,
            "participations": participations,
            "trainees": trainees,
            "showrooms": access.records_for(user, Showroom)
            .filter(establishment=subject)
            .order_by("-opened_on")[:limit],
            "brands": access.records_for(user, BrandRegistration)
            .filter(establishment=subject)
            .order_by("-filed_on")[:limit],
            "workshops": access.records_for(user, Workshop)
            .filter(pk__in=workshop_ids)
            .order_by("-date")[:limit],
            "contracts": access.records_for(user, ConsultingContract)
            .filter(client_establishment=subject)
            .order_by("-signed_on")[:limit],
            **nav_context(None, None),
        },
    )
