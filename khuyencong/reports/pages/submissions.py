"""Staff pages of submitted period reports (namespace ``reports``): a province's submissions
with the "submit this period" form (a preview of the summary first, then the submission),
a submission with its versions and what changed between them, and the consolidation of a
region or the whole country. The rules are in ``reports.submissions``."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.errors import DomainError
from khuyencong.core.filters import drop_filters
from khuyencong.core.pages import list_page
from khuyencong.places.models import Province, Region
from khuyencong.reports import access, consolidation, submissions, workflow
from khuyencong.reports.documents import DocumentError, form_file
from khuyencong.reports.filters import SubmissionFilter
from khuyencong.reports.forms import FORMS
from khuyencong.reports.forms.base import OfficialForm
from khuyencong.reports.models import ReportSubmission
from khuyencong.reports.pages.official import FILE_FORMATS, table
from khuyencong.reports.periods import Period, PeriodError
from khuyencong.reports.units import NATION

PAGE_SIZE = 50
QUARTERS = [(str(q), f"Quý {r}") for q, r in ((1, "I"), (2, "II"), (3, "III"), (4, "IV"))]


def _last_finished_quarter() -> tuple[int, int]:
    today = timezone.localdate()
    quarter = (today.month - 1) // 3  # the current quarter minus one, 0 = last year's fourth
    return (today.year, quarter) if quarter else (today.year - 1, 4)


class PeriodFields(forms.Form):
    """The period of a periodic report: a kind, a year and, for a quarter, which one."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Report"), choices=ReportSubmission.Kind.choices, initial="quarter"
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1990, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("Quarter"),
        choices=[("", "—"), *QUARTERS],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=gettext_lazy("For a quarterly report."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year, quarter = _last_finished_quarter()
        self.fields["year"].initial = year
        self.fields["quarter"].initial = str(quarter)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data  # Form.clean returns cleaned_data
        if self.errors:
            return data
        try:
            data["period"] = submissions.period_of(data["kind"], data["year"], data.get("quarter"))
        except (submissions.SubmissionError, PeriodError) as error:
            field = error.field if error.field in self.fields else "kind"
            self.add_error(field, error.message)
        return data


class SubmitForm(PeriodFields):
    """The period, and for the province: which one (administrators choose)."""

    province = forms.ModelChoiceField(
        label=gettext_lazy("Province"), queryset=Province.objects.order_by("name")
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("E.g. why this version replaces the previous one."),
    )
    digest = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["province", "kind", "year", "quarter"])
        if not access.chooses_any_province(user):
            cast(
                forms.ModelChoiceField, self.fields["province"]
            ).queryset = Province.objects.filter(pk=user.province_id)
            self.fields["province"].initial = user.province_id
            self.fields["province"].widget = forms.HiddenInput()


