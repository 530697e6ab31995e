"""An establishment's yearly figures: recorded, corrected, removed (history kept)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from khuyencong.core.errors import DomainError
from khuyencong.core.pages import field_error
from khuyencong.registry import services
from khuyencong.registry.access import figure_for
from khuyencong.registry.forms import YearlyFigureForm
from khuyencong.registry.pages.establishments import confirm_removal, get_establishment


@require_http_methods(["GET", "POST"])
@login_required
def figure_edit(request: HttpRequest, pk: int, figure_pk: int | None = None) -> HttpResponse:
    establishment = get_establishment(request, pk, write=True)
    figure = figure_for(request.user, establishment, figure_pk, write=True) if figure_pk else None
    form = YearlyFigureForm(request.POST or None, instance=figure)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_yearly_figure(
                actor=request.user,
                establishment=establishment,
                figure=figure,
                data=form.cleaned_data,
            )
        except DomainError as error:
            field_error(form, error)
        else:
            messages.success(request, _("The figures were saved."))
            return redirect("registry:establishment-detail", pk=pk)
    return render(
        request,
        "registry/figure_form.html",
        {"form": form, "establishment": establishment, "figure": figure},
    )


@require_http_methods(["GET", "POST"])
@login_required
def figure_delete(request: HttpRequest, pk: int, figure_pk: int) -> HttpResponse:
    establishment = get_establishment(request, pk, write=True)
    figure = figure_for(request.user, establishment, figure_pk, write=True)
    return confirm_removal(
        request,
        establishment,
        remove=lambda: services.delete_yearly_figure(actor=request.user, figure=figure),
        removed=_("The figures were removed."),
        title=_("Remove the figures of %(year)s?") % {"year": figure.year},
        text=_("The history keeps a record of the removed figures."),
    )
