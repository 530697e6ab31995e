"""Entering aggregate values: checks, places, all or nothing, history, stale edits, and the
XLSX import."""

import io

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from khuyencong.core.errors import StaleEditError
from khuyencong.core.importing import FileRejected, ImportRejected
from khuyencong.reports import access, services
from khuyencong.reports.factories import enter
from khuyencong.reports.importing import AggregateImporter, build_template
from khuyencong.reports.models import AggregateValue

ITEM = {
    "indicator": "funding.disbursed",
    "unit": "legacy-province:54",
    "start": "2012-01-01",
    "end": "2023-12-31",
    "value": 75_430_000_000,
}


def test_a_province_enters_values_for_its_old_provinces(officer_a, merged):
    value = enter(
        officer_a,
        "funding.disbursed",
        "legacy-province:54",
        "2012-01-01",
        "2023-12-31",
        "75.430.000.000",
    )
    assert value.value == 75_430_000_000
    assert value.province_id == "66" and value.legacy_province_id == "54"
    assert value.entered_by == officer_a
    assert value.history.get().history_user == officer_a


def test_percentages_are_kept_in_tenths(officer_a, merged):
    value = enter(
        officer_a, "trainees.employed_percent", "province:66", "2024-01-01", "2024-12-31", "81,3"
    )
    assert value.value == 813
    assert float(value.amount) == 81.3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"indicator": "nope"}, "indicator"),
        ({"unit": "region:NAM"}, "unit"),
        ({"unit": "province:99"}, "unit"),
        ({"unit": "legacy-province:74"}, "unit"),  # another province's old province
        ({"start": "31/02/2020"}, "start"),
        ({"end": "2011-12-31"}, "end"),
        ({"end": "2025-12-31"}, "end"),  # old provinces ended on 30/06/2025
        ({"value": -5}, "value"),
        ({"value": "12.5"}, "value"),
        ({"value": "abc"}, "value"),
        ({"source_note": "x" * 301}, "source_note"),
    ],
)
def test_bad_values_name_their_field(officer_a, merged, change, field):
    with pytest.raises(services.ReportsError) as error:
        services.enter_aggregate(actor=officer_a, item={**ITEM, **change})
    assert error.value.field == field
    assert not AggregateValue.objects.exists()


def test_a_percentage_above_100_is_refused(officer_a, merged):
    with pytest.raises(services.ReportsError) as error:
        enter(
            officer_a,
            "trainees.employed_percent",
            "province:66",
            "2024-01-01",
            "2024-12-31",
            "100.5",
        )
    assert error.value.field == "value"


def test_a_batch_is_all_or_nothing(officer_a, merged):
    good = {**ITEM}
    bad = {**ITEM, "start": "2024-01-01", "end": "2024-12-31", "value": "x"}
    with pytest.raises(services.BatchRejected) as rejected:
        services.enter_aggregates(actor=officer_a, items=[good, bad, good])
    errors = rejected.value.errors
    assert errors[0] == {}
    assert "value" in errors[1]
    assert "start" in errors[2]  # the same value twice
    assert not AggregateValue.objects.exists()


def test_an_existing_value_is_refused_unless_replacing(officer_a, merged):
    services.enter_aggregate(actor=officer_a, item=ITEM)
    with pytest.raises(services.ReportsError):
        services.enter_aggregate(actor=officer_a, item={**ITEM, "value": 1})
    saved, counts = services.enter_aggregates(
        actor=officer_a, items=[{**ITEM, "value": 1}], replace=True
    )
    assert counts == {"created": 0, "updated": 1}
    assert saved[0].value == 1 and saved[0].version == 2
    assert saved[0].history.count() == 2


def test_read_only_roles_and_other_provinces_enter_nothing(national, auditor_a, officer_b, merged):
    for user in (national, auditor_a):
        with pytest.raises(services.ReportsError):
            services.enter_aggregate(actor=user, item=ITEM)
    with pytest.raises(services.ReportsError) as error:
        services.enter_aggregate(actor=officer_b, item=ITEM)
    assert error.value.field == "unit"


def test_a_collaborator_enters_for_their_communes_only(
    collaborator_a1, merged, commune_a1, commune_a2
):
    value = enter(
        collaborator_a1, "needs.count", f"commune:{commune_a1.code}", "2024-01-01", "2024-12-31", 12
    )
    assert value.commune_id == commune_a1.code
    with pytest.raises(services.ReportsError):
        enter(
            collaborator_a1,
            "needs.count",
            f"commune:{commune_a2.code}",
            "2024-01-01",
            "2024-12-31",
            3,
        )
    with pytest.raises(services.ReportsError):
        enter(collaborator_a1, "needs.count", "province:66", "2024-01-01", "2024-12-31", 3)


def test_a_stale_edit_is_refused(officer_a, manager_a, merged):
    value = services.enter_aggregate(actor=officer_a, item=ITEM)
    services.update_aggregate(
        actor=manager_a, aggregate=value, data={"value": 5}, expected_version=1
    )
    with pytest.raises(StaleEditError):
        services.update_aggregate(
            actor=officer_a, aggregate=value, data={"value": 6}, expected_version=1
        )
    value.refresh_from_db()
    assert value.value == 5


def test_a_removal_is_kept_in_history(officer_a, merged):
    value = services.enter_aggregate(actor=officer_a, item=ITEM)
    services.delete_aggregate(actor=officer_a, aggregate=value, expected_version=value.version)
    assert not AggregateValue.objects.exists()
    assert AggregateValue.history.filter(history_type="-", history_user=officer_a).exists()


