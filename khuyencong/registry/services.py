"""Business rules of the registry. Views, the API, imports and commands all call these.
Who may see or change which establishment is decided in ``registry/access.py`` (surveys
and awards still reach its ``establishments_for`` through this module's import of it).

Every change goes through a ``verb_noun`` function taking ``actor=`` (STYLE.md 2): it checks
scope, locks the row, saves, and lets django-simple-history record who changed what.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from khuyencong.core.errors import ConflictError, DomainError, StaleEditError
from khuyencong.core.history import set_history_actor
from khuyencong.core.locking import lock_current
from khuyencong.core.scoping import can_write_place
from khuyencong.core.text import normalise
from khuyencong.registry.access import establishment_for, establishments_for
from khuyencong.registry.models import Establishment, Product, ProductPhoto, YearlyFigure
from khuyencong.registry.validators import normalise_tax_code

# Fields a user may set on an establishment (province is derived from the commune).
EDITABLE_FIELDS = (
    "name",
    "kind",
    "tax_code",
    "registration_number",
    "representative",
    "phone",
    "email",
    "address",
    "commune",
    "legacy_address",
    "legacy_commune",
    "vsic_code",
    "sector",
    "craft_village",
    "founded_year",
    "status",
    "notes",
)


class RegistryError(DomainError):
    """A registry rule refused the change (message is translated; ``field`` may be set)."""


class EstablishmentInUse(RegistryError, ConflictError):
    """Deleting is refused while other records refer to the establishment: a conflict
    (core.errors; API: 409), and still a ``RegistryError`` for its callers."""


def search(queryset: QuerySet[Establishment], text: str) -> QuerySet[Establishment]:
    """Search ignoring diacritics and case: by name, or by the start of a tax code."""
    term = normalise(text)
    if not term:
        return queryset
    condition = Q(search_name__contains=term)
    compact = normalise_tax_code(text)
    if compact[:10].isdigit():
        condition |= Q(tax_code__startswith=compact)
    return queryset.filter(condition)


@dataclass(frozen=True)
class Duplicate:
    establishment: Establishment
    reason: str


def find_duplicates(
    *,
    name: str,
    commune_id: str | None,
    tax_code: str | None,
    exclude_pk: int | None = None,
    among: QuerySet[Establishment] | None = None,
) -> list[Duplicate]:
    """Likely duplicates: the same tax code anywhere, or the same normalised name in the same
    commune. ``among`` limits where to look (the caller's scope); by default everywhere, so
    that a province is warned about an establishment it cannot see only by the reason."""
    queryset = Establishment.objects.all() if among is None else among
    condition = Q(pk__in=[])
    if tax_code:
        condition |= Q(tax_code=normalise_tax_code(tax_code))
    key = normalise(name)
    if key and commune_id:
        condition |= Q(commune_id=commune_id, search_name=key)
    matches = queryset.filter(condition).select_related("commune")
    if exclude_pk is not None:
        matches = matches.exclude(pk=exclude_pk)
    found = []
    for other in matches[:10]:
        if tax_code and other.tax_code == normalise_tax_code(tax_code):
            reason = _("same tax code")
        else:
            reason = _("same name in the same commune")
        found.append(Duplicate(other, reason))
    return found


def apply_changes(establishment: Establishment, data: dict[str, Any]) -> None:
    for field, value in data.items():
        if field not in EDITABLE_FIELDS:
            raise ValueError(f"{field} is not an editable field")
        setattr(establishment, field, value)
    derived = derived_values(
        name=establishment.name,
        tax_code=establishment.tax_code,
        province_id=establishment.commune.province_id,
    )
    for attname, value in derived.items():
        setattr(establishment, attname, value)


def derived_values(*, name: str, tax_code: str | None, province_id: str) -> dict[str, Any]:
    """The columns an establishment's own fields decide (``apply_changes``; the import, which
    writes column values without a model instance): the tax code as stored (``None`` when
    empty), the province of its commune, the name as searched."""
    return {
        "tax_code": normalise_tax_code(tax_code) if tax_code else None,
        "province_id": province_id,
        "search_name": normalise(name),
    }


def _check_place(actor: Any, establishment: Establishment) -> None:
    if not can_write_place(
        actor, province_id=establishment.commune.province_id, commune_id=establishment.commune_id
    ):
        raise RegistryError(
            _("You may not register establishments in this commune."), field="commune"
        )


def describe_duplicates(actor: Any, duplicates: list[Duplicate]) -> str:
    """A message naming the duplicates the actor may see, and only counting the others."""
    visible = set(
        establishments_for(actor)
        .filter(pk__in=[d.establishment.pk for d in duplicates])
        .values_list("pk", flat=True)
    )
    parts = [
        _("“%(name)s” (no. %(id)s, %(reason)s)")
        % {"name": d.establishment.name, "id": d.establishment.pk, "reason": d.reason}
        if d.establishment.pk in visible
        else _("an establishment in another area (%(reason)s)") % {"reason": d.reason}
        for d in duplicates
    ]
    return _("Likely already registered: %(list)s. Confirm to register it anyway.") % {
        "list": "; ".join(parts)
    }


@transaction.atomic
def create_establishment(
    *, actor: Any, data: dict[str, Any], allow_duplicate: bool = False
) -> Establishment:
    """Register an establishment in a commune the actor may write to.

    A likely duplicate (same tax code, or same name in the same commune) is refused unless
    the caller confirms with ``allow_duplicate=True``: nothing is merged silently.
    """
    establishment = Establishment(created_by=actor if actor.is_authenticated else None)
    apply_changes(establishment, data)
    _check_place(actor, establishment)
    if not allow_duplicate:
        duplicates = find_duplicates(
            name=establishment.name,
            commune_id=establishment.commune_id,
            tax_code=establishment.tax_code,
        )
        if duplicates:
            raise RegistryError(describe_duplicates(actor, duplicates), field="name")
    set_history_actor(establishment, actor)
    establishment.save()
    return establishment


@transaction.atomic
def update_establishment(
    *,
    actor: Any,
    establishment: Establishment,
    data: dict[str, Any],
    expected_version: int | None,
) -> Establishment:
    """Save an edit. Refused with ``StaleEditError`` when someone saved in between, and with
    ``RegistryError`` when the actor may not move it to the new commune."""
    current = lock_current(
        establishments_for(actor, write=True), establishment.pk, expected_version
    )
    apply_changes(current, data)
    _check_place(actor, current)
    current.version += 1
    set_history_actor(current, actor)
    current.save()
    return current


@transaction.atomic
def delete_establishment(*, actor: Any, establishment: Establishment) -> None:
    """Remove an establishment; its history stays. Refused once later records refer to it
    (projects, awards...), which protect it at the database level."""
    from django.db.models import ProtectedError

    from khuyencong.core.errors import in_use_message

    current = lock_current(establishments_for(actor, write=True), establishment.pk, None)
    set_history_actor(current, actor)
    try:
        current.delete()
    except ProtectedError as exc:
        raise EstablishmentInUse(
            f"{in_use_message(exc)} {_('Or set its status to ceased.')}"
        ) from exc


def dashboard_counts(user: Any) -> dict[str, Any]:
    queryset = establishments_for(user)
    totals = queryset.aggregate(
        establishments=Count("id"),
        active=Count("id", filter=Q(status=Establishment.Status.ACTIVE)),
        provinces=Count("province", distinct=True),
    )
    totals["by_sector"] = list(
        queryset.values("sector__code", "sector__name")
        .annotate(n=Count("id"))
        .order_by("sector__code")
    )
    return totals


def _writable(actor: Any, establishment: Establishment) -> Establishment:
    """The establishment if the actor may change it (locked for the transaction), else 404."""
    return establishment_for(
        actor, establishment.pk, write=True, queryset=Establishment.objects.select_for_update()
    )


@transaction.atomic
def add_product(
    *, actor: Any, establishment: Establishment, name: str, description: str = "", photo: Any = None
) -> Product:
    establishment = _writable(actor, establishment)
    product = Product(establishment=establishment, name=name, description=description)
    set_history_actor(product, actor)
    product.save()
    if photo is not None:
        ProductPhoto.objects.create(product=product, image=photo)
    return product


@transaction.atomic
def delete_product(*, actor: Any, product: Product) -> None:
    _writable(actor, product.establishment)
    set_history_actor(product, actor)
    for photo in product.photos.all():
        photo.image.delete(save=False)
    product.delete()


FIGURE_FIELDS = ("workers", "revenue", "output_value", "capital")
# The largest amount a figure may hold (a PostgreSQL bigint), and a believable head count.
MAX_AMOUNT = 9_223_372_036_854_775_807
MAX_WORKERS = 2_147_483_647


def clean_figure_data(data: dict[str, Any], *, require_year: bool = True) -> dict[str, Any]:
    """Check one year's figures as every channel sends them (form, API, import, survey,
    quarterly report, inspection): a year between 1990 and this year, whole numbers of zero
    or more, at least one figure. Raises ``RegistryError`` naming the field."""
    from django.utils import timezone

    cleaned: dict[str, Any] = {}
    year = data.get("year")
    if year is None:
        if require_year:
            raise RegistryError(_("Enter the year of the figures."), field="year")
    else:
        this_year = timezone.localdate().year
        if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= this_year:
            raise RegistryError(
                _("Enter a year between %(first)s and %(last)s.")
                % {"first": 1990, "last": this_year},
                field="year",
            )
        cleaned["year"] = year
    for name in FIGURE_FIELDS:
        value = data.get(name)
        if value is None:
            cleaned[name] = None
            continue
        limit = MAX_WORKERS if name == "workers" else MAX_AMOUNT
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
            raise RegistryError(_("Enter a whole number of zero or more."), field=name)
        cleaned[name] = value
    if all(cleaned[name] is None for name in FIGURE_FIELDS):
        raise RegistryError(_("Enter at least one figure."), field="workers")
    return cleaned


@transaction.atomic
def record_yearly_figure(
    *,
    actor: Any,
    establishment: Establishment,
    data: dict[str, Any],
    source: str = YearlyFigure.Source.DECLARED,
    expected_version: int | None = None,
    replace: bool = True,
) -> tuple[YearlyFigure, bool]:
    """Record the figures of one year, whatever the channel; ``source`` says which.

    A year already recorded is updated in place, its earlier values kept in the history:
    ``replace=True`` (a full declaration: the form, an API POST) sets every figure, empty
    ones included; ``replace=False`` (an inspection, a survey) only the figures given.
    ``expected_version`` refuses a stale edit. Returns the figure and whether it is new."""
    if source not in YearlyFigure.Source.values:
        raise RegistryError(_("Unknown source of figures."), field="source")
    cleaned = clean_figure_data(data)
    establishment = _writable(actor, establishment)
    figure = (
        YearlyFigure.objects.select_for_update()
        .filter(establishment=establishment, year=cleaned["year"])
        .first()
    )
    created = figure is None
    if figure is None:
        if expected_version is not None and expected_version != 1:
            raise StaleEditError()
        figure = YearlyFigure(establishment=establishment, year=cleaned["year"])
    else:
        if expected_version is not None and figure.version != expected_version:
            raise StaleEditError()
        figure.version += 1
    for name in FIGURE_FIELDS:
        if replace or cleaned[name] is not None:
            setattr(figure, name, cleaned[name])
    figure.source = source
    set_history_actor(figure, actor)
    figure.save()
    return figure, created


@transaction.atomic
def save_yearly_figure(
    *, actor: Any, establishment: Establishment, figure: YearlyFigure | None, data: dict[str, Any]
) -> YearlyFigure:
    """The staff form: record (``figure=None``) or correct one year's figures, declared by
    the establishment. A second record for a year that already has one is refused rather
    than overwriting it."""
    establishment = _writable(actor, establishment)
    if (figure is None or figure.year != data["year"]) and establishment.yearly_figures.filter(
        year=data["year"]
    ).exists():
        raise RegistryError(
            _("Figures for %(year)s are already recorded: edit that row instead.")
            % {"year": data["year"]},
            field="year",
        )
    if figure is None:
        figure = YearlyFigure(establishment=establishment)
    else:
        figure.version += 1
    for name in ("year", *FIGURE_FIELDS):
        setattr(figure, name, data.get(name))
    figure.source = YearlyFigure.Source.DECLARED
    set_history_actor(figure, actor)
    figure.save()
    return figure


def figure_history(figure: YearlyFigure, limit: int = 50) -> list[dict[str, Any]]:
    """Every recorded state of one year's figures, newest first: when, who, from where."""
    rows = figure.history.order_by("-history_date", "-history_id").values(
        "history_date",
        "history_type",
        "history_user__username",
        "version",
        "source",
        *FIGURE_FIELDS,
    )[:limit]
    return [
        {
            "date": row["history_date"],
            "change": {"+": "created", "~": "changed", "-": "deleted"}.get(row["history_type"]),
            "user": row["history_user__username"],
            "version": row["version"],
            "source": row["source"],
            **{name: row[name] for name in FIGURE_FIELDS},
        }
        for row in rows
    ]


@transaction.atomic
def delete_yearly_figure(*, actor: Any, figure: YearlyFigure) -> None:
    _writable(actor, figure.establishment)
    set_history_actor(figure, actor)
    figure.delete()
