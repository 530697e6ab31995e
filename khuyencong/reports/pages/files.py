"""The period summary as a file (XLSX, DOCX or PDF) from the staff pages.

The same parameters as the summary page (place, or a commune code, and a period) plus
``format``. A province's, old province's or commune's file is made within the request; a
national or regional file, which reads every province, is made by a background job
(``reports.summary_file``) whose page shows the progress and then offers the download.
A place outside the user's is 404; a wrong parameter is shown on the summary form.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from khuyencong.reports import access
from khuyencong.reports.exporting import build_file, file_response
from khuyencong.reports.exporting.jobs import start_summary_file
from khuyencong.reports.pages.forms import SummaryForm
from khuyencong.reports.units import NATION, REGION, Unit, UnitError

# Places whose file is made in the background: they read every province of the country or
# of a region.
BACKGROUND_KINDS = (NATION, REGION)


class AnyUnitField(forms.ChoiceField):
    """The place select, accepting any well-written unit: a download link names a place
    directly, and a place outside the user's is then 404 (``access.resolve_for``), as in the API,
    rather than "not one of the choices"."""

    def valid_value(self, value: Any) -> bool:
        try:
            Unit.parse(value)
        except UnitError:
            return False
        return True


class SummaryFileForm(SummaryForm):
    """The summary form with the kind of file."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = cast(forms.ChoiceField, self.fields["unit"])
        self.fields["unit"] = AnyUnitField(
            label=chosen.label, choices=chosen.choices, initial=chosen.initial
        )

    format = forms.ChoiceField(
        label=gettext_lazy("File"),
        choices=[
            ("xlsx", gettext_lazy("Excel (.xlsx)")),
            ("docx", gettext_lazy("Word (.docx)")),
            ("pdf", gettext_lazy("PDF")),
        ],
        initial="xlsx",
    )


def _summary_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("format", None)
    encoded = query.urlencode()
    url = reverse("reports:summary")
    return f"{url}?{encoded}" if encoded else url


@require_GET
@login_required
def summary_file(request: HttpRequest) -> HttpResponse:
    """Download the summary of a place and period, or start its job for a region or the
    nation; a wrong parameter shows the summary form with the message."""
    form = SummaryFileForm(request.GET, user=request.user)
    if form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        try:
            resolved = access.resolve_for(request.user, data["unit_text"])
        except UnitError as error:
            field = "commune" if (data.get("commune") or "").strip() else "unit"
            form.add_error(field, error.message)
        else:
            if resolved.unit.kind in BACKGROUND_KINDS:
                job = start_summary_file(
                    actor=request.user,
                    resolved=resolved,
                    period=data["period"],
                    fmt=data["format"],
                    back_url=_summary_query(request),
                )
                return redirect("core:job-detail", job.pk)
            return file_response(build_file(resolved, data["period"], data["format"]))
    return render(
        request, "reports/staff/summary.html", {"form": form, "report": None, "here": "summary"}
    )