def test_scoping_of_reads(officer_a, officer_b, collaborator_a1, national, merged):
    services.enter_aggregate(actor=officer_a, item=ITEM)
    assert access.aggregates_for(officer_a).count() == 1
    assert access.aggregates_for(national).count() == 1
    assert access.aggregates_for(officer_b).count() == 0
    assert access.aggregates_for(collaborator_a1).count() == 0


# --- the XLSX import -----------------------------------------------------------------------


def xlsx(rows, header=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        header
        or [
            "Mã chỉ tiêu",
            "Loại địa bàn",
            "Mã địa bàn",
            "Năm",
            "Từ ngày",
            "Đến ngày",
            "Giá trị",
            "Tổng khai báo",
            "Nguồn số liệu",
        ]
    )
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run_import(user, content, replace=False):
    importer = AggregateImporter(actor=user, replace=replace)
    return importer.run(importer.read(content, filename="so-lieu.xlsx"))


def test_a_good_file_is_imported(officer_a, merged):
    content = xlsx(
        [
            [
                "funding.disbursed",
                "tỉnh cũ",
                "54",
                2020,
                None,
                None,
                12_500_000_000,
                None,
                "BC 2020",
            ],
            [
                "funding.disbursed",
                "tỉnh cũ",
                "54",
                None,
                "01/01/2012",
                "31/12/2019",
                61_200_000_000,
                "x",
                "",
            ],
            ["trainees.employed_percent", "tỉnh", "66", 2024, None, None, 81.3, None, None],
        ]
    )
    assert run_import(officer_a, content) == {"created": 3, "updated": 0}
    total = AggregateValue.objects.get(start__year=2012)
    assert total.is_declared_total and total.value == 61_200_000_000
    assert AggregateValue.objects.get(indicator="trainees.employed_percent").value == 813


def test_a_bad_file_imports_nothing_and_names_rows_and_columns(officer_a, merged):
    content = xlsx(
        [
            ["funding.disbursed", "tỉnh cũ", "54", 2020, None, None, 12_500_000_000, None, ""],
            ["funding.nope", "tỉnh", "66", 2021, None, None, 1, None, ""],
            ["funding.disbursed", "huyện", "66", 2021, None, None, 1, None, ""],
            ["funding.disbursed", "tỉnh", "79", 2021, None, None, 1, None, ""],
            ["funding.disbursed", "tỉnh", "66", "hai nghìn", None, None, 1, None, ""],
            ["funding.disbursed", "tỉnh cũ", "54", 2020, None, None, 5, None, ""],
        ]
    )
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        run_import(officer_a, content)
    errors = {(e.row, e.column.split(" (")[0]) for e in rejected.value.errors}
    assert (3, "Mã chỉ tiêu") in errors
    assert (4, "Loại địa bàn") in errors
    assert (5, "Mã địa bàn") in errors
    assert (6, "Năm") in errors
    assert (7, "Từ ngày") in errors or (7, "Năm") in errors  # the same value twice
    assert not AggregateValue.objects.exists()


def test_a_file_without_the_columns_is_rejected(officer_a, merged):
    with pytest.raises(FileRejected):
        run_import(officer_a, xlsx([["a", "b"]], header=["Tên", "Giá"]))


def test_the_template_imports_as_it_is(officer_a, merged):
    content = build_template()
    sheet = load_workbook(io.BytesIO(content)).worksheets[1]
    codes = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "funding.disbursed" in codes and "collaborators.active" in codes
    assert run_import(officer_a, content)["created"] == 3


# --- days the records answer ------------------------------------------------------------------


def test_a_value_for_days_the_records_answer_is_refused(officer_a, merged):
    # Records are complete from 1 January 2025 (the nationwide default).
    with pytest.raises(services.BatchRejected) as rejected:
        services.enter_aggregates(
            actor=officer_a,
            items=[{**ITEM, "unit": "province:66", "start": "2024-07-01", "end": "2025-03-31"}],
        )
    [message] = rejected.value.errors[0]["end"]
    assert "01/01/2025" in message and "31/12/2024" in message
    assert "Thời điểm bắt đầu ghi nhận" in message
    assert not AggregateValue.objects.exists()
    # Up to the day before is accepted.
    enter(officer_a, "funding.disbursed", "province:66", "2024-07-01", "2024-12-31", 5)


def test_a_plan_of_the_year_records_start_in_is_refused(officer_a, merged, province_a):
    from khuyencong.reports.models import RecordsSince

    RecordsSince.objects.create(province=province_a, since="2025-07-01")
    # Money spent is cut on the day; a plan figure on the first day of that year.
    enter(officer_a, "funding.disbursed", "province:66", "2025-01-01", "2025-06-30", 5)
    with pytest.raises(services.BatchRejected) as rejected:
        services.enter_aggregates(
            actor=officer_a,
            items=[
                {
                    **ITEM,
                    "indicator": "funding.planned",
                    "unit": "province:66",
                    "start": "2025-01-01",
                    "end": "2025-12-31",
                }
            ],
        )
    assert "01/01/2025" in rejected.value.errors[0]["end"][0]


def test_the_import_refuses_days_the_records_answer(officer_a, merged):
    content = xlsx([["funding.disbursed", "tỉnh", "66", 2025, None, None, 1, None, ""]])
    with pytest.raises(ImportRejected) as rejected:
        run_import(officer_a, content)
    assert any("01/01/2025" in e.message for e in rejected.value.errors)
    assert not AggregateValue.objects.exists()
