"""Charts of the period summary, drawn on the server by matplotlib (Agg, no pyplot, no
JavaScript): inline SVG for the pages — text kept as text, sized by its ``viewBox`` to the
width of the screen, so it reads on a phone and offline — and PNG bytes for files (DOCX,
PDF).

Three charts, their texts in Vietnamese whatever the interface language (they are the
report's own figures, like the narrative), amounts in "tỷ đồng" (or "triệu đồng" when all are
below a billion) with Vietnamese number formatting:

- ``trend``: money disbursed per year for the unit, the 8 years ending with the period's
  year (the last bar from 1 January to the period's end, marked ``*`` when that is not the
  whole year); for a range of whole years, its years (the last 12 at most). Each year is
  ``figures.compute`` of ``funding.disbursed`` alone — records and aggregate values combined
  without double counting, exactly as the summary — which costs at most two queries per
  year (one per group of provinces sharing a records start, usually one, and one for the
  stored values of the years before records): a fixed number, whatever the number of
  provinces or records.
- ``by_source``: money disbursed by source (national, local, counterpart, other) beside the
  annual plan, from the summary's rows (no query).
- ``by_province``: for a region or the nation, money disbursed per province in the period:
  one grouped query over the disbursements (each province from its own records start) and
  one over the stored values of the days before records, combined province by province with
  ``figures.StoredValues`` (the same exact tiling as the summary).

A figure that cannot be answered exactly has no bar, and its value reads "–" in the table of
figures under the chart; a chart with nothing to show is left out. No map: no boundary
dataset of the 2025 provinces is packaged.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import matplotlib
from django.core.cache import cache
from django.db.models import Q, Sum
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

from khuyencong.core import dataversions
from khuyencong.core.formats import format_number
from khuyencong.places.models import Province
from khuyencong.programmes.models import Disbursement
from khuyencong.reports import figures
from khuyencong.reports.periods import Period, day_before
from khuyencong.reports.units import NATION, REGION, ResolvedUnit

DISBURSED = "funding.disbursed"
TREND_YEARS = 8
MAX_TREND_YEARS = 12
BILLION = 1_000_000_000
MILLION = 1_000_000
SOURCES = {
    "national": "Khuyến công\nquốc gia",
    "local": "Khuyến công\nđịa phương",
    "counterpart": "Vốn đối ứng",
    "other": "Nguồn khác",
}
RED = "#b3261e"
BLUE = "#0b5cad"
INK = "#1d1b1a"
MUTED = "#6b6560"
RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["Noto Sans", "DejaVu Sans"],
    "font.size": 10,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
}
# rcParams are global: rendering holds a lock so threads do not mix their settings.
_LOCK = threading.Lock()
_SVG_TAG = re.compile(r"<svg\b[^>]*>")
# matplotlib writes its SVG styling as ``style`` attributes and a ``<style>`` element, both
# refused by the pages' Content-Security-Policy (no inline style). Every property it uses is
# also an SVG presentation attribute, which the policy allows: they are rewritten as such.
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>\s*", re.DOTALL)
PRESENTATION_ATTRIBUTES = frozenset(
    {
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
        "stroke-linejoin", "stroke-linecap", "stroke-miterlimit", "stroke-dasharray",
        "stroke-dashoffset", "opacity", "font-size", "font-family", "font-style",
        "font-weight", "text-anchor", "dominant-baseline", "clip-path", "visibility",
    }
)  # fmt: skip


def _presentation(declarations: str) -> str:
    """``fill: #fff; stroke-width: 0.8`` → `` fill="#fff" stroke-width="0.8"``."""
    attributes = []
    for declaration in declarations.split(";"):
        if not declaration.strip():
            continue
        name, _colon, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name not in PRESENTATION_ATTRIBUTES:
            raise ValueError(f"SVG style {name!r} has no presentation attribute")
        attributes.append(f' {name}="{value}"')  # already escaped in its attribute
    return "".join(attributes)


def without_inline_styles(svg_text: str) -> tuple[str, str]:
    """(the SVG without ``style`` attributes or elements, the root's attributes from the
    ``<style>`` element's ``*{…}`` rule, inherited by every shape)."""
    root = ""
    for rule in _STYLE_ELEMENT.findall(svg_text):
        match = re.fullmatch(r"\s*\*\s*\{([^}]*)\}\s*", rule)
        if match is None:
            raise ValueError(f"SVG style rule not understood: {rule!r}")
        root += _presentation(match.group(1))
    svg_text = _STYLE_ELEMENT.sub("", svg_text)
    svg_text = _STYLE_ATTRIBUTE.sub(lambda m: _presentation(m.group(1)), svg_text)
    return svg_text, root


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None  # đồng; None: cannot be answered exactly
    plan: int | None = None


