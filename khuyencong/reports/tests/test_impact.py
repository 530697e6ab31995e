"""The impact evaluation (reports.impact) on generated data whose true effect is known."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from khuyencong.programmes.factories import advance, draft_project
from khuyencong.registry.models import Establishment
from khuyencong.reports import impact
from khuyencong.reports.factories import impact_panel as make_panel

THIS_YEAR = timezone.localdate().year
COHORT = THIS_YEAR - 3


def question(province, **kwargs):
    data = {"cohort": COHORT, "indicator": "revenue", "horizon": 2, "provinces": (province.code,)}
    data.update(kwargs)
    return impact.Question(**data)


def test_it_finds_a_known_effect_within_its_interval(commune_a1, manager_a, province_a):
    make_panel(commune=commune_a1, treated=30, controls=60, effect=300_000_000, manager=manager_a)

    result = impact.evaluate(question(province_a))

    overall = result.overall
    assert overall.treated == 30
    assert overall.controls == 60
    assert overall.verdict == "effect"
    assert overall.ci_low < 300_000_000 < overall.ci_high
    assert overall.ci_low > 0
    # The years before support show no difference (parallel trends).
    assert overall.pretrend_p is not None and overall.pretrend_p > impact.PRETREND_ALPHA
    by_year = {row.relative_year: row for row in overall.event_study}
    assert set(by_year) == {-3, -2, -1, 0, 1, 2}
    assert by_year[-1].effect == 0
    for e in (-3, -2):
        assert by_year[e].ci_low < 0 < by_year[e].ci_high
    for e in (0, 1, 2):
        assert by_year[e].ci_low < 300_000_000 < by_year[e].ci_high
    # 100 million of state money per beneficiary: about 3 tỷ of revenue per tỷ spent.
    assert overall.spent_per_establishment == 100_000_000
    assert 2e9 < overall.effect_per_billion < 4e9
    # The project's activity content is evaluated on its own too.
    assert [c.code for c in result.by_category] == ["03"]
    assert result.by_category[0].estimate.treated == 30


def test_it_finds_no_effect_where_there_is_none(commune_a1, manager_a, province_a):
    make_panel(commune=commune_a1, treated=30, controls=60, effect=0, manager=manager_a, seed=7)

    overall = impact.evaluate(question(province_a)).overall

    assert overall.verdict == "no_effect"
    assert overall.ci_low < 0 < overall.ci_high


def test_it_says_too_few_to_conclude(commune_a1, manager_a, province_a):
    make_panel(commune=commune_a1, treated=4, controls=60, effect=300_000_000, manager=manager_a)

    overall = impact.evaluate(question(province_a)).overall

    assert overall.verdict == "too_few"
    assert not overall.conclusive
    assert overall.treated == 4
    assert overall.effect is None and overall.ci_low is None


def test_controls_are_never_supported_in_the_window(commune_a1, manager_a, province_a):
    """An establishment supported the year after the cohort is not a control."""
    establishments = make_panel(
        commune=commune_a1, treated=12, controls=14, effect=300_000_000, manager=manager_a
    )
    later = draft_project(
        actor=manager_a,
        province=province_a,
        year=COHORT + 1,
        category="01",
        subtype="01-NGHE",
        beneficiaries=[est.pk for est in establishments[12:17]],
    )
    advance(later, "approved", manager=manager_a)

    overall = impact.evaluate(question(province_a)).overall

    assert overall.treated == 12
    assert overall.controls == 9
    assert overall.verdict == "too_few"


def test_matching_keeps_cells_apart(commune_a1, manager_a, province_a):
    """Controls of another kind only stand in when the supported one's cell has none."""
    treated = np.array([True, True, False, False, False])
    controls = ~treated
    fine = np.array([0, 1, 0, 0, 2])
    coarse = np.array([0, 0, 0, 0, 0])

    weights, matched, exact = impact.match_weights(treated, controls, [fine, coarse])

    assert matched.tolist() == [True, True, False, False, False]
    assert exact.tolist() == [True, False, False, False, False]
    # Treated 0 is matched by controls 2 and 3 (half each); treated 1 by all three controls.
    assert weights.tolist() == pytest.approx([1, 1, 0.5 + 1 / 3, 0.5 + 1 / 3, 1 / 3])


