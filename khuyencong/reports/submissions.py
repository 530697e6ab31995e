"""Submitted period reports and their consolidation (issue 7, "Submissions").

A province submits its quarterly, 6-month, 9-month or annual report as a **frozen snapshot**:
``ReportSubmission.snapshot`` is ``summary.build(province, period)`` at that moment (built in
Vietnamese, the report's language, with its narrative). Later edits of records do not change
it. Submitting the same period again adds the next version; every version is kept and the
latest is the one consolidated.

The snapshot also freezes the four official forms (``snapshot["forms"]``, each
``OfficialForm.as_json``): the submitted forms are re-rendered exactly as filed.

Who: a province's **manager** signs off and submits for their province (an administrator
for any); its officers prepare the figures and see the preview; national officers and
auditors read.

**Review**: the national agency (a national officer or an administrator) accepts the latest
version or returns it with a reason (``review``); every step is a ``SubmissionTransition``.
A returned report is submitted again as the next version; an accepted one is final.
``consolidate_forms`` adds the accepted reports of a region or the nation into its forms. Reading is ``core.scoping``'s: another province's
submissions answer 404.

**Consolidation** of a region or the nation for a period lists each province with its latest
version, or "not submitted", and adds the latest snapshots' figures by the indicator's
counting (``Indicator.counting``): ``sum``, ``distinct`` (each establishment lies in one
province) and ``level`` (the state at the period's end) add over provinces; a ``ratio`` (a
percentage) is never added: it is recomputed from its parts when both are in the snapshots
(``RATIO_PARTS``), else left None with a note. A total is None, with a note naming the
provinces, when a submitted report lacks that figure. Three queries for the submissions and
the catalogue, whatever the number of provinces.

**Deadline**: a report is due ``REPORT_SUBMISSION_DEADLINE_DAYS`` days after the period's
last day (a Django setting: an integer for every kind, or a dict by kind — ``{"quarter": 10,
"year": 15}``; default 10 days). It is *late* when its first version was submitted after the
due day (the due day itself is on time), *missing* when not submitted and the due day has
passed, *pending* before that.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.errors import DomainError, ForbiddenError, WorkflowError
from khuyencong.core.workflow import Move, Step, Workflow, steps_of
from khuyencong.places.models import Province
from khuyencong.reports import summary
from khuyencong.reports.access import (
    may_review,
    may_submit,
)
from khuyencong.reports.errors import SubmissionConflict, SubmissionError
from khuyencong.reports.forms import FORMS, build_form
from khuyencong.reports.forms.base import Completeness, FormRow, OfficialForm
from khuyencong.reports.models import Indicator, ReportSubmission, SubmissionTransition
from khuyencong.reports.periods import Period
from khuyencong.reports.units import (
    PROVINCE,
    ResolvedUnit,
    Unit,
    place_names,
    resolve,
)

Kind = ReportSubmission.Kind
DEFAULT_DEADLINE_DAYS = 10

ON_TIME = "on_time"
LATE = "late"
MISSING = "missing"
PENDING = "pending"

# A percentage recomputed from its parts when both are figures of the snapshots:
# ratio code → (numerator code, denominator code). The catalogue does not (yet) hold the
# numbers of employed trainees or of needs met, so today these shares stay None with a note.
RATIO_PARTS: dict[str, tuple[str, str]] = {
    "trainees.employed_percent": ("trainees.employed", "trainees.count"),
    "needs.met_percent": ("needs.met", "needs.count"),
}


class FiguresChanged(DomainError):
    """The figures changed between the preview and the submission: ``snapshot`` holds the
    new ones, to be looked at again before submitting."""

    def __init__(self, snapshot: dict[str, Any]) -> None:
        super().__init__(
            _("The figures changed since your preview: check them again, then submit.")
        )
        self.snapshot = snapshot


# --- periods and deadlines ------------------------------------------------------------------


def kind_of(period: Period) -> str | None:
    """The kind of periodic report the period is, or None (a month, a range of years…)."""
    start, end = period.start, period.end
    if start.year != end.year or start.day != 1:
        return None
    if period.is_year:
        return Kind.YEAR
    for quarter in range(1, 5):
        if period == Period.quarter(start.year, quarter):
            return Kind.QUARTER
    if period == Period.first_months(start.year, 6):
        return Kind.FIRST_6_MONTHS
    if period == Period.first_months(start.year, 9):
        return Kind.FIRST_9_MONTHS
    return None


def period_of(kind: str, year: int, quarter: int | None = None) -> Period:
    """The period of a kind of report; ``quarter`` (1–4) for a quarterly one."""
    if kind == Kind.QUARTER:
        if quarter is None:
            raise SubmissionError(_("Choose the quarter (1–4)."), field="quarter")
        return Period.quarter(year, quarter)
    if kind == Kind.FIRST_6_MONTHS:
        return Period.first_months(year, 6)
    if kind == Kind.FIRST_9_MONTHS:
        return Period.first_months(year, 9)
    if kind == Kind.YEAR:
        return Period.year(year)
    raise SubmissionError(_("Choose the kind of report."), field="kind")


def report_period(start: Any, end: Any) -> tuple[Period, str]:
    """A period given as ISO days (the API), checked to be one a report is submitted for."""
    period = Period.parse(start, end)
    kind = kind_of(period)
    if kind is None:
        raise SubmissionError(
            _(
                "A report is submitted for a quarter, the first 6 or 9 months of a year, "
                "or a whole year."
            ),
            field="end",
        )
    return period, kind


def deadline_days(kind: str) -> int:
    """Days after the period's end the report is due (setting
    ``REPORT_SUBMISSION_DEADLINE_DAYS``: an int, or a dict by kind)."""
    setting: Any = getattr(settings, "REPORT_SUBMISSION_DEADLINE_DAYS", DEFAULT_DEADLINE_DAYS)
    if isinstance(setting, dict):
        setting = setting.get(kind, setting.get("default", DEFAULT_DEADLINE_DAYS))
    return int(setting)


def due_date(period: Period, kind: str | None = None) -> datetime.date:
    kind = kind or kind_of(period) or Kind.QUARTER
    return period.end + datetime.timedelta(days=deadline_days(kind))


def timeliness(
    first_submitted: datetime.datetime | None, due: datetime.date, today: datetime.date
) -> str:
    if first_submitted is None:
        return MISSING if today > due else PENDING
    return LATE if timezone.localdate(first_submitted) > due else ON_TIME


# --- submitting -------------------------------------------------------------------------------


def build_snapshot(province: Province | str, period: Period) -> dict[str, Any]:
    """The summary of the province for the period and its four official forms
    (``forms``: code → ``OfficialForm.as_json``), in Vietnamese, as plain JSON data."""
    code = province if isinstance(province, str) else province.code
    with translation.override("vi"):
        resolved = resolve(Unit(PROVINCE, code))
        report = summary.build(resolved, period)
        report["forms"] = {form: build_form(form, resolved, period).as_json() for form in FORMS}
        return json.loads(json.dumps(report, cls=DjangoJSONEncoder))


def frozen_forms(submission: ReportSubmission) -> list[OfficialForm]:
    """The official forms as they were submitted (none for a version submitted before the
    forms were frozen)."""
    forms = (submission.snapshot or {}).get("forms") or {}
    return [named(OfficialForm.from_json(forms[code])) for code in FORMS if code in forms]


def named(form: OfficialForm) -> OfficialForm:
    """The form with the places it lacks named (a version frozen before the names were kept
    has only their codes): readers see "Phú Yên (trước 2025)", never "legacy-province:54"."""
    found = form.completeness
    if found is not None and found.missing and len(found.missing_labels) != len(found.missing):
        found.missing_labels = place_names(found.missing)
    return form


def digest(snapshot: dict[str, Any]) -> str:
    """A short fingerprint of a snapshot: the preview and the submission compare it."""
    text = json.dumps(snapshot, sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def check_period(period: Period, *, today: datetime.date | None = None) -> str:
    kind = kind_of(period)
    if kind is None:
        raise SubmissionError(
            _(
                "A report is submitted for a quarter, the first 6 or 9 months of a year, "
                "or a whole year."
            ),
            field="end",
        )
    if period.start > (today or timezone.localdate()):
        raise SubmissionError(_("This period has not begun yet."), field="start")
    return kind


def submit(
    *,
    actor: Any,
    province: Province,
    period: Period,
    note: str = "",
    expected_digest: str | None = None,
    now: datetime.datetime | None = None,
) -> ReportSubmission:
    """Freeze the province's summary for the period as its next version.

    ``expected_digest`` (the preview's fingerprint) refuses the submission with
    ``FiguresChanged`` when the figures moved since the preview. ``now`` is for the demo.
    """
    if not may_submit(actor, province.code):
        raise PermissionError(_("Only the province's manager signs off and submits its reports."))
    now = now or timezone.now()
    kind = check_period(period, today=timezone.localdate(now))
    note = (note or "").strip()
    if len(note) > 2000:
        raise SubmissionError(_("Keep the note under 2,000 characters."), field="note")
    snapshot = build_snapshot(province, period)
    if expected_digest is not None and digest(snapshot) != expected_digest:
        raise FiguresChanged(snapshot)
    try:
        with transaction.atomic():
            # One submitter at a time per province: versions stay 1, 2, 3…
            Province.objects.select_for_update().filter(pk=province.pk).first()
            last = (
                ReportSubmission.objects.filter(
                    province=province, start=period.start, end=period.end
                )
                .order_by("-version")
                .values_list("version", flat=True)
                .first()
            )
            if ReportSubmission.objects.filter(
                province=province,
                start=period.start,
                end=period.end,
                status=ReportSubmission.Status.ACCEPTED,
            ).exists():
                raise SubmissionConflict(
                    _(
                        "The national agency has accepted this period's report: it can no "
                        "longer be replaced."
                    )
                )
            submission = ReportSubmission.objects.create(
                province=province,
                start=period.start,
                end=period.end,
                kind=kind,
                version=(last or 0) + 1,
                snapshot=snapshot,
                note=note,
                submitted_by=actor,
                submitted_by_name=_name(actor),
                submitted_at=now,
            )
            SubmissionTransition.objects.create(
                submission=submission,
                action=SubmissionTransition.Action.SUBMIT,
                to_status=ReportSubmission.Status.SUBMITTED,
                reason=note,
                actor=actor,
                actor_name=_name(actor),
                at=now,
            )
            return submission
    except IntegrityError as exc:
        raise SubmissionConflict(
            _("Someone submitted this period at the same moment: reload and check.")
        ) from exc


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


# --- review by the national agency ------------------------------------------------------------

Status = ReportSubmission.Status
REVIEW_STEPS = steps_of(
    Step(
        SubmissionTransition.Action.RETURN,
        gettext_lazy("Return"),
        frozenset({Status.SUBMITTED}),
        Status.RETURNED,
        note_required=True,
        primary=False,
        params=frozenset({"now"}),
        help=gettext_lazy("The province submits a new version."),
    ),
    Step(
        SubmissionTransition.Action.ACCEPT,
        gettext_lazy("Accept"),
        frozenset({Status.SUBMITTED}),
        Status.ACCEPTED,
        params=frozenset({"now"}),
        help=gettext_lazy("The report is final and counts in the consolidation."),
    ),
)
REVIEW_ACTIONS = {action: step.target for action, step in REVIEW_STEPS.items()}


class ReviewWorkflow(Workflow[ReportSubmission]):
    """The national agency's review of a province's latest version, declared on the
    workflow kernel (core.workflow). Submitting is not a step of it: each submission is a
    new version, created by ``submit`` with its first ``SubmissionTransition``."""

    model = ReportSubmission
    transition_model = SubmissionTransition
    subject = "submission"
    steps = REVIEW_STEPS
    input_error = SubmissionError
    note_field = "reason"
    note_column = "reason"
    note_max_length = 2000

    def writable(self, actor: Any) -> QuerySet[ReportSubmission]:
        # Reviewers read every province (``may_review``); the caller fetched the submission
        # through ``submissions_for``.
        return ReportSubmission.objects.all()

    def gate(self, actor: Any) -> None:
        if not may_review(actor):
            raise ForbiddenError(_("Only the national agency returns or accepts reports."))

    def may_take(self, actor: Any, step: Step, obj: ReportSubmission) -> bool:
        return may_review(actor)

    def unknown_action(self, action: str) -> str:
        return _("Choose return or accept.")

    def wrong_state(self, obj: ReportSubmission, step: Step) -> str:
        if _has_newer(obj):
            return _("A newer version of this report was submitted: review that one.")
        return _("This report is already %(status)s.") % {
            "status": obj.get_status_display().lower()
        }

    def note_missing(self, step: Step) -> str:
        return _("Say why the report is returned: the province reads it.")

    def note_too_long(self, limit: int) -> str:
        return _("Keep the reason under 2,000 characters.")

    def check(self, move: Move[ReportSubmission], data: dict[str, Any]) -> None:
        if _has_newer(move.obj):
            raise WorkflowError(_("A newer version of this report was submitted: review that one."))

    def apply(self, move: Move[ReportSubmission], data: dict[str, Any]) -> str | None:
        # Kept as written, whoever the user becomes; ``now`` back-dates the demo's steps.
        move.record["actor_name"] = _name(move.actor)
        move.record["at"] = data.get("now") or timezone.now()
        return move.step.target

    def save(self, move: Move[ReportSubmission]) -> None:
        # ``version`` numbers the submissions: a review leaves it as it is.
        move.obj.save(update_fields=["status"])


def _has_newer(submission: ReportSubmission) -> bool:
    return ReportSubmission.objects.filter(
        province_id=submission.province_id,
        start=submission.start,
        end=submission.end,
        version__gt=submission.version,
    ).exists()


REVIEW = ReviewWorkflow()


def review(
    *,
    actor: Any,
    submission: ReportSubmission,
    action: str,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> ReportSubmission:
    """Return (with a reason) or accept the latest version of a province's report, when it
    is submitted and not yet reviewed. ``ForbiddenError`` (a ``PermissionError``) for a role
    that may not review, ``SubmissionError`` (400) for an unknown action or a return
    without a reason, ``WorkflowError`` (409) when the step is not allowed now."""
    return REVIEW.transition(submission, action, actor, note=reason, now=now)


# --- reading a submission ---------------------------------------------------------------------


def versions_of(submission: ReportSubmission) -> QuerySet[ReportSubmission]:
    """Every version of the submission's province and period (oldest first, no snapshots)."""
    return (
        ReportSubmission.objects.filter(
            province_id=submission.province_id, start=submission.start, end=submission.end
        )
        .defer("snapshot")
        .order_by("version")
    )


def rows_by_code(snapshot: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in snapshot.get("indicators", [])}


def differences(older: dict[str, Any], newer: dict[str, Any]) -> list[dict[str, Any]]:
    """The indicators whose value differs between two snapshots, in the newer one's order:
    ``code``, ``name``, ``unit``, ``old``, ``new``, ``difference`` (None unless both are
    numbers)."""
    before = rows_by_code(older)
    after = rows_by_code(newer)
    codes = list(after) + [code for code in before if code not in after]
    changed = []
    for code in codes:
        old_row, new_row = before.get(code), after.get(code)
        old = old_row["value"] if old_row else None
        new = new_row["value"] if new_row else None
        if old == new:
            continue
        row = new_row or old_row or {}
        changed.append(
            {
                "code": code,
                "name": row.get("name", code),
                "unit": row.get("unit", ""),
                "old": old,
                "new": new,
                "difference": None if old is None or new is None else _round(new - old),
            }
        )
    return changed


def _round(value: int | float) -> int | float:
    return round(value, 1) if isinstance(value, float) else value


# --- consolidation ----------------------------------------------------------------------------


@dataclass
class ProvinceStatus:
    code: str
    name: str
    status: str
    submission: ReportSubmission | None = None
    first_submitted_at: datetime.datetime | None = None


def latest_submissions(provinces: list[str], period: Period) -> QuerySet[ReportSubmission]:
    """The latest version of each province's submission for exactly this period, with the
    time of its first version: one query."""
    same = ReportSubmission.objects.filter(
        province=OuterRef("province"), start=OuterRef("start"), end=OuterRef("end")
    )
    return (
        ReportSubmission.objects.filter(province__in=provinces, start=period.start, end=period.end)
        .exclude(Exists(same.filter(version__gt=OuterRef("version"))))
        .annotate(first_submitted_at=Subquery(same.filter(version=1).values("submitted_at")[:1]))
        .select_related("submitted_by")
        .order_by("province_id")
    )


def consolidate(
    resolved: ResolvedUnit, period: Period, *, today: datetime.date | None = None
) -> dict[str, Any]:
    """The consolidation of a region or the nation for a period (the API's shape):
    ``provinces`` (each with its status and latest version), ``not_submitted``, ``late``
    and ``indicators`` (the totals of the latest snapshots)."""
    today = today or timezone.localdate()
    kind = kind_of(period)
    due = due_date(period, kind)
    latest = {s.province_id: s for s in latest_submissions(resolved.provinces, period)}
    statuses = []
    for code in resolved.provinces:
        submission = latest.get(code)
        first = getattr(submission, "first_submitted_at", None) if submission else None
        statuses.append(
            ProvinceStatus(
                code=code,
                name=resolved.label_of(Unit(PROVINCE, code)),
                status=timeliness(first, due, today),
                submission=submission,
                first_submitted_at=first,
            )
        )
    # A returned report waits for the province's next version: it is not added.
    submitted = [
        s
        for s in statuses
        if s.submission is not None and s.submission.status != ReportSubmission.Status.RETURNED
    ]
    start, end = period.iso
    return {
        "unit": str(resolved.unit),
        "unit_label": resolved.label,
        "start": start,
        "end": end,
        "period_label": period.label,
        "kind": kind,
        "due": due,
        "provinces": [_status_row(s) for s in statuses],
        "submitted": len([s for s in statuses if s.submission is not None]),
        "accepted": len(
            [
                s
                for s in statuses
                if s.submission is not None
                and s.submission.status == ReportSubmission.Status.ACCEPTED
            ]
        ),
        "not_submitted": [
            {"province": s.code, "name": s.name, "status": s.status}
            for s in statuses
            if s.submission is None
        ],
        "late": [
            {"province": s.code, "name": s.name, "first_submitted_at": s.first_submitted_at}
            for s in statuses
            if s.status == LATE
        ],
        "indicators": totals(
            [(s.name, s.submission.snapshot) for s in submitted if s.submission is not None],
            {i.code: i for i in Indicator.objects.all()},
        ),
    }


def _status_row(status: ProvinceStatus) -> dict[str, Any]:
    submission = status.submission
    return {
        "province": status.code,
        "name": status.name,
        "status": status.status,
        "submission": None
        if submission is None
        else {
            "id": submission.pk,
            "version": submission.version,
            "review": submission.status,
            "submitted_at": submission.submitted_at,
            "submitted_by": submission.submitted_by_name,
            "first_submitted_at": status.first_submitted_at,
        },
    }


def _sum(values: list[int | float | None]) -> int | float | None:
    if not values or any(v is None for v in values):
        return None
    total = sum(v for v in values if v is not None)
    return _round(total)


def totals(
    snapshots: list[tuple[str, dict[str, Any]]], catalogue: dict[str, Indicator]
) -> list[dict[str, Any]]:
    """Add the figures of ``snapshots`` (``(province name, snapshot)``) by indicator, in
    catalogue order: value, plan, previous, and the percentages recomputed from the totals.
    Never a loop over records: the snapshots are a few dozen small dictionaries."""
    tables = [(name, rows_by_code(snapshot)) for name, snapshot in snapshots]
    codes: list[str] = []
    for _name, rows in tables:
        codes.extend(code for code in rows if code not in codes)
    order = {code: (i.order, code) for code, i in catalogue.items()}
    codes.sort(key=lambda code: order.get(code, (10_000, code)))
    sums: dict[str, dict[str, Any]] = {}
    ratios: list[dict[str, Any]] = []
    result = []
    for code in codes:
        indicator = catalogue.get(code)
        example = next(rows[code] for _name, rows in tables if code in rows)
        lacking = [name for name, rows in tables if (rows.get(code) or {}).get("value") is None]
        row: dict[str, Any] = {
            "code": code,
            "name": indicator.label if indicator else example.get("name", code),
            "unit": example.get("unit", ""),
            "value": None,
            "plan": None,
            "percent_of_plan": None,
            "previous": None,
            "change_percent": None,
            "provinces": len(tables) - len(lacking),
            "note": "",
        }
        if indicator is None:
            row["note"] = _("Not in the indicator catalogue any more: not added.")
        elif indicator.counting == Indicator.Counting.RATIO:
            ratios.append(row)  # once its parts are added, wherever they come in the order
        else:
            values = [(rows.get(code) or {}).get("value") for _name, rows in tables]
            row["value"] = _sum(values)
            row["plan"] = _sum([(rows.get(code) or {}).get("plan") for _n, rows in tables])
            row["previous"] = _sum([(rows.get(code) or {}).get("previous") for _n, rows in tables])
            row["percent_of_plan"] = summary.percent(row["value"], row["plan"])
            row["change_percent"] = summary.change(row["value"], row["previous"])
            if lacking:
                row["note"] = _("No figure in the report of: %(names)s.") % {
                    "names": ", ".join(lacking)
                }
        sums[code] = row
        result.append(row)
    for row in ratios:
        row.update(_ratio(row["code"], sums))
    return result


def _ratio(code: str, sums: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A percentage over provinces: from the totals of its parts, else None with a note."""
    parts = RATIO_PARTS.get(code)
    numerator = sums.get(parts[0]) if parts else None
    denominator = sums.get(parts[1]) if parts else None
    if numerator is None or denominator is None:
        return {
            "note": _(
                "A percentage is not added over provinces, and its parts are not in the "
                "reports: not computed."
            )
        }
    value = summary.percent(numerator["value"], denominator["value"])
    previous = summary.percent(numerator["previous"], denominator["previous"])
    note = "" if value is not None else _("Its parts are not available: not computed.")
    return {"value": value, "previous": previous, "note": note}


# --- the national forms -----------------------------------------------------------------------


def _add(values: list[Any]) -> Any:
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if not numbers:
        return None
    return _round(sum(numbers))


def consolidate_forms(
    resolved: ResolvedUnit, period: Period, codes: list[str] | None = None
) -> list[OfficialForm]:
    """The official forms of a region or the nation for a period, added up from the
    provinces' **accepted** reports as they were frozen (never recomputed): rows by code in
    the forms' order, money and counts added column by column (a percentage is never
    added), the project lists put one after the other. ``completeness`` says how many of
    the unit's provinces are in (accepted), and names the others. Two queries."""
    codes = codes or list(FORMS)
    latest = [
        s
        for s in latest_submissions(resolved.provinces, period)
        if s.status == ReportSubmission.Status.ACCEPTED
    ]
    accepted = {s.province_id for s in latest}
    missing = [code for code in resolved.provinces if code not in accepted]
    completeness = Completeness(
        reported=len(accepted),
        expected=len(resolved.provinces),
        missing=[f"{PROVINCE}:{code}" for code in missing],
        missing_labels=[resolved.label_of(Unit(PROVINCE, code)) for code in missing],
    )
    result = []
    for code in codes:
        filed = [
            named(OfficialForm.from_json(s.snapshot["forms"][code]))
            for s in latest
            if code in (s.snapshot.get("forms") or {})
        ]
        result.append(_consolidated(code, resolved, period, filed, completeness))
    return result


def _consolidated(
    code: str,
    resolved: ResolvedUnit,
    period: Period,
    filed: list[OfficialForm],
    completeness: Completeness,
) -> OfficialForm:
    first = filed[0] if filed else None
    columns = list(first.columns) if first else []
    rows: list[FormRow] = []
    notes = [
        "Tổng hợp từ báo cáo đã được tiếp nhận của "
        f"{completeness.reported}/{completeness.expected} tỉnh, thành phố."
    ]
    if completeness.missing:
        notes.append(
            "Chưa có báo cáo được tiếp nhận của: " + ", ".join(completeness.missing_labels) + "."
        )
    if code == "projects":
        number = 0
        for form in filed:
            for row in form.rows:
                if row.no:
                    number += 1
                rows.append(
                    FormRow(
                        str(number) if row.no else "",
                        row.code,
                        row.label,
                        row.unit_label,
                        dict(row.values),
                        row.level,
                        row.note,
                        row.kind,
                    )
                )
    else:
        order: list[str] = []
        by_code: dict[str, list[FormRow]] = {}
        for form in filed:
            for row in form.rows:
                if row.code not in by_code:
                    order.append(row.code)
                    by_code[row.code] = []
                by_code[row.code].append(row)
        for row_code in order:
            same = by_code[row_code]
            model = same[0]
            values: dict[str, Any] = {}
            for column in columns:
                cells = [r.values.get(column.key) for r in same]
                if column.kind == "text":
                    values[column.key] = next((c for c in cells if c not in (None, "")), None)
                elif column.kind == "percent":
                    values[column.key] = None
                else:
                    values[column.key] = _add(cells)
            rows.append(
                FormRow(
                    model.no,
                    model.code,
                    model.label,
                    model.unit_label,
                    values,
                    model.level,
                    "",
                    model.kind,
                )
            )
    return OfficialForm(
        code=code,
        title=first.title if first else FORMS[code].upper(),
        unit=str(resolved.unit),
        unit_label=resolved.label,
        start=period.start,
        end=period.end,
        period_label=period.label,
        columns=columns,
        rows=rows,
        money_unit=first.money_unit if first else "triệu đồng",
        completeness=completeness,
        notes=notes,
    )
