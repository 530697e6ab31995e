"""The impact evaluation as one plain object (DESIGN.md: a report is built once; the API,
the page, the XLSX and the DOCX only read it). Numbers stay numbers (đồng as integers,
workers with two decimals); ``message`` says in a sentence what they mean, Vietnamese by
default."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.formats import format_money, format_number
from khuyencong.places.models import Province
from khuyencong.reports import concentration, impact
from khuyencong.reports.units import ResolvedUnit


def method_text() -> str:
    return _(
        "Difference in differences: supported establishments against establishments not "
        "supported in the window, matched on province, sector, kind and size band the year "
        "before support; weighted least squares with errors clustered by establishment "
        "(statsmodels), 95 % interval."
    )


def amount(value: float | None, indicator: str) -> float | int | None:
    """A figure as the API gives it: đồng as an integer, workers with two decimals."""
    if value is None:
        return None
    if indicator == "workers":
        return round(value, 2)
    return round(value)


def show(value: float | None, indicator: str) -> str:
    """A figure as a sentence writes it: "1,2 tỷ đồng", "3,5 lao động"."""
    if value is None:
        return "–"
    if indicator == "workers":
        return _("%(n)s workers") % {"n": format_number(value, decimals=1)}
    return format_money(round(value))


def sentence(estimate: impact.Estimate, indicator: str, horizon: int) -> str:
    """What the estimate says, plainly, for an officer."""
    label = str(impact.INDICATORS[indicator][0])
    if estimate.verdict == "too_few":
        return _(
            "Too few to conclude: %(treated)s supported and %(controls)s comparable "
            "establishments have the figure before and after support; the evaluation needs "
            "at least %(min_treated)s of each."
        ) % {
            "treated": estimate.treated,
            "controls": estimate.controls,
            "min_treated": impact.MIN_TREATED,
        }
    values = {
        "figure": label,
        "effect": show(abs(estimate.effect or 0), indicator),
        "low": show(estimate.ci_low, indicator),
        "high": show(estimate.ci_high, indicator),
        "horizon": horizon,
        "treated": estimate.treated,
        "controls": estimate.controls,
    }
    if estimate.verdict == "effect":
        text = _(
            "%(horizon)s year(s) after support, each supported establishment had %(effect)s "
            "more %(figure)s than comparable establishments (95 %% interval %(low)s to "
            "%(high)s; %(treated)s supported, %(controls)s compared)."
        )
    elif estimate.verdict == "harm":
        text = _(
            "%(horizon)s year(s) after support, each supported establishment had %(effect)s "
            "less %(figure)s than comparable establishments (95 %% interval %(low)s to "
            "%(high)s; %(treated)s supported, %(controls)s compared)."
        )
    else:
        text = _(
            "No effect on %(figure)s can be told apart from zero %(horizon)s year(s) after "
            "support (95 %% interval %(low)s to %(high)s; %(treated)s supported, "
            "%(controls)s compared)."
        )
    text %= values
    if estimate.pretrend_warning:
        text += " " + _(
            "Careful: before support the two groups already moved differently, so the "
            "estimate may be biased."
        )
    return text


def estimate_dict(estimate: impact.Estimate, indicator: str, horizon: int) -> dict[str, Any]:
    return {
        "treated": estimate.treated,
        "controls": estimate.controls,
        "effect": amount(estimate.effect, indicator),
        "ci_low": amount(estimate.ci_low, indicator),
        "ci_high": amount(estimate.ci_high, indicator),
        "p_value": None if estimate.p_value is None else round(estimate.p_value, 4),
        "verdict": estimate.verdict,
        "conclusive": estimate.conclusive,
        "message": sentence(estimate, indicator, horizon),
        "pretrend_p": None if estimate.pretrend_p is None else round(estimate.pretrend_p, 4),
        "pretrend_warning": estimate.pretrend_warning,
        "matched_exact": estimate.matched_exact,
        "unmatched": estimate.unmatched,
        "baseline_mean": amount(estimate.baseline_mean, indicator),
        "spent_per_establishment": estimate.spent_per_establishment,
        "effect_per_billion": (
            None if estimate.effect_per_billion is None else round(estimate.effect_per_billion, 2)
        ),
        "event_study": [
            {
                "relative_year": row.relative_year,
                "year": row.year,
                "effect": amount(row.effect, indicator),
                "ci_low": amount(row.ci_low, indicator),
                "ci_high": amount(row.ci_high, indicator),
                "treated": row.treated,
                "controls": row.controls,
            }
            for row in estimate.event_study
        ],
    }


def question_for(
    resolved: ResolvedUnit, *, cohort: int, indicator: str, horizon: int, category: str = ""
) -> impact.Question:
    return impact.Question(
        cohort=cohort,
        indicator=indicator,
        horizon=horizon,
        provinces=tuple(resolved.provinces),
        communes=tuple(resolved.communes) if resolved.communes is not None else None,
        category=category,
    )


def build(
    resolved: ResolvedUnit,
    q: impact.Question,
    *,
    data: impact.Data | None = None,
    names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The evaluation of the question for the place, as the API answers it."""
    evaluation = impact.evaluate(q, data=data, names=names)
    name, unit_of_measure = impact.INDICATORS[q.indicator]
    return {
        "unit": str(resolved.unit),
        "unit_label": resolved.label,
        "cohort": q.cohort,
        "indicator": q.indicator,
        "indicator_label": str(name),
        "measure": unit_of_measure,
        "horizon": q.horizon,
        "category": q.category,
        "method": method_text(),
        "min_treated": impact.MIN_TREATED,
        "min_controls": impact.MIN_CONTROLS,
        **estimate_dict(evaluation.overall, q.indicator, q.horizon),
        "by_category": [
            {
                "category": item.code,
                "name": item.name,
                **estimate_dict(item.estimate, q.indicator, q.horizon),
            }
            for item in evaluation.by_category
        ],
    }


