"""Money paid to a project: advances and payments, within its budget lines."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.errors import WorkflowError
from khuyencong.core.formats import format_vnd
from khuyencong.core.locking import lock_current
from khuyencong.programmes import access
from khuyencong.programmes.access import projects_for
from khuyencong.programmes.errors import ProgrammeError
from khuyencong.programmes.models import (
    Disbursement,
    Project,
    Source,
)
from khuyencong.programmes.services.common import (
    PAYABLE_STATES,
    S,
    validate_amount,
)


@transaction.atomic
def record_disbursement(
    *,
    actor: Any,
    project: Project,
    source: str,
    amount: Any,
    date: datetime.date,
    kind: str = Disbursement.Kind.PAYMENT,
    reference: str = "",
    note: str = "",
) -> Disbursement:
    """Record money paid to a project. Refused outside approved → accepted, beyond the
    budget line of the source, and for an advance beyond the category's advance share
    (DOMAIN.md "Advances") or after acceptance."""
    from django.db.models import Sum

    try:
        current = lock_current(projects_for(actor, write=True), project.pk, None)
    except Project.DoesNotExist as exc:
        raise Http404 from exc
    if not access.may_record_disbursements(actor):
        raise WorkflowError(_("Your role may not record disbursements."))
    if current.status not in PAYABLE_STATES:
        raise WorkflowError(
            _(
                "Money is paid only to an approved, running or accepted project; this one is “%(status)s”."
            )
            % {"status": current.get_status_display()}
        )
    if source not in Source.values:
        raise ProgrammeError(_("Choose a funding source."), field="source")
    if kind not in Disbursement.Kind.values:
        raise ProgrammeError(_("Choose an advance or a payment."), field="kind")
    amount = validate_amount(amount, "amount")
    if amount == 0:
        raise ProgrammeError(_("Enter an amount above zero."), field="amount")
    if not isinstance(date, datetime.date):
        raise ProgrammeError(_("Enter a valid date."), field="date")
    if date > timezone.localdate():
        raise ProgrammeError(_("The date cannot be in the future."), field="date")
    if current.approved_on and date < current.approved_on:
        raise ProgrammeError(
            _("The date is before the project's approval (%(date)s).")
            % {"date": current.approved_on.strftime("%d/%m/%Y")},
            field="date",
        )
    line = current.budget_lines.filter(source=source).first()
    budget = line.amount if line else 0
    paid = current.disbursements.filter(source=source).aggregate(t=Sum("amount"))["t"] or 0
    if paid + amount > budget:
        raise ProgrammeError(
            _(
                "%(source)s: %(paid)s is already disbursed of a budget of %(budget)s; "
                "at most %(left)s more can be paid."
            )
            % {
                "source": Source(source).label,
                "paid": format_vnd(paid),
                "budget": format_vnd(budget),
                "left": format_vnd(max(budget - paid, 0)),
            },
            field="amount",
        )
    if kind == Disbursement.Kind.ADVANCE:
        if current.status == S.ACCEPTED:
            raise ProgrammeError(
                _("After acceptance the rest is paid as a payment, not an advance."), field="kind"
            )
        share = current.category.advance_percent
        if share is not None and source == current.state_source:
            advanced = (
                current.disbursements.filter(
                    source=source, kind=Disbursement.Kind.ADVANCE
                ).aggregate(t=Sum("amount"))["t"]
                or 0
            )
            limit = budget * share // 100
            if advanced + amount > limit:
                raise ProgrammeError(
                    _(
                        "Advances for %(category)s are limited to %(share)s%% of the state "
                        "funds (%(limit)s); %(advanced)s is already advanced."
                    )
                    % {
                        "category": current.category.display_name,
                        "share": share,
                        "limit": format_vnd(limit),
                        "advanced": format_vnd(advanced),
                    },
                    field="amount",
                )
    return Disbursement.objects.create(
        project=current,
        province_id=current.province_id,
        kind=kind,
        source=source,
        amount=amount,
        date=date,
        reference=(reference or "").strip()[:100],
        note=(note or "").strip()[:300],
        created_by=actor,
    )
