"""Staff pages of reports: the period summary of a place, its data-quality issues, and the
aggregate values (list, entry, change, removal, import). Every place goes through
``access.resolve_for`` and every value through ``access.aggregates_for``: out of scope is
404."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from khuyencong.core import dataversions
from khuyencong.core.errors import DomainError
from khuyencong.core.exporting import XLSX_CONTENT_TYPE
from khuyencong.core.importing import FileRejected, ImportRejected
from khuyencong.core.pages import list_page
from khuyencong.reports import access, cache, charts, overview, quality, services, summary
from khuyencong.reports.filters import AggregateFilter
from khuyencong.reports.importing import COLUMNS, AggregateImporter, build_template
from khuyencong.reports.models import AggregateValue
from khuyencong.reports.pages.forms import (
    AggregateEditForm,
    AggregateForm,
    ImportForm,
    SummaryForm,
    UnitForm,
)
from khuyencong.reports.periods import Period
from khuyencong.reports.units import ResolvedUnit, UnitError

PAGE_SIZE = 50


def _form_errors(request: HttpRequest, error: DomainError, form: Any) -> None:
    if error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        form.add_error(None, error.message)


def _figures_and_charts(
    resolved: ResolvedUnit, period: Period
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The summary of a place and period and its charts drawn: the same for everyone who may
    see the place, kept whole under the data versions (``reports.cache.summary``)."""
    report = summary.build(resolved, period)
    drawn = [
        {"chart": chart, "svg": charts.svg(chart)}
        for chart in charts.for_summary(resolved, period, report)
    ]
    return report, drawn


@require_GET
@login_required
def summary_page(request: HttpRequest) -> HttpResponse:
    """The summary table of a place and period (value, source, plan %, change %), its
    paragraph and its charts (``reports.charts``: inline SVG, with their figures)."""
    form = SummaryForm(request.GET or None, user=request.user)
    report = None
    drawn: list[dict[str, Any]] = []
    lines = None
    if form.is_bound and form.is_valid():
        try:
            resolved = access.resolve_for(request.user, form.cleaned_data["unit_text"])
        except UnitError as error:
            form.add_error("commune" if "commune" in form.fields else "unit", error.message)
        else:
            period = form.cleaned_data["period"]
            # One read of the data versions for every cached figure of the page.
            with dataversions.pinned():
                report, drawn = cache.summary(
                    resolved, period, lambda: _figures_and_charts(resolved, period), name="page"
                )
                if overview.is_overview(resolved):
                    lines = overview.province_lines(resolved, period)
    context: dict[str, Any] = {"form": form, "report": report, "charts": drawn, "here": "summary"}
    if lines is not None and report is not None:
        rows = {row["code"]: row for row in report["indicators"]}
        context.update(
            {
                "lines": lines,
                "counts": overview.counts(lines),
                "headline": [rows[code] for code in overview.HEADLINE if code in rows],
                "disbursed": rows.get(overview.DISBURSED),
                "trend": next((d for d in drawn if d["chart"].key == "trend"), None),
                "other_charts": [d for d in drawn if d["chart"].key != "trend"],
                "due": overview.due_of(form.cleaned_data["period"]),
            }
        )
    return render(request, "reports/staff/summary.html", context)


@require_GET
@login_required
def quality_page(request: HttpRequest) -> HttpResponse:
    form = UnitForm(request.GET or None, user=request.user)
    issues = None
    resolved = None
    if form.is_bound and form.is_valid():
        try:
            resolved = access.resolve_for(request.user, form.unit_text())
        except UnitError as error:
            form.add_error("commune" if "commune" in form.fields else "unit", error.message)
        else:
            issues = quality.issues(request.user, resolved)
    return render(
        request,
        "reports/staff/quality.html",
        {"form": form, "issues": issues, "resolved": resolved, "here": "quality"},
    )


