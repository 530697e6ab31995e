"""Entries: the level-below rule (with a valid lower certificate, without, with an expired
one), the place rules, duplicates; complaints in working days; the award history; the
reports' indicator."""

from __future__ import annotations

import datetime

import pytest

from khuyencong.awards import access, certificates, indicators, services, workflow
from khuyencong.awards.dates import add_working_days
from khuyencong.awards.errors import AwardError
from khuyencong.awards.factories import score_and_close
from khuyencong.awards.models import AwardComplaint, AwardEntry
from khuyencong.awards.tests.conftest import enter, round_data
from khuyencong.core.errors import WorkflowError


@pytest.fixture
def certified_2025(officer_a, province_a, est_a, coffee):
    """Province A's 2025 round, coffee certified on 20/10/2025 (valid until 31/12/2027)."""
    round = services.create_round(actor=officer_a, data=round_data(province=province_a, year=2025))
    entry = enter(officer_a, round, est_a, coffee)
    score_and_close(officer_a, round, {entry: [80] * 7}, closing_date=datetime.date(2025, 10, 20))
    return AwardEntry.objects.get(pk=entry.pk)


def region_round(admin, region, year, **extra):
    return services.create_round(
        actor=admin,
        data=round_data(level="region", region=region, year=year, council_size=9, **extra),
    )


# --- level below --------------------------------------------------------------------------


def test_province_rounds_need_no_lower_certificate(officer_a, round_a, est_a, coffee):
    entry = enter(officer_a, round_a, est_a, coffee)
    assert entry.qualifying_entry is None
    assert (entry.province_id, entry.commune_id) == (est_a.province_id, est_a.commune_id)
    assert entry.product_name == "Cà phê bột Robusta" and entry.search_name == "ca phe bot robusta"


def test_a_region_round_takes_a_product_with_a_valid_province_certificate(
    admin, officer_a, region, certified_2025, est_a, coffee
):
    round = region_round(admin, region, 2026)
    entry = enter(officer_a, round, est_a, coffee)
    assert entry.qualifying_entry == certified_2025
    # Entered under its name, without naming the registered product: the same product.
    other_round = region_round(admin, region, 2027)
    entry = enter(officer_a, other_round, est_a, product_name="cà phê bột robusta")
    assert entry.qualifying_entry == certified_2025


def test_a_region_round_refuses_a_product_without_a_province_certificate(
    admin, officer_a, region, certified_2025, est_a2, brocade
):
    round = region_round(admin, region, 2026)
    with pytest.raises(AwardError) as caught:
        enter(officer_a, round, est_a2, brocade, group="handicraft")
    assert caught.value.field == "product"
    assert not AwardEntry.objects.filter(round=round).exists()


def test_an_expired_certificate_does_not_qualify(
    admin, officer_a, region, certified_2025, est_a, coffee
):
    # Valid until 31/12/2027: a 2028 region round refuses it, explaining why.
    round = region_round(admin, region, 2028)
    with pytest.raises(AwardError) as caught:
        enter(officer_a, round, est_a, coffee)
    assert caught.value.field == "product"
    assert certified_2025.certificate_number in caught.value.message
    assert "31/12/2027" in caught.value.message


def test_validity_is_judged_on_the_round_closing_date(
    admin, officer_a, region, certified_2025, est_a, coffee
):
    round = region_round(admin, region, 2027, closing_date=datetime.date(2027, 12, 31))
    assert enter(officer_a, round, est_a, coffee).qualifying_entry == certified_2025
    # Closing on 5 January 2028, after the certificate's last day: refused.
    late = services.create_round(
        actor=admin,
        data=round_data(
            level="national", year=2027, council_size=11, closing_date=datetime.date(2028, 1, 5)
        ),
    )
    assert certificates.reference_date(late) == datetime.date(2028, 1, 5)
    round_2026 = region_round(admin, region, 2026)
    entry = enter(officer_a, round_2026, est_a, coffee)
    score_and_close(admin, round_2026, {entry: [90] * 9}, closing_date=datetime.date(2026, 1, 5))
    # The region certificate of 2026 is valid until 31/12/2028: the national round takes it.
    assert enter(officer_a, late, est_a, coffee).qualifying_entry.pk == entry.pk


