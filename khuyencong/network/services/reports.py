"""Quarterly reports being drafted or corrected (their lifecycle is in ``network.workflow``,
their deadlines in ``network.deadlines``), with their sector lines and difficulties."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from khuyencong.core.errors import WorkflowError
from khuyencong.core.formats import format_number
from khuyencong.core.history import set_history_actor
from khuyencong.core.locking import lock_current
from khuyencong.network.access import (
    may_file_for,
    reports_for,
)
from khuyencong.network.errors import NetworkError
from khuyencong.network.models import (
    Collaborator,
    Difficulty,
    QuarterlyReport,
    ReportSectorLine,
)
from khuyencong.network.quarters import Quarter
from khuyencong.network.services.common import (
    MAX_COUNT,
    MAX_DIFFICULTIES,
    MAX_TEXT,
    clean_text,
    clean_whole,
    today,
)
from khuyencong.registry.models import Sector

S = QuarterlyReport.Status
D = Difficulty.Status
# A report's own fields are edited while it is being drafted or corrected.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
# Each count of a sector line and the report's total it adds up to.
LINE_FIELDS = {
    "active": "establishments_active",
    "new": "establishments_new",
    "ceased": "establishments_ceased",
}


def _quarter(year: Any, quarter: Any) -> Quarter:
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise NetworkError(_("Enter a quarter such as 2026-Q1."), field="period")
    if isinstance(quarter, bool) or not isinstance(quarter, int) or not 1 <= quarter <= 4:
        raise NetworkError(_("Enter a quarter such as 2026-Q1."), field="period")
    return Quarter(year, quarter)


def _clean_lines(value: Any) -> list[dict[str, Any]]:
    """Sector lines from a form or the API: ``[{"sector", "active", "new", "ceased"}]``.
    Lines of zeros are dropped; a sector twice is refused."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise NetworkError(_("Give the counts by sector as a list of lines."), field="sector_lines")
    sectors = {s.pk: s for s in Sector.objects.all()}
    cleaned: dict[str, dict[str, Any]] = {}
    for index, line in enumerate(value, start=1):
        if not isinstance(line, dict):
            raise NetworkError(
                _("Line %(n)s: give a sector and its counts.") % {"n": index},
                field="sector_lines",
            )
        code = getattr(line.get("sector"), "pk", line.get("sector"))
        if code not in sectors:
            raise NetworkError(
                _("Line %(n)s: “%(code)s” is not a sector.") % {"n": index, "code": code},
                field="sector_lines",
            )
        if code in cleaned:
            raise NetworkError(
                _("Line %(n)s: the sector %(sector)s appears twice.")
                % {"n": index, "sector": sectors[code].code_label},
                field="sector_lines",
            )
        counts = {}
        for name in LINE_FIELDS:
            number = line.get(name) or 0
            if (
                isinstance(number, bool)
                or not isinstance(number, int)
                or not 0 <= number <= MAX_COUNT
            ):
                raise NetworkError(
                    _("Line %(n)s: enter whole numbers between 0 and %(max)s.")
                    % {"n": index, "max": format_number(MAX_COUNT)},
                    field="sector_lines",
                )
            counts[name] = number
        if any(counts.values()):
            cleaned[code] = {"sector": sectors[code], **counts}
    return list(cleaned.values())


def _clean_difficulties(report: QuarterlyReport, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple):
        raise NetworkError(_("Give the difficulties as a list."), field="difficulties")
    if len(value) > MAX_DIFFICULTIES:
        raise NetworkError(
            _("At most %(n)s difficulties per report.") % {"n": MAX_DIFFICULTIES},
            field="difficulties",
        )
    covered = {c.pk: c for c in report.collaborator.communes.all()}
    default = next(iter(covered.values())) if len(covered) == 1 else None
    cleaned = []
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise NetworkError(
                _("Difficulty %(n)s: give a topic and a text.") % {"n": index}, field="difficulties"
            )
        topic = item.get("topic")
        if topic not in Difficulty.Topic.values:
            raise NetworkError(
                _("Difficulty %(n)s: “%(topic)s” is not a topic.") % {"n": index, "topic": topic},
                field="difficulties",
            )
        text = "" if item.get("text") is None else str(item["text"]).strip()
        if not text or len(text) > MAX_TEXT:
            raise NetworkError(
                _("Difficulty %(n)s: describe it in at most %(max)s characters.")
                % {"n": index, "max": format_number(MAX_TEXT)},
                field="difficulties",
            )
        commune = item.get("commune")
        code = getattr(commune, "pk", commune)
        if code in (None, ""):
            commune = default
        elif code in covered:
            commune = covered[code]
        else:
            raise NetworkError(
                _("Difficulty %(n)s: the commune is not one the collaborator covers.")
                % {"n": index},
                field="difficulties",
            )
        cleaned.append({"topic": topic, "text": text, "commune": commune})
    return cleaned