@require_GET
@login_required
def aggregate_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        access.aggregates_for(request.user).select_related(
            "indicator", "province", "legacy_province", "commune"
        ),
        AggregateFilter,
        "reports/staff/aggregate_list.html",
        order=("province_id", "indicator__order", "unit_kind", "unit_code", "start", "end", "id"),
        page_size=PAGE_SIZE,
        extra=lambda filterset, _page: {"form": filterset.form},
        context={"may_enter": access.may_enter(request.user), "here": "aggregates"},
    )


def _require_enter(request: HttpRequest) -> None:
    if not access.may_enter(request.user):
        raise PermissionDenied(_("Your role may not enter aggregate values."))


@require_http_methods(["GET", "POST"])
@login_required
def aggregate_create(request: HttpRequest) -> HttpResponse:
    _require_enter(request)
    form = AggregateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved, _counts = services.enter_aggregates(actor=request.user, items=[form.item()])
        except services.BatchRejected as rejected:
            for name, texts in rejected.errors[0].items():
                field = {"unit": "unit_code"}.get(name, name)
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
        except DomainError as error:
            _form_errors(request, error, form)
        else:
            messages.success(request, _("The value was entered."))
            return redirect("reports:aggregate-detail", pk=saved[0].pk)
    return render(
        request, "reports/staff/aggregate_form.html", {"form": form, "here": "aggregates"}
    )


def _get(request: HttpRequest, pk: int, *, write: bool = False) -> AggregateValue:
    """The value the user may see (or change), else 404."""
    return access.AGGREGATES.get(
        request.user,
        write=write,
        queryset=AggregateValue.objects.select_related("indicator", "province", "entered_by"),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
@login_required
def aggregate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A value with its history; its change form for those who may write it."""
    value = _get(request, pk)
    writable = access.may_change_aggregate(request.user, value)
    initial = {
        "value": value.amount,
        "is_declared_total": value.is_declared_total,
        "source_note": value.source_note,
        "version": value.version,
    }
    form = AggregateEditForm(request.POST or None, initial=initial) if writable else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if "delete" in request.POST:
            try:
                services.delete_aggregate(
                    actor=request.user,
                    aggregate=value,
                    expected_version=int(request.POST.get("version") or 0) or None,
                )
            except DomainError as error:
                messages.error(request, error.message)
                return redirect("reports:aggregate-detail", pk=pk)
            messages.success(request, _("The value was removed."))
            return redirect("reports:aggregate-list")
        if form.is_valid():
            data = dict(form.cleaned_data)
            expected = data.pop("version")
            try:
                services.update_aggregate(
                    actor=request.user, aggregate=value, data=data, expected_version=expected
                )
            except DomainError as error:
                _form_errors(request, error, form)
            else:
                messages.success(request, _("The value was saved."))
                return redirect("reports:aggregate-detail", pk=pk)
    history = value.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "reports/staff/aggregate_detail.html",
        {"value": value, "form": form, "history": history, "here": "aggregates"},
    )


@require_http_methods(["GET", "POST"])
@login_required
def aggregate_import(request: HttpRequest) -> HttpResponse:
    """Import a spreadsheet all or nothing; errors by row and column on the page."""
    _require_enter(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = PurePath(upload.name).name
        importer = AggregateImporter(actor=request.user, replace=form.cleaned_data["replace"])
        try:
            table = importer.read(
                upload.checked_content, filename=name, field=str(form.fields["file"].label)
            )
            result = importer.run(table)
        except FileRejected as rejected:
            form.add_error("file", rejected.message)
        except ImportRejected as rejected:
            form.add_error("file", rejected.message)
            errors = rejected.errors_as_dicts()
        else:
            messages.success(
                request,
                _("Imported from %(file)s: %(created)s values entered, %(updated)s replaced.")
                % {"file": name, **result},
            )
            return redirect("reports:aggregate-list")
    return render(
        request,
        "reports/staff/aggregate_import.html",
        {"form": form, "errors": errors, "columns": COLUMNS, "here": "aggregates"},
    )


@require_GET
@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    _require_enter(request)
    response = HttpResponse(build_template(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        content_disposition_header(True, "mau-so-lieu-tong-hop.xlsx") or ""
    )
    return response
