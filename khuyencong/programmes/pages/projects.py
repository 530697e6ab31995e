"""Staff pages of projects (đề án). Objects are fetched through the scoped entry point
(``access.projects_for``); every change goes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from khuyencong.accounts.requests import user_of
from khuyencong.core.errors import DomainError
from khuyencong.core.files import serve_file
from khuyencong.core.pages import (
    confirm_delete,
    edit_page,
    field_error,
    list_page,
    transition_page,
)
from khuyencong.core.scoping import is_admin
from khuyencong.core.text import normalise
from khuyencong.programmes import caps, money, services
from khuyencong.programmes.access import PROJECTS, may_draft, projects_for
from khuyencong.programmes.errors import RulesRefused
from khuyencong.programmes.filters import ProjectFilter
from khuyencong.programmes.models import Project, ProjectDocument, ProjectRevision, Source
from khuyencong.programmes.pages.forms import (
    DisbursementForm,
    DocumentForm,
    ProjectForm,
    TransitionForm,
)
from khuyencong.programmes.workflow import WORKFLOW, allowed_steps
from khuyencong.registry.models import Establishment


@require_GET
@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    return list_page(
        request,
        projects_for(user)
        .select_related("category", "province")
        .annotate(total=money.budget_total()),
        ProjectFilter,
        "programmes/staff/project_list.html",
        order=("-year", "code"),
        prepare=lambda filterset: _limit_filter_fields(filterset, user),
        context={"can_create": may_draft(user)},
    )


def _limit_filter_fields(filterset: ProjectFilter, user: Any) -> None:
    """A provincial user lists their province's projects: no province to pick."""
    if not (is_admin(user) or user.province_id is None):
        del filterset.form.fields["province"]


def _get(request: HttpRequest, pk: int, *, write: bool = False) -> Project:
    return PROJECTS.get(
        request.user,
        write=write,
        queryset=Project.objects.select_related(
            "category", "subtype", "province", "commune", "plan"
        ),
        pk=pk,
    )


def _writable(request: HttpRequest, project: Project) -> bool:
    return PROJECTS.may_change(request.user, project)


def revision_diffs(project: Project) -> list[dict[str, Any]]:
    """Each revision with what it changed against the one before (budget by source,
    outputs): the diff of every adjustment."""
    revisions = list(
        ProjectRevision.objects.filter(project=project)
        .select_related("created_by")
        .order_by("number")
    )
    result = []
    previous = None
    for revision in revisions:
        changes: list[dict[str, Any]] = []
        if previous is not None:
            for source in Source.values:
                old, new = previous.budget.get(source, 0), revision.budget.get(source, 0)
                if old != new:
                    changes.append(
                        {
                            "label": Source(source).label,
                            "old": old,
                            "new": new,
                            "change": new - old,
                            "money": True,
                        }
                    )
            for code in sorted(set(previous.outputs) | set(revision.outputs)):
                old, new = previous.outputs.get(code, 0), revision.outputs.get(code, 0)
                if old != new:
                    changes.append(
                        {"label": code, "old": old, "new": new, "change": new - old, "money": False}
                    )
            for name, (old, new) in revision.details.items():
                changes.append(
                    {"label": name, "old": old, "new": new, "change": None, "money": False}
                )
        result.append(
            {"revision": revision, "total": sum(revision.budget.values()), "changes": changes}
        )
        previous = revision
    return result


