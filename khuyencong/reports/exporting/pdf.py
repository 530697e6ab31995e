"""The summary as a PDF: ``reports/files/summary_pdf.html`` rendered by WeasyPrint on A4
landscape, in Noto Sans (Debian's fonts-noto-core; DejaVu Sans as a fallback), which has
every Vietnamese letter; the font is embedded in the file."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from khuyencong.reports.exporting import (
    EXPLANATION,
    HEADERS,
    TITLE,
    Progress,
    capitalised,
    made_on,
    notes,
    period_line,
    table_rows,
)


def render_pdf(report: dict[str, Any], progress: Progress | None = None) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango when imported

    lines = []
    for line in table_rows(report):
        lines.append({"depth": line.depth, "code": line.data["code"], "cells": line.texts()})
        if progress is not None:
            progress()
    html = render_to_string(
        "reports/files/summary_pdf.html",
        {
            "title": TITLE,
            "document_title": f"{TITLE} – {report['unit_label']} – {report['period_label']}",
            "place": capitalised(report["unit_label"]),
            "period": period_line(report),
            "narrative": report["narrative"],
            "headers": HEADERS,
            "lines": lines,
            "notes": notes(report),
            "explanation": EXPLANATION,
            "made_on": made_on(),
        },
    )
    return HTML(string=html).write_pdf()