def test_a_not_certified_province_entry_does_not_qualify(
    admin, officer_a, province_a, region, est_a, coffee
):
    round = services.create_round(actor=officer_a, data=round_data(province=province_a, year=2025))
    entry = enter(officer_a, round, est_a, coffee)
    score_and_close(officer_a, round, {entry: [60] * 7}, closing_date=datetime.date(2025, 10, 20))
    with pytest.raises(AwardError):
        enter(officer_a, region_round(admin, region, 2026), est_a, coffee)


def test_a_national_round_needs_a_valid_region_certificate(
    admin, officer_a, region, certified_2025, est_a, coffee
):
    national = services.create_round(
        actor=admin, data=round_data(level="national", year=2026, council_size=11)
    )
    # A province certificate is not enough.
    with pytest.raises(AwardError):
        enter(officer_a, national, est_a, coffee)
    round = region_round(admin, region, 2026)
    entry = enter(officer_a, round, est_a, coffee)
    score_and_close(admin, round, {entry: [90] * 9}, closing_date=datetime.date(2026, 6, 30))
    entry.refresh_from_db()
    assert entry.certificate_number == "1/2026/CNNT-KV-TNNB"
    national_entry = enter(officer_a, national, est_a, coffee)
    assert national_entry.qualifying_entry == entry


# --- place and duplicates -----------------------------------------------------------------


def test_the_same_product_cannot_enter_a_round_twice(officer_a, round_a, est_a, coffee):
    enter(officer_a, round_a, est_a, coffee)
    with pytest.raises(AwardError) as caught:
        enter(officer_a, round_a, est_a, coffee)
    assert caught.value.field == "product"
    # Typed by hand, it is still the registered product.
    with pytest.raises(AwardError) as caught:
        enter(officer_a, round_a, est_a, product_name="CÀ PHÊ BỘT  Robusta")
    assert caught.value.field == "product"
    # A product not in the registry, typed twice with other accents and case.
    enter(officer_a, round_a, est_a, product_name="Cà phê hạt rang xay")
    with pytest.raises(AwardError) as caught:
        enter(officer_a, round_a, est_a, product_name="ca phe hat RANG xay")
    assert caught.value.field == "product_name"
    assert AwardEntry.objects.count() == 2


def test_entries_are_checked_field_by_field(officer_a, round_a, est_a, est_b, coffee, brocade):
    cases = [
        ({"establishment": None}, "establishment"),
        ({"establishment": est_b}, "establishment"),  # out of scope
        ({"product": brocade}, "product"),  # another establishment's product
        ({"product": None, "product_name": ""}, "product_name"),
        ({"group": "toys"}, "group"),
    ]
    for change, field in cases:
        data = {"establishment": est_a, "product": coffee, "group": "food", **change}
        with pytest.raises(AwardError) as caught:
            services.create_entry(actor=officer_a, round=round_a, data=data)
        assert caught.value.field == field, change
    assert not AwardEntry.objects.exists()


def test_a_province_round_takes_only_its_province(admin, round_a, est_b):
    with pytest.raises(AwardError) as caught:
        enter(admin, round_a, est_b, product_name="Bánh tráng")
    assert caught.value.field == "establishment"


def test_a_region_round_takes_only_its_provinces(admin, region, est_b, commune_b1, province_b):
    region.provinces.remove(province_b)
    with pytest.raises(AwardError) as caught:
        enter(admin, region_round(admin, region, 2026), est_b, product_name="Bánh tráng")
    assert caught.value.field == "establishment"


def test_entries_only_while_open_and_withdrawn_only_while_open(officer_a, round_a, est_a, coffee):
    entry = enter(officer_a, round_a, est_a, coffee)
    workflow.start_scoring(actor=officer_a, round=round_a)
    with pytest.raises(WorkflowError):
        enter(officer_a, round_a, est_a, product_name="Cà phê hạt")
    with pytest.raises(WorkflowError):
        services.withdraw_entry(actor=officer_a, entry=entry)
    workflow.reopen_round(actor=officer_a, round=round_a)
    services.withdraw_entry(actor=officer_a, entry=entry)
    assert not AwardEntry.objects.exists()


