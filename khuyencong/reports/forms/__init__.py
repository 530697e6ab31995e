"""The four official periodic report forms (shared/API.md, "Official report forms";
docs/reports.md, "The official forms"), built for any unit and period into the plain
``OfficialForm`` (``forms.base``) that the page, the API and the files only read.

``FORMS`` maps each code to its title; ``build_form(code, resolved, period)`` builds one;
an unknown code is a ``FormError`` naming the ``form`` parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from khuyencong.core import dataversions
from khuyencong.core.errors import DomainError
from khuyencong.reports.forms.base import OfficialForm
from khuyencong.reports.periods import MAX_YEAR, MIN_YEAR, Period, PeriodError
from khuyencong.reports.units import ResolvedUnit

FORMS: dict[str, str] = {
    "results": "Kết quả công tác khuyến công",
    "funding": "Kinh phí khuyến công",
    "awards": "Kết quả bình chọn sản phẩm công nghiệp nông thôn tiêu biểu",
    "projects": "Danh mục đề án khuyến công",
}


class FormError(DomainError):
    """An unknown form (API: 400 naming ``form``)."""


def _builder(code: str) -> Callable[[ResolvedUnit, Period], OfficialForm]:
    from khuyencong.reports.forms import awards, funding, projects, results

    builders: dict[str, Callable[[ResolvedUnit, Period], OfficialForm]] = {
        "results": results.build,
        "funding": funding.build,
        "awards": awards.build,
        "projects": projects.build,
    }
    if code not in builders:
        raise FormError(
            _("No such form: choose %(forms)s.") % {"forms": ", ".join(FORMS)}, field="form"
        )
    return builders[code]


def build_form(code: str, resolved: ResolvedUnit, period: Period) -> OfficialForm:
    """The form ``code`` for the unit and the period, computed now (the data versions of the
    cached figures read once)."""
    with dataversions.pinned():
        return _builder(code)(resolved, period)


def _whole(params: Mapping[str, Any], name: str) -> int | None:
    text = str(params.get(name) or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise PeriodError(_("Enter a whole number."), field=name)
    return int(text)


def period_from(params: Mapping[str, Any]) -> Period:
    """The period of a form from query parameters: ``year`` (with ``months`` 1–12 for the
    first months of it, e.g. 6 or 9, or ``quarter`` 1–4), else ``start`` and ``end`` (ISO
    dates). Errors name the parameter at fault."""
    year = _whole(params, "year")
    if year is None:
        if not params.get("start") and not params.get("end"):
            raise PeriodError(_("Give a year, or a start and an end date."), field="year")
        return Period.parse(params.get("start"), params.get("end"))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(
            _("Enter a year from %(min)s to %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            field="year",
        )
    quarter = _whole(params, "quarter")
    months = _whole(params, "months")
    if quarter is not None:
        return Period.quarter(year, quarter)
    if months is not None:
        return Period.first_months(year, months)
    return Period.year(year)
