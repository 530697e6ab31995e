"""Staff pages of the establishment registry. Every object is fetched through the registry's
access rules (``registry/access.py``), so out-of-scope answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from khuyencong.core.errors import ConflictError, DomainError, StaleEditError
from khuyencong.core.files import serve_file
from khuyencong.core.roles import Role
from khuyencong.core.scoping import can_write, is_admin
from khuyencong.places.models import Commune, Province
from khuyencong.registry import eligibility, services
from khuyencong.registry.access import (
    establishment_for,
    establishments_for,
    fetch_establishment,
    figure_for,
    photo_for,
    product_for,
)
from khuyencong.registry.filters import EstablishmentFilter
from khuyencong.registry.forms import EstablishmentForm, ProductForm, YearlyFigureForm
from khuyencong.registry.history import history_entries
from khuyencong.registry.models import Establishment, ProductPhoto

PAGE_SIZE = 25


def _list_queryset(user: Any):
    return establishments_for(user).select_related("commune", "province", "sector")


@require_GET
@login_required
def establishment_list(request: HttpRequest) -> HttpResponse:
    filterset = EstablishmentFilter(request.GET or None, queryset=_list_queryset(request.user))
    _limit_filter_choices(filterset, request.user)
    if filterset.is_bound and not filterset.is_valid():
        queryset = Establishment.objects.none()
    else:
        queryset = filterset.qs.order_by("search_name", "id")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/establishment_list.html",
        {
            "filter": filterset,
            "page": page,
            "can_create": can_write(request.user),
            "export_query": request.GET.urlencode(),
        },
    )


def _limit_filter_choices(filterset: EstablishmentFilter, user: Any) -> None:
    """Offer only the places the user can see; a national user picks a province first."""
    fields = filterset.form.fields
    if is_admin(user) or user.province_id is None:
        province = filterset.data.get("province") if filterset.data else None
        fields["commune"].queryset = Commune.objects.filter(province_id=province or "-")
    else:
        fields["province"].queryset = Province.objects.filter(code=user.province_id)
        communes = Commune.objects.filter(province_id=user.province_id)
        if user.role == Role.COLLABORATOR:
            communes = user.communes.all()
        fields["commune"].queryset = communes
    # The province is implied by the list: a bare name per option, and no query per option.
    fields["commune"].label_from_instance = lambda commune: commune.name


def _detail_queryset() -> QuerySet[Establishment]:
    return Establishment.objects.select_related(
        "commune__province", "sector", "craft_village", "legacy_commune"
    )


def _get(request: HttpRequest, pk: int, *, write: bool = False) -> Establishment:
    return establishment_for(request.user, pk, write=write, queryset=_detail_queryset())


@require_GET
@login_required
def establishment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    establishment, writable = fetch_establishment(request.user, pk, queryset=_detail_queryset())
    products = establishment.products.prefetch_related(
        Prefetch("photos", queryset=ProductPhoto.objects.order_by("id"))
    )
    return render(
        request,
        "registry/establishment_detail.html",
        {
            "establishment": establishment,
            "eligibility": eligibility.evaluate(establishment),
            "products": products,
            "figures": establishment.yearly_figures.all(),
            "history": history_entries(establishment),
            "can_edit": writable,
            "product_form": ProductForm() if writable else None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def establishment_create(request: HttpRequest) -> HttpResponse:
    if not can_write(request.user):
        raise Http404
    form = EstablishmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            # The form has shown any likely duplicate and the user confirmed.
            establishment = services.create_establishment(
                actor=request.user, data=form.service_data(), allow_duplicate=True
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The establishment was registered."))
            return redirect("registry:establishment-detail", pk=establishment.pk)
    return render(
        request,
        "registry/establishment_form.html",
        {"form": form, "establishment": None},
    )


@require_http_methods(["GET", "POST"])
@login_required
def establishment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = _get(request, pk, write=True)
    form = EstablishmentForm(request.POST or None, instance=establishment, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_establishment(
                actor=request.user,
                establishment=establishment,
                data=form.service_data(),
                expected_version=form.cleaned_data.get("version"),
            )
        except StaleEditError as error:
            messages.error(request, error.message)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("registry:establishment-detail", pk=pk)
    return render(
        request,
        "registry/establishment_form.html",
        {"form": form, "establishment": establishment},
    )


@require_http_methods(["GET", "POST"])
@login_required
def establishment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = _get(request, pk, write=True)
    if request.method == "POST":
        try:
            services.delete_establishment(actor=request.user, establishment=establishment)
        except ConflictError as error:
            # Still used by other records: 409, the page naming them (nothing deleted).
            error_message, status = error.message, error.http_status
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("registry:establishment-detail", pk=pk)
        else:
            messages.success(request, _("%(name)s was deleted.") % {"name": establishment.name})
            return redirect("registry:establishment-list")
    else:
        error_message, status = None, 200
    return render(
        request,
        "registry/confirm.html",
        {
            "title": _("Delete %(name)s?") % {"name": establishment.name},
            "text": _("The establishment leaves the registry; its history is kept."),
            "button": _("Delete"),
            "back": establishment,
            "error": error_message,
        },
        status=status,
    )


@require_http_methods(["POST"])
@login_required
def product_add(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = _get(request, pk, write=True)
    form = ProductForm(request.POST, request.FILES)
    if form.is_valid():
        services.add_product(
            actor=request.user,
            establishment=establishment,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            photo=form.cleaned_data["photo"],
        )
        messages.success(request, _("The product was added."))
        return redirect("registry:establishment-detail", pk=pk)
    return render(
        request,
        "registry/product_form.html",
        {"form": form, "establishment": establishment},
    )


@require_http_methods(["GET", "POST"])
@login_required
def product_delete(request: HttpRequest, pk: int, product_pk: int) -> HttpResponse:
    establishment = _get(request, pk, write=True)
    product = product_for(request.user, establishment, product_pk, write=True)
    if request.method == "POST":
        services.delete_product(actor=request.user, product=product)
        messages.success(request, _("The product was removed."))
        return redirect("registry:establishment-detail", pk=pk)
    return render(
        request,
        "registry/confirm.html",
        {
            "title": _("Remove the product %(name)s?") % {"name": product.name},
            "text": _("The product and its photos are removed; the history keeps a record."),
            "button": _("Remove"),
            "back": establishment,
        },
    )


@require_GET
@login_required
def product_photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A product's photo, to those who may see its establishment (404 for anyone else)."""
    photo = photo_for(request.user, pk)
    return serve_file(request, photo.image)


