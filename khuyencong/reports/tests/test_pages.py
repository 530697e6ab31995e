"""Staff pages: the summary, data quality and aggregate values, scoped and phone friendly."""

import io

from openpyxl import Workbook

from khuyencong.reports.factories import enter
from khuyencong.reports.models import AggregateValue


def test_the_summary_page_shows_the_table(client_for, officer_a, merged):
    enter(
        officer_a,
        "funding.disbursed",
        "legacy-province:54",
        "2024-01-01",
        "2024-12-31",
        1_000_000_000,
    )
    enter(
        officer_a,
        "funding.disbursed",
        "legacy-province:66",
        "2024-01-01",
        "2024-12-31",
        2_000_000_000,
    )
    response = client_for(officer_a).get(
        "/reports/", {"unit": "province:66", "kind": "year", "year": 2024}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-code="funding.disbursed"' in html
    assert "3 tỷ đồng" in html or "3.000 triệu đồng" in html
    assert "năm 2024" in html


def test_the_summary_page_of_another_province_is_404(client_for, officer_b, merged):
    response = client_for(officer_b).get(
        "/reports/", {"unit": "province:79", "commune": "24100", "kind": "year", "year": 2024}
    )
    assert response.status_code == 404


def test_a_bad_period_is_a_message_not_an_error(client_for, officer_a, merged):
    response = client_for(officer_a).get(
        "/reports/", {"unit": "province:66", "kind": "quarter", "year": 2024, "number": 7}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_pages_need_a_login(client):
    for url in ("/reports/", "/reports/data-quality/", "/reports/aggregates/"):
        assert client.get(url).status_code == 302


def test_the_quality_page(client_for, officer_a, merged):
    enter(
        officer_a,
        "funding.disbursed",
        "legacy-province:54",
        "2019-01-01",
        "2019-12-31",
        10,
        is_declared_total=True,
    )
    for source in ("national", "local", "counterpart", "other"):
        enter(
            officer_a,
            f"funding.disbursed.{source}",
            "legacy-province:54",
            "2019-01-01",
            "2019-12-31",
            2,
        )
    response = client_for(officer_a).get("/reports/data-quality/", {"unit": "province:66"})
    assert response.status_code == 200
    assert 'data-kind="inconsistent_total"' in response.content.decode()


def test_entering_and_changing_a_value(client_for, officer_a, merged):
    client = client_for(officer_a)
    response = client.post(
        "/reports/aggregates/new/",
        {
            "indicator": "funding.disbursed",
            "unit_kind": "legacy-province",
            "unit_code": "54",
            "start": "2020-01-01",
            "end": "2020-12-31",
            "value": "1.500.000.000",
            "source_note": "BC",
        },
    )
    value = AggregateValue.objects.get()
    assert response.status_code == 302 and value.value == 1_500_000_000
    response = client.post(
        f"/reports/aggregates/{value.pk}/", {"value": "2000", "version": 1, "source_note": "BC"}
    )
    assert response.status_code == 302
    value.refresh_from_db()
    assert value.value == 2000
    # A stale form is refused with a message.
    response = client.post(f"/reports/aggregates/{value.pk}/", {"value": "3000", "version": 1})
    assert response.status_code == 200
    value.refresh_from_db()
    assert value.value == 2000


def test_an_invalid_value_names_the_field(client_for, officer_a, merged):
    response = client_for(officer_a).post(
        "/reports/aggregates/new/",
        {
            "indicator": "funding.disbursed",
            "unit_kind": "legacy-province",
            "unit_code": "74",
            "start": "2020-01-01",
            "end": "2020-12-31",
            "value": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["unit_code"]
    assert not AggregateValue.objects.exists()


def test_read_only_roles_cannot_enter(client_for, national, auditor_a, merged):
    for user in (national, auditor_a):
        assert client_for(user).get("/reports/aggregates/new/").status_code == 403


def test_another_provinces_value_is_404(client_for, officer_a, officer_b, merged):
    value = enter(
        officer_a, "funding.disbursed", "legacy-province:54", "2020-01-01", "2020-12-31", 1
    )
    assert client_for(officer_b).get(f"/reports/aggregates/{value.pk}/").status_code == 404
    assert client_for(officer_a).get(f"/reports/aggregates/{value.pk}/").status_code == 200


def test_the_list_page_query_count_does_not_grow(
    client_for, officer_a, merged, django_assert_max_num_queries
):
    client = client_for(officer_a)
    enter(officer_a, "funding.disbursed", "legacy-province:54", "2020-01-01", "2020-12-31", 1)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/reports/aggregates/").status_code == 200
    for year in range(2001, 2020):
        enter(
            officer_a,
            "funding.disbursed",
            "legacy-province:54",
            f"{year}-01-01",
            f"{year}-12-31",
            year,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/reports/aggregates/")
    assert response.content.decode().count('data-testid="aggregate-row"') == 20


def test_import_page_good_and_bad(client_for, officer_a, merged):
    def upload(rows):
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["Mã chỉ tiêu", "Loại địa bàn", "Mã địa bàn", "Năm", "Giá trị"])
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        out.name = "so-lieu.xlsx"
        out.seek(0)
        return client_for(officer_a).post("/reports/aggregates/import/", {"file": out})

    bad = upload(
        [
            ["funding.disbursed", "tỉnh cũ", "54", 2020, "x"],
            ["funding.disbursed", "tỉnh cũ", "54", 2021, 5],
        ]
    )
    assert bad.status_code == 200
    assert 'data-testid="import-errors"' in bad.content.decode()
    assert not AggregateValue.objects.exists()
    good = upload(
        [
            ["funding.disbursed", "tỉnh cũ", "54", 2020, 4],
            ["funding.disbursed", "tỉnh cũ", "54", 2021, 5],
        ]
    )
    assert good.status_code == 302
    assert AggregateValue.objects.count() == 2
    template = client_for(officer_a).get("/reports/aggregates/template.xlsx")
    assert template.status_code == 200 and template.content.startswith(b"PK")


def test_partial_data_is_one_line_with_the_missing_on_demand(client_for, national, admin, merged):
    for code in ("54", "66", "74"):
        enter(
            admin, "funding.disbursed", f"legacy-province:{code}", "2023-01-01", "2023-12-31", 10**9
        )
    for code in ("54", "66", "74", "79"):
        enter(
            admin, "funding.disbursed", f"legacy-province:{code}", "2022-01-01", "2022-12-31", 10**9
        )
    response = client_for(national).get(
        "/reports/", {"unit": "nation", "kind": "year", "year": 2023}
    )
    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index('data-code="funding.disbursed"') :]
    row = row[: row.index("</tr>")]
    assert "3 trên 4 tỉnh đã báo cáo" in row
    assert "<details" in row and "Chưa báo cáo:" in row and "Hồ Chí Minh (trước 2025)" in row
    assert "3 tỷ đồng" in row or "3.000.000.000" in row
    # The change is given and marked: the two years do not have the same provinces.
    assert 'data-testid="not-comparable"' in row
    assert "-25" in row


def test_a_value_for_days_the_records_answer_is_refused_on_the_page(client_for, officer_a, merged):
    response = client_for(officer_a).post(
        "/reports/aggregates/new/",
        {
            "indicator": "funding.disbursed",
            "unit_kind": "province",
            "unit_code": "66",
            "start": "2025-01-01",
            "end": "2025-12-31",
            "value": "1",
        },
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["end"]
    assert "01/01/2025" in message and "Thời điểm bắt đầu ghi nhận" in message
    assert not AggregateValue.objects.exists()


def test_indicators_are_offered_by_name_not_by_code(client_for, officer_a, merged):
    page = client_for(officer_a).get("/reports/aggregates/").content.decode()
    assert "funding.disbursed —" not in page
    assert ">Kinh phí đã giải ngân<" in page or "Kinh phí đã giải ngân</option>" in page
