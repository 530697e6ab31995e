"""Did the support work? Impact evaluation of khuyến công support (docs/impact.md).

For a cohort year ``C``, a place, a kind of support (an activity content or sub-type of the
catalogue, or any) and an establishment figure (revenue, workers, output value, capital):

1. **Treated**: establishments of the place supported in ``C`` by that kind of support — as
   beneficiaries of a project of year ``C`` (approved or later, not suspended or cancelled)
   or by taking part in an activity dated in ``C`` (fairs, showrooms, brands, trainees,
   workshops, consulting) — and not supported at all in the years before ``C`` of the window.
2. **Controls**: establishments of the same provinces not supported at all in the window
   (``C - PRE_YEARS - 1`` to ``C + horizon``).
3. **Matching** before support (year ``C - 1``): exactly on province, sector, kind and size
   band (workers); a treated establishment without a control in its cell is matched on a
   coarser cell (province, kind, size → province, size → province). Controls are
   weighted so that, cell by cell, they stand for the treated establishments they match
   (the weights of stratified matching with replacement: the estimate is the effect on
   the supported establishments, ATT).
4. **Difference in differences**: the change of the figure from ``C - 1`` to each year
   ``C + e`` for treated minus the weighted change for controls. One weighted least-squares
   regression (statsmodels) of the stacked changes on a year dummy per ``e``, a treated ×
   year dummy per ``e`` and the level before support × year (establishments grow in
   proportion to their size: trends are taken as parallel given the level) gives every
   effect at once; standard errors are clustered by
   establishment (each establishment appears once per year), with Student's t on G - 1
   degrees of freedom. The effect at ``e = horizon`` is the answer; the years before
   support (``e < -1``) are the check of parallel trends, tested jointly (F test).
5. **Too few to conclude** when fewer than ``MIN_TREATED`` supported or ``MIN_CONTROLS``
   control establishments have the figure both before and after.

Data are read with one query per table (figures, project beneficiaries, budget lines, each
activity table) whatever the number of establishments; the arithmetic is numpy.
"""

from __future__ import annotations

import datetime
import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import F, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.errors import DomainError

# Figures an evaluation may look at, with their unit (the establishment's yearly figures).
INDICATORS = {
    "revenue": (gettext_lazy("revenue"), "VND"),
    "workers": (gettext_lazy("workers"), "persons"),
    "output_value": (gettext_lazy("output value"), "VND"),
    "capital": (gettext_lazy("capital"), "VND"),
}
# Fewer than this many supported or control establishments (with the figure before and
# after) and the evaluation says "too few to conclude" instead of an estimate: below ten,
# one unusual establishment moves the average more than any believable effect, and the
# clustered interval is unreliable with so few clusters (docs/impact.md).
MIN_TREATED = 10
MIN_CONTROLS = 10
# Years before the base year shown in the event study as the parallel-trends check.
PRE_YEARS = 2
MAX_HORIZON = 5
DEFAULT_HORIZON = 2
# A joint test of the years before support below this p-value: trends differed already
# before support, and the estimate is flagged.
PRETREND_ALPHA = 0.05
# Size bands by workers in the year before support (upper bounds, exclusive).
SIZE_BANDS = (10, 50, 200)

# The kind of support an activity record gives when it names no project: its catalogue
# sub-type (programmes migration 0002). With a project, the project's category counts.
ACTIVITY_SUBTYPES = {
    "fair": "04-HOICHO",
    "fair_abroad": "04-HOICHO-NN",
    "showroom": "04-PHONGTB",
    "brand": "04-NHANHIEU",
    "consulting": "05-TUVAN",
    "workshop": "02-HOITHAO",
    "training_vocational": "01-NGHE",
    "training": "02-DAOTAO",
}


class ImpactError(DomainError):
    """A question the evaluation cannot answer as asked (API: 400 naming the parameter)."""


