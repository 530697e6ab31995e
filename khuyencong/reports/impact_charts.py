"""Charts of the impact evaluation, drawn on the server by matplotlib as ``reports.charts``
draws the summary's: inline SVG for the page (sized to the screen, readable on a phone),
PNG for the DOCX annex. Texts in Vietnamese, like the report's own figures.

Each chart shows estimates with their 95 % interval as a point and a whisker: the event
study (effect by year relative to support; the years before support are the check of
parallel trends and should sit on zero), the effect by kind of support and by cohort year.
A point without an estimate (too few to conclude) is left out and named in the note."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import matplotlib
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from khuyencong.core.formats import format_number
from khuyencong.reports.charts import (
    _LOCK,
    BLUE,
    INK,
    MUTED,
    RC,
    RED,
    inline_svg,
    scale,
)

FIGURE_WORDS = {"revenue": "Doanh thu", "workers": "Lao động"}


@dataclass(frozen=True)
class Point:
    label: str
    effect: float | None
    low: float | None
    high: float | None
    before: bool = False  # a year before support (parallel-trends check)


@dataclass(frozen=True)
class IntervalChart:
    key: str
    title: str
    indicator: str
    points: tuple[Point, ...]
    horizontal: bool = False
    note: str = ""

    @property
    def has_data(self) -> bool:
        return any(p.effect is not None for p in self.points)


def _money(indicator: str) -> bool:
    return indicator != "workers"


def event_study(report: dict[str, Any], indicator: str) -> IntervalChart:
    rows = report["overall"][indicator]["event_study"]
    points = tuple(
        Point(
            f"{row['relative_year']:+d}" if row["relative_year"] else "0",
            row["effect"],
            row["ci_low"],
            row["ci_high"],
            before=row["relative_year"] < -1,
        )
        for row in rows
    )
    return IntervalChart(
        f"event-{indicator}",
        f"{FIGURE_WORDS[indicator]}: chênh lệch theo năm so với năm trước hỗ trợ "
        f"(cơ sở được hỗ trợ năm {report['cohort']})",
        indicator,
        points,
        note="Năm −1 là năm gốc; các năm trước đó (màu xám) kiểm tra xu hướng song song.",
    )


def by_kind(report: dict[str, Any], indicator: str) -> IntervalChart:
    points = tuple(
        Point(
            f"{kind['category']}",
            kind[indicator]["effect"],
            kind[indicator]["ci_low"],
            kind[indicator]["ci_high"],
        )
        for kind in report["kinds"]
    )
    missing = [k["category"] for k in report["kinds"] if k[indicator]["effect"] is None]
    return IntervalChart(
        f"kinds-{indicator}",
        f"{FIGURE_WORDS[indicator]}: tác động theo nội dung hỗ trợ, năm {report['cohort']}",
        indicator,
        points,
        horizontal=True,
        note=("Chưa đủ số liệu: " + ", ".join(missing)) if missing else "",
    )


def by_year(report: dict[str, Any], indicator: str) -> IntervalChart:
    rows = sorted(report["years"], key=lambda r: r["cohort"])
    points = tuple(
        Point(
            str(row["cohort"]),
            row[indicator]["effect"],
            row[indicator]["ci_low"],
            row[indicator]["ci_high"],
        )
        for row in rows
    )
    missing = [str(r["cohort"]) for r in rows if r[indicator]["effect"] is None]
    return IntervalChart(
        f"years-{indicator}",
        f"{FIGURE_WORDS[indicator]}: tác động theo năm được hỗ trợ, sau {report['horizon']} năm",
        indicator,
        points,
        note=("Chưa đủ số liệu: " + ", ".join(missing)) if missing else "",
    )


def for_page(report: dict[str, Any]) -> list[IntervalChart]:
    found = []
    for indicator in ("revenue", "workers"):
        found += [
            event_study(report, indicator),
            by_kind(report, indicator),
            by_year(report, indicator),
        ]
    return [chart for chart in found if chart.has_data]


def _number(value: float, divisor: int, indicator: str) -> str:
    with translation.override("vi"):
        if _money(indicator):
            return format_number(Decimal(str(value)) / divisor, decimals=1)
        return format_number(value, decimals=1)


def _draw(chart: IntervalChart) -> Figure:
    shown = list(chart.points)
    values = [abs(v) for p in shown for v in (p.effect, p.low, p.high) if v is not None]
    if _money(chart.indicator):
        divisor, words = scale([round(v) for v in values])
    else:
        divisor, words = 1, "lao động"
    count = len(shown)
    if chart.horizontal:
        figure = Figure(figsize=(7.2, 1.2 + 0.4 * count), layout="constrained")
    else:
        figure = Figure(figsize=(7.2, 3.4), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(count))
    for position, point in zip(positions, shown, strict=True):
        if point.effect is None:
            continue
        if point.before:
            colour = MUTED
        elif point.low == point.high == point.effect == 0:
            colour = INK  # the base year
        else:
            colour = RED if (point.low or 0) > 0 else BLUE
        centre = point.effect / divisor
        low = (point.effect - (point.low if point.low is not None else point.effect)) / divisor
        high = ((point.high if point.high is not None else point.effect) - point.effect) / divisor
        if chart.horizontal:
            axes.errorbar(centre, position, xerr=[[low], [high]], fmt="o", color=colour, capsize=4)
        else:
            axes.errorbar(position, centre, yerr=[[low], [high]], fmt="o", color=colour, capsize=4)
    formatter = FuncFormatter(lambda x, _pos: _number(x * divisor, divisor, chart.indicator))
    names = [p.label for p in shown]
    if chart.horizontal:
        axes.axvline(0, color=INK, linewidth=0.8)
        axes.set_yticks(positions, names)
        axes.invert_yaxis()
        axes.xaxis.set_major_formatter(formatter)
        axes.xaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10]))
        axes.set_xlabel(words.capitalize())
        axes.set_ylim(count - 0.5, -0.5)
    else:
        axes.axhline(0, color=INK, linewidth=0.8)
        axes.set_xticks(positions, names)
        axes.yaxis.set_major_formatter(formatter)
        axes.yaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10]))
        axes.set_ylabel(words.capitalize())
        axes.set_xlim(-0.5, count - 0.5)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def _render(chart: IntervalChart, fmt: str, **options: Any) -> bytes:
    rc: Any = {**RC, "svg.hashsalt": f"kc-{chart.key}"}
    with _LOCK, matplotlib.rc_context(rc):
        figure = _draw(chart)
        FigureCanvasAgg(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, **options)
    return buffer.getvalue()


def svg(chart: IntervalChart) -> SafeString:
    """Inline SVG as ``reports.charts.svg`` makes it (width of the screen, titled), its texts
    marked Vietnamese (the report's own figures)."""
    raw = _render(chart, "svg", metadata={"Date": None, "Creator": None})
    return mark_safe(inline_svg(raw, chart.key, chart.title, lang="vi"))  # noqa: S308 - escaped


def png(chart: IntervalChart, dpi: int = 150) -> bytes:
    return _render(chart, "png", dpi=dpi, metadata={"Software": None})
