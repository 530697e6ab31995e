"""What the four form builders share: the empty form for a unit and period, notes one line
each, and indicators made for one form (per activity content, per award level and group)
that are combined by ``reports.figures`` like the catalogue's own but stored nowhere: with
no aggregate value possible for them, days before a province's records start leave them
unanswered, with the figures' note saying so."""

from __future__ import annotations

from collections.abc import Iterable

from khuyencong.reports import figures
from khuyencong.reports.forms.base import FormColumn, FormRow, OfficialForm
from khuyencong.reports.models import Indicator
from khuyencong.reports.periods import Period
from khuyencong.reports.units import ResolvedUnit

PROGRAMMES = ("national", "local", "total")
MAX_NOTES = 8
MAX_ROWS_NAMED = 6


def new_form(
    code: str,
    title: str,
    resolved: ResolvedUnit,
    period: Period,
    columns: list[FormColumn],
    rows: list[FormRow],
    money_unit: str = "triệu đồng",
) -> OfficialForm:
    return OfficialForm(
        code=code,
        title=title,
        unit=str(resolved.unit),
        unit_label=resolved.label,
        start=period.start,
        end=period.end,
        period_label=period.label,
        columns=columns,
        rows=rows,
        money_unit=money_unit,
    )


def form_notes(notes: Iterable[tuple[str, str]], rows: int | None = None) -> list[str]:
    """One line per distinct explanation, naming the rows it concerns ("Dòng 1, 2: …"; "Tất
    cả các dòng: …" when it concerns all ``rows`` numbered rows; the first few and a count
    when many), at most ``MAX_NOTES`` lines."""
    rows_by_note: dict[str, list[str]] = {}
    for no, note in notes:
        numbers = rows_by_note.setdefault(note, [])
        if no and no not in numbers:
            numbers.append(no)
    lines = []
    for note, numbers in rows_by_note.items():
        if not numbers:
            where = ""
        elif rows is not None and len(numbers) >= rows:
            where = "Tất cả các dòng: "
        elif len(numbers) > MAX_ROWS_NAMED:
            shown = ", ".join(numbers[:MAX_ROWS_NAMED])
            where = f"Dòng {shown} và {len(numbers) - MAX_ROWS_NAMED} dòng khác: "
        else:
            where = f"Dòng {', '.join(numbers)}: "
        lines.append(f"{where}{note}")
    if len(lines) > MAX_NOTES:
        more = len(lines) - MAX_NOTES + 1
        lines = [*lines[: MAX_NOTES - 1], f"… và {more} ghi chú khác."]
    return lines


def transient(code: str, name: str, unit: str, *, by_plan_year: bool = False) -> Indicator:
    """An indicator of one form, summed over places and periods, never stored."""
    return Indicator(
        code=code,
        name=name,
        unit=unit,
        counting=Indicator.Counting.SUM,
        by_plan_year=by_plan_year,
        in_summary=False,
    )


def compute_transient(
    resolved: ResolvedUnit,
    period: Period,
    indicators: list[Indicator],
    catalogue: figures.Catalogue | None = None,
) -> dict[str, figures.Figure]:
    """``figures.compute`` over indicators some of which are ``transient``."""
    catalogue = catalogue or figures.Catalogue.load()
    extended = figures.Catalogue(
        {**catalogue.indicators, **{i.code: i for i in indicators}}, catalogue.parts
    )
    return figures.compute(resolved, period, indicators, extended)
