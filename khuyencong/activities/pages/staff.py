"""The khuyến công staff of each province by year (the results form's last row): the list the
user may see and, for a province's officers and managers (or an administrator), the form
that sets a year's figure (``services.record_staff_count``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from khuyencong.accounts.requests import user_of
from khuyencong.activities import access, services
from khuyencong.activities.errors import ActivityError
from khuyencong.activities.models import MAX_COUNT
from khuyencong.activities.pages.common import nav_context
from khuyencong.core.pages import field_error
from khuyencong.core.scoping import is_admin
from khuyencong.places.models import Province


class StaffCountForm(forms.Form):
    province = forms.ModelChoiceField(
        label=gettext_lazy("Province"), queryset=Province.objects.order_by("name")
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    staff = forms.IntegerField(
        label=gettext_lazy("khuyến công staff"), min_value=0, max_value=MAX_COUNT
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        if not is_admin(user):
            # A province's staff record their own province only.
            del self.fields["province"]


@require_http_methods(["GET", "POST"])
@login_required
def staff_counts(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    may_record = access.may_record_somewhere(user)
    form = StaffCountForm(request.POST or None, user=user) if may_record else None
    if request.method == "POST":
        if form is None:
            return HttpResponse(status=403)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_staff_count(
                    actor=user,
                    province=data.get("province") or user.province_id,
                    year=data["year"],
                    staff=data["staff"],
                    note=data["note"],
                )
            except ActivityError as error:
                field_error(form, error)
            else:
                messages.success(request, _("The staff count was saved."))
                return redirect("activities:staff-counts")
    rows = (
        access.staff_counts_for(user)
        .select_related("province")
        .order_by("province__name", "-year")[:200]
    )
    return render(
        request,
        "activities/staff/staff_counts.html",
        {"form": form, "rows": rows, **nav_context(None, None), "here": "staff"},
    )
