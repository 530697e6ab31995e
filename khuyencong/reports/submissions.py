"""Submitted period reports (issue 7, "Submissions"): periods and deadlines, submitting,
reading a submission.

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

**Review** by the national agency is ``reports.workflow`` (``review``); **consolidation** of a
region or the nation is ``reports.consolidation``. Who reads and submits is
``reports.access``: another province's submissions answer 404.

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
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from khuyencong.core.errors import DomainError
from khuyencong.places.models import Province
from khuyencong.reports import summary
from khuyencong.reports.access import (
    may_submit,
)
from khuyencong.reports.errors import SubmissionConflict, SubmissionError
from khuyencong.reports.forms import FORMS, build_form
from khuyencong.reports.forms.base import OfficialForm
from khuyencong.reports.models import ReportSubmission, SubmissionTransition
from khuyencong.reports.periods import Period
from khuyencong.reports.units import (
    PROVINCE,
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
                submitted_by_name=actor_name(actor),
                submitted_at=now,
            )
            SubmissionTransition.objects.create(
                submission=submission,
                action=SubmissionTransition.Action.SUBMIT,
                to_status=ReportSubmission.Status.SUBMITTED,
                reason=note,
                actor=actor,
                actor_name=actor_name(actor),
                at=now,
            )
            return submission
    except IntegrityError as exc:
        raise SubmissionConflict(
            _("Someone submitted this period at the same moment: reload and check.")
        ) from exc


def actor_name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


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
                "difference": None if old is None or new is None else rounded(new - old),
            }
        )
    return changed


def rounded(value: int | float) -> int | float:
    return round(value, 1) if isinstance(value, float) else value
