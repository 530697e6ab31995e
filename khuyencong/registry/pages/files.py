"""The import and export files of establishments (docs/import.md).

Small files are imported and small lists exported within the request; larger ones go
through a background job (core/jobs.py) whose page shows the progress and the outcome.
The threshold is ``settings.JOBS_INLINE_MAX_ROWS``.
"""

from __future__ import annotations

from itertools import islice
from pathlib import PurePath
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from khuyencong.core.exporting import FORMATS, XLSX_CONTENT_TYPE
from khuyencong.core.formats import format_number
from khuyencong.core.importing import (
    FileRejected,
    Table,
)
from khuyencong.core.jobs import start_job
from khuyencong.core.scoping import can_write
from khuyencong.core.uploads import SpreadsheetField
from khuyencong.registry.exporting import (
    EstablishmentExporter,
    build_import_example,
    build_import_template,
    filtered_establishments,
)
from khuyencong.registry.importing import COLUMNS, EstablishmentImporter
from khuyencong.registry.jobs import EXPORT, IMPORT


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:g}"


class ImportForm(forms.Form):
    # The upload guard (core/uploads.py) checks size, real type and ZIP structure.
    file = SpreadsheetField(label=gettext_lazy("File to import"))

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        file_field = cast(SpreadsheetField, self.fields["file"])
        file_field.limit = settings.IMPORT_MAX_BYTES
        file_field.help_text = _(
            "An Excel file (.xlsx) or a CSV file (.csv), at most %(size)s MB."
        ) % {"size": _megabytes(settings.IMPORT_MAX_BYTES)}
        self.actor = actor
        self.table: Table | None = None
        self.rows = 0  # rows counted, up to one more than JOBS_INLINE_MAX_ROWS
        self.content = b""

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = PurePath(upload.name).name
        self.content = upload.checked_content
        importer = EstablishmentImporter(actor=self.actor)
        try:
            # The whole-file checks (type, columns, size) answer at once, on the form; rows
            # are checked by the job. Only the first rows are read here, to choose between
            # running at once and in the background: a large file is read once, by the job.
            self.table = importer.stream(
                self.content, filename=name, field=str(self.fields["file"].label)
            )
            try:
                limit = settings.JOBS_INLINE_MAX_ROWS + 1
                self.rows = sum(1 for _row in islice(self.table.rows, limit))
            finally:
                self.table.close()
        except FileRejected as rejected:
            raise forms.ValidationError(rejected.message) from rejected
        if self.table.estimated_rows > importer.max_rows:
            raise forms.ValidationError(
                _(
                    "The file has more than %(max)s rows. Split it into several files of at "
                    "most %(max)s rows each."
                )
                % {"max": format_number(importer.max_rows)}
            )
        return upload


def _require_writer(request: HttpRequest) -> None:
    if not can_write(request.user):
        raise PermissionDenied(_("Your role may not import establishments."))


@login_required
@require_http_methods(["GET", "POST"])
def import_establishments(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    form = ImportForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        assert form.table is not None
        upload = form.cleaned_data["file"]
        filename = PurePath(upload.name).name
        job = start_job(
            kind=IMPORT,
            actor=request.user,
            params={
                "title": _("Import of establishments from %(file)s") % {"file": filename},
                "filename": filename,
                "rows": max(form.rows, form.table.estimated_rows),
                "back_url": reverse("registry:establishment-list"),
            },
            input_file=ContentFile(form.content, name=filename),
            inline=form.rows <= settings.JOBS_INLINE_MAX_ROWS,
        )
        return redirect("core:job-detail", job.pk)
    return render(
        request,
        "registry/import.html",
        {
            "form": form,
            "columns": COLUMNS,
            "max_rows": settings.IMPORT_MAX_ROWS,
            "inline_rows": settings.JOBS_INLINE_MAX_ROWS,
        },
    )


def _xlsx_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    disposition = content_disposition_header(True, filename)  # None only if inline, unnamed
    if disposition is not None:
        response["Content-Disposition"] = disposition
    return response


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    return _xlsx_download(build_import_template(request.user), "mau-nhap-co-so.xlsx")


@login_required
@require_GET
def import_example(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    return _xlsx_download(build_import_example(request.user), "vi-du-nhap-co-so.xlsx")


@login_required
@require_GET
def export_establishments(request: HttpRequest) -> HttpResponse:
    """The list as filtered on the list page (same query string), in the user's scope."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        fmt = "xlsx"
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("page", None)
    queryset = filtered_establishments(request.user, query, request=request)
    count = queryset.count()
    if count <= settings.JOBS_INLINE_MAX_ROWS:
        return EstablishmentExporter(queryset).response(fmt)
    list_url = reverse("registry:establishment-list")
    encoded = query.urlencode()
    job = start_job(
        kind=EXPORT,
        actor=request.user,
        params={
            "title": _("Export of %(count)s establishments") % {"count": format_number(count)},
            "query": encoded,
            "format": fmt,
            "back_url": f"{list_url}?{encoded}" if encoded else list_url,
        },
    )
    return redirect("core:job-detail", job.pk)