def _apply_report(report: QuarterlyReport, data: dict[str, Any], *, creating: bool) -> Any:
    """Check and set the report's fields; answers the cleaned sector lines to write (or
    ``None`` to keep those recorded)."""
    if "proposals" in data or creating:
        report.proposals = clean_text(data.get("proposals"), "proposals", max_length=MAX_TEXT)
    lines = _clean_lines(data["sector_lines"]) if "sector_lines" in data else None
    if lines is not None:
        basis = lines
    elif creating:
        basis = []
    else:
        basis = [
            {"active": line.active, "new": line.new, "ceased": line.ceased}
            for line in report.sector_lines.all()
        ]
    for name, total in LINE_FIELDS.items():
        if total in data:
            value = data[total]
        elif creating or lines is not None:
            value = None  # the sum of the lines given, if any
        else:
            value = getattr(report, total)
        if value is None:
            if not basis:
                raise NetworkError(_("This field is required."), field=total)
            value = sum(line[name] for line in basis)
        value = clean_whole(value, total, maximum=MAX_COUNT)
        if basis:
            expected = sum(line[name] for line in basis)
            if value != expected:
                raise NetworkError(
                    _(
                        "The total (%(total)s) differs from the sum of the counts by sector "
                        "(%(sum)s)."
                    )
                    % {"total": format_number(value), "sum": format_number(expected)},
                    field=total,
                )
        setattr(report, total, value)
    return lines


def _write_lines(report: QuarterlyReport, lines: list[dict[str, Any]] | None) -> None:
    if lines is None:
        return
    ReportSectorLine.objects.filter(report=report).delete()
    ReportSectorLine.objects.bulk_create(
        ReportSectorLine(
            report=report,
            sector=line["sector"],
            active=line["active"],
            new=line["new"],
            ceased=line["ceased"],
        )
        for line in lines
    )


def _write_difficulties(actor: Any, report: QuarterlyReport, value: Any) -> None:
    """The list replaces the report's open difficulties; those the province already
    handles (forwarded, resolved) stay as they are, and an item repeating one of them is
    that difficulty, not a new one."""
    if value is None:
        return
    items = _clean_difficulties(report, value)
    existing = list(report.difficulties.all())
    handled = {(d.topic, d.text) for d in existing if d.status != D.OPEN}
    open_rows = {(d.topic, d.text): d for d in existing if d.status == D.OPEN}
    keep = set()
    for item in items:
        key = (item["topic"], item["text"])
        if key in handled or key in keep:
            continue
        keep.add(key)
        row = open_rows.get(key)
        if row is not None:
            if row.commune_id != getattr(item["commune"], "pk", None):
                row.commune = item["commune"]
                set_history_actor(row, actor)
                row.save()
            continue
        row = Difficulty(
            report=report,
            shared=report.submitted_at is not None,
            province_id=report.province_id,
            commune=item["commune"],
            topic=item["topic"],
            text=item["text"],
        )
        set_history_actor(row, actor)
        row.save()
    for key, row in open_rows.items():
        if key not in keep:
            set_history_actor(row, actor)
            row.delete()


@transaction.atomic
def create_report(
    *,
    actor: Any,
    collaborator: Collaborator,
    year: Any,
    quarter: Any,
    data: dict[str, Any],
) -> QuarterlyReport:
    """Draft a collaborator's report for a quarter. ``data`` holds the three totals, and may
    hold ``proposals``, ``sector_lines`` (``[{"sector", "active", "new", "ceased"}]``, whose
    sums the totals must equal; a missing total is their sum) and ``difficulties``
    (``[{"topic", "text", "commune"}]``)."""
    if not may_file_for(actor, collaborator):
        raise NetworkError(
            _("You may not file reports for this collaborator."), field="collaborator"
        )
    period = _quarter(year, quarter)
    if period.start > today():
        raise NetworkError(_("This quarter has not begun yet."), field="period")
    if not (
        collaborator.appointed_on <= period.end
        and (collaborator.active_until is None or collaborator.active_until >= period.start)
    ):
        raise NetworkError(
            _("The collaborator was not active during %(period)s.") % {"period": period.label},
            field="period",
        )
    if QuarterlyReport.objects.filter(
        collaborator=collaborator, year=period.year, quarter=period.quarter
    ).exists():
        raise NetworkError(
            _("There is already a report of this collaborator for %(period)s.")
            % {"period": period.label},
            field="period",
        )
    report = QuarterlyReport(
        collaborator=collaborator,
        province_id=collaborator.province_id,
        year=period.year,
        quarter=period.quarter,
        created_by=actor,
    )
    lines = _apply_report(report, data, creating=True)
    set_history_actor(report, actor)
    report.save()
    _write_lines(report, lines)
    _write_difficulties(actor, report, data.get("difficulties"))
    return report


@transaction.atomic
def update_report(
    *,
    actor: Any,
    report: QuarterlyReport,
    data: dict[str, Any],
    expected_version: int | None,
) -> QuarterlyReport:
    """Save an edit of a draft or returned report; a stale one is refused."""
    try:
        current = lock_current(reports_for(actor, write=True), report.pk, expected_version)
    except QuarterlyReport.DoesNotExist as exc:
        raise Http404 from exc
    if not may_file_for(actor, current.collaborator):
        raise WorkflowError(_("You may not change this collaborator's reports."))
    if current.status not in EDITABLE_STATES:
        raise WorkflowError(
            _("A report that is “%(status)s” can no longer be changed.")
            % {"status": current.get_status_display()}
        )
    lines = _apply_report(current, data, creating=False)
    current.version += 1
    set_history_actor(current, actor)
    current.save()
    _write_lines(current, lines)
    _write_difficulties(actor, current, data.get("difficulties"))
    return current
