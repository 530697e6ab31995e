"""Who sees and changes which establishments, and what hangs off them (DESIGN.md, Scoping):
every page, API endpoint, export, import and job of the registry fetches through here
(core/access.py). An establishment carries its province and commune; its products, their
photos and its yearly figures reach them through the establishment; the communes an
establishment may be registered in are scoped like the establishments themselves."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from khuyencong.core.access import Rule
from khuyencong.core.roles import Role
from khuyencong.core.scoping import is_admin
from khuyencong.places.models import Commune
from khuyencong.registry.models import Establishment, Product, ProductPhoto, YearlyFigure

ESTABLISHMENTS: Rule[Establishment] = Rule(Establishment)
PRODUCTS: Rule[Product] = Rule(
    Product, province_field="establishment__province", commune_field="establishment__commune"
)
PHOTOS: Rule[ProductPhoto] = Rule(
    ProductPhoto,
    province_field="product__establishment__province",
    commune_field="product__establishment__commune",
)
FIGURES: Rule[YearlyFigure] = Rule(
    YearlyFigure,
    province_field="establishment__province",
    commune_field="establishment__commune",
)

# A commune is its own commune: a collaborator registers in theirs, an officer in any of
# their province's.
COMMUNES: Rule[Commune] = Rule(Commune, commune_field="pk")


def establishments_for(user: Any, *, write: bool = False) -> QuerySet[Establishment]:
    """The establishments the user may see (or change). The one entry point for lists."""
    return ESTABLISHMENTS.visible(user, write=write)


def establishment_for(
    user: Any, pk: Any, *, write: bool = False, queryset: QuerySet[Establishment] | None = None
) -> Establishment:
    """One establishment the user may see (or change), else 404 like a missing id."""
    return ESTABLISHMENTS.get(user, write=write, queryset=queryset, pk=pk)


def fetch_establishment(
    user: Any, pk: Any, *, queryset: QuerySet[Establishment] | None = None
) -> tuple[Establishment, bool]:
    """One establishment the user may see (else 404) and whether they may change it."""
    return ESTABLISHMENTS.fetch(user, queryset=queryset, pk=pk)


def product_for(
    user: Any, establishment: Establishment, pk: Any, *, write: bool = False
) -> Product:
    """A product of this establishment that the user may see (or change), else 404."""
    return PRODUCTS.get(
        user,
        write=write,
        queryset=Product.objects.select_related("establishment"),
        establishment=establishment,
        pk=pk,
    )


def figure_for(
    user: Any, establishment: Establishment, pk: Any, *, write: bool = False
) -> YearlyFigure:
    """One year's figures of this establishment that the user may see (or change), else 404."""
    return FIGURES.get(
        user,
        write=write,
        queryset=YearlyFigure.objects.select_related("establishment"),
        establishment=establishment,
        pk=pk,
    )


def photo_for(user: Any, pk: Any) -> ProductPhoto:
    """A product photo whose establishment the user may see, else 404 (only its file)."""
    return PHOTOS.get(user, queryset=ProductPhoto.objects.only("image"), pk=pk)


def figures_for(user: Any) -> QuerySet[YearlyFigure]:
    """The yearly figures of the establishments the user may see."""
    return FIGURES.visible(user)


def communes_for(user: Any, *, write: bool = False) -> QuerySet[Commune]:
    """The communes whose establishments the user may see (or, with ``write=True``, where
    they may register or import establishments)."""
    return COMMUNES.visible(user, write=write)


def area_communes(user: Any) -> QuerySet[Commune]:
    """The communes of the user's own area, which the establishment form offers: every commune
    for an administrator, a collaborator's own communes, and for anyone else the communes of
    the province they are bound to: an officer's, and an auditor's too, who sees them though
    ``communes_for(write=True)`` gives them none (their role never saves the form). None for
    someone bound to no province (a national officer). One query when listed."""
    if is_admin(user) or user.role == Role.COLLABORATOR:
        return COMMUNES.visible(user)
    if user.province_id:
        return COMMUNES.base().filter(province_id=user.province_id)
    return COMMUNES.base().none()
