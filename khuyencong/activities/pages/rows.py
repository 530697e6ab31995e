"""What only one kind's page has: a fair's participations, a course's trainee list (with
its import), a contract's receipts and revenue by year, a workshop's establishments; and
the establishment search the pickers use."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from khuyencong.accounts.requests import user_of
from khuyencong.activities import access, indicators, services
from khuyencong.activities.importing import TraineeImporter
from khuyencong.activities.models import (
    ConsultingContract,
    Fair,
    TrainingCourse,
    Workshop,
)
from khuyencong.activities.pages.forms import (
    ParticipationForm,
    ReceiptForm,
    TraineeForm,
    TraineeImportForm,
)
from khuyencong.activities.pages.kinds import Kind
from khuyencong.core.errors import DomainError
from khuyencong.core.importing import FileRejected, ImportRejected
from khuyencong.core.pages import get_or_404
from khuyencong.core.text import normalise
from khuyencong.registry.access import establishments_for

SEARCH_RESULTS = 20


def section_context(
    request: HttpRequest, kind: Kind, record: Any, writable: bool
) -> dict[str, Any]:
    """The extra rows a record's page shows, and the forms adding to them."""
    province_id = record.province_id
    if isinstance(record, Fair):
        participations = record.participations.select_related("establishment__commune").order_by(
            "establishment__search_name"
        )
        return {
            "participations": participations,
            "participation_totals": record.participations.aggregate(
                n=Count("pk"),
                supported=Sum("supported_amount"),
                contracts=Sum("contracts_signed"),
                sales=Sum("sales"),
            ),
            "participation_form": ParticipationForm(province_id=province_id) if writable else None,
        }
    if isinstance(record, TrainingCourse):
        return {
            "trainees": record.trainees.select_related("establishment"),
            "trainee_form": TraineeForm(province_id=province_id) if writable else None,
            "import_form": TraineeImportForm() if writable else None,
            "import_errors": request.session.pop(f"trainee-import-{record.pk}", None),
        }
    if isinstance(record, ConsultingContract):
        contracts = ConsultingContract.objects.filter(pk=record.pk)
        return {
            "receipts": record.receipts.order_by("date", "id"),
            "received": record.receipts.aggregate(total=Sum("amount"))["total"] or 0,
            "revenue": indicators.revenue_by_year(contracts),
            "receipt_form": ReceiptForm() if writable else None,
        }
    if isinstance(record, Workshop):
        return {"linked": record.establishments.select_related("commune").order_by("search_name")}
    return {}


def _detail(slug: str, pk: int, anchor: str) -> HttpResponse:
    return redirect(reverse(f"activities:{slug}-detail", args=[pk]) + anchor)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


def _writable(request: HttpRequest, model: Any, pk: int) -> Any:
    record = access.rule_of(model).get(request.user, write=True, pk=pk)
    if not access.may_record(request.user, record.province_id):
        raise Http404
    return record


# --- fairs --------------------------------------------------------------------------------


@require_POST
@login_required
def participation_add(request: HttpRequest, pk: int) -> HttpResponse:
    fair = _writable(request, Fair, pk)
    form = ParticipationForm(request.POST, province_id=fair.province_id)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.add_participation(
                actor=request.user, fair=fair, establishment=data.pop("establishment"), **data
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The participation was recorded."))
    else:
        _form_errors(request, form)
    return _detail("fairs", pk, "#participations")


@require_POST
@login_required
def participation_remove(request: HttpRequest, pk: int, row: int) -> HttpResponse:
    fair = _writable(request, Fair, pk)
    participation = get_or_404(fair.participations.all(), pk=row)
    services.remove_participation(actor=request.user, participation=participation)
    messages.success(request, _("The participation was removed."))
    return _detail("fairs", pk, "#participations")


# --- trainings ----------------------------------------------------------------------------


@require_POST
@login_required
def trainee_add(request: HttpRequest, pk: int) -> HttpResponse:
    course = _writable(request, TrainingCourse, pk)
    form = TraineeForm(request.POST, province_id=course.province_id)
    if form.is_valid():
        try:
            services.add_trainee(actor=request.user, course=course, data=form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The trainee was added to the list."))
    else:
        _form_errors(request, form)
    return _detail("trainings", pk, "#trainees")


@require_POST
@login_required
def trainee_remove(request: HttpRequest, pk: int, row: int) -> HttpResponse:
    course = _writable(request, TrainingCourse, pk)
    trainee = get_or_404(course.trainees.all(), pk=row)
    services.remove_trainee(actor=request.user, trainee=trainee)
    messages.success(request, _("The trainee was removed from the list."))
    return _detail("trainings", pk, "#trainees")


@require_POST
@login_required
def trainee_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the list with a file's, all or nothing; errors by row and column."""
    course = _writable(request, TrainingCourse, pk)
    form = TraineeImportForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return _detail("trainings", pk, "#trainees")
    upload = form.cleaned_data["file"]
    importer = TraineeImporter(actor=request.user, course=course)
    try:
        table = importer.read(
            upload.checked_content, filename=upload.name, field=str(form.fields["file"].label)
        )
        result = importer.run(table)
    except FileRejected as error:
        messages.error(request, error.message)
    except ImportRejected as rejected:
        messages.error(request, rejected.message)
        request.session[f"trainee-import-{pk}"] = rejected.errors_as_dicts()[:200]
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The list of %(n)s trainees was imported.") % {"n": result["created"]},
        )
    return _detail("trainings", pk, "#trainees")


# --- consulting ---------------------------------------------------------------------------


@require_POST
@login_required
def receipt_add(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _writable(request, ConsultingContract, pk)
    form = ReceiptForm(request.POST)
    if form.is_valid():
        try:
            services.add_receipt(actor=request.user, contract=contract, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The receipt was recorded."))
    else:
        _form_errors(request, form)
    return _detail("consulting", pk, "#receipts")


@require_POST
@login_required
def receipt_remove(request: HttpRequest, pk: int, row: int) -> HttpResponse:
    contract = _writable(request, ConsultingContract, pk)
    receipt = get_or_404(contract.receipts.all(), pk=row)
    services.remove_receipt(actor=request.user, receipt=receipt)
    messages.success(request, _("The receipt was removed."))
    return _detail("consulting", pk, "#receipts")


# --- establishment search -----------------------------------------------------------------


@require_GET
@login_required
def establishment_search(request: HttpRequest) -> HttpResponse:
    """Establishments of a province the user sees whose name matches (diacritics ignored),
    as radio buttons or checkboxes named ``name``: 20 at most."""
    province = request.GET.get("province") or user_of(request).province_id
    term = normalise(request.GET.get("q", ""))
    name = request.GET.get("name", "establishment")
    if not name.replace("_", "").isalpha():
        name = "establishment"
    results: Any = []
    if term and province:
        results = (
            establishments_for(request.user)
            .filter(province_id=province, search_name__contains=term)
            .select_related("commune")
            .order_by("search_name")[:SEARCH_RESULTS]
        )
    return render(
        request,
        "activities/widgets/establishment_results.html",
        {"results": results, "name": name, "multiple": request.GET.get("multiple") == "1"},
    )