# --- the page and its files ------------------------------------------------------------------

# Cohorts the page compares, ending with the latest one whose horizon has figures.
PAGE_COHORTS = 5
PAGE_INDICATORS = ("revenue", "workers")
# Years of the concentration table, ending with this one.
CONCENTRATION_YEARS = 6
VERDICT_LABELS = {
    "effect": gettext_lazy("Effect found"),
    "harm": gettext_lazy("Negative effect"),
    "no_effect": gettext_lazy("No clear effect"),
    "too_few": gettext_lazy("Too few to conclude"),
}


def page_cohorts(horizon: int, today: datetime.date | None = None) -> list[int]:
    """The cohort years the page offers, newest first: each with ``horizon`` years of
    figures after it, up to last year (this year's figures are not complete)."""
    last = (today or timezone.localdate()).year - 1 - horizon
    return list(range(last, last - PAGE_COHORTS, -1))


def _short(estimate: impact.Estimate, indicator: str, horizon: int) -> dict[str, Any]:
    out = estimate_dict(estimate, indicator, horizon)
    out["verdict_label"] = str(VERDICT_LABELS[estimate.verdict])
    return out


def _per_money(effect: float | None, spent: int | None, per: int) -> float | None:
    """Effect per ``per`` đồng of khuyến công money (1: đồng per đồng; 10⁹: per tỷ)."""
    if effect is None or not spent:
        return None
    return round(effect / spent * per, 2)


