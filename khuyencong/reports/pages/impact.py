"""The impact page (docs/impact.md): did the support work, for managers and the national
agency — the effect of each kind of support on revenue and jobs, per đồng spent, by cohort
year and by province, with the charts; the same as XLSX and as a DOCX annex for the annual
report. A place outside the user's is 404, as everywhere (``access.resolve_for``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from khuyencong.reports import access, impact_charts, impact_files, impact_report
from khuyencong.reports.pages.files import AnyUnitField
from khuyencong.reports.pages.forms import unit_choices
from khuyencong.reports.units import LEGACY_PROVINCE, NATION, REGION, UnitError
from khuyencong.reports.units import PROVINCE as PROVINCE_KIND

HORIZONS = (1, 2, 3)
# The page looks one year on by default: the demo's and most provinces' records are recent.
PAGE_HORIZON = 1
KINDS = (NATION, REGION, PROVINCE_KIND)


def _places(user: Any) -> list[tuple[str, Any]]:
    """The user's places the evaluation reads: the nation, regions and 2025 provinces
    (matching is within a province, so a smaller place has too few establishments)."""
    out: list[tuple[str, Any]] = []
    for value, label in unit_choices(user):
        if isinstance(label, list):
            kept = [(v, name) for v, name in label if v.partition(":")[0] in KINDS]
            if kept:
                out.append((value, kept))
        elif value.partition(":")[0] in KINDS and not value.startswith(LEGACY_PROVINCE):
            out.append((value, label))
    return out


class ImpactForm(forms.Form):
    # Any well-written place: one outside the user's is then 404 (``access.resolve_for``).
    unit = AnyUnitField(label=gettext_lazy("Place"))
    cohort = forms.TypedChoiceField(label=gettext_lazy("Year of support"), coerce=int)
    horizon = forms.TypedChoiceField(
        label=gettext_lazy("Years after support"),
        coerce=int,
        choices=[(h, str(h)) for h in HORIZONS],
        initial=PAGE_HORIZON,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        places = _places(user)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ChoiceField)
        unit.choices = places
        first = places[0] if places else ("", "")
        self.fields["unit"].initial = first[1][0][0] if isinstance(first[1], list) else first[0]
        horizon = self.data.get("horizon") if self.is_bound else None
        try:
            horizon = int(horizon) if horizon else PAGE_HORIZON
        except ValueError:
            horizon = PAGE_HORIZON
        if horizon not in HORIZONS:
            horizon = PAGE_HORIZON
        years = impact_report.page_cohorts(horizon)
        cohort = self.fields["cohort"]
        assert isinstance(cohort, forms.ChoiceField)
        cohort.choices = [(y, str(y)) for y in years]
        self.fields["cohort"].initial = years[0]


@require_GET
@login_required
def impact_page(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    fmt = str(params.pop("format", [""])[-1])
    blank = ImpactForm(user=request.user)
    data = {
        "unit": blank.fields["unit"].initial,
        "horizon": str(PAGE_HORIZON),
        **{key: params.get(key) for key in ("unit", "cohort", "horizon") if params.get(key)},
    }
    # Opened without a year: the latest year that can be evaluated.
    latest = not data.get("cohort")
    if latest:
        data["cohort"] = str(ImpactForm(data, user=request.user).fields["cohort"].initial)
    form = ImpactForm(data, user=request.user)
    report = None
    drawn: list[dict[str, Any]] = []
    if form.is_valid():
        try:
            resolved = access.resolve_for(request.user, form.cleaned_data["unit"])
        except UnitError as error:
            form.add_error("unit", error.message)
        else:
            report = impact_report.build_overview(
                resolved,
                cohort=None if latest else form.cleaned_data["cohort"],
                horizon=form.cleaned_data["horizon"],
            )
            if fmt in ("xlsx", "docx"):
                content = (
                    impact_files.render_xlsx(report)
                    if fmt == "xlsx"
                    else impact_files.render_docx(report)
                )
                response = HttpResponse(
                    content,
                    content_type=impact_files.XLSX_CONTENT_TYPE
                    if fmt == "xlsx"
                    else impact_files.DOCX_CONTENT_TYPE,
                )
                response["Content-Disposition"] = (
                    content_disposition_header(True, impact_files.filename(report, fmt)) or ""
                )
                return response
            if latest:
                form = ImpactForm({**data, "cohort": str(report["cohort"])}, user=request.user)
            drawn = [
                {"chart": chart, "svg": impact_charts.svg(chart)}
                for chart in impact_charts.for_page(report)
            ]
    query = urlencode({key: str(form.data.get(key) or "") for key in ("unit", "cohort", "horizon")})
    return render(
        request,
        "reports/staff/impact.html",
        {"form": form, "report": report, "charts": drawn, "here": "impact", "query": query},
    )
