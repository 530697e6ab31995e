"""Export of the establishment list: scoped, filtered like the list, opened and checked."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from khuyencong.core.models import Job
from khuyencong.registry.exporting import EXPORT_KEYS, EstablishmentExporter
from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.registry.importing import COLUMNS, EstablishmentImporter
from khuyencong.registry.models import Establishment, Sector


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def registry(commune_a1, commune_a2, commune_b1):
    handicraft = Sector.objects.get(code="dd")
    return {
        "coffee": EstablishmentFactory(
            name="Cơ sở chế biến cà phê Thành Đạt",
            commune=commune_a1,
            tax_code="0100109106",
            phone="0912345678",
            founded_year=2012,
        ),
        "weaving": EstablishmentFactory(
            name="Hợp tác xã dệt thổ cẩm Hòa Bình",
            kind=Establishment.Kind.COOPERATIVE,
            commune=commune_a2,
            sector=handicraft,
            status=Establishment.Status.PAUSED,
            legacy_address="Thị trấn Ea Kar, Huyện Ea Kar, Tỉnh Đắk Lắk",
        ),
        "cu_chi": EstablishmentFactory(name="Cơ sở nem Củ Chi", commune=commune_b1),
    }


def sheet_of(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]


def records(sheet) -> dict[str, dict[str, object]]:
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}


def test_the_export_opens_with_vietnamese_headers_and_figures(officer_a, registry, client_for):
    response = client_for(officer_a).get(reverse("registry:export"))
    assert "co-so-cong-nghiep-nong-thon-" in response["Content-Disposition"]
    sheet = sheet_of(response)
    headers = {c.key: c.header for c in COLUMNS}
    assert [c.value for c in sheet[1]] == [headers[key] for key in EXPORT_KEYS]
    assert sheet[1][0].font.bold
    assert sheet.freeze_panes == "A2"
    got = records(sheet)
    assert set(got) == {"Cơ sở chế biến cà phê Thành Đạt", "Hợp tác xã dệt thổ cẩm Hòa Bình"}
    coffee = got["Cơ sở chế biến cà phê Thành Đạt"]
    assert coffee["Loại hình"] == "Hộ kinh doanh"
    assert coffee["Mã số thuế"] == "0100109106"  # text: the leading zero stays
    assert coffee["Điện thoại"] == "0912345678"
    assert coffee["Năm thành lập"] == 2012  # a number, not text
    assert coffee["Mã xã (2025)"] == "24100"
    assert coffee["Xã/phường"] == "Xã Ea Kar"
    assert coffee["Tỉnh/thành phố"] == "Tỉnh Đắk Lắk"
    assert coffee["Lĩnh vực khuyến công"].startswith("a) Chế biến")
    assert coffee["Tình trạng"] == "Đang hoạt động"
    weaving = got["Hợp tác xã dệt thổ cẩm Hòa Bình"]
    assert weaving["Lĩnh vực khuyến công"].startswith("đ) ")
    assert weaving["Tình trạng"] == "Tạm ngừng hoạt động"
    assert weaving["Địa chỉ cũ (trước 2025)"] == "Thị trấn Ea Kar, Huyện Ea Kar, Tỉnh Đắk Lắk"


def test_officer_b_exports_none_of_province_a(officer_b, registry, client_for):
    got = records(sheet_of(client_for(officer_b).get(reverse("registry:export"))))
    assert set(got) == {"Cơ sở nem Củ Chi"}


def test_a_collaborator_exports_their_commune_only(collaborator_a1, registry, client_for):
    got = records(sheet_of(client_for(collaborator_a1).get(reverse("registry:export"))))
    assert set(got) == {"Cơ sở chế biến cà phê Thành Đạt"}


def test_readers_may_export(auditor_a, national, registry, client_for):
    assert len(records(sheet_of(client_for(auditor_a).get(reverse("registry:export"))))) == 2
    assert len(records(sheet_of(client_for(national).get(reverse("registry:export"))))) == 3


def test_the_export_follows_the_list_filters(officer_a, registry, client_for):
    response = client_for(officer_a).get(reverse("registry:export"), {"kind": "cooperative"})
    assert set(records(sheet_of(response))) == {"Hợp tác xã dệt thổ cẩm Hòa Bình"}
    response = client_for(officer_a).get(reverse("registry:export"), {"q": "ca phe"})
    assert set(records(sheet_of(response))) == {"Cơ sở chế biến cà phê Thành Đạt"}


def test_the_export_needs_a_login_and_a_get(officer_a, client_for):
    assert client_for(None).get(reverse("registry:export")).status_code == 302
    assert client_for(officer_a).post(reverse("registry:export")).status_code == 405


def test_csv_export_neutralises_formulas(officer_a, commune_a1, client_for):
    EstablishmentFactory(name='=HYPERLINK("http://x","Bấm")', commune=commune_a1)
    EstablishmentFactory(name="@SUM(1)", commune=commune_a1, founded_year=1999)
    response = client_for(officer_a).get(reverse("registry:export"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    names = sorted(row[0] for row in rows[1:])
    assert names == ['\'=HYPERLINK("http://x","Bấm")', "'@SUM(1)"]
    assert "1999" in [row[EXPORT_KEYS.index("founded_year")] for row in rows[1:]]


def test_the_export_xlsx_keeps_a_formula_as_text(officer_a, commune_a1, client_for):
    EstablishmentFactory(name="=1+1", commune=commune_a1)
    sheet = sheet_of(client_for(officer_a).get(reverse("registry:export")))
    assert sheet["A2"].value == "=1+1"
    assert sheet["A2"].data_type == "s"


def test_the_number_of_queries_is_constant(officer_a, commune_a1, commune_a2):
    def count(queryset) -> int:
        with CaptureQueriesContext(connection) as context:
            EstablishmentExporter(queryset).render("xlsx")
        return len(context.captured_queries)

    EstablishmentFactory.create_batch(2, commune=commune_a1)
    few = count(Establishment.objects.all())
    EstablishmentFactory.create_batch(20, commune=commune_a2)
    assert count(Establishment.objects.all()) == few == 1


def test_a_large_export_goes_through_a_job(
    officer_a, registry, client_for, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_INLINE_MAX_ROWS = 1
    client = client_for(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("registry:export"), {"kind": "", "page": "3"})
    job = Job.objects.get(created_by=officer_a)
    assert response.status_code == 302
    assert response.url == reverse("core:job-detail", args=[job.pk])
    assert job.kind == "registry.export"
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result["count"] == 2
    assert job.result["filename"].endswith(".xlsx")
    assert job.params["query"] == "kind="  # the page number is not a filter
    assert (job.progress_done, job.progress_total) == (2, 2)
    page = client.get(response.url).content.decode()
    assert reverse("core:job-download", args=[job.pk]) in page
    download = client.get(reverse("core:job-download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    got = records(openpyxl.load_workbook(io.BytesIO(content)).worksheets[0])
    assert set(got) == {"Cơ sở chế biến cà phê Thành Đạt", "Hợp tác xã dệt thổ cẩm Hòa Bình"}
    assert job.result["filename"] in download["Content-Disposition"]


def test_an_export_reimports_as_duplicates_not_merges(officer_a, registry, client_for):
    content = client_for(officer_a).get(reverse("registry:export")).content
    importer = EstablishmentImporter(actor=officer_a)
    table = importer.read(content, filename="export.xlsx")
    assert table.ignored == []
    from khuyencong.core.importing import ImportRejected

    with pytest.raises(ImportRejected) as rejected:
        importer.run(table)
    # Every row is recognised (no format error), and each is refused as already registered.
    assert {e.row for e in rejected.value.errors} == {2, 3}
    assert all("Đã có trong hệ thống" in e.message for e in rejected.value.errors)
    assert Establishment.objects.count() == 3