@dataclass(frozen=True)
class Chart:
    """What a chart shows; ``svg`` and ``png`` draw it."""

    key: str  # "trend", "sources", "provinces": also the id of its SVG title
    title: str
    bars: tuple[Bar, ...]
    plan_label: str = ""  # the legend of the plan bars ("" when there are none)
    note: str = ""
    horizontal: bool = False
    notes: tuple[str, ...] = field(default=())  # why some bars are missing

    @property
    def has_data(self) -> bool:
        return any(bar.value or bar.plan for bar in self.bars)

    @property
    def has_plan(self) -> bool:
        return bool(self.plan_label) and any(bar.plan is not None for bar in self.bars)


# --- the figures ----------------------------------------------------------------------------


def trend_periods(period: Period) -> list[Period]:
    """The years the trend shows, oldest first; the last one ends with the period."""
    last = period.end.year
    if period.is_whole_years and period.start.year != last:
        first = max(period.start.year, last - MAX_TREND_YEARS + 1)
    else:
        first = last - TREND_YEARS + 1
    years = [Period.year(year) for year in range(first, last)]
    return [*years, Period(datetime.date(last, 1, 1), period.end)]


def trend(
    resolved: ResolvedUnit,
    period: Period,
    *,
    catalogue: figures.Catalogue | None = None,
    since: Any = None,
) -> Chart:
    """Money disbursed per year (see the module's notes for the queries); the data versions
    of the cached figures are read once for every year."""
    with dataversions.pinned():
        return _trend(resolved, period, catalogue=catalogue, since=since)


def _trend(
    resolved: ResolvedUnit,
    period: Period,
    *,
    catalogue: figures.Catalogue | None,
    since: Any,
) -> Chart:
    catalogue = catalogue or figures.Catalogue.load()
    since = since if since is not None else figures.records_since()
    indicator = catalogue.indicators[DISBURSED]
    bars = []
    notes = []
    partial = ""
    for year in trend_periods(period):
        figure = figures.compute(resolved, year, [indicator], catalogue, since)[DISBURSED]
        label = str(year.start.year)
        if not year.is_year:
            label += "*"
            partial = f"* Năm {year.start.year} tính đến ngày {year.end:%d/%m/%Y}."
        # Disbursed money is whole đồng: ``int`` keeps the bar's type honest.
        bars.append(Bar(label, None if figure.value is None else int(figure.value)))
        if figure.value is None and figure.note:
            notes.append(f"{label}: {figure.note}")
        elif figure.partial and figure.completeness is not None:
            notes.append(
                f"{label}: số liệu của {figure.completeness.reported}/"
                f"{figure.completeness.expected} "
                f"{'xã' if figure.completeness.level == 'commune' else 'tỉnh'} (thiếu "
                f"{', '.join(figure.completeness.missing_labels[: figures.MAX_NAMED])}"
                f"{'…' if len(figure.completeness.missing) > figures.MAX_NAMED else ''})."
            )
    first, last = bars[0].label.rstrip("*"), bars[-1].label.rstrip("*")
    return Chart(
        "trend",
        f"Kinh phí khuyến công đã giải ngân các năm {first}–{last}",
        tuple(bars),
        note=partial,
        notes=tuple(notes),
    )


def _row(report: dict[str, Any], code: str) -> dict[str, Any]:
    return next((r for r in report["indicators"] if r["code"] == code), {})


def by_source(report: dict[str, Any]) -> Chart:
    """Money disbursed by source beside the annual plan, from ``summary.build``'s dict (no
    query); the plan bars only for a period within one year (others have no annual plan)."""
    bars = []
    for source, label in SOURCES.items():
        row = _row(report, f"{DISBURSED}.{source}")
        bars.append(Bar(label, row.get("value"), row.get("plan")))
    first, last = report["start"][:4], report["end"][:4]
    return Chart(
        "sources",
        f"Kinh phí đã giải ngân theo nguồn, {report['period_label']}",
        tuple(bars),
        plan_label=f"Kế hoạch năm {first}" if first == last else "",
    )


def _records_start(period: Period, day: datetime.date) -> tuple[Period | None, Period | None]:
    """(the days before records, the days from records) of the period."""
    if day <= period.start:
        return None, period
    if day > period.end:
        return period, None
    return Period(period.start, day_before(day)), Period(day, period.end)