@dataclass(frozen=True)
class Question:
    cohort: int
    indicator: str
    horizon: int = DEFAULT_HORIZON
    # 2025 provinces read (None: every province); below province level, the communes the
    # supported establishments must be in.
    provinces: tuple[str, ...] | None = None
    communes: tuple[str, ...] | None = None
    # A category ("03") or sub-type ("03-MAYMOC") code; "" for any support.
    category: str = ""

    @property
    def first_year(self) -> int:
        return self.cohort - PRE_YEARS - 1

    @property
    def last_year(self) -> int:
        return self.cohort + self.horizon

    @property
    def base_year(self) -> int:
        return self.cohort - 1


def check_question(
    *, cohort: Any, indicator: Any, horizon: Any = None, today: datetime.date | None = None
) -> tuple[int, str, int]:
    """The cohort, indicator and horizon as numbers, or ``ImpactError`` naming the bad one."""
    this_year = (today or timezone.localdate()).year
    try:
        cohort = int(cohort)
    except (TypeError, ValueError):
        raise ImpactError(_("Enter the cohort as a year, e.g. 2023."), field="cohort") from None
    if not 2000 <= cohort <= this_year:
        raise ImpactError(
            _("Enter a cohort year between %(first)s and %(last)s.")
            % {"first": 2000, "last": this_year},
            field="cohort",
        )
    if indicator not in INDICATORS:
        raise ImpactError(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(INDICATORS)},
            field="indicator",
        )
    if horizon in (None, ""):
        horizon = DEFAULT_HORIZON
    try:
        horizon = int(horizon)
    except (TypeError, ValueError):
        raise ImpactError(_("Enter the horizon as a number of years."), field="horizon") from None
    if not 0 <= horizon <= MAX_HORIZON:
        raise ImpactError(
            _("Enter a horizon of 0 to %(max)s years.") % {"max": MAX_HORIZON}, field="horizon"
        )
    if cohort + horizon > this_year:
        raise ImpactError(
            _(
                "The figures of %(year)s are not in yet: choose an earlier cohort or a "
                "shorter horizon."
            )
            % {"year": cohort + horizon},
            field="horizon",
        )
    return cohort, str(indicator), horizon


# --- results ----------------------------------------------------------------------------------


@dataclass
class EventYear:
    relative_year: int
    year: int
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    treated: int
    controls: int


@dataclass
class Estimate:
    """One evaluation: effect per supported establishment in the figure's unit."""

    treated: int = 0
    controls: int = 0
    effect: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    # "effect" (interval above zero), "harm" (below zero), "no_effect" (contains zero),
    # "too_few".
    verdict: str = "too_few"
    # Supported establishments matched in their exact cell (the others on a coarser one).
    matched_exact: int = 0
    # Supported establishments dropped: no control in their province.
    unmatched: int = 0
    pretrend_p: float | None = None
    event_study: list[EventYear] = field(default_factory=list)
    # Mean khuyến công money (national + local) per supported establishment, đồng.
    spent_per_establishment: int | None = None
    # Effect per 1 tỷ đồng (10⁹) of state money spent.
    effect_per_billion: float | None = None
    # Baseline (year before support) mean of the supported establishments.
    baseline_mean: float | None = None

    @property
    def conclusive(self) -> bool:
        return self.verdict != "too_few"

    @property
    def pretrend_warning(self) -> bool:
        return self.pretrend_p is not None and self.pretrend_p < PRETREND_ALPHA


@dataclass
class CategoryEstimate:
    code: str
    name: str
    estimate: Estimate


@dataclass
class Evaluation:
    question: Question
    overall: Estimate
    by_category: list[CategoryEstimate]


# --- the data ---------------------------------------------------------------------------------


@dataclass
class Support:
    """Support events in the window: one entry per establishment, year and kind."""

    establishment: np.ndarray  # int64 ids
    year: np.ndarray  # int
    category: np.ndarray  # str codes
    subtype: np.ndarray  # str codes ("" when none)
    amount: np.ndarray  # float đồng of state money


@dataclass
class Panel:
    ids: np.ndarray  # establishment ids, sorted
    years: list[int]
    values: np.ndarray  # (n, len(years)) the figure; NaN where missing
    workers_base: np.ndarray  # workers in the base year, NaN where missing
    province: np.ndarray
    sector: np.ndarray
    kind: np.ndarray
    commune: np.ndarray


