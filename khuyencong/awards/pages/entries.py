"""Staff pages of entries: entering a product (find the establishment by name or tax code
in scope, then the product), the entry page with its score sheets and complaints, the
judge's score sheet form, withdrawing, complaints and their resolution, and the award
history of an establishment or a product."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from khuyencong.accounts.requests import user_of
from khuyencong.awards import access, certificates, scoring, services, workflow
from khuyencong.awards.history import history_entries
from khuyencong.awards.models import AwardEntry, AwardRound, Level, ScoreSheet
from khuyencong.awards.pages.forms import (
    ComplaintForm,
    EntryForm,
    EstablishmentSearchForm,
    ResolveForm,
    ScoreForm,
)
from khuyencong.core.errors import DomainError
from khuyencong.core.formats import format_number
from khuyencong.core.pages import field_error, page_of, transition_page
from khuyencong.registry import access as registry_access
from khuyencong.registry import services as registry
from khuyencong.registry.models import Establishment, Product

SEARCH_LIMIT = 20
HISTORY_PAGE_SIZE = 50


def _get_entry(request: HttpRequest, pk: int) -> AwardEntry:
    return access.get_entry(request.user, pk)


def _candidates(user: Any, round: AwardRound) -> Any:
    """The establishments the user may enter in the round."""
    establishments = registry_access.establishments_for(user)
    if round.level in access.PROVINCIAL_LEVELS:
        return establishments.filter(province_id=round.province_id)
    if not access.may_manage(user, round):
        establishments = establishments.filter(province_id=user.province_id)
    if round.level == Level.REGION:
        establishments = establishments.filter(province__regions=round.region_id)
    return establishments


@require_http_methods(["GET", "POST"])
@login_required
def entry_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    round = access.get_round(user, pk)
    if not access.may_enter(user, round):
        raise Http404
    candidates = _candidates(user, round)
    chosen = request.GET.get("establishment") or request.POST.get("establishment")
    if not chosen:
        search = EstablishmentSearchForm(request.GET or None)
        results = None
        if search.is_valid() and search.cleaned_data["q"]:
            results = list(
                registry.search(candidates, search.cleaned_data["q"])
                .select_related("commune")
                .order_by("search_name", "id")[:SEARCH_LIMIT]
            )
        return render(
            request,
            "awards/staff/entry_form.html",
            {"round": round, "search": search, "results": results, "limit": SEARCH_LIMIT},
        )
    try:
        establishment = candidates.select_related("commune").get(pk=chosen)
    except (Establishment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    form = EntryForm(request.POST or None, establishment=establishment)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "establishment": establishment}
        try:
            entry = services.create_entry(actor=user, round=round, data=data)
        except DomainError as error:
            if getattr(error, "http_status", None) == 409:
                messages.error(request, error.message)
                return redirect("awards:round-detail", pk=round.pk)
            field_error(form, error)
        else:
            messages.success(
                request, _("%(product)s was entered.") % {"product": entry.product_name}
            )
            if "another" in request.POST:
                return redirect("awards:entry-create", pk=round.pk)
            return redirect("awards:entry-detail", pk=entry.pk)
    return render(
        request,
        "awards/staff/entry_form.html",
        {"round": round, "establishment": establishment, "form": form},
    )


@require_GET
@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    entry = _get_entry(request, pk)
    round = entry.round
    manages = access.may_manage(user, round)
    criteria = [
        {"code": c["code"], "label": scoring.criterion_label(c), "max": c["max_points"]}
        for c in round.criteria
    ]
    sheets = [
        (sheet, [(c["label"], sheet.points.get(c["code"])) for c in criteria])
        for sheet in entry.sheets.select_related("judge_user").order_by("judge_key", "id")
    ]
    today = services.today()
    complaints = [(c, c.overdue_on(today)) for c in entry.complaints.order_by("received_on", "id")]
    window = services.complaint_window(round)
    scoring_open = manages and round.status == AwardRound.Status.SCORING
    return render(
        request,
        "awards/staff/entry_detail.html",
        {
            "entry": entry,
            "round": round,
            "criteria": criteria,
            "sheets": sheets,
            "live_average": scoring.average([s.total for s, _points in sheets]),
            "complaints": complaints,
            "window": window,
            "score_form": ScoreForm(round=round) if scoring_open else None,
            "complaint_form": ComplaintForm(initial={"received_on": today})
            if manages and window and today <= window[1]
            else None,
            "can_delete_sheets": scoring_open,
            "can_resolve": manages,
            "can_withdraw": round.status == AwardRound.Status.OPEN
            and (
                manages or (access.may_enter(user, round) and entry.province_id == user.province_id)
            ),
            "history": history_entries(entry),
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def score_add(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry(request, pk)
    round = entry.round
    if not access.may_manage(request.user, round):
        raise Http404
    if round.status != AwardRound.Status.SCORING:
        messages.error(request, _("Score sheets are recorded only while the council is scoring."))
        return redirect("awards:entry-detail", pk=pk)
    form = ScoreForm(request.POST or None, round=round)
    if request.method == "POST" and form.is_valid():
        try:
            sheet = services.record_score_sheet(
                actor=request.user,
                entry=entry,
                judge=form.cleaned_data["judge"],
                points=form.points(),
            )
        except scoring.PointsError as error:
            name = f"points_{error.group}"
            form.add_error(name if name in form.fields else None, error.message)
        except DomainError as error:
            if getattr(error, "http_status", None) == 409:
                messages.error(request, error.message)
                return redirect("awards:entry-detail", pk=pk)
            field_error(form, error)
        else:
            messages.success(
                request,
                _("%(judge)s's sheet was recorded: %(total)s points.")
                % {"judge": sheet.judge, "total": format_number(sheet.total, 2)},
            )
            return redirect(reverse("awards:entry-detail", args=[pk]) + "#sheets")
    return render(
        request, "awards/staff/score_form.html", {"form": form, "entry": entry, "round": round}
    )


@require_POST
@login_required
def score_delete(request: HttpRequest, pk: int, sheet_pk: int) -> HttpResponse:
    entry = _get_entry(request, pk)
    try:
        sheet = ScoreSheet.objects.get(pk=sheet_pk, entry=entry)
    except ScoreSheet.DoesNotExist as exc:
        raise Http404 from exc
    try:
        services.delete_score_sheet(actor=request.user, sheet=sheet)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(judge)s's sheet was removed.") % {"judge": sheet.judge})
    return redirect(reverse("awards:entry-detail", args=[pk]) + "#sheets")


@require_http_methods(["GET", "POST"])
@login_required
def entry_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry(request, pk)
    if request.method == "POST":
        try:
            services.withdraw_entry(actor=request.user, entry=entry)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("awards:entry-detail", pk=pk)
        messages.success(request, _("The entry was withdrawn."))
        return redirect("awards:round-detail", pk=entry.round_id)
    if not access.may_enter(request.user, entry.round) and not access.may_manage(
        request.user, entry.round
    ):
        raise Http404
    return render(request, "awards/staff/confirm.html", {"entry": entry})


@require_POST
@login_required
def complaint_add(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry(request, pk)
    form = ComplaintForm(request.POST)
    if form.is_valid():
        try:
            services.record_complaint(actor=request.user, entry=entry, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The complaint was recorded."))
    else:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
    return redirect(reverse("awards:entry-detail", args=[pk]) + "#complaints")


@require_http_methods(["GET", "POST"])
@login_required
def complaint_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirm page of a complaint's resolution (``ComplaintWorkflow``, step
    ``resolve``): the workflow kernel's one confirm page (core.pages.transition_page)."""
    complaint = access.get_complaint(request.user, pk)
    if not access.may_manage(request.user, complaint.round):
        raise Http404
    return transition_page(
        request,
        workflow=workflow.COMPLAINT_WORKFLOW,
        obj=complaint,
        action="resolve",
        make_form=lambda data: ResolveForm(data, complaint=complaint),
        back=reverse("awards:entry-detail", args=[complaint.entry_id]) + "#complaints",
        template="awards/staff/complaint_form.html",
        context={"complaint": complaint, "overdue": complaint.overdue_on(services.today())},
        success_message=_("The resolution was recorded."),
    )


@require_GET
@login_required
def establishment_history(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = registry_access.establishment_for(
        request.user, pk, queryset=Establishment.objects.select_related("commune", "province")
    )
    rows = certificates.establishment_history(establishment, access.entries_for(request.user))
    return render(
        request,
        "awards/staff/history.html",
        {
            "establishment": establishment,
            "product": None,
            "page": page_of(request, rows, HISTORY_PAGE_SIZE),
            "today": services.today(),
            "products": establishment.products.order_by("name"),
        },
    )


@require_GET
@login_required
def product_history(request: HttpRequest, pk: int) -> HttpResponse:
    product = registry_access.PRODUCTS.get(
        request.user,
        queryset=Product.objects.select_related(
            "establishment", "establishment__commune"
        ).prefetch_related(Prefetch("photos")),
        pk=pk,
    )
    rows = certificates.product_history(product, access.entries_for(request.user))
    return render(
        request,
        "awards/staff/history.html",
        {
            "establishment": product.establishment,
            "product": product,
            "page": page_of(request, rows, HISTORY_PAGE_SIZE),
            "today": services.today(),
        },
    )
