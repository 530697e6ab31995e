"""The page of the agency that issues a province's official report forms
(``/reports/agency/?province=66``; without a province: the user's own, or the national
agency for an administrator). It shows the header and signature block as the files print
them, the settings, their history, and to the province's manager or an administrator the
form that changes them (a stale edit is refused). The rules are in ``reports.agency``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from khuyencong.core.errors import DomainError
from khuyencong.core.history import history_entries
from khuyencong.places.models import Province
from khuyencong.reports import access
from khuyencong.reports import agency as rules
from khuyencong.reports.documents import MOTTO, MOTTO_LINE, date_line, number_line
from khuyencong.reports.models import IssuingAgency
from khuyencong.reports.units import UnitError


class AgencyForm(forms.Form):
    superior = forms.CharField(
        label=IssuingAgency._meta.get_field("superior").verbose_name.capitalize(),
        help_text=IssuingAgency._meta.get_field("superior").help_text,
        max_length=200,
        required=False,
    )
    name = forms.CharField(
        label=IssuingAgency._meta.get_field("name").verbose_name.capitalize(),
        help_text=IssuingAgency._meta.get_field("name").help_text,
        max_length=200,
    )
    symbol = forms.CharField(
        label=IssuingAgency._meta.get_field("symbol").verbose_name.capitalize(),
        help_text=IssuingAgency._meta.get_field("symbol").help_text,
        max_length=30,
    )
    place = forms.CharField(
        label=IssuingAgency._meta.get_field("place").verbose_name.capitalize(),
        help_text=IssuingAgency._meta.get_field("place").help_text,
        max_length=100,
    )
    signer_authority = forms.CharField(
        label=IssuingAgency._meta.get_field("signer_authority").verbose_name.capitalize(),
        help_text=IssuingAgency._meta.get_field("signer_authority").help_text,
        max_length=100,
        required=False,
    )
    signer_title = forms.CharField(
        label=IssuingAgency._meta.get_field("signer_title").verbose_name.capitalize(),
        help_text=IssuingAgency._meta.get_field("signer_title").help_text,
        max_length=100,
    )
    signer_name = forms.CharField(
        label=IssuingAgency._meta.get_field("signer_name").verbose_name.capitalize(),
        max_length=100,
        required=False,
    )
    recipients = forms.CharField(
        label=IssuingAgency._meta.get_field("recipients").verbose_name.capitalize(),
        help_text=IssuingAgency._meta.get_field("recipients").help_text,
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def _choices(user: Any) -> list[tuple[str, str]]:
    """The agencies an administrator or a national reader may open."""
    if not access.may_read_agency(user, None):
        return []
    return [("nation", _("National agency"))] + [
        (p.code, p.name) for p in Province.objects.order_by("name")
    ]


def _url(province: Province | None) -> str:
    return f"{reverse('reports:agency')}?{urlencode({'province': province.code if province else 'nation'})}"


@require_http_methods(["GET", "POST"])
@login_required
def agency_page(request: HttpRequest) -> HttpResponse:
    try:
        province = access.agency_province(request.user, request.GET.get("province"))
    except UnitError as error:
        raise Http404 from error
    saved = IssuingAgency.objects.filter(province=province).select_related("updated_by").first()
    shown = saved if saved is not None else rules.default_agency(province)
    writable = access.may_configure_agency(request.user, province)
    initial = {name: getattr(shown, name) for name in rules.FIELDS}
    initial["version"] = saved.version if saved else 0
    form = None
    if writable:
        form = AgencyForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(
                _("Only the province's manager or an administrator may change this.")
            )
        if form.is_valid():
            data = dict(form.cleaned_data)
            expected = data.pop("version")
            try:
                rules.save_agency(
                    actor=request.user, province=province, data=data, expected_version=expected
                )
            except DomainError as error:
                if error.field and error.field in form.fields:
                    form.add_error(error.field, error.message)
                else:
                    form.add_error(None, error.message)
            else:
                messages.success(request, _("The issuing agency was saved."))
                return redirect(_url(province))
    today = timezone.localdate()
    return render(
        request,
        "reports/staff/agency.html",
        {
            "province": province,
            "agency": shown,
            "saved": saved,
            "form": form,
            "choices": _choices(request.user),
            "chosen": province.code if province else "nation",
            "motto": MOTTO,
            "motto_line": MOTTO_LINE,
            "number": number_line(shown.symbol, None),
            "date": date_line(shown.place, today),
            "history": history_entries(saved) if saved else [],
            "here": "agency",
        },
    )