def build_overview(
    resolved: ResolvedUnit,
    *,
    cohort: int | None,
    horizon: int,
    names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the impact page, its XLSX and its DOCX show for a place: the cohort's
    effect on revenue and jobs, by kind of support (with money per establishment, revenue
    per đồng and jobs per tỷ đồng), by cohort year and, for a region or the nation, by
    province. Without a cohort, the latest one that can be evaluated (else the latest).
    One load of the data (about ten queries), then numpy and statsmodels."""
    cohorts = sorted({*page_cohorts(horizon), *([cohort] if cohort else [])})
    base = question_for(resolved, cohort=max(cohorts), indicator="revenue", horizon=horizon)
    data = impact.load(base.provinces, min(cohorts) - impact.PRE_YEARS - 1, max(cohorts) + horizon)
    if names is None:
        names = impact.category_names()
    chosen: dict[int, dict[str, impact.Evaluation]] = {}

    def evaluation(indicator: str, year: int, *, by_category: bool) -> impact.Evaluation:
        q = question_for(resolved, cohort=year, indicator=indicator, horizon=horizon)
        return impact.evaluate(q, data=data, names=names, by_category=by_category)

    if cohort is None:
        for year in sorted(cohorts, reverse=True):
            chosen[year] = {
                indicator: evaluation(indicator, year, by_category=False)
                for indicator in PAGE_INDICATORS
            }
        cohort = next(
            (y for y in sorted(cohorts, reverse=True) if chosen[y]["revenue"].overall.conclusive),
            max(cohorts),
        )
    assert cohort is not None
    main = {
        indicator: evaluation(indicator, cohort, by_category=True) for indicator in PAGE_INDICATORS
    }
    revenue_kinds = {item.code: item for item in main["revenue"].by_category}
    worker_kinds = {item.code: item for item in main["workers"].by_category}
    kinds = []
    for code, item in revenue_kinds.items():
        jobs = worker_kinds[code].estimate
        spent = item.estimate.spent_per_establishment
        kinds.append(
            {
                "category": code,
                "name": item.name,
                "treated": item.estimate.treated,
                "controls": item.estimate.controls,
                "spent_per_establishment": spent,
                "revenue": _short(item.estimate, "revenue", horizon),
                "workers": _short(jobs, "workers", horizon),
                "revenue_per_dong": _per_money(item.estimate.effect, spent, 1),
                "jobs_per_billion": _per_money(jobs.effect, spent, 10**9),
            }
        )
    years = []
    for year in sorted(cohorts, reverse=True):
        found = (
            main
            if year == cohort
            else chosen.get(year)
            or {
                indicator: evaluation(indicator, year, by_category=False)
                for indicator in PAGE_INDICATORS
            }
        )
        years.append(
            {
                "cohort": year,
                **{
                    indicator: _short(found[indicator].overall, indicator, horizon)
                    for indicator in PAGE_INDICATORS
                },
            }
        )
    provinces = []
    if resolved.unit.kind in ("nation", "region") and len(resolved.provinces) > 1:
        labels = dict(
            Province.objects.filter(pk__in=resolved.provinces).values_list("code", "name")
        )
        for code in resolved.provinces:
            estimates = {
                indicator: impact.evaluate(
                    impact.Question(
                        cohort=cohort, indicator=indicator, horizon=horizon, provinces=(code,)
                    ),
                    data=data,
                    by_category=False,
                ).overall
                for indicator in PAGE_INDICATORS
            }
            if not (estimates["revenue"].treated or estimates["workers"].treated):
                continue
            provinces.append(
                {
                    "code": code,
                    "name": labels.get(code, code),
                    **{
                        indicator: _short(estimates[indicator], indicator, horizon)
                        for indicator in PAGE_INDICATORS
                    },
                }
            )
    overall = {
        indicator: _short(main[indicator].overall, indicator, horizon)
        for indicator in PAGE_INDICATORS
    }
    spent = main["revenue"].overall.spent_per_establishment
    this_year = timezone.localdate().year
    shares = concentration.by_year(base.provinces, this_year - CONCENTRATION_YEARS + 1, this_year)
    return {
        "unit": str(resolved.unit),
        "unit_label": resolved.label,
        "cohort": cohort,
        "horizon": horizon,
        "cohorts": sorted(cohorts, reverse=True),
        "method": method_text(),
        "min_treated": impact.MIN_TREATED,
        "min_controls": impact.MIN_CONTROLS,
        "overall": overall,
        "spent_per_establishment": spent,
        "revenue_per_dong": _per_money(main["revenue"].overall.effect, spent, 1),
        "jobs_per_billion": _per_money(main["workers"].overall.effect, spent, 10**9),
        "kinds": kinds,
        "years": years,
        "provinces": provinces,
        "concentration": list(reversed(shares)),
    }


# --- weights for the plan optimiser -------------------------------------------------------

# A measured effect on revenue of +1 % of the supported establishments' level weighs a kind of
# support's priority ×1.1 (+10 % → ×2, the most); a harm ×0.9 per 1 % (×0.5 the least); no
# clear effect, or too few to conclude, leaves it at ×1.
WEIGHT_PER_PERCENT = 0.1
WEIGHT_BOUNDS = (0.5, 2.0)


def optimiser_weights(province: str, year: int) -> dict[str, dict[str, Any]]:
    """For the plan of ``year`` in a province: each activity content's weight from the
    measured effect on revenue of the latest cohort with figures one year on
    (``year - 2``, or the latest earlier one that can be evaluated): ``{code: {"weight",
    "effect", "ci_low", "ci_high", "verdict", "cohort"}}``. One data load."""
    horizon = 1
    cohorts = page_cohorts(horizon, today=datetime.date(year, 1, 1))
    data = impact.load((province,), min(cohorts) - impact.PRE_YEARS - 1, max(cohorts) + horizon)
    names = impact.category_names()
    out: dict[str, dict[str, Any]] = {}
    for cohort in sorted(cohorts, reverse=True):
        q = impact.Question(
            cohort=cohort, indicator="revenue", horizon=horizon, provinces=(province,)
        )
        evaluation = impact.evaluate(q, data=data, names=names)
        for item in evaluation.by_category:
            estimate = item.estimate
            if item.code in out or not estimate.conclusive:
                continue
            weight = 1.0
            if estimate.verdict in ("effect", "harm") and estimate.baseline_mean:
                percent = 100 * (estimate.effect or 0) / estimate.baseline_mean
                low, high = WEIGHT_BOUNDS
                weight = round(min(high, max(low, 1 + WEIGHT_PER_PERCENT * percent)), 2)
            out[item.code] = {
                "weight": weight,
                "effect": amount(estimate.effect, "revenue"),
                "ci_low": amount(estimate.ci_low, "revenue"),
                "ci_high": amount(estimate.ci_high, "revenue"),
                "verdict": estimate.verdict,
                "cohort": cohort,
            }
    return out
