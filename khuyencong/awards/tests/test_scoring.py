"""Score sheets and results: points checked per criteria group, exact averages rounded half
up, the pass mark boundary, certificate numbers and validity."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from khuyencong.awards import scoring, services, workflow
from khuyencong.awards.dates import certificate_valid_until
from khuyencong.awards.errors import AwardError
from khuyencong.awards.factories import JUDGES, points_for, score_and_close
from khuyencong.awards.models import AwardEntry, ScoreSheet
from khuyencong.awards.tests.conftest import enter
from khuyencong.core.errors import WorkflowError

CRITERIA = [
    {"code": "market", "name": "", "max_points": 40},
    {"code": "economic", "name": "", "max_points": 40},
    {"code": "culture", "name": "", "max_points": 10},
    {"code": "other", "name": "", "max_points": 10},
]
GOOD = {"market": 35, "economic": "30.5", "culture": 8, "other": 7.25}


def test_points_add_up_exactly():
    cleaned, total = scoring.clean_points(CRITERIA, GOOD)
    assert cleaned["economic"] == Decimal("30.50") and cleaned["other"] == Decimal("7.25")
    assert total == Decimal("80.75")


@pytest.mark.parametrize(
    ("change", "group", "words"),
    [
        ({"market": 41}, "market", "40"),
        ({"culture": "10.01"}, "culture", "10"),
        ({"economic": -1}, "economic", "negative"),
        ({"other": None}, "other", "missing"),
        ({"market": "abc"}, "market", "number"),
        ({"market": "35.555"}, "market", "decimals"),
    ],
)
def test_bad_points_are_refused_naming_the_group(change, group, words):
    points = {**GOOD, **change}
    with translation.override("en"), pytest.raises(scoring.PointsError) as caught:
        scoring.clean_points(CRITERIA, points)
    error = caught.value
    assert error.field == "points" and error.group == group
    with translation.override("en"):
        label = str(scoring.CRITERIA_LABELS[group])
    assert label in error.message and words in error.message


def test_a_missing_group_and_an_unknown_group_are_refused():
    points = dict(GOOD)
    del points["culture"]
    with pytest.raises(scoring.PointsError) as caught:
        scoring.clean_points(CRITERIA, points)
    assert caught.value.group == "culture"
    with pytest.raises(scoring.PointsError):
        scoring.clean_points(CRITERIA, {**GOOD, "bonus": 1})
    with pytest.raises(scoring.PointsError):
        scoring.clean_points(CRITERIA, [35, 30, 8, 7])


def test_average_rounds_half_up_to_two_decimals():
    assert scoring.average([Decimal("70"), Decimal("69.99")]) == Decimal("70.00")  # 69.995
    assert scoring.average([Decimal("69.99"), Decimal("69.98")]) == Decimal("69.99")  # 69.985
    assert scoring.average([Decimal("70"), Decimal("70"), Decimal("69.99")]) == Decimal("70.00")
    assert scoring.average([]) is None


@given(st.lists(st.integers(min_value=0, max_value=10000), min_size=1, max_size=13))
def test_average_is_the_exact_mean_rounded_half_up(hundredths):
    totals = [Decimal(h) / 100 for h in hundredths]
    # Half up in integer arithmetic: floor((2·sum + n) / 2n) hundredths.
    cents = (2 * sum(hundredths) + len(hundredths)) // (2 * len(hundredths))
    assert scoring.average(totals) == Decimal(cents) / 100


def test_the_pass_mark_is_certified_and_just_below_is_not(
    officer_a, round_a, est_a, est_a2, coffee
):
    at_mark = enter(officer_a, round_a, est_a, coffee)
    below = enter(officer_a, round_a, est_a2, product_name="Khăn thổ cẩm", group="handicraft")
    above = enter(officer_a, round_a, est_a, product_name="Cà phê hạt rang")
    score_and_close(
        officer_a,
        round_a,
        {
            at_mark: [70, 70, 70, 70, 70, 70, 70],
            below: [69.99] * 7,
            above: [80, 90, 85, 85, 85, 85, 90],
        },
        closing_date=datetime.date(2026, 10, 15),
    )
    at_mark, below, above = (AwardEntry.objects.get(pk=e.pk) for e in (at_mark, below, above))
    assert (at_mark.average, at_mark.certified) == (Decimal("70.00"), True)
    assert (below.average, below.certified) == (Decimal("69.99"), False)
    assert (above.average, above.certified, above.sheet_count) == (Decimal("85.71"), True, 7)
    # Numbered from 1, highest average first, issued on the closing date.
    assert above.certificate_number == "1/2026/CNNT-66"
    assert at_mark.certificate_number == "2/2026/CNNT-66"
    assert below.certificate_number == "" and below.valid_until is None
    assert at_mark.issued_on == datetime.date(2026, 10, 15)
    assert at_mark.valid_until == datetime.date(2028, 12, 31)
    # Who closed it is in the entries' history.
    assert at_mark.history.first().history_user == officer_a


def test_results_are_frozen_at_close(officer_a, round_a, est_a, coffee):
    entry = enter(officer_a, round_a, est_a, coffee)
    score_and_close(officer_a, round_a, {entry: [75] * 7}, closing_date=datetime.date(2026, 10, 1))
    with pytest.raises(WorkflowError):
        services.record_score_sheet(
            actor=officer_a, entry=entry, judge="Người mới", points=points_for(20)
        )
    with pytest.raises(WorkflowError):
        workflow.close_round(actor=officer_a, round=round_a)
    assert AwardEntry.objects.get(pk=entry.pk).average == Decimal("75.00")


def test_certificate_validity_counts_the_year_of_issue():
    assert certificate_valid_until(datetime.date(2026, 1, 2)) == datetime.date(2028, 12, 31)
    assert certificate_valid_until(datetime.date(2026, 12, 31)) == datetime.date(2028, 12, 31)
    entry = AwardEntry(
        certified=True,
        issued_on=datetime.date(2026, 10, 15),
        valid_until=datetime.date(2028, 12, 31),
    )
    assert entry.valid_on(datetime.date(2028, 12, 31))
    assert not entry.valid_on(datetime.date(2029, 1, 1))
    assert not entry.valid_on(datetime.date(2026, 10, 14))


def test_score_sheets_only_while_scoring_and_one_per_judge(officer_a, round_a, est_a, coffee):
    entry = enter(officer_a, round_a, est_a, coffee)
    with pytest.raises(WorkflowError):
        services.record_score_sheet(
            actor=officer_a, entry=entry, judge=JUDGES[0], points=points_for(80)
        )
    workflow.start_scoring(actor=officer_a, round=round_a)
    sheet = services.record_score_sheet(
        actor=officer_a, entry=entry, judge=JUDGES[0], points=points_for(80)
    )
    assert sheet.total == Decimal("80.00") and sheet.points["market"] == "40.00"
    # The same judge typed without accents is the same judge.
    with pytest.raises(AwardError) as caught:
        services.record_score_sheet(
            actor=officer_a, entry=entry, judge="nguyen van hai", points=points_for(70)
        )
    assert caught.value.field == "judge"
    with pytest.raises(AwardError) as caught:
        services.record_score_sheet(
            actor=officer_a, entry=entry, judge=JUDGES[1], points={**points_for(50), "market": 45}
        )
    assert caught.value.field == "points"
    assert ScoreSheet.objects.count() == 1


def test_no_more_judges_than_council_members(officer_a, round_a, est_a, coffee):
    entry = enter(officer_a, round_a, est_a, coffee)
    other = enter(officer_a, round_a, est_a, product_name="Cà phê hạt rang")
    workflow.start_scoring(actor=officer_a, round=round_a)
    for judge in JUDGES[:7]:
        services.record_score_sheet(
            actor=officer_a, entry=entry, judge=judge, points=points_for(75)
        )
    with pytest.raises(AwardError) as caught:
        services.record_score_sheet(
            actor=officer_a, entry=other, judge=JUDGES[7], points=points_for(75)
        )
    assert caught.value.field == "judge"
    # The seven members score the other product too.
    services.record_score_sheet(
        actor=officer_a, entry=other, judge=JUDGES[6], points=points_for(75)
    )


def test_a_sheet_recorded_by_mistake_is_removed_while_scoring(officer_a, round_a, est_a, coffee):
    entry = enter(officer_a, round_a, est_a, coffee)
    workflow.start_scoring(actor=officer_a, round=round_a)
    sheet = services.record_score_sheet(
        actor=officer_a, entry=entry, judge=JUDGES[0], points=points_for(75)
    )
    services.delete_score_sheet(actor=officer_a, sheet=sheet)
    assert not ScoreSheet.objects.exists()
    assert ScoreSheet.history.filter(history_type="-", history_user=officer_a).exists()