# --- complaints ---------------------------------------------------------------------------


def test_working_days_skip_weekends():
    friday = datetime.date(2026, 1, 2)
    assert add_working_days(friday, 1) == datetime.date(2026, 1, 5)  # Monday
    assert add_working_days(friday, 15) == datetime.date(2026, 1, 23)
    saturday = datetime.date(2026, 1, 3)
    assert add_working_days(saturday, 1) == datetime.date(2026, 1, 5)
    assert add_working_days(friday, 0) == friday


def test_complaints_are_received_within_the_window_in_working_days(
    officer_a, round_a, est_a, coffee
):
    entry = enter(officer_a, round_a, est_a, coffee)
    with pytest.raises(WorkflowError):  # not closed yet
        services.record_complaint(
            actor=officer_a, entry=entry, complainant="Bà Tư", text="Điểm thấp"
        )
    # Closed on Friday 2 October 2026: 15 working days end on Friday 23 October.
    score_and_close(officer_a, round_a, {entry: [65] * 7}, closing_date=datetime.date(2026, 10, 2))
    last = services.complaint_window(AwardEntry.objects.get(pk=entry.pk).round)[1]
    assert last == datetime.date(2026, 10, 23)
    complaint = services.record_complaint(
        actor=officer_a,
        entry=entry,
        complainant="Chủ cơ sở cà phê Ea Kar",
        text="Đề nghị chấm lại tiêu chí thị trường.",
        received_on=last,
    )
    # Resolved within 10 working days: by Friday 6 November.
    assert complaint.due_on == datetime.date(2026, 11, 6)
    with pytest.raises(AwardError) as caught:
        services.record_complaint(
            actor=officer_a,
            entry=entry,
            complainant="Chủ cơ sở",
            text="Khiếu nại muộn",
            received_on=last + datetime.timedelta(days=3),  # Monday 26 October
        )
    assert caught.value.field == "received_on" and "23/10/2026" in caught.value.message
    assert AwardComplaint.objects.count() == 1


def test_a_complaint_resolved_late_shows_overdue(officer_a, round_a, est_a, coffee):
    entry = enter(officer_a, round_a, est_a, coffee)
    score_and_close(officer_a, round_a, {entry: [65] * 7}, closing_date=datetime.date(2026, 10, 2))
    complaint = services.record_complaint(
        actor=officer_a,
        entry=entry,
        complainant="Chủ cơ sở",
        text="Khiếu nại",
        received_on=datetime.date(2026, 10, 5),
    )
    assert complaint.due_on == datetime.date(2026, 10, 19)
    assert complaint.overdue_on(datetime.date(2026, 10, 20))
    assert not complaint.overdue_on(datetime.date(2026, 10, 19))
    with pytest.raises(AwardError) as caught:
        workflow.resolve_complaint(actor=officer_a, complaint=complaint, resolution="")
    assert caught.value.field == "resolution"
    done = workflow.resolve_complaint(
        actor=officer_a,
        complaint=complaint,
        resolution="Hội đồng giữ nguyên kết quả.",
        resolved_on=datetime.date(2026, 10, 21),
    )
    assert done.status == "resolved" and done.overdue_on(datetime.date(2026, 11, 30))
    with pytest.raises(WorkflowError):
        workflow.resolve_complaint(actor=officer_a, complaint=done, resolution="Lần nữa")


def test_province_b_records_no_complaint_on_a(officer_a, officer_b, round_a, est_a, coffee):
    from django.http import Http404

    entry = enter(officer_a, round_a, est_a, coffee)
    score_and_close(officer_a, round_a, {entry: [65] * 7}, closing_date=services.today())
    with pytest.raises(Http404):
        services.record_complaint(actor=officer_b, entry=entry, complainant="X", text="Y")


# --- history and indicators ---------------------------------------------------------------


