"""Concentration on key products (reports.concentration): money and establishments going to
the province's priority sectors and to certified typical products, year by year."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from khuyencong.awards.factories import AwardEntryFactory, AwardRoundFactory
from khuyencong.programmes.factories import advance, draft_project
from khuyencong.programmes.models import PrioritySector
from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.registry.models import Sector
from khuyencong.reports import concentration

YEAR = timezone.localdate().year - 1


def _setup(commune, province, manager, round_year=YEAR - 1):
    food = [
        EstablishmentFactory(commune=commune, sector=Sector.objects.get(code="a")) for _ in range(2)
    ]
    mechanical = EstablishmentFactory(commune=commune, sector=Sector.objects.get(code="d"))
    PrioritySector.objects.get_or_create(
        province=province, sector_id="a", first_year=YEAR - 3, legal_basis="QĐ 12/QĐ-UBND"
    )
    project = draft_project(
        actor=manager,
        province=province,
        year=YEAR,
        budget_lines=[
            {"source": "national", "amount": 300_000_000},
            {"source": "counterpart", "amount": 300_000_000},
        ],
        beneficiaries=[e.pk for e in (*food, mechanical)],
    )
    advance(project, "approved", manager=manager)
    # The mechanical workshop holds a typical-product certificate valid that year.
    AwardEntryFactory(
        round=AwardRoundFactory(province=province, year=round_year),
        establishment=mechanical,
        certified=True,
        certificate_number=f"01/{round_year}",
        issued_on=datetime.date(YEAR - 1, 11, 1),
        valid_until=datetime.date(YEAR + 1, 12, 31),
        average=80,
    )
    return food, mechanical


def test_shares_of_money_and_establishments_by_year(commune_a1, province_a, manager_a):
    _setup(commune_a1, province_a, manager_a)

    rows = concentration.by_year(("66",), YEAR - 1, YEAR)

    assert [row["year"] for row in rows] == [YEAR - 1, YEAR]
    assert rows[0]["funds"] == 0 and rows[0]["funds_priority_percent"] is None
    row = rows[1]
    assert row["funds"] == 300_000_000
    assert row["funds_priority"] == 200_000_000
    assert row["funds_priority_percent"] == 66.7
    assert row["funds_typical"] == 100_000_000
    assert row["establishments"] == 3
    assert row["establishments_priority"] == 2
    assert row["establishments_typical"] == 1
    assert row["establishments_typical_percent"] == 33.3


def test_a_priority_sector_counts_only_in_its_years(commune_a1, province_a, manager_a):
    _setup(commune_a1, province_a, manager_a)
    PrioritySector.objects.update(first_year=YEAR + 1)

    assert concentration.by_year(("66",), YEAR, YEAR)[0]["establishments_priority"] == 0


def test_another_provinces_priorities_do_not_count(commune_a1, province_a, province_b, manager_a):
    _setup(commune_a1, province_a, manager_a)
    PrioritySector.objects.update(province=province_b)

    assert concentration.by_year(None, YEAR, YEAR)[0]["funds_priority"] == 0


def test_the_query_count_is_fixed(commune_a1, province_a, manager_a):
    _setup(commune_a1, province_a, manager_a)
    with CaptureQueriesContext(connection) as first:
        concentration.by_year(("66",), YEAR - 3, YEAR)
    _setup(commune_a1, province_a, manager_a, round_year=YEAR - 2)
    with CaptureQueriesContext(connection) as second:
        concentration.by_year(("66",), YEAR - 3, YEAR)
    assert len(first) == len(second) == 11


def test_the_impact_page_shows_it(client_for, commune_a1, province_a, manager_a):
    _setup(commune_a1, province_a, manager_a)

    html = client_for(manager_a).get("/reports/impact/").content.decode()

    assert 'data-testid="impact-concentration"' in html
    assert "66,7%" in html


def test_the_files_carry_it(client_for, commune_a1, province_a, manager_a):
    import io

    from docx import Document
    from openpyxl import load_workbook

    _setup(commune_a1, province_a, manager_a)
    client = client_for(manager_a)

    workbook = load_workbook(io.BytesIO(client.get("/reports/impact/?format=xlsx").content))
    sheet = workbook["Tập trung hỗ trợ"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5)]
    assert [str(YEAR), 300_000_000, 200_000_000, 66.7] == values[1][:4]
    document = Document(io.BytesIO(client.get("/reports/impact/?format=docx").content))
    assert any("66,7%" in cell.text for table in document.tables for row in table.rows
               for cell in row.cells)  # fmt: skip
