"""Staff pages of quarterly reports: the list (a collaborator's own, or the province's),
the late list, the report form with its sector lines and difficulties, the report page with
its timeline and the workflow steps. A collaborator files from a phone."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from khuyencong.accounts.requests import user_of
from khuyencong.core.errors import DomainError
from khuyencong.core.filters import drop_filters
from khuyencong.core.forms import model_choice
from khuyencong.core.pages import (
    edit_page,
    field_error,
    get_or_404,
    list_page,
    page_of,
    transition_page,
)
from khuyencong.core.scoping import is_admin
from khuyencong.network import access, deadlines, services
from khuyencong.network.filters import ReportFilter
from khuyencong.network.history import history_entries
from khuyencong.network.models import Collaborator, Difficulty, QuarterlyReport
from khuyencong.network.pages.forms import (
    DifficultyFormSet,
    ReportForm,
    TransitionForm,
    difficulty_items,
    recent_periods,
)
from khuyencong.network.quarters import parse_period
from khuyencong.network.workflow import WORKFLOW, allowed_steps, transition_report
from khuyencong.places.choosing import chosen_province
from khuyencong.places.models import Province

PAGE_SIZE = 25
LATE_PAGE_SIZE = 50
S = QuarterlyReport.Status


def _to_file(user: Any, today: Any) -> list[dict[str, Any]]:
    """For a collaborator: the recent quarters they were active in and have not filed yet,
    newest first (the current quarter first, so it is one tap away on a phone)."""
    record = access.collaborators_for(user).first()
    if record is None:
        return []
    periods = recent_periods(today)
    filed = {
        (year, quarter)
        for year, quarter in QuarterlyReport.objects.filter(collaborator=record).values_list(
            "year", "quarter"
        )
    }
    return [
        {"collaborator": record, "period": period}
        for period in periods
        if (period.year, period.quarter) not in filed
        and record.appointed_on <= period.end
        and (record.active_until is None or record.active_until >= period.start)
    ]


@require_GET
@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    today = services.today()
    own = access.is_collaborator_user(user)
    national = is_admin(user) or user.province_id is None
    province = None if own else chosen_province(request)

    def prepare(filterset: ReportFilter) -> None:
        if not national or own:
            drop_filters(filterset, "province")
        if own or province is None:
            # Nationally, thousands of collaborators: pick a province first.
            drop_filters(filterset, "collaborator")
        else:
            model_choice(filterset.form, "collaborator").queryset = access.collaborators_for(
                user
            ).filter(province=province)
        filterset.offer_quarters(today)

    def timeliness(filterset: ReportFilter, page: Page[QuarterlyReport]) -> dict[str, Any]:
        deadlines.mark_timeliness(list(page.object_list), today)
        return {"form": filterset.form}

    order: tuple[str, ...]
    if province is None and not own:
        # The whole country: an order the ``report_national_order_idx`` index serves.
        order = ("-year", "-quarter", "province_id", "collaborator_id", "id")
    else:
        order = ("-year", "-quarter", "collaborator__full_name", "id")
    return list_page(
        request,
        access.reports_for(user).select_related("collaborator", "province"),
        ReportFilter,
        "network/staff/report_list.html",
        order=order,
        page_size=PAGE_SIZE,
        prepare=prepare,
        extra=timeliness,
        context={
            "own": own,
            "to_file": _to_file(user, today) if own else [],
            "has_record": own and access.collaborators_for(user).exists(),
            "can_create": not own and access.fileable(user).exists(),
            "today": today,
        },
    )


@require_GET
@login_required
def report_late(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    scope = access.collaborators_for(user)
    province = chosen_province(request)
    if province is not None:
        scope = scope.filter(province=province)
    today = services.today()
    return render(
        request,
        "network/staff/late_list.html",
        {
            # Nationally thousands of rows: counted and read a page at a time, in SQL.
            "page": page_of(
                request,
                deadlines.LateList(scope, today, deadlines.LOOKBACK),  # type: ignore[arg-type]  # sliced and counted like a queryset
                LATE_PAGE_SIZE,
            ),
            "province": province,
            "provinces": None
            if user.province_id and not is_admin(user)
            else Province.objects.all(),
            "today": today,
            "own": access.is_collaborator_user(user),
        },
    )


def _get(request: HttpRequest, pk: int, *, write: bool = False) -> QuarterlyReport:
    queryset = QuarterlyReport.objects.select_related("collaborator", "province", "reviewed_by")
    return access.REPORTS.get(request.user, write=write, queryset=queryset, pk=pk)


def _difficulty_formset(request: HttpRequest, collaborator: Collaborator, report: Any = None):
    communes = list(collaborator.communes.order_by("name"))
    initial = []
    if report is not None:
        initial = [
            {"topic": d.topic, "text": d.text, "commune": d.commune_id or ""}
            for d in report.difficulties.filter(status=Difficulty.Status.OPEN).order_by("id")
        ]
    return DifficultyFormSet(
        request.POST or None,
        initial=initial,
        prefix="difficulties",
        form_kwargs={"communes": communes},
    )


def _submit_now(request: HttpRequest, report: QuarterlyReport) -> None:
    """The form's "save and submit" button: the draft is saved, then submitted; if the
    step is refused the draft stays and says why."""
    try:
        transition_report(actor=request.user, report=report, action="submit")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The report was submitted."))


@require_http_methods(["GET", "POST"])
@login_required
def report_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    collaborators = access.fileable(user).order_by("full_name", "id")
    if access.is_collaborator_user(user) and not collaborators.exists():
        messages.error(
            request,
            _("Your login is not linked to a collaborator record yet: ask the provincial centre."),
        )
        return redirect("network:report-list")
    if not collaborators.exists():
        raise Http404
    today = services.today()
    chosen = request.GET.get("collaborator") or request.POST.get("collaborator")
    collaborator = None
    if chosen:
        collaborator = get_or_404(collaborators, pk=chosen)
    elif collaborators.count() == 1:
        collaborator = collaborators.get()
    if collaborator is None:
        # Staff pick the collaborator first: the communes offered depend on them.
        return render(
            request,
            "network/staff/report_form.html",
            {
                "chooser": collaborators,
                "periods": recent_periods(today),
                "report": None,
            },
        )
    period = parse_period(request.GET.get("period", "")) or recent_periods(today)[0]
    form = ReportForm(
        request.POST or None,
        collaborators=collaborators,
        today=today,
        initial={"collaborator": collaborator.pk, "period": period.period},
    )
    form.fields["collaborator"].disabled = True
    formset = _difficulty_formset(request, collaborator)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.service_data()
        data["difficulties"] = difficulty_items(formset)
        chosen_period = form.cleaned_data["period"]
        try:
            report = services.create_report(
                actor=user,
                collaborator=collaborator,
                year=chosen_period.year,
                quarter=chosen_period.quarter,
                data=data,
            )
        except DomainError as error:
            _report_error(form, formset, error)
        else:
            messages.success(request, _("The report was saved as a draft."))
            if "submit" in request.POST:
                _submit_now(request, report)
            return redirect("network:report-detail", pk=report.pk)
    return render(
        request,
        "network/staff/report_form.html",
        {"form": form, "formset": formset, "collaborator": collaborator, "report": None},
    )


def _report_error(form: Any, formset: Any, error: DomainError) -> None:
    if error.field == "difficulties":
        formset._non_form_errors = formset.error_class([error.message])
    elif error.field == "sector_lines":
        form.add_error(None, error.message)
    else:
        field_error(form, error)


@require_http_methods(["GET", "POST"])
@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get(request, pk, write=True)
    if not access.may_file_for(request.user, report.collaborator):
        raise Http404
    if report.status not in services.EDITABLE_STATES:
        messages.error(request, _("A submitted report is no longer edited."))
        return redirect("network:report-detail", pk=pk)
    form = ReportForm(
        request.POST or None,
        collaborators=Collaborator.objects.filter(pk=report.collaborator_id),
        today=services.today(),
        report=report,
    )
    formset = _difficulty_formset(request, report.collaborator, report)

    def save(version: int | None) -> QuarterlyReport:
        data = form.service_data()
        data["difficulties"] = difficulty_items(formset)
        return services.update_report(
            actor=request.user, report=report, data=data, expected_version=version
        )

    def done(updated: QuarterlyReport) -> HttpResponse:
        if "submit" in request.POST:
            _submit_now(request, updated)
        return redirect("network:report-detail", pk=pk)

    return edit_page(
        request,
        form=form,
        also_valid=[formset],
        save=save,
        saved=_("The changes were saved."),
        done=done,
        template="network/staff/report_form.html",
        context={
            "formset": formset,
            "collaborator": report.collaborator,
            "report": report,
            "handled": report.difficulties.exclude(status=Difficulty.Status.OPEN).order_by("id"),
        },
        conflict_back=reverse("network:report-detail", args=[pk]),
        on_error=lambda error: _report_error(form, formset, error),
    )


@require_GET
@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get(request, pk)
    writable = access.REPORTS.may_change(request.user, report)
    deadlines.mark_timeliness([report])
    return render(
        request,
        "network/staff/report_detail.html",
        {
            "report": report,
            "lines": report.sector_lines.select_related("sector"),
            "difficulties": report.difficulties.select_related("commune", "handler").order_by("id"),
            "transitions": report.transitions.select_related("actor").order_by("at", "id"),
            "history": history_entries(report),
            "steps": allowed_steps(request.user, report) if writable else [],
            "can_edit": writable
            and report.status in services.EDITABLE_STATES
            and access.may_file_for(request.user, report.collaborator),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def report_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = _get(request, pk, write=True)
    return transition_page(
        request,
        workflow=WORKFLOW,
        obj=report,
        action=action,
        make_form=lambda data: TransitionForm(data, report=report, action=action),
        back=reverse("network:report-detail", args=[pk]),
        template="network/staff/transition_form.html",
        context={"report": report},
    )
