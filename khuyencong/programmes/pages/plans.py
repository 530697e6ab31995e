"""Staff pages of annual plans (board, versions, comparison, export), the money view,
programmes and follow-up inspections."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from khuyencong.accounts.requests import user_of
from khuyencong.core.errors import DomainError
from khuyencong.core.pages import edit_page, list_page, transition_page
from khuyencong.core.scoping import is_admin
from khuyencong.programmes import access, deadlines, money, services
from khuyencong.programmes.access import may_draft
from khuyencong.programmes.errors import RulesRefused
from khuyencong.programmes.filters import InspectionFilter, PlanFilter, lenient_year
from khuyencong.programmes.models import (
    AnnualPlan,
    BudgetLine,
    Inspection,
    PlanVersion,
    Programme,
    Project,
)
from khuyencong.programmes.pages.forms import FollowUpForm, InspectionForm, PlanDecisionForm
from khuyencong.programmes.workflow import INSPECTION_STEPS, INSPECTION_WORKFLOW, PLAN_WORKFLOW

INSPECTION_TEMPLATE = "programmes/staff/inspection_form.html"

S = Project.Status


@require_GET
@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    recent = deadlines.plan_steps(access.plans_for(request.user).filter(year__gte=today.year - 1))
    return list_page(
        request,
        access.plans_for(request.user).select_related("province"),
        PlanFilter,
        "programmes/staff/plan_list.html",
        order=("-year", "province_id", "funding_level"),
        page_size=50,
        extra=_plan_figures,
        context={
            "overdue": deadlines.overdue_steps(recent, today)[:50],
            "late": [s for s in recent if s.late][:50],
            "today": today,
            "can_create": may_draft(request.user),
        },
    )


def _plan_figures(filterset: PlanFilter, page: Page[AnnualPlan]) -> dict[str, Any]:
    """The year asked for, and each plan's projects and planned money, for the plans shown
    only: grouping every plan of the country before paginating cost ~300 ms at national
    scale (bench/programmes.py)."""
    shown = [plan.pk for plan in page]
    counts = dict(
        Project.objects.filter(plan__in=shown)
        .values_list("plan")
        .annotate(n=Count("pk"))
        .order_by()
    )
    planned = dict(
        BudgetLine.objects.filter(
            project__plan__in=shown, project__status__in=services.PLANNED_STATES
        )
        .values_list("project__plan")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for plan in page:
        # Read by the template in place of an annotation; not model fields.
        plan.project_count = counts.get(plan.pk, 0)  # type: ignore[attr-defined]  # for the template
        plan.planned = planned.get(plan.pk)  # type: ignore[attr-defined]  # for the template
    return {"year": lenient_year(filterset.data.get("year"))}


def _plan(request: HttpRequest, pk: int) -> AnnualPlan:
    return access.PLANS.get(
        request.user, queryset=AnnualPlan.objects.select_related("province"), pk=pk
    )


@require_GET
@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    projects = list(
        plan.projects.select_related("category")
        .annotate(total=Sum("budget_lines__amount"))
        .order_by("code")
    )
    columns = [
        {"status": status, "label": label, "projects": [p for p in projects if p.status == status]}
        for status, label in S.choices
    ]
    today = timezone.localdate()
    offered = (
        {step.action for step in PLAN_WORKFLOW.allowed_steps(request.user, plan)}
        if access.may_manage_plan(request.user, plan)
        else set()
    )
    versions = list(plan.versions.select_related("created_by").order_by("number"))
    return render(
        request,
        "programmes/staff/plan_detail.html",
        {
            "plan": plan,
            "columns": [c for c in columns if c["projects"]],
            "count": len(projects),
            "money": money.money_total(plan.projects.filter(status__in=services.PLANNED_STATES)),
            "steps": [
                (s, s.describe(today), s.overdue(today))
                for s in deadlines.plan_steps(AnnualPlan.objects.filter(pk=pk))
            ],
            "versions": versions,
            "transitions": plan.transitions.select_related("actor").order_by("at", "id"),
            "can_register": "register" in offered,
            "can_approve": "approve" in offered,
            "can_adjust": "adjust" in offered,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """The confirm page of a plan's step (register, approve, adjust): the workflow kernel's
    one confirm page (core.pages.transition_page)."""
    if step not in PLAN_WORKFLOW.steps:
        raise Http404
    plan = _plan(request, pk)
    if not access.may_manage_plan(request.user, plan):
        raise Http404

    def rules_refused(form: Any, error: DomainError, page: dict[str, Any]) -> bool:
        if not isinstance(error, RulesRefused):
            return False
        page["refusals"] = error.refusals
        form.add_error(None, error.message)
        return True

    return transition_page(
        request,
        workflow=PLAN_WORKFLOW,
        obj=plan,
        action=step,
        make_form=lambda data: PlanDecisionForm(data, step=step),
        back=reverse("programmes:plan-detail", args=[pk]),
        template="programmes/staff/plan_step.html",
        context={"plan": plan, "refusals": []},
        on_error=rules_refused,
    )


@require_GET
@login_required
def plan_compare(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    versions = {v.number: v for v in plan.versions.all()}
    if len(versions) < 2:
        messages.info(request, _("The plan has fewer than two versions to compare."))
        return redirect("programmes:plan-detail", pk=pk)
    numbers = sorted(versions)

    def pick(name: str, default: int) -> PlanVersion:
        value = request.GET.get(name, "")
        number = int(value) if value.isdigit() else default
        if number not in versions:
            raise Http404
        return versions[number]

    old = pick("a", numbers[-2])
    new = pick("b", numbers[-1])
    return render(
        request,
        "programmes/staff/plan_compare.html",
        {"plan": plan, "diff": services.compare_versions(old, new), "numbers": numbers},
    )


@require_GET
@login_required
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    from khuyencong.programmes.exporting import plan_workbook

    plan = _plan(request, pk)
    version = None
    value = request.GET.get("version", "")
    if value:
        if not value.isdigit():
            raise Http404
        version = plan.versions.filter(number=int(value)).first()
        if version is None:
            raise Http404
    content = plan_workbook(plan, version=version)
    name = f"ke-hoach-{plan.province_id}-{plan.year}-{plan.funding_level}{'-v' + str(version.number) if version else ''}.xlsx"
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@login_required
def money_view(request: HttpRequest) -> HttpResponse:
    """Planned vs disbursed vs settled for a year: by province for national users, by plan
    for a province."""
    from khuyencong.places.models import Province

    year = lenient_year(request.GET.get("year")) or timezone.localdate().year
    projects = access.projects_for(request.user).filter(
        year=year, status__in=services.PLANNED_STATES
    )
    national_view = is_admin(request.user) or user_of(request).province_id is None
    if national_view:
        by = money.money_by(projects, "province")
        names = dict(Province.objects.filter(pk__in=list(by)).values_list("pk", "name"))
        rows = [{"label": names.get(k, k), "money": v} for k, v in sorted(by.items())]
    else:
        by = money.money_by(projects, "plan")
        plans = {p.pk: p for p in AnnualPlan.objects.filter(pk__in=list(by))}
        # A plan is linked only for those who may open it (collaborators see the money of
        # their communes' projects, not the provincial plan: the link would answer 404).
        readable = set(
            access.plans_for(request.user).filter(pk__in=list(by)).values_list("pk", flat=True)
        )
        rows = [
            {"label": str(plans[k]), "url_pk": k if k in readable else None, "money": v}
            for k, v in sorted(by.items())
        ]
    return render(
        request,
        "programmes/staff/money.html",
        {
            "year": year,
            "rows": rows,
            "total": money.combine(by.values()),
            "national_view": national_view,
        },
    )


# --- programmes ---------------------------------------------------------------------------


@require_GET
@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = access.programmes_for(request.user).select_related("province")
    return render(
        request,
        "programmes/staff/programme_list.html",
        {"programmes": programmes, "can_create": access.may_record_programmes(request.user)},
    )


@require_GET
@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.PROGRAMMES.get(
        request.user, queryset=Programme.objects.select_related("province"), pk=pk
    )
    return render(
        request,
        "programmes/staff/programme_detail.html",
        {
            "programme": programme,
            "progress": services.programme_progress(programme, user=request.user),
        },
    )


# --- inspections --------------------------------------------------------------------------


@require_GET
@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        access.inspections_for(request.user).select_related("project", "establishment__commune"),
        InspectionFilter,
        "programmes/staff/inspection_list.html",
        order=("due_date", "id"),
        default=InspectionFilter.DEFAULT,
        extra=lambda filterset, page: {"show": filterset.data["show"]},
        context={"today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
@login_required
def inspection_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The inspection's page: what is known of it and, for those who may record it, the
    form of its step ``record`` (core.pages.transition_page, back to this page)."""
    inspection = _inspection(request, pk)
    writable = access.may_record_inspection(
        request.user, inspection
    ) and INSPECTION_WORKFLOW.offers(request.user, inspection, INSPECTION_STEPS["record"])
    page = {
        "inspection": inspection,
        "follow_form": FollowUpForm(),
        "writable": writable,
        "today": timezone.localdate(),
        "transitions": inspection.transitions.select_related("actor").order_by("at", "id"),
    }
    if not writable:
        if request.method == "POST":
            raise Http404
        return render(
            request,
            INSPECTION_TEMPLATE,
            {**page, "form": InspectionForm(initial=_initial(inspection))},
        )
    return transition_page(
        request,
        workflow=INSPECTION_WORKFLOW,
        obj=inspection,
        action="record",
        make_form=lambda data: InspectionForm(data, initial=_initial(inspection)),
        back=reverse("programmes:inspection-record", args=[pk]),
        template=INSPECTION_TEMPLATE,
        context=page,
        success_message=_("The inspection was recorded."),
    )