@require_http_methods(["GET", "POST"])
@login_required
def figure_edit(request: HttpRequest, pk: int, figure_pk: int | None = None) -> HttpResponse:
    establishment = _get(request, pk, write=True)
    figure = figure_for(request.user, establishment, figure_pk, write=True) if figure_pk else None
    form = YearlyFigureForm(request.POST or None, instance=figure)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_yearly_figure(
                actor=request.user,
                establishment=establishment,
                figure=figure,
                data=form.cleaned_data,
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The figures were saved."))
            return redirect("registry:establishment-detail", pk=pk)
    return render(
        request,
        "registry/figure_form.html",
        {"form": form, "establishment": establishment, "figure": figure},
    )


@require_http_methods(["GET", "POST"])
@login_required
def figure_delete(request: HttpRequest, pk: int, figure_pk: int) -> HttpResponse:
    establishment = _get(request, pk, write=True)
    figure = figure_for(request.user, establishment, figure_pk, write=True)
    if request.method == "POST":
        services.delete_yearly_figure(actor=request.user, figure=figure)
        messages.success(request, _("The figures were removed."))
        return redirect("registry:establishment-detail", pk=pk)
    return render(
        request,
        "registry/confirm.html",
        {
            "title": _("Remove the figures of %(year)s?") % {"year": figure.year},
            "text": _("The history keeps a record of the removed figures."),
            "button": _("Remove"),
            "back": establishment,
        },
    )
