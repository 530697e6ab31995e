"""The staff page of the official report forms (``/reports/forms/``): choose a form, a place
and a period, read the table with its KCQG / KCĐP / total columns, download it as a file.
The page only reads the built ``OfficialForm`` (``reports.forms``); files come from
``reports.documents.form_file``."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from khuyencong.core.formats import format_number
from khuyencong.reports import access
from khuyencong.reports.documents import DocumentError, file_options, form_file
from khuyencong.reports.forms import FORMS, build_form
from khuyencong.reports.forms.base import FormColumn, FormRow, OfficialForm
from khuyencong.reports.pages.forms import SummaryForm
from khuyencong.reports.units import UnitError

FILE_FORMATS = ("xlsx", "docx", "pdf")
NUMBER = "document_number"  # the document's number ("number" is the period's)
MONEY_DIVISORS = {"triệu đồng": 1_000_000, "tỷ đồng": 1_000_000_000, "đồng": 1}


class OfficialFormChoice(SummaryForm):
    """Which form, for which place and period (the summary's choices of place and period)."""

    form = forms.ChoiceField(label=gettext_lazy("Form"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["form"]).choices = list(FORMS.items())
        # The form first, then the place and the period.
        self.order_fields(["form", *[name for name in self.fields if name != "form"]])


def cell(form: OfficialForm, row: FormRow, column: FormColumn) -> str:
    """A figure as the table prints it: money in the form's unit with Vietnamese digits
    (1 decimal in millions), counts whole, text as is, "–" when unknown."""
    value = row.values.get(column.key)
    if value is None or value == "":
        return "–" if column.kind != "text" else ""
    kind = row.kind or column.kind
    if kind == "text" or isinstance(value, str):
        return str(value)
    if kind == "money":
        divisor = MONEY_DIVISORS.get(form.money_unit, 1)
        amount = (Decimal(value) / divisor).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        decimals = 0 if amount == amount.to_integral_value() else 1
        return format_number(amount, decimals=decimals)
    if kind == "percent":
        return f"{format_number(value, decimals=1)}%"
    return format_number(value)


def table(form: OfficialForm) -> dict[str, Any]:
    """Header rows (the column groups, then the labels) and the body, all as text."""
    groups: list[dict[str, Any]] = []
    for column in form.columns:
        if groups and groups[-1]["label"] == column.group and column.group:
            groups[-1]["span"] += 1
        else:
            groups.append({"label": column.group, "span": 1})
    return {
        "grouped": any(column.group for column in form.columns),
        "groups": groups,
        "columns": form.columns,
        "rows": [
            {
                "row": row,
                "cells": [
                    {"column": column, "text": cell(form, row, column)} for column in form.columns
                ],
            }
            for row in form.rows
        ],
    }


@require_GET
@login_required
def official_form_page(request: HttpRequest) -> HttpResponse | Any:
    chooser = OfficialFormChoice(request.GET or None, user=request.user)
    built = None
    file_error: DocumentError | None = None
    if chooser.is_bound and chooser.is_valid():
        try:
            resolved = access.resolve_for(request.user, chooser.cleaned_data["unit_text"])
        except UnitError as error:
            chooser.add_error("commune" if "commune" in chooser.fields else "unit", error.message)
        else:
            built = build_form(
                chooser.cleaned_data["form"], resolved, chooser.cleaned_data["period"]
            )
            fmt = request.GET.get("format")
            if fmt:
                if fmt not in FILE_FORMATS:
                    raise Http404
                try:
                    number, issued_on = file_options(request.GET, number_key=NUMBER)
                    return form_file(built, fmt, number=number, issued_on=issued_on).response()
                except DocumentError as error:
                    file_error = error
    return render(
        request,
        "reports/staff/official_form.html",
        {
            "chooser": chooser,
            "built": built,
            "table": table(built) if built else None,
            "formats": FILE_FORMATS,
            "file_error": file_error,
            "number": request.GET.get(NUMBER, ""),
            "issued_on": request.GET.get("issued_on", ""),
            "kept": [
                (key, value)
                for key, values in request.GET.lists()
                if key not in {"format", NUMBER, "issued_on"}
                for value in values
            ],
            "here": "forms",
        },
    )
