"""The staff page of the official forms (``/reports/forms/``)."""

from __future__ import annotations

from django.urls import reverse

from khuyencong.reports.tests.test_forms import records, region  # noqa: F401  (fixtures)

URL = reverse("reports:forms")


def test_the_page_shows_the_form_with_its_programme_columns(client_for, officer_a, records):  # noqa: F811
    page = client_for(officer_a).get(
        URL, {"form": "results", "unit": "province:66", "kind": "year", "year": "2026"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="official-form-table"' in html
    assert "KCQG" in html and "KCĐP" in html
    line = html.split('data-code="training.vocational"')[1].split("</tr>")[0]
    assert (
        '<td class="num" data-label="Kết quả thực hiện – KCQG" data-key="national">60</td>' in line
    )
    assert 'data-key="local">30</td>' in line and 'data-key="total">90</td>' in line
    # Money rows in triệu đồng: 900.000.000 đồng → 900.
    investment = html.split('data-code="models.demonstration.investment"')[1].split("</tr>")[0]
    assert 'data-key="national">900</td>' in investment and "triệu đồng" in investment
    assert (
        "?form=results&amp;unit=province%3A66&amp;kind=year&amp;year=2026&amp;format=xlsx" in html
    )


def test_a_half_year_funding_form_and_the_link_from_the_reports_pages(
    client_for,
    officer_a,
    records,  # noqa: F811
):
    client = client_for(officer_a)
    assert URL in client.get(reverse("reports:summary")).content.decode()
    page = client.get(
        URL,
        {"form": "funding", "unit": "province:66", "kind": "months", "year": "2026", "number": "6"},
    )
    html = page.content.decode()
    assert "6 tháng đầu năm 2026" in html
    total = html.split('data-code="total"')[1].split("</tr>")[0]
    assert 'data-key="national">150</td>' in total and 'data-key="local">60</td>' in total


def test_another_province_cannot_read_the_form(client_for, officer_b, records):  # noqa: F811
    client = client_for(officer_b)
    page = client.get(
        URL, {"form": "results", "unit": "province:66", "kind": "year", "year": "2026"}
    )
    assert 'data-testid="official-form-table"' not in page.content.decode()
    communes = client.get(
        URL,
        {
            "form": "results",
            "unit": "province:79",
            "commune": "24100",
            "kind": "year",
            "year": "2026",
        },
    )
    assert communes.status_code == 404


def test_an_unknown_file_format_is_not_found_and_anonymous_users_log_in(
    client,
    client_for,
    officer_a,
    records,  # noqa: F811
):
    query = {"form": "awards", "unit": "province:66", "kind": "year", "year": "2026"}
    assert client_for(officer_a).get(URL, {**query, "format": "odt"}).status_code == 404
    assert client.get(URL).status_code == 302
