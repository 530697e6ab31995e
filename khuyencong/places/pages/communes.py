"""Small helpers for forms: the communes of a province as <option>s (htmx)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from khuyencong.places.models import Commune


@require_GET
@login_required
def commune_options(request: HttpRequest) -> HttpResponse:
    province = request.GET.get("province", "")
    communes = Commune.objects.filter(province_id=province).only("code", "name")
    return render(
        request,
        "places/commune_options.html",
        {"communes": communes, "selected": request.GET.get("commune", "")},
    )
