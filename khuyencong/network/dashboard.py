"""What waits for the user in the field network: a collaborator's quarterly report (the
current quarter's and any earlier one not filed) with its deadline; for provincial staff,
the reports late or missing and those sent in and waiting to be accepted."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from khuyencong.core.dashboard import Todo, todo_provider


@todo_provider(order=10)
def network_todos(user: Any) -> list[Todo]:
    from khuyencong.network import access, deadlines, services

    if access.is_collaborator_user(user):
        return _collaborator_todos(user, services.today())
    if not access.is_province_staff(user):
        return []
    todos = []
    today = services.today()
    late = deadlines.LateList(access.collaborators_for(user), today, 1)
    if n := len(late):
        todos.append(
            Todo(
                _("Collaborator reports of last quarter late or missing: %(n)s") % {"n": n},
                reverse("network:report-late"),
                urgent=True,
            )
        )
    from khuyencong.network.models import QuarterlyReport

    waiting = (
        access.reports_for(user, write=True).filter(status=QuarterlyReport.Status.SUBMITTED).count()
    )
    if waiting:
        todos.append(
            Todo(
                _("Collaborator reports sent in, to accept or return: %(n)s") % {"n": waiting},
                reverse("network:report-list") + "?status=submitted",
            )
        )
    return todos


def _collaborator_todos(user: Any, today: Any) -> list[Todo]:
    from khuyencong.network import access, deadlines
    from khuyencong.network.models import QuarterlyReport
    from khuyencong.network.quarters import quarter_of

    record = access.collaborators_for(user).first()
    if record is None:
        return []
    current = quarter_of(today)
    periods = [current.previous(), current]
    reports = {
        (r.year, r.quarter): r
        for r in QuarterlyReport.objects.filter(
            collaborator=record,
            year__in={p.year for p in periods},
        )
    }
    days = deadlines.deadline_days()
    todos = []
    for period in periods:
        if not (
            record.appointed_on <= period.end
            and (record.active_until is None or record.active_until >= period.start)
        ):
            continue
        due = deadlines.due_date(record.province_id, period, days)
        report = reports.get((period.year, period.quarter))
        if report is None:
            text = _("Quarterly report %(period)s: not started") % {"period": period.label}
            url = reverse("network:report-create") + f"?period={period.period}"
        elif report.status == QuarterlyReport.Status.DRAFT:
            text = _("Quarterly report %(period)s: a draft, not sent yet") % {
                "period": period.label
            }
            url = reverse("network:report-edit", args=[report.pk])
        elif report.status == QuarterlyReport.Status.RETURNED:
            text = _("Quarterly report %(period)s: returned for correction") % {
                "period": period.label
            }
            url = reverse("network:report-edit", args=[report.pk])
        else:
            continue  # sent or accepted: nothing to do
        todos.append(Todo(text, url, urgent=today > due, due=due))
    # The communes to visit, each a link to its establishments.
    for commune in record.communes.order_by("name"):
        todos.append(
            Todo(
                _("Visit the establishments of %(commune)s") % {"commune": commune.name},
                reverse("registry:establishment-list") + f"?commune={commune.pk}",
            )
        )
    return todos
