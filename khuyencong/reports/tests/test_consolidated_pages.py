"""Pages of the official forms of submitted reports: the forms frozen with a submission on its
page (and as files, exactly as filed), and the national or regional forms added up from the
accepted reports (never a returned or merely submitted one), on screen and as files."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from khuyencong.reports import workflow
from khuyencong.reports.factories import pay
from khuyencong.reports.tests.test_submissions import (  # noqa: F401  (fixtures)
    Q1,
    manager_b,
    project_a,
    project_b,
    south,
    submit,
)

M = 1_000_000
PARAMS = {"unit": "region:NAM", "kind": "quarter", "year": 2026, "quarter": 1}


def cell(html, code, key):
    found = re.search(
        rf'<tr data-code="{re.escape(code)}"[^>]*>.*?data-key="{key}">([^<]*)<', html, re.DOTALL
    )
    return found.group(1) if found else None


@pytest.fixture
def reviewed(national, manager_a, manager_b, province_a, province_b, project_a, project_b, south):  # noqa: F811
    """Đắk Lắk's Q1 report accepted (100 million spent), Hồ Chí Minh's returned (70)."""
    first = submit(manager_a, province_a)
    second = submit(manager_b, province_b)
    workflow.review(actor=national, submission=first, action="accept")
    workflow.review(actor=national, submission=second, action="return", reason="Thiếu số")
    return first, second, project_a


def test_a_submission_shows_its_forms_as_filed(client_for, national, manager_a, reviewed):
    first, _second, project = reviewed
    url = reverse("reports:submission-detail", args=[first.pk])
    # The records change after the submission: the frozen forms do not.
    pay(project, manager=manager_a, amount=5 * M, on=dt.date(2026, 3, 1))
    html = client_for(national).get(url).content.decode()
    assert 'data-testid="frozen-forms"' in html
    for code in ("results", "funding", "awards", "projects"):
        assert f'data-form="{code}"' in html
    funding = html[html.index('data-form="funding"') :]
    assert cell(funding, "total", "national") == "100"  # triệu đồng, as filed
    # The frozen form as a file, exactly as filed.
    response = client_for(national).get(url, {"form": "funding", "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Báo cáo"]
    numbers = [
        c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, int | float)
    ]
    assert 100 in numbers and 105 not in numbers
    assert client_for(national).get(url, {"form": "nope", "format": "xlsx"}).status_code == 404
    assert client_for(national).get(url, {"form": "funding", "format": "odt"}).status_code == 404


def test_the_consolidated_forms_add_only_accepted_reports(client_for, national, reviewed):
    url = reverse("reports:submission-consolidated-forms")
    response = client_for(national).get(url, {**PARAMS, "form": "funding"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="official-form-table"' in html
    # Đắk Lắk's 100 million only: Hồ Chí Minh's returned report is not added.
    assert cell(html, "total", "national") == "100"
    assert "1/2" in html or "1 trên 2" in html
    assert "Hồ Chí Minh" in html  # named among those without an accepted report
    # Tabs to the other forms, and files of the consolidated form.
    assert html.count('data-testid="consolidated-form-tabs"') == 1
    docx = client_for(national).get(url, {**PARAMS, "form": "funding", "format": "docx"})
    assert docx.status_code == 200
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "khu-vuc" in docx["Content-Disposition"]


def test_the_consolidated_forms_before_any_acceptance(
    client_for,
    national,
    manager_a,
    province_a,
    project_a,  # noqa: F811
    south,  # noqa: F811
):
    submit(manager_a, province_a)
    url = reverse("reports:submission-consolidated-forms")
    html = client_for(national).get(url, {**PARAMS, "form": "results"}).content.decode()
    assert 'data-testid="nothing-accepted"' in html
    assert 'data-testid="official-form-table"' not in html


def test_who_reads_the_consolidated_forms(client_for, national, manager_a, reviewed):
    url = reverse("reports:submission-consolidated-forms")
    assert client_for(manager_a).get(url, PARAMS).status_code == 404
    bad = client_for(national).get(url, {**PARAMS, "unit": "province:66", "form": "results"})
    assert bad.status_code == 200 and "unit" in bad.context["chooser"].errors
    unknown = client_for(national).get(url, {**PARAMS, "form": "nope"})
    assert unknown.status_code == 200 and "form" in unknown.context["chooser"].errors
    # The consolidation page links to them.
    page = client_for(national).get(reverse("reports:submission-consolidation"), PARAMS)
    assert 'data-testid="open-consolidated-forms"' in page.content.decode()
