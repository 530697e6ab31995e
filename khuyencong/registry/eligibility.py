"""Whether an establishment may be supported, from the rules held as data
(``EligibilityRule``, DOMAIN.md "Who may be supported"), with the reasons spelled out."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.registry.models import EligibilityRule, Establishment


@dataclass(frozen=True)
class Check:
    passed: bool
    explanation: str


@dataclass
class EligibilityResult:
    rule: EligibilityRule | None
    on: datetime.date
    checks: list[Check] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.rule is not None and all(check.passed for check in self.checks)


def rule_in_force(on: datetime.date) -> EligibilityRule | None:
    return (
        EligibilityRule.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    )


def evaluate(
    establishment: Establishment,
    on: datetime.date | None = None,
    *,
    rule: EligibilityRule | None = None,
) -> EligibilityResult:
    """Evaluate the rule in force on ``on`` (today by default). ``rule`` may be passed when
    evaluating many establishments on the same date, to avoid one query each."""
    on = on or timezone.localdate()
    rule = rule if rule is not None else rule_in_force(on)
    result = EligibilityResult(rule=rule, on=on)
    if rule is None:
        result.checks.append(
            Check(
                False,
                _("No eligibility rule is in force on %(date)s.")
                % {"date": on.strftime("%d/%m/%Y")},
            )
        )
        return result

    kind_label = establishment.get_kind_display()
    if establishment.kind in rule.kinds:
        result.checks.append(Check(True, _("%(kind)s may be supported.") % {"kind": kind_label}))
    else:
        result.checks.append(
            Check(
                False,
                _("%(kind)s is not among the beneficiaries of %(rule)s.")
                % {"kind": kind_label, "rule": rule.name},
            )
        )

    commune = establishment.commune
    commune_kind = commune.get_kind_display()
    if commune.kind in rule.commune_kinds:
        result.checks.append(
            Check(
                True,
                _("%(commune)s is a %(type)s, a place where support is given.")
                % {"commune": commune.name, "type": commune_kind.lower()},
            )
        )
    else:
        result.checks.append(
            Check(
                False,
                _(
                    "%(commune)s is a %(type)s; %(rule)s supports establishments in other kinds of place."
                )
                % {"commune": commune.name, "type": commune_kind.lower(), "rule": rule.name},
            )
        )

    sector = establishment.sector
    if sector.code in rule.sectors:
        result.checks.append(
            Check(
                True, _("The sector “%(sector)s” is supported.") % {"sector": sector.display_name}
            )
        )
        if sector.condition:
            result.conditions.append(sector.condition)
    else:
        result.checks.append(
            Check(
                False,
                _("The sector “%(sector)s” is not supported.") % {"sector": sector.display_name},
            )
        )

    if establishment.status == Establishment.Status.ACTIVE:
        result.checks.append(Check(True, _("The establishment is active.")))
    else:
        result.checks.append(
            Check(
                False,
                _("The establishment is %(status)s: only active establishments are supported.")
                % {"status": establishment.get_status_display().lower()},
            )
        )
    return result