def _inspection(request: HttpRequest, pk: int) -> Inspection:
    return access.INSPECTIONS.get(
        request.user, queryset=Inspection.objects.select_related("project", "establishment"), pk=pk
    )


def _initial(inspection: Inspection) -> dict[str, Any]:
    if not inspection.done_on:
        return {"done_on": timezone.localdate()}
    return {
        name: getattr(inspection, name)
        for name in (
            "done_on",
            "inspector",
            "finding",
            "notes",
            "follow_up",
            "follow_up_due",
            "workers",
            "revenue",
        )
    }


@require_http_methods(["POST"])
@login_required
def inspection_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """The step ``follow_up_done``, whose form sits on the inspection's page."""
    inspection = _inspection(request, pk)
    if not access.INSPECTIONS.may_change(request.user, inspection):
        raise Http404
    return transition_page(
        request,
        workflow=INSPECTION_WORKFLOW,
        obj=inspection,
        action="follow_up_done",
        make_form=FollowUpForm,
        back=reverse("programmes:inspection-record", args=[pk]),
        success_message=_("The follow-up was recorded as done."),
        on_record_page=True,
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    from khuyencong.programmes.pages.forms import ProgrammeForm

    if not access.may_record_programmes(request.user):
        raise Http404
    programme = None
    if pk is not None:
        programme = access.PROGRAMMES.get(request.user, pk=pk)
        if access.programme_refusal(request.user, programme.level, programme.province_id):
            raise Http404
    form = ProgrammeForm(request.POST or None, user=request.user, programme=programme)

    def save(version: int | None) -> Programme:
        data, targets = form.service_data()
        if programme is None:
            return services.create_programme(actor=request.user, data=data, targets=targets)
        services.update_programme(
            actor=request.user,
            programme=programme,
            data=data,
            targets=targets,
            expected_version=version,
        )
        return programme

    return edit_page(
        request,
        form=form,
        save=save,
        saved=_("The programme was saved."),
        done=lambda saved: redirect("programmes:programme-detail", pk=saved.pk),
        template="programmes/staff/programme_form.html",
        context={"programme": programme},
    )
