"""Job handlers of the registry (imports and exports); see core/jobs.py."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from khuyencong.core.importing import FileRejected, ImportRejected
from khuyencong.core.jobs import JobFailed, JobProgress, job_handler, write_result_file
from khuyencong.core.models import Job

IMPORT = "registry.import"
EXPORT = "registry.export"


@job_handler(IMPORT)
def run_import(job: Job) -> None:
    """Import establishments from ``job.input_file``: all rows or none."""
    from khuyencong.registry.importing import EstablishmentImporter

    importer = EstablishmentImporter(actor=job.created_by)
    with job.input_file.open("rb") as file:
        data = file.read()
    try:
        # Streamed: rows are read, checked and written a batch at a time (docs/import.md).
        table = importer.stream(data, filename=job.params.get("filename") or job.input_file.name)
    except FileRejected as rejected:
        raise JobFailed(rejected.message) from rejected
    progress = JobProgress(job, total=table.estimated_rows, step=1000, exact=False)
    try:
        result = importer.run(table, progress=progress)
    except FileRejected as rejected:  # found while reading: too many rows
        raise JobFailed(rejected.message) from rejected
    except ImportRejected as rejected:
        raise JobFailed(rejected.message, {"errors": rejected.errors_as_dicts()}) from rejected
    if table.ignored:
        result["ignored_columns"] = table.ignored
    job.result = result
    job.message = ngettext(
        "%(count)s establishment was imported.",
        "%(count)s establishments were imported.",
        result["created"],
    ) % {"count": result["created"]}
    if table.ignored:
        job.message += " " + _("Columns not used: %(columns)s.") % {
            "columns": ", ".join(table.ignored)
        }


@job_handler(EXPORT)
def run_export(job: Job) -> None:
    """Export the establishment list the user filtered (``params["query"]``), in scope."""
    from khuyencong.registry.exporting import EstablishmentExporter, filtered_establishments

    queryset = filtered_establishments(job.created_by, QueryDict(job.params.get("query", "")))
    total = queryset.count()
    exporter = EstablishmentExporter(queryset, progress=JobProgress(job, total=total, step=500))
    fmt = job.params.get("format", "xlsx")
    filename = exporter.filename(fmt)
    write_result_file(job, filename, exporter.render(fmt))
    job.result = {"filename": filename, "count": total}
    job.message = ngettext(
        "%(count)s establishment exported.", "%(count)s establishments exported.", total
    ) % {"count": total}