def disbursed_by_province(
    resolved: ResolvedUnit,
    period: Period,
    *,
    catalogue: figures.Catalogue | None = None,
    since: Any = None,
) -> dict[str, tuple[int | None, str]]:
    """{province code: (money disbursed in the period — what was reported, None when
    nothing was —, which days or places are missing)} for the provinces of a region or the
    nation: one grouped query over the records and one over stored values."""
    catalogue = catalogue or figures.Catalogue.load()
    default, own = since if since is not None else figures.records_since()
    record_starts: dict[datetime.date, list[str]] = defaultdict(list)
    with_records: set[str] = set()
    before_records = []
    for part in resolved.parts:
        before, after = _records_start(period, own.get(part.province, default))
        if after is not None:
            record_starts[after.start].append(part.province)
            with_records.add(part.province)
        if before is not None:
            before_records.append((part, before))
    totals: dict[str, int] = defaultdict(int)
    if record_starts:
        where = Q()
        for start, provinces in record_starts.items():
            where |= Q(province__in=sorted(provinces), date__gte=start)
        rows = (
            Disbursement.objects.filter(where, date__lte=period.end)
            .values_list("province")
            .annotate(total=Sum("amount"))
            .order_by()
        )
        for province, total in rows:
            totals[province] += int(total or 0)
    notes: dict[str, str] = {}
    nothing: set[str] = set()
    if before_records:
        stored = figures.StoredValues(
            catalogue,
            {u for part, _p in before_records for u in (part.own, *part.alternatives)},
            {DISBURSED},
            period.start,
            period.end,
            resolved.labels,
        )
        for part, before in before_records:
            value, missing = stored.answer_part(DISBURSED, part, before)
            if missing:
                notes[part.province] = figures.missing_note(missing, before, resolved.labels)
            if value is None:
                nothing.add(part.province)
            else:
                totals[part.province] += value
    return {
        code: (
            None if code in nothing and code not in with_records else totals.get(code, 0),
            notes.get(code, ""),
        )
        for code in resolved.provinces
    }


def by_province(
    resolved: ResolvedUnit,
    period: Period,
    *,
    catalogue: figures.Catalogue | None = None,
    since: Any = None,
) -> Chart | None:
    """Provinces side by side (largest first); None unless the unit is a region or the
    nation."""
    if resolved.unit.kind not in (NATION, REGION):
        return None
    values = disbursed_by_province(resolved, period, catalogue=catalogue, since=since)
    names = dict(
        Province.objects.filter(code__in=resolved.provinces).values_list("code", "short_name")
    )
    ordered = sorted(
        values.items(),
        key=lambda item: (item[1][0] is None, -(item[1][0] or 0), names.get(item[0], item[0])),
    )
    return Chart(
        "provinces",
        f"Kinh phí đã giải ngân theo tỉnh, thành phố, {period.label}",
        tuple(Bar(names.get(code) or code, value) for code, (value, _n) in ordered),
        horizontal=True,
        notes=tuple(f"{names.get(code) or code}: {note}" for code, (_v, note) in ordered if note),
    )


def for_summary(resolved: ResolvedUnit, period: Period, report: dict[str, Any]) -> list[Chart]:
    """The charts of a summary that have something to show, in page order."""
    catalogue = figures.Catalogue.load()
    since = figures.records_since()
    with dataversions.pinned():
        found = [
            trend(resolved, period, catalogue=catalogue, since=since),
            by_source(report),
            by_province(resolved, period, catalogue=catalogue, since=since),
        ]
    return [chart for chart in found if chart is not None and chart.has_data]


# --- drawing --------------------------------------------------------------------------------


def scale(amounts: list[int]) -> tuple[int, str]:
    """(divisor, unit words) for the axis: tỷ đồng from a billion, else triệu đồng, else
    đồng."""
    largest = max((abs(a) for a in amounts), default=0)
    if largest >= BILLION:
        return BILLION, "tỷ đồng"
    if largest >= MILLION:
        return MILLION, "triệu đồng"
    return 1, "đồng"


def amount_text(amount: int | None, divisor: int) -> str:
    """42_716_000_000 with divisor 10⁹ → "42,7"; None → "–"."""
    if amount is None:
        return "–"
    with translation.override("vi"):
        return format_number(Decimal(amount) / divisor, decimals=1)


