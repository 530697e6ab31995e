from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from khuyencong.core.importing import FileRejected, ImportRejected
from khuyencong.registry.models import Establishment
from khuyencong.surveys import kobo
from khuyencong.surveys.models import Need, SurveyResponse
from khuyencong.surveys.tests.conftest import MILLION

# The headers of a KoboToolbox XLSX export of our XLSForm ("XML values and headers",
# group names included), with Kobo's own metadata columns.
HEADERS = [
    "start",
    "survey_date",
    "establishment/commune_code",
    "establishment/establishment_name",
    "establishment/tax_code",
    "establishment/establishment_kind",
    "establishment/sector",
    "establishment/respondent",
    "need1/need1_category",
    "need1/need1_description",
    "need1/need1_cost",
    "need1/need1_counterpart",
    "need1/need1_priority",
    "need1/more_needs1",
    "need2/need2_category",
    "need2/need2_description",
    "need2/need2_cost",
    "workers",
    "notes",
    "_id",
    "_uuid",
    "_submission_time",
    "_index",
]


def row(commune, uuid, name, **values):
    base = {
        "start": "2026-03-02T08:00:00.000+07:00",
        "survey_date": "2026-03-02",
        "establishment/commune_code": commune,
        "establishment/establishment_name": name,
        "establishment/tax_code": "",
        "establishment/establishment_kind": "household",
        "establishment/sector": "a",
        "establishment/respondent": "Chủ cơ sở",
        "need1/need1_category": "3",  # Kobo may drop the leading zero of a choice
        "need1/need1_description": "Máy sấy nông sản",
        "need1/need1_cost": 250 * MILLION,
        "need1/need1_counterpart": 100 * MILLION,
        "need1/need1_priority": "1",
        "need1/more_needs1": "no",
        "need2/need2_category": "",
        "need2/need2_description": "",
        "need2/need2_cost": "",
        "workers": 8,
        "notes": "",
        "_id": 1000,
        "_uuid": uuid,
        "_submission_time": "2026-03-02T09:00:00",
        "_index": 1,
    }
    base.update(values)
    return [base[h] for h in HEADERS]


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(campaign, actor, data, name="export.xlsx"):
    importer = kobo.KoboImporter(actor=actor, campaign=campaign)
    return importer.run(importer.read(data, filename=name))


def test_a_good_export_is_imported(campaign, officer_a, commune_a1, commune_a2):
    data = xlsx(
        [
            row(commune_a1.pk, "u-1", "Cơ sở sấy nông sản Ea Kar"),
            row(
                commune_a2.pk,
                "u-2",
                "Cơ sở mộc Buôn Ma Thuột",
                **{
                    "need1/more_needs1": "yes",
                    "need2/need2_category": "05",
                    "need2/need2_description": "Tham gia hội chợ",
                    "need2/need2_cost": "30.000.000",
                },
            ),
        ]
    )
    assert run(campaign, officer_a, data) == {"created": 2, "skipped": 0}
    assert SurveyResponse.objects.filter(source="kobo").count() == 2
    assert Establishment.objects.count() == 2
    second = SurveyResponse.objects.get(client_key="kobo:u-2")
    assert sorted(second.needs.values_list("category", "estimated_cost")) == [
        ("03", 250 * MILLION),
        ("05", 30 * MILLION),
    ]
    assert second.answers == {"workers": 8}
    assert str(second.collected_on) == "2026-03-02"
    # The cumulative export imported again: the rows already in are skipped.
    assert run(campaign, officer_a, data) == {"created": 0, "skipped": 2}
    assert SurveyResponse.objects.count() == 2


def test_a_csv_export_with_plain_headers(campaign, officer_a, commune_a1):
    headers = [h.rsplit("/", 1)[-1] for h in HEADERS]
    lines = [",".join(headers)]
    values = row(commune_a1.pk, "u-9", "Cơ sở bánh tráng")
    lines.append(",".join(str(v) for v in values))
    result = run(campaign, officer_a, "\n".join(lines).encode("utf-8-sig"), name="export.csv")
    assert result["created"] == 1


