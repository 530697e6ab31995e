"""``activities.indicators`` over a scenario: distinct establishments versus participations,
the share employed over courses where it is known, consulting revenue from receipts or by
signing, the ends of the period (the last day counts, the next does not) and provinces."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import F

from khuyencong.activities import indicators, services
from khuyencong.activities.models import (
    BrandRegistration,
    CommunicationItem,
    ConsultingContract,
    Fair,
    Showroom,
    TrainingCourse,
    Workshop,
)
from khuyencong.registry.models import Establishment

M = 1_000_000
START = datetime.date(2025, 1, 1)
END = datetime.date(2025, 6, 30)
LAST = END
NEXT = END + datetime.timedelta(days=1)


@pytest.fixture
def scenario(record, officer_a, officer_b, province_a, province_b, est_a1, est_a2, est_b):
    a, b = province_a, province_b
    # Trainings: 30 (24 employed) and 20 (unknown) in the period; one the next day.
    record(officer_a, TrainingCourse, a, end_date=LAST, participants=30, employed_after=24)
    record(officer_a, TrainingCourse, a, end_date=START, participants=20, employed_after=None)
    record(officer_a, TrainingCourse, a, end_date=NEXT, participants=99, employed_after=99)
    course_b = record(officer_b, TrainingCourse, b, participants=10, employed_after=5)
    services.add_trainee(
        actor=officer_b, course=course_b, data={"name": "X", "establishment": est_b}
    )
    # One establishment at three fairs of the period, another at one; a fair the next day.
    fairs = [
        record(
            officer_a, Fair, a, name=f"Hội chợ {n}", level="region", start_date=day, end_date=NEXT
        )
        for n, day in enumerate([START, datetime.date(2025, 3, 3), LAST])
    ]
    for fair in fairs:
        services.add_participation(actor=officer_a, fair=fair, establishment=est_a1)
    services.add_participation(actor=officer_a, fair=fairs[0], establishment=est_a2)
    later = record(
        officer_a, Fair, a, name="Sau kỳ", level="province", start_date=NEXT, end_date=NEXT
    )
    services.add_participation(actor=officer_a, fair=later, establishment=est_a2)
    fair_b = record(
        officer_b, Fair, b, name="Hội chợ B", level="region", start_date=LAST, end_date=LAST
    )
    services.add_participation(actor=officer_b, fair=fair_b, establishment=est_b)
    # Showrooms, brands, communications, workshops: one on the last day, one the next.
    for day in (LAST, NEXT):
        record(officer_a, Showroom, a, name="Phòng", establishment=est_a2, opened_on=day, cost=M)
        record(
            officer_a,
            BrandRegistration,
            a,
            establishment=est_a2,
            mark_name="M",
            kind="trademark",
            filed_on=day,
        )
        record(officer_a, CommunicationItem, a, kind="tv", title="T", date=day, topic="other")
        record(officer_a, Workshop, a, title="W", topic="market", date=day, attendees=40)
    # Consulting: paid in two receipts across the period's end; one without receipts; one
    # cancelled; one signed the next day.
    paid = record(
        officer_a, ConsultingContract, a, title="C1", client_name="Khách", service="other",
        value=100 * M, signed_on=datetime.date(2024, 12, 20),
    )  # fmt: skip
    services.add_receipt(actor=officer_a, contract=paid, date=LAST, amount=30 * M)
    services.add_receipt(actor=officer_a, contract=paid, date=NEXT, amount=70 * M)
    record(
        officer_a, ConsultingContract, a, title="C2", client_name="Khách 2", service="energy_audit",
        value=40 * M, signed_on=LAST, client_establishment=est_a1,
    )  # fmt: skip
    record(
        officer_a, ConsultingContract, a, title="C3", client_name="Khách 3", service="other",
        value=55 * M, signed_on=START, status="cancelled",
    )  # fmt: skip
    record(
        officer_a, ConsultingContract, a, title="C4", client_name="Khách 4", service="other",
        value=7 * M, signed_on=NEXT,
    )  # fmt: skip


def test_the_period_counts_its_last_day_and_not_the_next(scenario):
    values = indicators.values(start=START, end=END, provinces=["66"])
    assert values == {
        "trainees.count": 50,
        "trainees.employed_percent": 80.0,  # 24 of 30: the unknown course does not count
        "fairs.participations": 4,
        "fairs.establishments": 2,
        "showrooms.count": 1,
        "brands.count": 1,
        "consulting.contracts": 1,  # C2; C1 signed before, C3 cancelled, C4 after
        "consulting.revenue": 30 * M + 40 * M,  # C1's receipt of the period, C2 by value
        "workshops.count": 1,
        "workshops.attendees": 40,
        "communications.count": 1,
    }
    assert set(values) == set(indicators.CODES)


def test_one_establishment_in_three_fairs_is_three_participations_one_establishment(
    record, officer_a, province_a, est_a1
):
    for month in (2, 4, 6):
        fair = record(
            officer_a,
            Fair,
            province_a,
            name=f"Hội chợ tháng {month}",
            level="national",
            start_date=datetime.date(2025, month, 1),
            end_date=datetime.date(2025, month, 3),
        )
        services.add_participation(actor=officer_a, fair=fair, establishment=est_a1)
    values = indicators.values(start=START, end=END)
    assert (values["fairs.participations"], values["fairs.establishments"]) == (3, 1)
    ids = indicators.establishment_ids(start=START, end=END)
    assert list(Establishment.objects.filter(pk__in=ids)) == [est_a1]


def test_provinces_narrow_every_figure(scenario):
    everywhere = indicators.values(start=START, end=END)
    only_b = indicators.values(start=START, end=END, provinces=("79",))
    assert everywhere["trainees.count"] == 60 and only_b["trainees.count"] == 10
    assert only_b["trainees.employed_percent"] == 50.0
    assert (only_b["fairs.participations"], only_b["fairs.establishments"]) == (1, 1)
    assert everywhere["fairs.establishments"] == 3
    assert only_b["consulting.revenue"] == 0 and only_b["showrooms.count"] == 0
    assert indicators.values(start=START, end=END, provinces=[])["trainees.count"] == 0


def test_distinct_establishments_of_every_activity(scenario, est_a1, est_a2, est_b):
    ids = indicators.establishment_ids(start=START, end=END, provinces=["66"])
    assert set(Establishment.objects.filter(pk__in=ids)) == {est_a1, est_a2}
    every = indicators.establishment_ids(start=START, end=END)
    assert Establishment.objects.filter(pk__in=every).count() == 3
    # The day after: only what happened then (est_a2's later fair, showroom and brand).
    after = indicators.establishment_ids(start=NEXT, end=NEXT, provinces=["66"])
    assert set(Establishment.objects.filter(pk__in=after)) == {est_a2}


def test_establishments_with_others_in_the_same_statement(
    scenario, est_a1, est_a2, est_b, django_assert_num_queries
):
    """``establishments_with`` adds the distinct establishments of those rows and of every
    activity (``establishment_ids``) to the figures, in their one statement, the fair
    participations read once for both (a WITH clause); the figures do not change."""
    alone = indicators.values(start=START, end=END, provinces=["66"])
    none = Establishment.objects.filter(pk=-1).values(establishment_id=F("pk"))
    b_only = Establishment.objects.filter(pk=est_b.pk).values(establishment_id=F("pk"))
    with django_assert_num_queries(1) as captured:
        found = indicators.values(
            start=START, end=END, provinces=["66"], establishments_with=b_only
        )
    assert "WITH" in captured.captured_queries[0]["sql"]
    assert found["establishments"] == 3  # est_a1, est_a2 from the activities, est_b
    assert {k: v for k, v in found.items() if k != "establishments"} == alone
    assert (
        indicators.values(start=START, end=END, establishments_with=none)["establishments"]
        == Establishment.objects.filter(
            pk__in=indicators.establishment_ids(start=START, end=END)
        ).count()
    )
    # No province: no statement over a WITH, the same figures.
    empty = indicators.values(start=START, end=END, provinces=[], establishments_with=b_only)
    assert (empty["establishments"], empty["fairs.participations"]) == (1, 0)


def test_no_activity_gives_zeros_and_no_share(db):
    values = indicators.values(start=START, end=END)
    assert values["trainees.count"] == 0 and values["trainees.employed_percent"] is None
    assert values["consulting.revenue"] == 0 and values["fairs.establishments"] == 0


def test_revenue_by_year_uses_receipts_then_signing(scenario):
    rows = indicators.revenue_by_year(ConsultingContract.objects.filter(province="66"))
    assert rows == [
        {"year": 2025, "received": 100 * M, "by_value": 40 * M + 7 * M, "total": 147 * M},
    ]


def test_indicators_take_a_fixed_number_of_queries(
    scenario, django_assert_max_num_queries, django_assert_num_queries
):
    # Every figure in one statement.
    with django_assert_num_queries(1):
        indicators.values(start=START, end=END, provinces=["66", "79"])
    with django_assert_max_num_queries(1):
        Establishment.objects.filter(
            pk__in=indicators.establishment_ids(start=START, end=END)
        ).count()
