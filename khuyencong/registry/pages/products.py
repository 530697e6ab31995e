"""A product of an establishment: added with its photo, removed, its photo served."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from khuyencong.core.files import serve_file
from khuyencong.registry import services
from khuyencong.registry.access import photo_for, product_for
from khuyencong.registry.forms import ProductForm
from khuyencong.registry.pages.establishments import confirm_removal, get_establishment


@require_http_methods(["POST"])
@login_required
def product_add(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = get_establishment(request, pk, write=True)
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
    establishment = get_establishment(request, pk, write=True)
    product = product_for(request.user, establishment, product_pk, write=True)
    return confirm_removal(
        request,
        establishment,
        remove=lambda: services.delete_product(actor=request.user, product=product),
        removed=_("The product was removed."),
        title=_("Remove the product %(name)s?") % {"name": product.name},
        text=_("The product and its photos are removed; the history keeps a record."),
    )


@require_GET
@login_required
def product_photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A product's photo, to those who may see its establishment (404 for anyone else)."""
    photo = photo_for(request.user, pk)
    return serve_file(request, photo.image)