def test_a_bad_export_lists_every_error_and_saves_nothing(
    campaign, officer_a, commune_a1, commune_b1
):
    data = xlsx(
        [
            row(commune_a1.pk, "u-1", "Cơ sở tốt"),
            row(commune_b1.pk, "u-2", "Cơ sở tỉnh khác"),
            row(commune_a1.pk, "u-3", "Cơ sở chi phí sai", **{"need1/need1_cost": "nhiều"}),
            row(commune_a1.pk, "u-4", "Cơ sở nội dung sai", **{"need1/need1_category": "42"}),
            row(
                commune_a1.pk,
                "u-5",
                "Cơ sở đối ứng lớn",
                **{"need1/need1_counterpart": 900 * MILLION},
            ),
            row(commune_a1.pk, "u-1", "Trùng mã"),
            row(commune_a1.pk, "u-7", "Cơ sở mới", **{"establishment/establishment_kind": "xyz"}),
            row(commune_a1.pk, "u-8", "Cơ sở ngày sai", survey_date="31/02/2026"),
        ]
    )
    with pytest.raises(ImportRejected) as rejected:
        run(campaign, officer_a, data)
    found = {(e.row, e.column.split(" (")[0]) for e in rejected.value.errors}
    assert (3, "establishment/commune_code") in found
    assert (4, "need1/need1_cost") in found
    assert (5, "need1/need1_category") in found
    assert (6, "need1/need1_counterpart") in found
    assert (7, "_uuid") in found
    assert (8, "establishment/establishment_kind") in found
    assert (9, "survey_date") in found
    # Columns are named as the user sees them, with their letter.
    assert any(e.column == "establishment/commune_code (C)" for e in rejected.value.errors)
    assert not SurveyResponse.objects.exists()
    assert not Need.objects.exists()
    assert not Establishment.objects.exists()


def test_a_file_without_the_required_columns_is_rejected(campaign, officer_a):
    book = Workbook()
    book.active.append(["name", "phone"])
    book.active.append(["x", "y"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(FileRejected):
        run(campaign, officer_a, out.getvalue())


def test_the_xlsform_has_the_columns_the_importer_reads(campaign):
    book = load_workbook(io.BytesIO(kobo.build_xlsform(campaign)))
    assert book.sheetnames == ["survey", "choices", "settings"]
    names = {r[1] for r in book["survey"].iter_rows(min_row=2, values_only=True) if r[1]}
    read = {c.key for c in kobo.base_columns()} - {"uuid"}
    assert read <= names
    assert "workers" in names  # the campaign's extra question
    lists = {r[0] for r in book["choices"].iter_rows(min_row=2, values_only=True)}
    assert {"kind", "sector", "category", "priority", "yes_no"} <= lists


def test_the_shipped_example_xlsform_is_the_generated_one(db):
    shipped = Path(__file__).resolve().parents[3] / "docs" / "kobo" / "needs-survey.xlsx"
    book = load_workbook(shipped)
    fresh = load_workbook(io.BytesIO(kobo.build_xlsform()))
    for sheet in ("survey", "choices", "settings"):
        assert list(book[sheet].iter_rows(values_only=True)) == list(
            fresh[sheet].iter_rows(values_only=True)
        ), "docs/kobo/needs-survey.xlsx is out of date: run `manage.py write_xlsform`"


def test_the_xlsform_keeps_its_expressions_and_makes_typed_labels_inert(campaign):
    campaign.questions = [
        *campaign.questions,
        {"key": "link", "label": '=HYPERLINK("http://evil.example","Bấm")', "kind": "text"},
    ]
    campaign.save()
    survey = load_workbook(io.BytesIO(kobo.build_xlsform(campaign)))["survey"]
    cells = {row[1].value: row for row in survey.iter_rows(min_row=2) if row[1].value}
    label = cells["link"][2]
    # KoboToolbox reads the label exactly as typed; Excel shows it as text and runs nothing.
    assert label.value == '=HYPERLINK("http://evil.example","Bấm")'
    assert (label.data_type, label.quotePrefix) == ("s", True)
    assert not any(c.data_type == "f" for row in survey.iter_rows() for c in row)
    # The form's own syntax is untouched: relevance, constraints, and no apostrophes added.
    assert cells["need2"][5].value == "${more_needs1} = 'yes'"
    assert not cells["need2"][5].quotePrefix
    assert cells["need1_cost"][4].value == ". > 0"
    assert cells["commune_code"][4].value == "regex(., '^[0-9]{5}$')"
