"""Business rules of the field network: collaborators, their trainings and rewards, the
roster with commune coverage, quarterly reports (drafting; the lifecycle is in
``network.workflow``; deadlines in ``network.deadlines``) and difficulties.

Every change goes through a ``verb_noun`` function taking ``actor=`` (STYLE.md 2); the
staff pages, the API and the demo all call these. Reads go through the scoped entry points
of ``network.access`` (``collaborators_for``, ``reports_for``, ``difficulties_for``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, overload

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.errors import WorkflowError
from khuyencong.core.formats import format_number, percent
from khuyencong.core.locking import lock_current
from khuyencong.core.roles import Role
from khuyencong.core.scoping import can_write_place
from khuyencong.network.access import (
    collaborators_for,
    is_province_staff,
    may_file_for,
    reports_for,
)
from khuyencong.network.errors import NetworkError
from khuyencong.network.models import (
    Collaborator,
    CollaboratorReward,
    CollaboratorTraining,
    Difficulty,
    QuarterlyReport,
    ReportSectorLine,
)
from khuyencong.network.quarters import Quarter
from khuyencong.places.models import Commune, Province
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
COLLABORATOR_FIELDS = (
    "full_name",
    "phone",
    "email",
    "position",
    "appointed_on",
    "appointment_decision",
    "active_until",
    "monthly_fee",
    "notes",
)
# Guards against typos and overflow, far above anything a commune reports.
MAX_COUNT = 1_000_000
MAX_AMOUNT = 10**15
MAX_TEXT = 5000
MAX_DIFFICULTIES = 50


def today() -> datetime.date:
    return timezone.localdate()


# --- collaborators ------------------------------------------------------------------------


def clean_text(value: Any, field: str, *, max_length: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise NetworkError(_("This field is required."), field=field)
    if len(text) > max_length:
        raise NetworkError(
            _("Write at most %(n)s characters.") % {"n": format_number(max_length)}, field=field
        )
    return text


@overload
def _date(value: Any, field: str, *, required: Literal[True]) -> datetime.date: ...
@overload
def _date(value: Any, field: str, *, required: bool) -> datetime.date | None: ...
def _date(value: Any, field: str, *, required: bool) -> datetime.date | None:
    if value in (None, ""):
        if required:
            raise NetworkError(_("Enter a date."), field=field)
        return None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise NetworkError(_("Enter a valid date."), field=field)
    return value


def _whole(value: Any, field: str, *, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise NetworkError(_("Enter a whole number."), field=field)
    if not 0 <= value <= maximum:
        raise NetworkError(
            _("Enter a number between 0 and %(max)s.") % {"max": format_number(maximum)},
            field=field,
        )
    return value


def _communes(province_id: str, values: Any) -> list[Commune]:
    """The communes a collaborator covers: at least one, all of their province."""
    if values is None or isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
        raise NetworkError(_("Choose the communes the collaborator covers."), field="communes")
    codes = {str(getattr(value, "pk", value)) for value in values}
    if not codes:
        raise NetworkError(_("Choose the communes the collaborator covers."), field="communes")
    found = {c.pk: c for c in Commune.objects.filter(pk__in=codes)}
    unknown = sorted(codes - set(found))
    if unknown:
        raise NetworkError(
            _("No commune with the code %(codes)s.") % {"codes": ", ".join(unknown)},
            field="communes",
        )
    elsewhere = sorted(c.name for c in found.values() if c.province_id != province_id)
    if elsewhere:
        raise NetworkError(
            _("These communes lie in another province: %(names)s.")
            % {"names": ", ".join(elsewhere)},
            field="communes",
        )
    return sorted(found.values(), key=lambda c: c.pk)


def _check_login(collaborator: Collaborator, user: Any) -> None:
    if user is None:
        return
    if user.role != Role.COLLABORATOR:
        raise NetworkError(
            _("A collaborator's login must have the role of commune collaborator."), field="user"
        )
    if user.province_id not in (None, collaborator.province_id):
        raise NetworkError(_("This login belongs to another province."), field="user")
    taken = Collaborator.objects.filter(user=user).exclude(pk=collaborator.pk).exists()
    if taken:
        raise NetworkError(_("This login is already linked to another collaborator."), field="user")


def _apply_collaborator(collaborator: Collaborator, data: dict[str, Any]) -> None:
    for name in COLLABORATOR_FIELDS:
        if name in data:
            setattr(collaborator, name, data[name])
    collaborator.full_name = clean_text(
        collaborator.full_name, "full_name", max_length=200, required=True
    )
    collaborator.phone = clean_text(collaborator.phone, "phone", max_length=20)
    collaborator.email = clean_text(collaborator.email, "email", max_length=254)
    if collaborator.email:
        try:
            validate_email(collaborator.email)
        except ValidationError as exc:
            raise NetworkError(_("Enter a valid email address."), field="email") from exc
    collaborator.position = clean_text(collaborator.position, "position", max_length=200)
    collaborator.appointment_decision = clean_text(
        collaborator.appointment_decision, "appointment_decision", max_length=100
    )
    collaborator.notes = clean_text(collaborator.notes, "notes", max_length=MAX_TEXT)
    collaborator.appointed_on = _date(collaborator.appointed_on, "appointed_on", required=True)
    collaborator.active_until = _date(collaborator.active_until, "active_until", required=False)
    if collaborator.active_until and collaborator.active_until < collaborator.appointed_on:
        raise NetworkError(
            _("The end of activity is before the appointment (%(date)s).")
            % {"date": collaborator.appointed_on.strftime("%d/%m/%Y")},
            field="active_until",
        )
    collaborator.monthly_fee = _whole(
        collaborator.monthly_fee if collaborator.monthly_fee is not None else 0,
        "monthly_fee",
        maximum=MAX_AMOUNT,
    )
    if "user" in data:
        _check_login(collaborator, data["user"])
        collaborator.user = data["user"]


def _check_staff(actor: Any, province_id: str | None) -> str:
    """The province, if the actor keeps its roster (else refused)."""
    if (
        province_id is None
        or not is_province_staff(actor)
        or not can_write_place(actor, province_id=province_id, commune_id=None)
    ):
        raise NetworkError(
            _("You may not record collaborators for this province."), field="province"
        )
    return province_id


@transaction.atomic
def create_collaborator(*, actor: Any, data: dict[str, Any]) -> Collaborator:
    """Record a collaborator of a province (officers and managers of the province)."""
    province = data.get("province")
    province_id = getattr(province, "pk", province)
    province_id = _check_staff(actor, province_id)
    collaborator = Collaborator(province_id=province_id)
    _apply_collaborator(collaborator, data)
    communes = _communes(province_id, data.get("communes"))
    collaborator._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
    collaborator.save()
    # Recorded by the history as a change of the communes covered, right after creation.
    collaborator.communes.set(communes)
    return collaborator


@transaction.atomic
def update_collaborator(
    *,
    actor: Any,
    collaborator: Collaborator,
    data: dict[str, Any],
    expected_version: int | None,
) -> Collaborator:
    """Save an edit; a stale one (someone saved since ``expected_version``) is refused."""
    try:
        current = lock_current(
            collaborators_for(actor, write=True), collaborator.pk, expected_version
        )
    except Collaborator.DoesNotExist as exc:
        raise Http404 from exc
    _check_staff(actor, current.province_id)
    province = data.get("province")
    if province is not None and getattr(province, "pk", province) != current.province_id:
        raise NetworkError(
            _("A collaborator stays in their province; record a new one instead."),
            field="province",
        )
    _apply_collaborator(current, data)
    current.version += 1
    current._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
    if "communes" in data:
        communes = _communes(current.province_id, data["communes"])
        # The save below records the new communes with the other changes, in one entry.
        current.skip_history_when_saving = True  # type: ignore[attr-defined]  # simple_history flag
        try:
            current.communes.set(communes)
        finally:
            del current.skip_history_when_saving  # type: ignore[attr-defined]  # simple_history flag
    current.save()
    return current


def _writable_collaborator(actor: Any, collaborator: Collaborator) -> Collaborator:
    try:
        current = collaborators_for(actor, write=True).select_for_update().get(pk=collaborator.pk)
    except Collaborator.DoesNotExist as exc:
        raise Http404 from exc
    _check_staff(actor, current.province_id)
    return current


@transaction.atomic
def add_training(
    *, actor: Any, collaborator: Collaborator, title: str, date: Any, organiser: str = ""
) -> CollaboratorTraining:
    current = _writable_collaborator(actor, collaborator)
    title = clean_text(title, "title", max_length=300, required=True)
    day = _date(date, "date", required=True)
    if day > today():
        raise NetworkError(_("The date cannot be in the future."), field="date")
    return CollaboratorTraining.objects.create(
        collaborator=current,
        title=title,
        date=day,
        organiser=clean_text(organiser, "organiser", max_length=200),
        created_by=actor,
    )


@transaction.atomic
def add_reward(
    *,
    actor: Any,
    collaborator: Collaborator,
    title: str,
    date: Any,
    amount: Any = 0,
    decision: str = "",
) -> CollaboratorReward:
    current = _writable_collaborator(actor, collaborator)
    title = clean_text(title, "title", max_length=300, required=True)
    day = _date(date, "date", required=True)
    if day > today():
        raise NetworkError(_("The date cannot be in the future."), field="date")
    return CollaboratorReward.objects.create(
        collaborator=current,
        title=title,
        date=day,
        amount=_whole(amount if amount is not None else 0, "amount", maximum=MAX_AMOUNT),
        decision=clean_text(decision, "decision", max_length=100),
        created_by=actor,
    )


# --- roster and coverage ------------------------------------------------------------------


def active_on(day: datetime.date) -> QuerySet[Collaborator]:
    return Collaborator.objects.filter(Collaborator.active_between(day, day))


@dataclass
class Roster:
    """A province's communes with their active collaborators, and those without any."""

    province: Province
    on: datetime.date
    communes: Sequence[Commune]  # each with ``covered`` and ``active_collaborators``
    uncovered: Sequence[Commune]
    total: int
    covered: int

    @property
    def percent(self) -> float | None:
        return percent(self.covered, self.total)


