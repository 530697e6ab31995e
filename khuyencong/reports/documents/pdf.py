"""A form's document as PDF: ``reports/files/form_pdf.html`` rendered by WeasyPrint on A4
(landscape for wide tables), margins 20 mm top and bottom, 30 mm left, 15 mm right, in
Times New Roman or its metric-compatible substitutes (Debian's fonts-liberation "Liberation
Serif", fonts-croscore "Tinos"), which have every Vietnamese letter; no font file is
shipped, the one found is embedded in the file. The chart of a funding form is a PNG."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string

from khuyencong.reports.documents import (
    DOCUMENT_KIND,
    MOTTO,
    MOTTO_LINE,
    RECIPIENTS,
    SIGNATURE_HINT,
    Document,
)
from khuyencong.reports.documents.chart import chart_png


def render_pdf(made: Document) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango when imported

    figure_start = made.fixed_columns
    lines = []
    for row, texts in zip(made.rows, made.body(), strict=True):
        cells = []
        for index, text in enumerate(texts):
            if index == 0:
                kind = "no"
            elif index == 1:
                kind = "name"
            elif index >= figure_start and made.columns[index - figure_start].kind != "text":
                kind = "num"
            else:
                kind = "text"
            cells.append({"text": text, "kind": kind})
        lines.append({"level": row.level, "code": row.code, "cells": cells})
    image = chart_png(made)
    html = render_to_string(
        "reports/files/form_pdf.html",
        {
            "made": made,
            "motto": MOTTO,
            "motto_line": MOTTO_LINE,
            "kind": DOCUMENT_KIND,
            "recipients_label": RECIPIENTS,
            "signature_hint": SIGNATURE_HINT,
            "headers": made.header_rows(),
            "lines": lines,
            "chart": base64.b64encode(image).decode() if image else "",
        },
    )
    return HTML(string=html).write_pdf()