def test_a_category_not_given_that_year_is_too_few(commune_a1, manager_a, province_a):
    make_panel(commune=commune_a1, treated=20, controls=30, effect=300_000_000, manager=manager_a)

    overall = impact.evaluate(question(province_a, category="01")).overall

    assert overall.treated == 0
    assert overall.verdict == "too_few"


def test_the_query_count_does_not_grow_with_the_data(commune_a1, manager_a, province_a):
    make_panel(commune=commune_a1, treated=15, controls=20, effect=300_000_000, manager=manager_a)
    with CaptureQueriesContext(connection) as small:
        impact.evaluate(question(province_a))
    make_panel(
        commune=commune_a1, treated=15, controls=40, effect=300_000_000, manager=manager_a, seed=3
    )
    with CaptureQueriesContext(connection) as large:
        impact.evaluate(question(province_a))

    # Figures, beneficiaries, budget lines, six activity tables, the catalogue.
    assert len(small) == len(large) == 10


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cohort": "x", "indicator": "revenue"}, "cohort"),
        ({"cohort": 1990, "indicator": "revenue"}, "cohort"),
        ({"cohort": 2020, "indicator": "profit"}, "indicator"),
        ({"cohort": 2020, "indicator": "revenue", "horizon": "two"}, "horizon"),
        ({"cohort": 2020, "indicator": "revenue", "horizon": 9}, "horizon"),
        ({"cohort": THIS_YEAR, "indicator": "revenue", "horizon": 1}, "horizon"),
    ],
)
def test_it_names_the_bad_parameter(params, field):
    with pytest.raises(impact.ImpactError) as error:
        impact.check_question(**params)
    assert error.value.field == field


def test_an_unknown_category_is_refused(db):
    with pytest.raises(impact.ImpactError) as error:
        impact.check_category("99")
    assert error.value.field == "category"
    assert impact.check_category("03-MAYMOC") == "03-MAYMOC"
    assert impact.check_category("") == ""


def test_it_reads_activities_as_support(commune_a1, manager_a, province_a, officer_a):
    """A fair participation without a project counts as support of content 04."""
    from khuyencong.activities.models import Fair, FairParticipation

    establishments = make_panel(
        commune=commune_a1, treated=0, controls=40, effect=0, manager=manager_a
    )
    fair = Fair.objects.create(
        province=province_a,
        name="Hội chợ",
        level=Fair.Level.NATIONAL,
        start_date=timezone.localdate().replace(year=COHORT, month=5, day=2),
        end_date=timezone.localdate().replace(year=COHORT, month=5, day=5),
        funding_level="local",
    )
    FairParticipation.objects.bulk_create(
        FairParticipation(fair=fair, establishment=est, supported_amount=20_000_000)
        for est in establishments[:12]
    )

    result = impact.evaluate(question(province_a))

    assert result.overall.treated == 12
    assert result.overall.controls == 28
    assert result.overall.spent_per_establishment == 20_000_000
    assert [c.code for c in result.by_category] == ["04"]
    assert impact.evaluate(question(province_a, category="04-HOICHO")).overall.treated == 12
    assert Establishment.objects.count() == 40


def test_the_interval_covers_the_truth_about_95_times_in_100():
    """Monte Carlo check of the estimator alone (no database): 200 generated panels with a
    true effect of 5 workers; the 95 % interval should hold it in about 95 % of them."""
    rng = np.random.default_rng(2026)
    relative_years = [-3, -2, -1, 0, 1, 2]
    covered = 0
    runs = 200
    for _ in range(runs):
        n_treated, n_controls = 40, 80
        treated = np.r_[np.ones(n_treated, bool), np.zeros(n_controls, bool)]
        level = rng.normal(30, 8, size=len(treated))[:, None]
        trend = np.arange(len(relative_years))[None, :] * 1.5
        shock = rng.normal(0, 2, size=(len(treated), len(relative_years)))
        gain = np.where(treated[:, None] & (np.array(relative_years) >= 0)[None, :], 5.0, 0)
        values = level + trend + shock + gain
        weights = np.where(treated, 1.0, n_treated / n_controls)
        result = impact.did(values, treated, weights, relative_years, 2)
        _effect, low, high = result["effects"][2]
        covered += low < 5 < high
    assert 0.9 <= covered / runs <= 0.99