def _draw(chart: Chart) -> Figure:
    amounts = [a for bar in chart.bars for a in (bar.value, bar.plan) if a is not None]
    divisor, unit_words = scale(amounts)
    count = len(chart.bars)
    if chart.horizontal:
        figure = Figure(figsize=(7.2, 1.2 + 0.32 * count), layout="constrained")
    else:
        figure = Figure(figsize=(7.2, 3.6), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(count))
    series = [("Đã giải ngân", [bar.value for bar in chart.bars], RED)]
    if chart.has_plan:
        series.append((chart.plan_label, [bar.plan for bar in chart.bars], BLUE))
    width = 0.8 / len(series)
    for index, (name, values, colour) in enumerate(series):
        offset = (index - (len(series) - 1) / 2) * width
        places = [p + offset for p in positions]
        heights = [(v or 0) / divisor for v in values]
        labels = [amount_text(v, divisor) for v in values]
        if chart.horizontal:
            bars = axes.barh(places, heights, height=width, color=colour, label=name)
        else:
            bars = axes.bar(places, heights, width=width, color=colour, label=name)
        axes.bar_label(bars, labels=labels, padding=2, fontsize=8)
    formatter = FuncFormatter(lambda x, _pos: amount_text(round(x * divisor), divisor))
    names = [bar.label for bar in chart.bars]
    if chart.horizontal:
        axes.set_yticks(positions, names)
        axes.invert_yaxis()
        axes.xaxis.set_major_formatter(formatter)
        axes.xaxis.set_major_locator(MaxNLocator(5))
        axes.set_xlabel(unit_words.capitalize())
        axes.margins(x=0.12)
    else:
        axes.set_xticks(positions, names)
        axes.yaxis.set_major_formatter(formatter)
        axes.yaxis.set_major_locator(MaxNLocator(5))
        axes.set_ylabel(unit_words.capitalize())
        axes.margins(y=0.12)
    axes.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        axes.legend(frameon=False, fontsize=8)
    if chart.note and not chart.horizontal:
        axes.set_xlabel(chart.note, fontsize=8, color=MUTED, loc="left")
    return figure


def _render(chart: Chart, fmt: str, **options: Any) -> bytes:
    with _LOCK, matplotlib.rc_context({**RC, "svg.hashsalt": f"kc-{chart.key}"}):
        figure = _draw(chart)
        FigureCanvasAgg(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, **options)
    return buffer.getvalue()


# Drawing a chart takes 0.2–0.6 s of matplotlib: the SVG is kept in the cache under a digest of
# everything it shows (the chart's figures, texts and the language), so a changed figure is a
# new key and there is nothing to invalidate; an unchanged report is drawn once a day.
CHART_CACHE_SECONDS = 24 * 60 * 60


def _cache_key(chart: Chart, fmt: str) -> str:
    digest = hashlib.sha256(f"{fmt}|{translation.get_language()}|{chart!r}".encode()).hexdigest()
    return f"reports:chart:{digest}"


def svg(chart: Chart) -> SafeString:
    """Inline SVG: no XML prologue, ``width="100%"`` and the ``viewBox`` for the height,
    ``role="img"`` with the chart's title as ``<title>`` and ``aria-label``. matplotlib
    escapes the texts it writes; the title is escaped here."""
    key = _cache_key(chart, "svg")
    cached = cache.get(key)
    if cached is None:
        cached = _svg_text(chart)
        cache.set(key, cached, CHART_CACHE_SECONDS)
    return mark_safe(cached)  # noqa: S308 - escaped in _svg_text


def _svg_text(chart: Chart) -> str:
    raw = _render(chart, "svg", metadata={"Date": None, "Creator": None})
    return inline_svg(raw, chart.key, chart.title)


def inline_svg(raw: bytes, key: str, title: str, lang: str = "") -> str:
    """matplotlib's SVG made fit for a page: no XML prologue or metadata, no inline styles
    (the Content-Security-Policy refuses them), the width of the screen with the viewBox for
    the height, and ``role="img"`` titled by ``title`` (escaped here). Used by every chart
    module (this one, impact_charts)."""
    text = raw.decode()
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text[text.index("<svg") :], flags=re.DOTALL)
    text, root_attributes = without_inline_styles(text)
    title = escape(title)
    tag = _SVG_TAG.match(text)
    assert tag is not None
    attributes = re.sub(r'\s(width|height)="[^"]*"', "", tag.group(0)[len("<svg") : -1])
    language = f' lang="{escape(lang)}"' if lang else ""
    opening = (
        f'<svg{attributes} width="100%"{language} role="img" '
        f'aria-labelledby="chart-{key}-title" '
        f'aria-label="{title}" data-chart="{key}"{root_attributes}>'
        f'<title id="chart-{key}-title">{title}</title>'
    )
    return opening + text[tag.end() :].strip()


def png(chart: Chart, dpi: int = 150) -> bytes:
    """PNG bytes of the chart, for DOCX and PDF files."""
    return _render(chart, "png", dpi=dpi, metadata={"Software": None})
