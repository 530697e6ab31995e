"""The job that writes a report file in the background (core/jobs.py): national and regional
files from the pages. The job reads the place again for its creator, so a file is never
made for a place they may no longer read."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from khuyencong.core.errors import DomainError
from khuyencong.core.jobs import (
    JobFailed,
    JobProgress,
    job_handler,
    start_job,
    write_result_file,
)
from khuyencong.core.models import Job
from khuyencong.reports import access
from khuyencong.reports.exporting import FORMATS, build_report, report_file
from khuyencong.reports.periods import Period
from khuyencong.reports.units import ResolvedUnit

SUMMARY_FILE = "reports.summary_file"


def start_summary_file(
    *, actor: Any, resolved: ResolvedUnit, period: Period, fmt: str, back_url: str = ""
) -> Job:
    """Queue the file of ``resolved`` over ``period`` (the job page shows its progress)."""
    start, end = period.iso
    return start_job(
        kind=SUMMARY_FILE,
        actor=actor,
        params={
            "title": _("Report file: %(place)s, %(period)s (%(format)s)")
            % {"place": resolved.label, "period": period.label, "format": fmt.upper()},
            "unit": str(resolved.unit),
            "start": start,
            "end": end,
            "format": fmt,
            "back_url": back_url,
        },
    )


@job_handler(SUMMARY_FILE)
def run_summary_file(job: Job) -> None:
    params = job.params
    fmt = params.get("format")
    if fmt not in FORMATS:
        raise JobFailed(_("Unknown file format."))
    try:
        resolved = access.resolve_for(job.created_by, params.get("unit"))
        period = Period(
            datetime.date.fromisoformat(params["start"]), datetime.date.fromisoformat(params["end"])
        )
    except Http404 as exc:
        raise JobFailed(_("You may no longer read this place.")) from exc
    except (DomainError, KeyError, TypeError, ValueError) as exc:
        raise JobFailed(_("The report could not be made: its place or period is wrong.")) from exc
    report = build_report(resolved, period)
    progress = JobProgress(job, total=len(report["indicators"]), step=5)
    file = report_file(report, fmt, progress=progress.advance)
    write_result_file(job, file.filename, file.content)
    job.result = {"filename": file.filename, "format": fmt}
    job.message = _("The report file is ready.")