def test_history_lists_every_level_newest_first(
    admin, officer_a, region, certified_2025, est_a, coffee
):
    round = region_round(admin, region, 2026)
    entry = enter(officer_a, round, est_a, coffee)
    score_and_close(admin, round, {entry: [68] * 9}, closing_date=datetime.date(2026, 6, 30))
    rows = list(certificates.product_history(coffee, access.entries_for(officer_a)))
    assert [(r.round.level, r.round.year, r.certified) for r in rows] == [
        ("region", 2026, False),
        ("province", 2025, True),
    ]
    rows = list(certificates.establishment_history(est_a, access.entries_for(officer_a)))
    assert len(rows) == 2


def test_certified_products_counts_distinct_products_by_level_period_and_province(
    admin, officer_a, officer_b, province_a, province_b, region, est_a, est_a2, est_b, coffee
):
    round_a = services.create_round(
        actor=officer_a, data=round_data(province=province_a, year=2025)
    )
    a1 = enter(officer_a, round_a, est_a, coffee)
    a2 = enter(officer_a, round_a, est_a2, product_name="Khăn thổ cẩm", group="handicraft")
    a3 = enter(officer_a, round_a, est_a2, product_name="Túi thổ cẩm", group="handicraft")
    score_and_close(
        officer_a,
        round_a,
        {a1: [80] * 7, a2: [70] * 7, a3: [50] * 7},
        closing_date=datetime.date(2025, 10, 20),
    )
    round_b = services.create_round(
        actor=officer_b, data=round_data(province=province_b, year=2025, title="TP.HCM 2025")
    )
    b1 = enter(officer_b, round_b, est_b, product_name="Bánh tráng phơi sương")
    score_and_close(officer_b, round_b, {b1: [75] * 7}, closing_date=datetime.date(2025, 11, 5))
    region_2026 = region_round(admin, region, 2026)
    r1 = enter(officer_a, region_2026, est_a, coffee)
    score_and_close(admin, region_2026, {r1: [88] * 9}, closing_date=datetime.date(2026, 6, 30))

    year_2025 = {"start": datetime.date(2025, 1, 1), "end": datetime.date(2025, 12, 31)}
    assert indicators.certified_products(level="province", **year_2025) == 3
    assert indicators.certified_products(level="province", provinces=["66"], **year_2025) == 2
    assert indicators.certified_products(level="province", provinces=["79"], **year_2025) == 1
    assert indicators.certified_products(level="province", provinces=[], **year_2025) == 0
    assert indicators.certified_products(level="region", **year_2025) == 0
    assert (
        indicators.certified_products(
            level="region", start=datetime.date(2026, 6, 30), end=datetime.date(2026, 6, 30)
        )
        == 1
    )
    # Bounds included: a certificate issued on the first or last day counts.
    assert (
        indicators.certified_products(
            level="province", start=datetime.date(2025, 10, 21), end=datetime.date(2025, 11, 5)
        )
        == 1
    )
    # A product certified in two rounds of the period counts once: entered by name, the
    # coffee is matched to the registered product; the scarf by its name.
    round_again = services.create_round(
        actor=officer_a,
        data=round_data(province=province_a, year=2026, title="Đắk Lắk 2026"),
    )
    again = enter(officer_a, round_again, est_a, product_name="Cà phê bột Robusta")
    assert again.product == coffee
    twice = enter(officer_a, round_again, est_a2, product_name="khăn thổ cẩm", group="handicraft")
    score_and_close(
        officer_a,
        round_again,
        {again: [90] * 7, twice: [90] * 7},
        closing_date=datetime.date(2026, 9, 1),
    )
    both_years = {"start": datetime.date(2025, 1, 1), "end": datetime.date(2026, 12, 31)}
    assert indicators.certified_products(level="province", **both_years) == 3
    # Every level at once, the same counts (the period reports read this).
    for provinces in (None, ["66"], ["79"], []):
        for period in (year_2025, both_years):
            by_level = indicators.certified_products_by_level(provinces=provinces, **period)
            assert by_level == {
                level: indicators.certified_products(level=level, provinces=provinces, **period)
                for level in ("district", "province", "region", "national")
            }
    assert indicators.certified_products_by_level(**both_years)["region"] == 1
    with pytest.raises(ValueError):
        indicators.certified_products(level="commune", **both_years)
