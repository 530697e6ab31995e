"""The public catalogue of typical rural industrial products (no account needed): certified
products whose certificate is valid today (optionally the expired ones too), searched
ignoring diacritics and case, filtered by level, group, province and year, each with its
first photo and a page showing its certificate.

A surface: the rules (what a valid certificate is) are ``awards.certificates``'. Only public
data is shown: the product, the establishment's name and commune, the certificate — never a
tax code, a phone number, an address or a representative's name.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from khuyencong.awards import certificates
from khuyencong.awards.models import AwardEntry
from khuyencong.awards.services import today
from khuyencong.core.files import serve_file
from khuyencong.core.pages import list_page
from khuyencong.portal.filters import CatalogueFilter
from khuyencong.registry.models import ProductPhoto

PAGE_SIZE = 24


def _public(queryset: QuerySet[AwardEntry]) -> QuerySet[AwardEntry]:
    """Certificates with what a card shows: one query for the rows, one for the photos."""
    return queryset.select_related(
        "round", "round__region", "establishment", "commune", "province", "product"
    ).prefetch_related(Prefetch("product__photos", queryset=ProductPhoto.objects.order_by("id")))


@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        _public(AwardEntry.objects.all()),
        CatalogueFilter,
        "portal/catalogue/product_list.html",
        order=("-issued_on", "-round__year", "product_name", "id"),
        page_size=PAGE_SIZE,
        extra=lambda filterset, _page: {"form": filterset.form},
        context={"today": today()},
    )


@require_GET
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        entry = _public(AwardEntry.objects.filter(certified=True)).get(pk=pk)
    except (AwardEntry.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    others = (
        AwardEntry.objects.filter(certified=True)
        .filter(
            certificates.same_product_q(
                establishment_id=entry.establishment_id,
                product_id=entry.product_id,
                search_name=entry.search_name,
            )
        )
        .exclude(pk=entry.pk)
        .select_related("round")
        .order_by("-issued_on", "-id")
    )
    photos = list(entry.product.photos.all()) if entry.product else []
    return render(
        request,
        "portal/catalogue/product_detail.html",
        {
            "entry": entry,
            "photos": photos,
            "others": others,
            "valid": entry.valid_on(today()),
            "today": today(),
        },
    )


@require_GET
def product_photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponseBase:
    """A photo of the product of a certificate the catalogue shows, to anyone; the photos of
    products without a certificate stay behind the staff pages (404 here)."""
    photo = (
        ProductPhoto.objects.filter(
            pk=photo_pk, product__award_entries__pk=pk, product__award_entries__certified=True
        )
        .only("image")
        .first()
    )
    if photo is None:
        raise Http404
    return serve_file(request, photo.image)
