"""The public catalogue of typical rural industrial products (no account needed): certified
products whose certificate is valid today (optionally the expired ones too), searched
ignoring diacritics and case, filtered by level, group, province and year, each with its
first photo and a page showing its certificate.

A surface: the rules (what a valid certificate is) are ``awards.certificates``'. Only public
data is shown: the product, the establishment's name and commune, the certificate — never a
tax code, a phone number, an address or a representative's name.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from khuyencong.awards import certificates
from khuyencong.awards.models import AwardEntry, Level, ProductGroup
from khuyencong.awards.services import today
from khuyencong.core.files import serve_file
from khuyencong.core.text import normalise
from khuyencong.places.models import Province
from khuyencong.registry.models import ProductPhoto

PAGE_SIZE = 24


class CatalogueForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("product or producer, with or without accents"),
            }
        ),
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *Level.choices]
    )
    group = forms.ChoiceField(
        label=_("Product group"),
        required=False,
        choices=[("", _("All groups")), *ProductGroup.choices],
    )
    province = forms.ModelChoiceField(
        label=_("Province"),
        required=False,
        queryset=Province.objects.order_by("name"),
        empty_label=_("All provinces"),
        to_field_name="code",
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    expired = forms.BooleanField(label=_("Include expired certificates"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province = cast(forms.ModelChoiceField, self.fields["province"])
        province.label_from_instance = lambda p: p.name  # type: ignore[assignment]  # Django documents overriding it per field


def _public(queryset: QuerySet[AwardEntry]) -> QuerySet[AwardEntry]:
    """Certificates with what a card shows: one query for the rows, one for the photos."""
    return queryset.select_related(
        "round", "round__region", "establishment", "commune", "province", "product"
    ).prefetch_related(Prefetch("product__photos", queryset=ProductPhoto.objects.order_by("id")))


def catalogue_entries(data: dict[str, Any]) -> QuerySet[AwardEntry]:
    """The certificates matching the catalogue's filters (``CatalogueForm.cleaned_data``)."""
    if data.get("expired"):
        entries = AwardEntry.objects.filter(certified=True)
    else:
        entries = certificates.certificates_valid_on(today())
    term = normalise(data.get("q"))
    if term:
        entries = entries.filter(
            Q(search_name__contains=term) | Q(establishment__search_name__contains=term)
        )
    if data.get("level"):
        entries = entries.filter(round__level=data["level"])
    if data.get("group"):
        entries = entries.filter(group=data["group"])
    if data.get("province"):
        entries = entries.filter(province=data["province"])
    if data.get("year"):
        entries = entries.filter(round__year=data["year"])
    return entries


@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    form = CatalogueForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        entries = AwardEntry.objects.none()
    else:
        entries = catalogue_entries(form.cleaned_data if form.is_bound else {})
    entries = _public(entries).order_by("-issued_on", "-round__year", "product_name", "id")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/catalogue/product_list.html",
        {"form": form, "page": page, "today": today()},
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
