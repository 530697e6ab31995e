"""The list, form and page of any activity kind (``pages.kinds.Kind``). Records are fetched
through ``access.records_for`` (scoped: out of scope is 404); every change goes through
the services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from khuyencong.accounts.requests import user_of
from khuyencong.activities import access, indicators, services
from khuyencong.activities.filters import ActivityFilter, activity_filter
from khuyencong.activities.history import history_entries
from khuyencong.activities.models import ConsultingContract
from khuyencong.activities.pages import rows
from khuyencong.activities.pages.common import nav_context
from khuyencong.activities.pages.forms import ActivityForm
from khuyencong.activities.pages.kinds import Kind
from khuyencong.core.errors import DomainError
from khuyencong.core.filters import drop_filters
from khuyencong.core.formats import format_number, format_vnd
from khuyencong.core.pages import edit_page, field_error, list_page
from khuyencong.core.querying import count_of
from khuyencong.core.scoping import is_admin
from khuyencong.places.choosing import chosen_province
from khuyencong.places.models import Province

PAGE_SIZE = 25
# Fields not shown among a record's facts (shown elsewhere or internal).
HIDDEN_FACTS = {"id", "version", "created_at", "updated_at", "search_text", "province", "notes"}


# --- display -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    label: Any
    text: str
    numeric: bool


def _resolve(record: Any, attr: str) -> Any:
    value = record
    for part in attr.split("."):
        value = getattr(value, part, None) if value is not None else None
    return value


def display(record: Any, attr: str, style: str) -> str:
    if style == "choice":
        return str(getattr(record, f"get_{attr}_display")()) or "—"
    value = _resolve(record, attr)
    if value in (None, ""):
        return "—"
    if style == "date":
        return value.strftime("%d/%m/%Y")
    if style == "money":
        return format_vnd(value)
    if style == "number":
        return format_number(value)
    if style == "percent":
        return f"{format_number(value, 1)}%"
    return str(value)


def cells(kind: Kind, record: Any) -> list[Cell]:
    return [
        Cell(c.label, display(record, c.attr, c.style), c.style in ("money", "number", "percent"))
        for c in kind.columns
    ]


def facts(record: Any) -> list[tuple[str, str]]:
    """The record's fields as (label, text), in the model's order."""
    result = []
    fields = type(record)._meta.concrete_fields
    # The kind's own fields first, then the place, the project and who recorded it.
    shared = ("commune", "project", "created_by")
    ordered = [f for f in fields if f.name not in shared] + [f for f in fields if f.name in shared]
    for field in ordered:
        if field.name in HIDDEN_FACTS:
            continue
        if field.choices:
            text = display(record, field.name, "choice")
        elif field.is_relation:
            related = getattr(record, field.name)
            text = "—" if related is None else str(getattr(related, "name", related))
            if field.name == "created_by" and related is not None:
                text = related.get_full_name() or related.get_username()
        elif isinstance(getattr(record, field.attname), datetime.date):
            text = display(record, field.name, "date")
        elif isinstance(getattr(record, field.attname), bool):
            text = _("yes") if getattr(record, field.attname) else _("no")
        elif isinstance(getattr(record, field.attname), int):
            money = "đồng" in str(field.verbose_name)
            text = display(record, field.name, "money" if money else "number")
        else:
            text = display(record, field.name, "text")
        result.append((str(field.verbose_name).capitalize(), text))
    return result


# --- views ---------------------------------------------------------------------------------


@require_GET
@login_required
def list_view(request: HttpRequest, kind: Kind) -> HttpResponse:
    user = user_of(request)
    province = chosen_province(request)
    queryset = access.records_for(user, kind.model).select_related(*kind.related)
    for annotation, related in kind.counts:
        # A correlated count: only the page's rows are counted (DESIGN.md, speed).
        # A reverse foreign key of the kind (a course's trainees).
        field: Any = kind.model._meta.get_field(related)
        queryset = queryset.annotate(
            **{annotation: count_of(field.related_model, field.remote_field.name)}
        )

    def prepare(filterset: ActivityFilter) -> None:
        if not (is_admin(user) or user.province_id is None):
            drop_filters(filterset, "province")
        filterset.offer_projects(province)

    def shown(filterset: ActivityFilter, page: Page[Any]) -> dict[str, Any]:
        revenue = None
        if kind.model is ConsultingContract:
            # Of every contract listed, not only of the page shown.
            revenue = indicators.revenue_by_year(cast("QuerySet[Any]", page.paginator.object_list))
        return {
            "form": filterset.form,
            "rows": [(record, cells(kind, record)) for record in page.object_list],
            "revenue": revenue,
        }

    return list_page(
        request,
        queryset,
        activity_filter(kind.model, kind.choice_filters),
        "activities/staff/list.html",
        order=(f"-{kind.date_field}", "-id"),
        page_size=PAGE_SIZE,
        prepare=prepare,
        extra=shown,
        context={
            "kind": kind,
            "can_create": access.may_record_somewhere(request.user)
            and (province is None or access.may_record(request.user, province.pk)),
            **nav_context(kind, province),
        },
    )


def _get(request: HttpRequest, kind: Kind, pk: int, *, write: bool = False) -> Any:
    queryset = kind.model._default_manager.select_related(*kind.related, "created_by")
    return access.rule_of(kind.model).get(request.user, write=write, queryset=queryset, pk=pk)


@require_GET
@login_required
def detail_view(request: HttpRequest, kind: Kind, pk: int) -> HttpResponse:
    record = _get(request, kind, pk)
    writable = access.may_record(request.user, record.province_id)
    context = {
        "kind": kind,
        "record": record,
        "facts": facts(record),
        "history": history_entries(record),
        "writable": writable,
        **nav_context(kind, record.province),
    }
    context.update(rows.section_context(request, kind, record, writable))
    return render(request, "activities/staff/detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def create_view(request: HttpRequest, kind: Kind) -> HttpResponse:
    user = user_of(request)
    if not access.may_record_somewhere(user):
        raise Http404
    province = chosen_province(request)
    if province is None:
        # An administrator picks the province first: the choices offered depend on it.
        return render(
            request,
            "activities/staff/form.html",
            {"kind": kind, "provinces": Province.objects.all(), **nav_context(kind, None)},
        )
    if not access.may_record(user, province.pk):
        raise Http404
    form = ActivityForm(request.POST or None, kind=kind, province=province)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.create_activity(
                actor=user, model=kind.model, data={**form.service_data(), "province": province}
            )
        except DomainError as error:
            field_error(form, error)
        else:
            messages.success(request, _("“%(name)s” was recorded.") % {"name": record})
            return redirect(f"activities:{kind.slug}-detail", pk=record.pk)
    return render(
        request,
        "activities/staff/form.html",
        {"kind": kind, "form": form, "record": None, **nav_context(kind, province)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def edit_view(request: HttpRequest, kind: Kind, pk: int) -> HttpResponse:
    record = _get(request, kind, pk, write=True)
    if not access.may_record(request.user, record.province_id):
        raise Http404
    form = ActivityForm(request.POST or None, kind=kind, province=record.province, instance=record)
    return edit_page(
        request,
        form=form,
        save=lambda version: services.update_activity(
            actor=request.user, record=record, data=form.service_data(), expected_version=version
        ),
        saved=_("The changes were saved."),
        done=lambda _saved: redirect(f"activities:{kind.slug}-detail", pk=pk),
        template="activities/staff/form.html",
        context={"kind": kind, "record": record, **nav_context(kind, record.province)},
        stale_on_form=True,
    )
