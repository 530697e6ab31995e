"""The impact page, its XLSX and its DOCX (reports.pages.impact)."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from khuyencong.reports.factories import impact_panel

COHORT = timezone.localdate().year - 3
URL = "/reports/impact/"


@pytest.fixture
def panel_a(commune_a1, manager_a):
    return impact_panel(
        commune=commune_a1, treated=20, controls=30, effect=300_000_000, manager=manager_a,
        cohort=COHORT,
    )  # fmt: skip


def params(**extra):
    data = {"unit": "province:66", "cohort": COHORT, "horizon": 2}
    data.update(extra)
    return data


def test_a_manager_reads_the_effect_of_each_kind_of_support(client_for, manager_a, panel_a):
    response = client_for(manager_a).get(URL, params())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Hiệu quả hỗ trợ" in html
    assert 'data-category="03"' in html
    assert 'data-verdict="effect"' in html
    assert "mỗi cơ sở được hỗ trợ" in html
    assert 'data-chart="event-revenue"' in html
    assert 'data-chart="kinds-revenue"' in html
    # The Content-Security-Policy refuses inline styles: the charts carry none.
    assert "<style" not in html and " style=" not in html
    # Years are not grouped like numbers.
    assert f"{COHORT}" in html and f"{COHORT // 1000}.{COHORT % 1000:03d}" not in html


def test_the_page_opens_on_the_users_province(client_for, officer_a, panel_a):
    response = client_for(officer_a).get(URL)

    assert response.status_code == 200
    assert 'data-testid="impact-headline"' in response.content.decode()


def test_another_province_is_404(client_for, officer_b, panel_a):
    assert client_for(officer_b).get(URL, params()).status_code == 404


def test_a_bad_cohort_is_a_form_error(client_for, manager_a, panel_a):
    response = client_for(manager_a).get(URL, params(cohort="abc"))

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_the_nation_shows_provinces(client_for, national, panel_a, commune_b1, admin):
    impact_panel(commune=commune_b1, treated=12, controls=20, effect=0, manager=admin,
                 seed=4, cohort=COHORT)  # fmt: skip
    response = client_for(national).get(URL, params(unit="nation"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="impact-provinces"' in html
    assert "Tỉnh Đắk Lắk" in html and "Thành phố Hồ Chí Minh" in html


def test_the_xlsx_has_the_tables(client_for, manager_a, panel_a):
    response = client_for(manager_a).get(URL, params(format="xlsx"))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert "Theo nội dung" in workbook.sheetnames
    sheet = workbook["Theo nội dung"]
    assert sheet.cell(row=5, column=1).value == "03"
    assert sheet.cell(row=5, column=3).value == 20
    effect = sheet.cell(row=5, column=6).value
    assert isinstance(effect, int) and 200_000_000 < effect < 400_000_000


def test_the_docx_annex_reads(client_for, manager_a, panel_a):
    response = client_for(manager_a).get(URL, params(format="docx"))

    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "ĐÁNH GIÁ TÁC ĐỘNG CỦA HỖ TRỢ KHUYẾN CÔNG" in text
    assert "Phương pháp" in text
    assert document.tables and "03." in document.tables[0].rows[1].cells[0].text
    assert document.inline_shapes  # the charts


def test_the_query_count_is_fixed(client_for, manager_a, panel_a, commune_a1):
    client = client_for(manager_a)
    with CaptureQueriesContext(connection) as first:
        client.get(URL, params())
    impact_panel(commune=commune_a1, treated=12, controls=20, effect=0, manager=manager_a,
                 seed=5, cohort=COHORT - 1)  # fmt: skip
    with CaptureQueriesContext(connection) as second:
        client.get(URL, params())
    assert len(first) == len(second)
