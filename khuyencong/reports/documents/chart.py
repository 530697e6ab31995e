"""The chart of a form's document (a funding form: money spent beside the plan, by activity
content), drawn by ``reports.charts`` from the document's bars: PNG for DOCX and PDF."""

from __future__ import annotations

from khuyencong.reports import charts
from khuyencong.reports.documents import Document


def chart_of(made: Document) -> charts.Chart | None:
    if not made.bars:
        return None
    chart = charts.Chart(
        key="form-funding",
        title=made.chart_title,
        bars=tuple(charts.Bar(bar.label, bar.spent, bar.planned) for bar in made.bars),
        plan_label="Kế hoạch",
        horizontal=True,
    )
    return chart if chart.has_data else None


def chart_png(made: Document) -> bytes | None:
    chart = chart_of(made)
    return charts.png(chart, dpi=200) if chart is not None else None