SUPPORT_STATES = ("approved", "in_progress", "accepted", "settled")


def _support_events(provinces: tuple[str, ...] | None, first: int, last: int) -> Support:
    """Every support event from ``first`` to ``last`` in the provinces read: eight queries
    (project beneficiaries, their budget lines, six activity tables)."""
    from khuyencong.activities.models import (
        BrandRegistration,
        ConsultingContract,
        FairParticipation,
        Showroom,
        Trainee,
        TrainingCourse,
        Workshop,
    )
    from khuyencong.programmes.models import BudgetLine, ProjectBeneficiary

    rows: list[tuple[Any, ...]] = []

    def where(prefix: str, year_field: str) -> Q:
        condition = Q(
            **{f"{prefix}{year_field}__year__gte": first, f"{prefix}{year_field}__year__lte": last}
        )
        if provinces is not None:
            condition &= Q(**{f"{prefix}province__in": provinces})
        return condition

    projects = Q(project__year__gte=first, project__year__lte=last)
    projects &= Q(project__status__in=SUPPORT_STATES)
    if provinces is not None:
        projects &= Q(project__province__in=provinces)
    beneficiaries = list(
        ProjectBeneficiary.objects.filter(projects).values_list(
            "establishment_id",
            "project__year",
            "project__category_id",
            "project__subtype_id",
            "project_id",
        )
    )
    # The project's state money (national + local budget lines), shared equally among its
    # beneficiaries.
    money = dict(
        BudgetLine.objects.filter(projects, source__in=("national", "local"))
        .values_list("project_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    counts: dict[int, int] = {}
    for row in beneficiaries:
        counts[row[4]] = counts.get(row[4], 0) + 1
    rows.extend(
        (est, year, cat, sub or "", (money.get(pid) or 0) / counts[pid])
        for est, year, cat, sub, pid in beneficiaries
    )

    def activity(qs: Any, kind: str, prefix: str, year_field: str, amount: Any = None) -> None:
        qs = qs.filter(where(prefix, year_field)).annotate(
            y=ExtractYear(f"{prefix}{year_field}"),
            cat=F(f"{prefix}project__category_id"),
            sub=F(f"{prefix}project__subtype_id"),
        )
        fields = ["est", "y", "cat", "sub"]
        if amount is not None:
            qs = qs.annotate(money=amount)
            fields.append("money")
        if kind == "fair":
            qs = qs.annotate(level=F("fair__level"))
            fields.append("level")
        if kind == "training":
            qs = qs.annotate(topic=F("course__topic"))
            fields.append("topic")
        for values in qs.values_list(*fields).order_by():
            est, year, cat, sub = values[:4]
            extra = values[4:]
            spent = float(extra[0] or 0) if amount is not None else 0.0
            if cat is None:
                key = kind
                if kind == "fair" and extra[-1] == "international":
                    key = "fair_abroad"
                elif kind == "training":
                    key = (
                        "training_vocational"
                        if extra[-1] == TrainingCourse.Topic.VOCATIONAL
                        else "training"
                    )
                sub = ACTIVITY_SUBTYPES[key]
                cat = sub[:2]
            rows.append((est, year, cat, sub or "", spent))

    activity(
        FairParticipation.objects.annotate(est=F("establishment_id")),
        "fair",
        "fair__",
        "start_date",
        F("supported_amount"),
    )
    activity(
        Showroom.objects.annotate(est=F("establishment_id")),
        "showroom",
        "",
        "opened_on",
        F("supported_amount"),
    )
    activity(
        BrandRegistration.objects.annotate(est=F("establishment_id")),
        "brand",
        "",
        "filed_on",
        F("supported_amount"),
    )
    activity(
        Trainee.objects.filter(establishment__isnull=False).annotate(est=F("establishment_id")),
        "training",
        "course__",
        "end_date",
    )
    activity(
        Workshop.establishments.through.objects.annotate(est=F("establishment_id")),
        "workshop",
        "workshop__",
        "date",
    )
    activity(
        ConsultingContract.objects.filter(client_establishment__isnull=False)
        .exclude(status=ConsultingContract.Status.CANCELLED)
        .annotate(est=F("client_establishment_id")),
        "consulting",
        "",
        "signed_on",
    )
    if not rows:
        empty = np.array([], dtype=np.int64)
        return Support(empty, empty, np.array([], dtype=object), np.array([], dtype=object),
                       np.array([], dtype=float))  # fmt: skip
    est, year, cat, sub, amount = zip(*rows, strict=True)
    return Support(
        np.asarray(est, dtype=np.int64),
        np.asarray(year, dtype=np.int64),
        np.asarray(cat, dtype=object),
        np.asarray(sub, dtype=object),
        np.asarray(amount, dtype=float),
    )


@dataclass
class Data:
    """Everything an evaluation reads, loaded once for a span of years and any number of
    questions about it (cohorts, kinds of support, figures, provinces)."""

    first_year: int
    last_year: int
    support: Support
    ids: np.ndarray  # establishment ids, sorted
    figures: dict[str, np.ndarray]  # indicator -> (n, years) matrix, NaN where missing
    province: np.ndarray
    sector: np.ndarray
    kind: np.ndarray
    commune: np.ndarray

    def covers(self, q: Question) -> bool:
        return self.first_year <= q.first_year and q.last_year <= self.last_year


def load(provinces: tuple[str, ...] | None, first_year: int, last_year: int) -> Data:
    """The support events and the yearly figures of every establishment of the provinces
    read (None: all), ``first_year`` to ``last_year``: nine queries."""
    from khuyencong.registry.models import YearlyFigure

    support = _support_events(provinces, first_year, last_year)
    figures = YearlyFigure.objects.filter(year__gte=first_year, year__lte=last_year)
    if provinces is not None:
        figures = figures.filter(establishment__province__in=provinces)
    rows = list(
        figures.values_list(
            "establishment_id",
            "year",
            *INDICATORS,
            "establishment__province_id",
            "establishment__sector_id",
            "establishment__kind",
            "establishment__commune_id",
        ).order_by()
    )
    width = last_year - first_year + 1
    if not rows:
        empty = np.array([], dtype=object)
        return Data(
            first_year,
            last_year,
            support,
            np.array([], dtype=np.int64),
            {name: np.zeros((0, width)) for name in INDICATORS},
            empty,
            empty,
            empty,
            empty,
        )
    columns = list(zip(*rows, strict=True))
    ids, index = np.unique(np.asarray(columns[0], dtype=np.int64), return_inverse=True)
    col = np.asarray(columns[1], dtype=np.int64) - first_year
    matrices = {}
    for offset, name in enumerate(INDICATORS, start=2):
        matrix = np.full((len(ids), width), np.nan)
        matrix[index, col] = np.array([np.nan if v is None else float(v) for v in columns[offset]])
        matrices[name] = matrix

    def attribute(values: tuple[Any, ...]) -> np.ndarray:
        out = np.empty(len(ids), dtype=object)
        out[index] = np.asarray(values, dtype=object)
        return out

    first_attribute = 2 + len(INDICATORS)
    return Data(
        first_year,
        last_year,
        support,
        ids,
        matrices,
        *(attribute(columns[first_attribute + i]) for i in range(4)),
    )


def _panel(q: Question, data: Data) -> Panel:
    """The question's years of its figure, sliced out of the loaded data."""
    first = q.first_year - data.first_year
    last = q.last_year - data.first_year + 1
    return Panel(
        data.ids,
        list(range(q.first_year, q.last_year + 1)),
        data.figures[q.indicator][:, first:last],
        data.figures["workers"][:, q.base_year - data.first_year],
        data.province,
        data.sector,
        data.kind,
        data.commune,
    )


# --- the estimator --------------------------------------------------------------------------


def _size_band(workers: np.ndarray) -> np.ndarray:
    band = np.searchsorted(np.asarray(SIZE_BANDS), np.nan_to_num(workers, nan=-1), side="right")
    return np.where(np.isnan(workers), -1, band)


def _codes(*columns: np.ndarray) -> np.ndarray:
    """One integer per distinct combination of the columns (vectorised: each column is
    coded on its own, then the rows of codes)."""
    if not columns or len(columns[0]) == 0:
        return np.zeros(len(columns[0]) if columns else 0, dtype=np.int64)
    coded = [
        np.unique(column.astype(str) if column.dtype == object else column, return_inverse=True)[1]
        for column in columns
    ]
    return np.unique(np.stack(coded, axis=1), axis=0, return_inverse=True)[1].ravel()


def match_weights(
    treated: np.ndarray, controls: np.ndarray, cells: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stratified matching with replacement over ever coarser cells (``cells[0]`` the
    finest). Returns the weight of each row (1 for a matched treated row, the share of
    treated rows it stands for for a control, 0 otherwise), whether each treated row was
    matched, and whether it was matched in the finest cell."""
    n = len(treated)
    weights = np.zeros(n)
    matched = np.zeros(n, dtype=bool)
    exact = np.zeros(n, dtype=bool)
    for level, cell in enumerate(cells):
        size = int(cell.max()) + 1 if n else 0
        n_controls = np.bincount(cell[controls], minlength=size)
        candidates = treated & ~matched & (n_controls[cell] > 0)
        if not candidates.any():
            continue
        matched |= candidates
        if level == 0:
            exact |= candidates
        n_treated = np.bincount(cell[candidates], minlength=size)
        share = np.divide(n_treated, n_controls, out=np.zeros(size), where=n_controls > 0).astype(
            float
        )
        weights[controls] += share[cell[controls]]
    weights[matched] = 1.0
    return weights, matched, exact


def did(
    values: np.ndarray,
    treated: np.ndarray,
    weights: np.ndarray,
    relative_years: list[int],
    horizon: int,
) -> dict[str, Any]:
    """The stacked difference-in-differences regression (statsmodels WLS, errors clustered
    by establishment). ``values`` has one column per relative year, ``-1`` the base.
    Returns the effect at each relative year with its 95 % interval and the pre-trend test."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ValueWarning

    base = relative_years.index(-1)
    others = [e for e in relative_years if e != -1]
    y_parts, x_parts, w_parts, g_parts = [], [], [], []
    counts: dict[int, tuple[int, int]] = {}
    k = len(others)
    used = weights > 0
    level = values[:, base] - np.average(values[used, base], weights=weights[used])
    scale = np.std(level[used]) or 1.0
    level = level / scale
    for j, e in enumerate(others):
        column = relative_years.index(e)
        change = values[:, column] - values[:, base]
        ok = used & ~np.isnan(change)
        counts[e] = (int((ok & treated).sum()), int((ok & ~treated).sum()))
        if not ok.any():
            continue
        rows = int(ok.sum())
        design = np.zeros((rows, 3 * k))
        design[:, j] = 1.0
        design[:, k + j] = treated[ok].astype(float)
        # The level before support, centred, with its own slope each year: establishments
        # grow in proportion to their size, so trends are parallel given the level
        # (regression-adjusted difference in differences).
        design[:, 2 * k + j] = level[ok]
        y_parts.append(change[ok])
        x_parts.append(design)
        w_parts.append(weights[ok])
        g_parts.append(np.flatnonzero(ok))
    y = np.concatenate(y_parts)
    x = np.vstack(x_parts)
    w = np.concatenate(w_parts)
    groups = np.concatenate(g_parts)
    # Columns without rows (a year with no figures at all) would make the design singular.
    keep = np.flatnonzero(np.abs(x).sum(axis=0) > 0)
    with warnings.catch_warnings():
        # A figure that never changes (zero variance) gives a zero standard error: the
        # interval is then the point itself and the p-value undefined, not an error.
        warnings.simplefilter("ignore", RuntimeWarning)
        fit = sm.WLS(y, x[:, keep], weights=w).fit(
            cov_type="cluster", cov_kwds={"groups": groups}, use_t=True
        )
        params = np.full(3 * k, np.nan)
        params[keep] = fit.params
        ci = np.full((3 * k, 2), np.nan)
        ci[keep] = fit.conf_int(alpha=0.05)
        pvalues = np.full(3 * k, np.nan)
        pvalues[keep] = fit.pvalues
    position = {int(col): i for i, col in enumerate(keep)}
    effects = {}
    for j, e in enumerate(others):
        col = k + j
        if col in position and counts[e][0] and counts[e][1]:
            effects[e] = (float(params[col]), float(ci[col, 0]), float(ci[col, 1]))
    pre = [k + j for j, e in enumerate(others) if e < -1 and e in effects]
    pretrend_p = None
    if pre:
        restriction = np.zeros((len(pre), len(keep)))
        for row, col in enumerate(pre):
            restriction[row, position[col]] = 1.0
        with warnings.catch_warnings():
            # No variation before support at all: nothing to test.
            warnings.simplefilter("error", ValueWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                pretrend_p = float(np.asarray(fit.f_test(restriction).pvalue))
            except (ValueError, ValueWarning, np.linalg.LinAlgError):
                pretrend_p = None
    main = k + others.index(horizon)
    main_p = float(pvalues[main]) if horizon in effects else math.nan
    return {
        "effects": effects,
        "counts": counts,
        "p_value": None if math.isnan(main_p) else main_p,
        "pretrend_p": None if pretrend_p is None or math.isnan(pretrend_p) else pretrend_p,
    }


def estimate(
    q: Question,
    panel: Panel,
    supported: np.ndarray,
    supported_before: np.ndarray,
    supported_window: np.ndarray,
    spent: np.ndarray,
    *,
    only: np.ndarray | None = None,
) -> Estimate:
    """One evaluation over the panel, given per establishment of the panel: supported in the
    cohort year by the kind asked, supported by anything before it in the window, supported
    by anything in the window, and the state money received in the cohort year. ``only``
    limits the supported establishments counted (the place asked); controls come from
    anywhere in the panel, matched within the province."""
    horizon = q.horizon
    relative_years = [year - q.cohort for year in panel.years]
    base_col = relative_years.index(-1)
    end_col = relative_years.index(horizon)
    has_both = ~np.isnan(panel.values[:, base_col]) & ~np.isnan(panel.values[:, end_col])
    treated = supported & ~supported_before & has_both
    if only is not None:
        treated &= only
    controls = ~supported_window & has_both
    # Coarser cells drop sector, then kind, and keep the size band longest: in a difference
    # of levels, larger establishments grow by larger amounts, so size matters most.
    size = _size_band(panel.workers_base)
    cells = [
        _codes(panel.province, panel.sector, panel.kind, size),
        _codes(panel.province, panel.kind, size),
        _codes(panel.province, size),
        _codes(panel.province),
    ]
    weights, matched, exact = match_weights(treated, controls, cells)
    out = Estimate(
        treated=int(matched.sum()),
        controls=int((controls & (weights > 0)).sum()),
        matched_exact=int(exact.sum()),
        unmatched=int((treated & ~matched).sum()),
    )
    if out.treated:
        out.baseline_mean = float(panel.values[matched, base_col].mean())
        out.spent_per_establishment = round(float(spent[matched].mean()))
    if out.treated < MIN_TREATED or out.controls < MIN_CONTROLS:
        return out
    in_sample = matched | (controls & (weights > 0))
    result = did(
        panel.values[in_sample],
        matched[in_sample],
        weights[in_sample],
        relative_years,
        horizon,
    )
    if horizon not in result["effects"]:
        return out
    effect, low, high = result["effects"][horizon]
    out.effect, out.ci_low, out.ci_high = effect, low, high
    out.p_value = result["p_value"]
    out.pretrend_p = result["pretrend_p"]
    out.verdict = "effect" if low > 0 else "harm" if high < 0 else "no_effect"
    for e, year in zip(relative_years, panel.years, strict=True):
        n_treated, n_controls = result["counts"].get(e, (out.treated, out.controls))
        if e == -1:
            out.event_study.append(EventYear(e, year, 0.0, 0.0, 0.0, n_treated, n_controls))
            continue
        found = result["effects"].get(e)
        low_e, high_e = (found[1], found[2]) if found else (None, None)
        out.event_study.append(
            EventYear(e, year, found[0] if found else None, low_e, high_e, n_treated, n_controls)
        )
    if out.spent_per_establishment:
        out.effect_per_billion = effect / out.spent_per_establishment * 1e9
    return out


def _masks(
    q: Question, panel: Panel, support: Support, codes: tuple[str, ...] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per establishment of the panel: supported in the cohort year by a kind among
    ``codes`` (None: any), supported by anything in the window before the cohort year,
    supported by anything in the window, money received in the cohort year."""
    n = len(panel.ids)
    if n == 0:
        nothing = np.zeros(0, dtype=bool)
        return nothing, nothing, nothing, np.zeros(0)
    position = np.clip(np.searchsorted(panel.ids, support.establishment), 0, n - 1)
    known = panel.ids[position] == support.establishment
    known &= (support.year >= q.first_year) & (support.year <= q.last_year)
    in_cohort = known & (support.year == q.cohort)
    if codes is not None:
        in_cohort &= np.isin(support.category, codes) | np.isin(support.subtype, codes)
    supported = np.zeros(n, dtype=bool)
    supported[position[in_cohort]] = True
    spent = np.zeros(n)
    np.add.at(spent, position[in_cohort], support.amount[in_cohort])
    before = np.zeros(n, dtype=bool)
    before[position[known & (support.year < q.cohort)]] = True
    window = np.zeros(n, dtype=bool)
    window[position[known]] = True
    return supported, before, window, spent


def category_names() -> dict[str, str]:
    """The activity contents of the catalogue, code → name, in catalogue order."""
    from khuyencong.programmes.models import ActivityCategory

    return {c.code: c.display_name for c in ActivityCategory.objects.order_by("ordering", "code")}


def evaluate(
    q: Question,
    *,
    data: Data | None = None,
    by_category: bool = True,
    names: dict[str, str] | None = None,
) -> Evaluation:
    """The evaluation asked and, with ``by_category``, the same for each activity content
    given to anyone in the cohort year (or the one sub-type asked). Reads the database
    (about ten queries) unless ``data`` already covers the question's years."""
    if data is None or not data.covers(q):
        data = load(q.provinces, q.first_year, q.last_year)
    panel = _panel(q, data)
    only = None
    if q.communes is not None:
        only = np.isin(panel.commune, np.asarray(q.communes, dtype=object))
    elif q.provinces is not None and data.province.size:
        only = np.isin(panel.province, np.asarray(q.provinces, dtype=object))
    codes = (q.category,) if q.category else None
    overall = estimate(q, panel, *_masks(q, panel, data.support, codes), only=only)
    categories: list[CategoryEstimate] = []
    if by_category:
        if names is None:
            names = category_names()
        if q.category and len(q.category) > 2:
            from khuyencong.programmes.models import ActivitySubtype

            sub = ActivitySubtype.objects.filter(pk=q.category).first()
            names = {**names, q.category: sub.display_name if sub else q.category}
            wanted = [q.category]
        else:
            present = set(data.support.category[data.support.year == q.cohort].tolist())
            wanted = [c for c in names if c in present and (not q.category or c == q.category)]
        for code in wanted:
            result = estimate(q, panel, *_masks(q, panel, data.support, (code,)), only=only)
            categories.append(CategoryEstimate(code, names.get(code, code), result))
    return Evaluation(q, overall, categories)


def check_category(code: Any) -> str:
    """A category or sub-type code of the catalogue, "" for any; ``ImpactError`` otherwise."""
    from khuyencong.programmes.models import ActivityCategory, ActivitySubtype

    code = (code or "").strip() if isinstance(code, str) else code
    if not code:
        return ""
    if not isinstance(code, str) or not (
        ActivityCategory.objects.filter(pk=code).exists()
        or ActivitySubtype.objects.filter(pk=code).exists()
    ):
        raise ImpactError(
            _("Choose an activity content or sub-type of the catalogue (e.g. 03 or 03-MAYMOC)."),
            field="category",
        )
    return code