def roster(province: Province, on: datetime.date | None = None) -> Roster:
    """Coverage of a province on a day, in four queries whatever its size: the communes
    with an ``EXISTS`` per commune and their active collaborators prefetched, the uncovered
    ones, and the counts."""
    on = on or today()
    active = active_on(on)
    covered = Exists(active.filter(communes=OuterRef("pk")))
    communes = Commune.objects.filter(province=province).annotate(covered=covered)
    rows = list(
        communes.prefetch_related(
            Prefetch(
                "collaborators",
                queryset=active.order_by("full_name", "id"),
                to_attr="active_collaborators",
            )
        ).order_by("name", "code")
    )
    uncovered = list(communes.filter(covered=False).order_by("name", "code"))
    # The EXISTS itself in the filter: Django drops an annotation referenced only in an
    # aggregate's filter from the subquery it builds (counting nothing as covered).
    counts = Commune.objects.filter(province=province).aggregate(
        total=Count("pk"), covered=Count("pk", filter=Q(covered))
    )
    return Roster(province, on, rows, uncovered, counts["total"], counts["covered"])


def province_coverage(provinces: QuerySet[Province], on: datetime.date | None = None):
    """Each province with its active collaborators and communes covered: one query."""
    on = on or today()
    active = active_on(on)

    def count(queryset: QuerySet[Any], field: str) -> Coalesce:
        return Coalesce(
            Subquery(
                queryset.filter(**{field: OuterRef("pk")})
                .order_by()
                .values(field)
                .annotate(n=Count("pk"))
                .values("n")
            ),
            Value(0),
        )

    covered_communes = Commune.objects.filter(Exists(active.filter(communes=OuterRef("pk"))))
    return provinces.annotate(
        active_count=count(active, "province"),
        commune_count=count(Commune.objects.all(), "province"),
        covered_count=count(covered_communes, "province"),
    ).order_by("code")