@require_GET
@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get(request, pk)
    writable = _writable(request, project)
    on = project.approved_on or timezone.localdate()
    return render(
        request,
        "programmes/staff/project_detail.html",
        {
            "project": project,
            "money": money.project_money(project),
            "budget_lines": project.budget_lines.all(),
            "outputs": project.outputs.select_related("indicator"),
            "beneficiaries": project.beneficiaries.select_related("commune", "sector"),
            "check": caps.check_project(project, on=on),
            "check_date": on,
            "transitions": project.transitions.select_related("actor").order_by("at", "id"),
            "revisions": revision_diffs(project),
            "documents": project.documents.select_related("uploaded_by"),
            "disbursements": project.disbursements.select_related("created_by"),
            "inspections": project.inspections.select_related("establishment"),
            "steps": allowed_steps(request.user, project) if writable else [],
            "can_edit": writable and project.status in services.EDITABLE_STATES,
            "can_pay": writable and project.status in services.PAYABLE_STATES,
            "can_delete": writable and project.status == Project.Status.DRAFT,
            "writable": writable,
            "disbursement_form": DisbursementForm(),
            "document_form": DocumentForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    if not may_draft(request.user):
        raise Http404
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.create_project(actor=request.user, data=form.service_data())
        except DomainError as error:
            _field_error(form, error)
        else:
            messages.success(
                request, _("The project %(code)s was drafted.") % {"code": project.code}
            )
            return redirect("programmes:project-detail", pk=project.pk)
    return render(request, "programmes/staff/project_form.html", {"form": form, "project": None})


def _field_error(form: Any, error: DomainError) -> None:
    # A project's budget lines and outputs are shown as a set: their errors go on the form.
    field_error(form, error, whole_form=frozenset({"budget_lines", "outputs"}))


@require_http_methods(["GET", "POST"])
@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get(request, pk, write=True)
    if project.status not in services.EDITABLE_STATES:
        messages.error(request, _("A submitted project is no longer edited directly."))
        return redirect("programmes:project-detail", pk=pk)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    return edit_page(
        request,
        form=form,
        save=lambda version: services.update_project(
            actor=request.user, project=project, data=form.service_data(), expected_version=version
        ),
        saved=_("The changes were saved."),
        done=lambda _saved: redirect("programmes:project-detail", pk=pk),
        template="programmes/staff/project_form.html",
        context={"project": project},
        on_error=lambda error: _field_error(form, error),
    )


@require_http_methods(["GET", "POST"])
@login_required
def project_delete(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get(request, pk, write=True)
    return confirm_delete(
        request,
        delete=lambda: services.delete_project(actor=request.user, project=project),
        deleted=_("The draft %(code)s was deleted.") % {"code": project.code},
        done=reverse("programmes:project-list"),
        back=reverse("programmes:project-detail", args=[pk]),
        template="programmes/staff/confirm.html",
        context={
            "title": _("Delete the draft %(code)s?") % {"code": project.code},
            "text": _("Only a draft that was never submitted can be deleted."),
            "button": _("Delete"),
            "back": project.get_absolute_url() if hasattr(project, "get_absolute_url") else None,
            "project": project,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def project_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    project = _get(request, pk, write=True)
    refusals: list[str] = []
    if request.method == "GET" and action in ("approve", "adjust"):
        check_on = project.approved_on or timezone.localdate()
        refusals = caps.check_project(project, on=check_on).refusals

    def rules_refused(form: Any, error: DomainError, page: dict[str, Any]) -> bool:
        if not isinstance(error, RulesRefused):
            return False
        page["refusals"] = error.refusals
        form.add_error(
            "override_reason" if "override_reason" in form.fields else None,
            _("The rules refuse this step. A manager may go ahead by giving a reason."),
        )
        return True

    return transition_page(
        request,
        workflow=WORKFLOW,
        obj=project,
        action=action,
        make_form=lambda data: TransitionForm(data, project=project, action=action),
        back=_detail_url(pk),
        template="programmes/staff/transition_form.html",
        context={"project": project, "refusals": refusals},
        on_error=rules_refused,
    )


@require_POST
@login_required
def disbursement_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get(request, pk, write=True)
    form = DisbursementForm(request.POST)
    if form.is_valid():
        try:
            services.record_disbursement(actor=request.user, project=project, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The disbursement was recorded."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
    return redirect(f"{_detail_url(pk)}#money")


def _detail_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("programmes:project-detail", args=[pk])


@require_POST
@login_required
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get(request, pk, write=True)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attach_document(actor=request.user, project=project, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The document was attached."))
    else:
        for field, errors in form.errors.items():
            messages.error(
                request, f"{form.fields[field].label}: {' '.join(str(e) for e in errors)}"
            )
    return redirect(f"{_detail_url(pk)}#documents")


@require_GET
@login_required
def document_download(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponseBase:
    project = _get(request, pk)
    try:
        document = project.documents.get(pk=doc_pk)
    except ProjectDocument.DoesNotExist as exc:
        raise Http404 from exc
    return serve_file(request, document.file)


@require_GET
@login_required
def beneficiary_search(request: HttpRequest) -> HttpResponse:
    """Establishments of a province matching a name (diacritics ignored), for the project
    form's beneficiary picker: 20 at most."""
    province = request.GET.get("province") or user_of(request).province_id
    term = normalise(request.GET.get("q", ""))
    results = Establishment.objects.none()
    if term and province:
        from khuyencong.registry.access import establishments_for

        results = (
            establishments_for(request.user)
            .filter(province_id=province, search_name__contains=term)
            .select_related("commune")
            .order_by("search_name")[:20]
        )
    return render(request, "programmes/staff/beneficiary_results.html", {"results": results})