class ConsolidationForm(PeriodFields):
    unit = forms.ChoiceField(label=gettext_lazy("Region or country"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["unit", "kind", "year", "quarter"])
        regions = [(f"region:{r.code}", r.name) for r in Region.objects.order_by("code")]
        cast(forms.ChoiceField, self.fields["unit"]).choices = [
            (NATION, _("Whole country")),
            *regions,
        ]
        self.fields["unit"].initial = NATION


class ConsolidatedFormsChoice(ConsolidationForm):
    """A region or the country, a period and one of the four official forms."""

    # Without one (a link from the consolidation page): the results form.
    form = forms.ChoiceField(label=gettext_lazy("Form"), initial="results", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["form"]).choices = list(FORMS.items())
        self.order_fields(["form", "unit", "kind", "year", "quarter"])


def _form_file(request: HttpRequest, form: OfficialForm) -> HttpResponse:
    """The form as a file in ``?format=`` (404 for an unknown format): the document as the
    issuing agency of its place prints it."""
    fmt = request.GET.get("format", "")
    if fmt not in FILE_FORMATS:
        raise Http404
    try:
        return form_file(form, fmt).response()
    except DocumentError as error:  # pragma: no cover - no number or date is passed
        raise Http404 from error


# --- the list and the submission ------------------------------------------------------------


@login_required
def submission_list(request: HttpRequest) -> HttpResponse:
    """Submissions the user may read, latest periods first, every version; the "submit this
    period" form for those who submit."""
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    user = request.user

    def prepare(filterset: SubmissionFilter) -> None:
        if access.bound_province(user):
            drop_filters(filterset, "province")

    def mark_late(filterset: SubmissionFilter, page: Page[ReportSubmission]) -> dict[str, Any]:
        for submission in page.object_list:
            submission.due = submissions.due_date(
                Period(submission.start, submission.end), submission.kind
            )
            submission.late = submission.version == 1 and (
                timezone.localdate(submission.submitted_at) > submission.due
            )
        return {"form": filterset.form}

    may_submit = access.may_submit(user)
    return list_page(
        request,
        access.submissions_for(user).select_related("province").defer("snapshot"),
        SubmissionFilter,
        "reports/staff/submission_list.html",
        order=("-end", "province_id", "-version", "-id"),
        page_size=PAGE_SIZE,
        prepare=prepare,
        extra=mark_late,
        context={
            "submit_form": SubmitForm(user=user) if may_submit else None,
            "may_consolidate": access.may_consolidate(user),
            "here": "submissions",
        },
    )


@login_required
def submission_create(request: HttpRequest) -> HttpResponse:
    """Step 1 (GET with a period): the summary as it would be frozen. Step 2 (POST): freeze
    it, refused when the figures moved since the preview (the new ones are shown)."""
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    if not access.may_submit(request.user):
        raise PermissionDenied(_("Only the province's manager and officers submit its reports."))
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = SubmitForm(data, user=request.user)
    preview = None
    versions: list[ReportSubmission] = []
    valid = form.is_bound and form.is_valid()
    period = form.cleaned_data.get("period") if form.is_bound else None
    province = form.cleaned_data.get("province") if form.is_bound else None
    if period is not None and province is not None:
        try:
            submissions.check_period(period)
            if request.method == "POST" and valid:
                submission = submissions.submit(
                    actor=request.user,
                    province=province,
                    period=period,
                    note=form.cleaned_data["note"],
                    expected_digest=form.cleaned_data["digest"] or None,
                )
                messages.success(
                    request,
                    _("The report was submitted as version %(version)s.")
                    % {"version": submission.version},
                )
                return redirect("reports:submission-detail", pk=submission.pk)
            preview = submissions.build_snapshot(province, period)
        except submissions.FiguresChanged as changed:
            preview = changed.snapshot
            messages.warning(request, changed.message)
        except PermissionError as error:
            raise PermissionDenied(str(error)) from error
        except DomainError as error:
            form.add_error("kind" if error.field in ("start", "end") else None, error.message)
    if preview is not None and period is not None and province is not None:
        if valid or request.method == "GET":
            # A fresh form carrying the fingerprint of what is shown.
            form = SubmitForm(
                initial={
                    **{k: form.cleaned_data.get(k) for k in ("kind", "year", "quarter", "note")},
                    "province": province.pk,
                    "digest": submissions.digest(preview),
                },
                user=request.user,
            )
        versions = list(
            access.submissions_for(request.user)
            .filter(province=province, start=period.start, end=period.end)
            .defer("snapshot")
            .order_by("version")
        )
    preview_forms = [
        {"built": form_, "table": table(form_)}
        for form_ in (
            submissions.named(OfficialForm.from_json(data))
            for data in ((preview or {}).get("forms") or {}).values()
        )
    ]
    return render(
        request,
        "reports/staff/submission_form.html",
        {
            "form": form,
            "preview": preview,
            "preview_forms": preview_forms,
            "versions": versions,
            "next_version": len(versions) + 1,
            "here": "submissions",
        },
    )


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The frozen table of one version, the other versions, and what changed since the
    previous one (or the version given by ``?compare=``)."""
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    submission = (
        access.submissions_for(request.user)
        .select_related("province", "submitted_by")
        .filter(pk=pk)
        .first()
    )
    if submission is None:
        raise Http404
    versions = list(submissions.versions_of(submission))
    compare_to = None
    wanted = request.GET.get("compare", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        compare_to = next((v for v in versions if v.version == int(wanted)), None)
        if compare_to is None or compare_to.pk == submission.pk:
            raise Http404
    elif submission.version > 1:
        compare_to = next((v for v in versions if v.version == submission.version - 1), None)
    changes = None
    if compare_to is not None:
        other = ReportSubmission.objects.only("snapshot").get(pk=compare_to.pk).snapshot
        older, newer = (
            (other, submission.snapshot)
            if compare_to.version < submission.version
            else (submission.snapshot, other)
        )
        changes = submissions.differences(older, newer)
    frozen = submissions.frozen_forms(submission)
    if request.GET.get("format"):
        wanted_form = next((f for f in frozen if f.code == request.GET.get("form")), None)
        if wanted_form is None:
            raise Http404
        return _form_file(request, wanted_form)
    period = Period(submission.start, submission.end)
    due = submissions.due_date(period, submission.kind)
    first = versions[0].submitted_at if versions else submission.submitted_at
    return render(
        request,
        "reports/staff/submission_detail.html",
        {
            "submission": submission,
            "report": submission.snapshot,
            "versions": versions,
            "latest": versions[-1] if versions else submission,
            "compare_to": compare_to,
            "changes": changes,
            "due": due,
            "timeliness": submissions.timeliness(first, due, timezone.localdate()),
            "may_submit": access.may_submit(request.user, submission.province_id),
            "may_review": access.may_review(request.user),
            "transitions": list(submission.transitions.order_by("at", "id")),
            "frozen": [{"built": form, "table": table(form)} for form in frozen],
            "formats": FILE_FORMATS,
            "here": "submissions",
        },
    )


@login_required
def submission_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The national agency accepts the latest version or returns it with a reason."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    submission = access.submissions_for(request.user).filter(pk=pk).first()
    if submission is None:
        raise Http404
    try:
        workflow.review(
            actor=request.user,
            submission=submission,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
        )
    except PermissionError as error:
        raise PermissionDenied(str(error)) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The report's status was recorded."))
    return redirect("reports:submission-detail", pk=pk)


# --- consolidation ----------------------------------------------------------------------------


@login_required
def consolidation_page(request: HttpRequest) -> HttpResponse:
    """Each province of a region or the country with its latest submitted version (or not
    submitted, or late) and the totals of the latest versions."""
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    if not access.may_consolidate(request.user):
        raise Http404
    form = ConsolidationForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        try:
            resolved = access.consolidation_unit(request.user, form.cleaned_data["unit"])
        except DomainError as error:
            form.add_error("unit", error.message)
        else:
            result = consolidation.consolidate(resolved, form.cleaned_data["period"])
    return render(
        request,
        "reports/staff/submission_consolidation.html",
        {"form": form, "result": result, "here": "submissions"},
    )


@login_required
def consolidated_forms_page(request: HttpRequest) -> HttpResponse:
    """The official forms of a region or the country for a period, added up from the
    provinces' accepted reports as they were frozen (``consolidation.consolidate_forms``), on
    screen and as files."""
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    if not access.may_consolidate(request.user):
        raise Http404
    chooser = ConsolidatedFormsChoice(request.GET or None)
    built = None
    if chooser.is_bound and chooser.is_valid():
        try:
            resolved = access.consolidation_unit(request.user, chooser.cleaned_data["unit"])
        except DomainError as error:
            chooser.add_error("unit", error.message)
        else:
            built = consolidation.consolidate_forms(
                resolved,
                chooser.cleaned_data["period"],
                [chooser.cleaned_data["form"] or "results"],
            )[0]
            if request.GET.get("format"):
                return _form_file(request, built)
    return render(
        request,
        "reports/staff/consolidated_forms.html",
        {
            "chooser": chooser,
            "built": built,
            "table": table(built) if built else None,
            "formats": FILE_FORMATS,
            "forms": list(FORMS.items()),
            "here": "submissions",
        },
    )