# --- quarterly reports --------------------------------------------------------------------


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
        value = _whole(value, total, maximum=MAX_COUNT)
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
                row._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
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
        row._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
        row.save()
    for key, row in open_rows.items():
        if key not in keep:
            row._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
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
    report._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
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
    current._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
    current.save()
    _write_lines(current, lines)
    _write_difficulties(actor, current, data.get("difficulties"))
    return current


# --- difficulties -------------------------------------------------------------------------


@transaction.atomic
def record_difficulty(
    *, actor: Any, province: Any, commune: Any = None, topic: str, text: str
) -> Difficulty:
    """A difficulty the province hears of directly (at a meeting, by phone), without a
    collaborator's report."""
    province_id = getattr(province, "pk", province)
    if (
        province_id is None
        or not is_province_staff(actor)
        or not can_write_place(actor, province_id=province_id, commune_id=None)
    ):
        raise NetworkError(
            _("You may not record difficulties for this province."), field="province"
        )
    commune_id = getattr(commune, "pk", commune) or None
    if (
        commune_id is not None
        and not Commune.objects.filter(pk=commune_id, province_id=province_id).exists()
    ):
        raise NetworkError(_("This commune lies in another province."), field="commune")
    if topic not in Difficulty.Topic.values:
        raise NetworkError(_("Choose a topic."), field="topic")
    difficulty = Difficulty(
        province_id=province_id,
        commune_id=commune_id,
        topic=topic,
        text=clean_text(text, "text", max_length=MAX_TEXT, required=True),
    )
    difficulty._history_user = actor  # type: ignore[attr-defined]  # read by simple_history
    difficulty.save()
    return difficulty


@dataclass
class Rollup:
    total: int
    by_topic: list[dict[str, Any]]  # {"code", "label", "total", statuses…}
    by_status: list[dict[str, Any]]  # {"code", "label", "total"}


def difficulty_rollup(difficulties: QuerySet[Difficulty]) -> Rollup:
    """Counts by topic and status of the given difficulties: one ``GROUP BY`` query."""
    counts = {
        (row["topic"], row["status"]): row["n"]
        for row in difficulties.order_by().values("topic", "status").annotate(n=Count("id"))
    }
    by_topic = []
    for code, label in Difficulty.Topic.choices:
        row: dict[str, Any] = {"code": code, "label": label}
        for status in D.values:
            row[status] = counts.get((code, status), 0)
        row["total"] = sum(row[status] for status in D.values)
        if row["total"]:
            by_topic.append(row)
    by_status = [
        {
            "code": status,
            "label": label,
            "total": sum(n for (_topic, s), n in counts.items() if s == status),
        }
        for status, label in D.choices
    ]
    return Rollup(sum(counts.values()), by_topic, by_status)
