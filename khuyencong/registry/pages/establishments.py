"""The establishment pages: list, detail, register, edit, delete. Every establishment is
fetched through the registry's access rules (``registry/access.py``), so out-of-scope
answers 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from khuyencong.accounts.requests import user_of
from khuyencong.core.errors import DomainError
from khuyencong.core.pages import confirm_delete, edit_page, field_error, list_page
from khuyencong.core.roles import Role
from khuyencong.core.scoping import can_write, is_admin
from khuyencong.places.models import Commune, Province
from khuyencong.registry import eligibility, services
from khuyencong.registry.access import (
    establishment_for,
    establishments_for,
    fetch_establishment,
)
from khuyencong.registry.filters import EstablishmentFilter
from khuyencong.registry.forms import EstablishmentForm, ProductForm
from khuyencong.registry.history import history_entries
from khuyencong.registry.models import Establishment, ProductPhoto


@require_GET
@login_required
def establishment_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    return list_page(
        request,
        establishments_for(user).select_related("commune", "province", "sector"),
        EstablishmentFilter,
        "registry/establishment_list.html",
        order=("search_name", "id"),
        prepare=lambda filterset: _limit_filter_choices(filterset, user),
        context={"can_create": can_write(user), "export_query": request.GET.urlencode()},
        # 300,000 rows: a national search counts and finds its page in 20-30 ms each; both
        # kept until an establishment is written (core.dataversions).
        cache_pages=True,
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


def get_establishment(request: HttpRequest, pk: int, *, write: bool = False) -> Establishment:
    """The establishment of a page, with what its pages show, else 404."""
    return establishment_for(request.user, pk, write=write, queryset=_detail_queryset())


def confirm_removal(
    request: HttpRequest,
    establishment: Establishment,
    *,
    remove: Callable[[], object],
    removed: str,
    title: str,
    text: str,
) -> HttpResponse:
    """The confirm page of removing a part of an establishment (a year's figures, a product):
    back to the establishment whether it was removed or not."""
    url = reverse("registry:establishment-detail", args=[establishment.pk])
    return confirm_delete(
        request,
        delete=remove,
        deleted=removed,
        done=url,
        back=url,
        template="registry/confirm.html",
        context={"title": title, "text": text, "button": _("Remove"), "back": establishment},
    )


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
            field_error(form, error)
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
    establishment = get_establishment(request, pk, write=True)
    form = EstablishmentForm(request.POST or None, instance=establishment, user=request.user)
    return edit_page(
        request,
        form=form,
        save=lambda version: services.update_establishment(
            actor=request.user,
            establishment=establishment,
            data=form.service_data(),
            expected_version=version,
        ),
        saved=_("The changes were saved."),
        done=lambda _saved: redirect("registry:establishment-detail", pk=pk),
        template="registry/establishment_form.html",
        context={"establishment": establishment},
    )


@require_http_methods(["GET", "POST"])
@login_required
def establishment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = get_establishment(request, pk, write=True)
    # Still used by other records: 409, the page naming them (nothing deleted).
    return confirm_delete(
        request,
        delete=lambda: services.delete_establishment(
            actor=request.user, establishment=establishment
        ),
        deleted=_("%(name)s was deleted.") % {"name": establishment.name},
        done=reverse("registry:establishment-list"),
        back=reverse("registry:establishment-detail", args=[pk]),
        template="registry/confirm.html",
        context={
            "title": _("Delete %(name)s?") % {"name": establishment.name},
            "text": _("The establishment leaves the registry; its history is kept."),
            "button": _("Delete"),
            "back": establishment,
        },
        conflict_on_page=True,
    )
