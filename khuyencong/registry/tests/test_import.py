"""Import of establishments from XLSX and CSV files (docs/import.md)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from khuyencong.core.importing import ImportRejected
from khuyencong.core.models import Job
from khuyencong.places.factories import CommuneFactory
from khuyencong.places.factories import legacy_ea_kar as make_legacy_ea_kar
from khuyencong.registry import services
from khuyencong.registry.exporting import build_import_example, build_import_template
from khuyencong.registry.importing import COLUMNS, import_establishments
from khuyencong.registry.models import Establishment, Sector

HEADERS = ["Tên cơ sở", "Loại hình", "Mã số thuế", "Điện thoại", "Mã xã (2025)", "Lĩnh vực khuyến công", "Năm thành lập"]  # fmt: skip
GOOD_ROWS = [
    ["Cơ sở chế biến cà phê Thành Đạt", "Hộ kinh doanh", "066085001234", "0912345678", "24100", "a", 2012],
    ["Hợp tác xã dệt thổ cẩm Hòa Bình", "hợp tác xã", "0100109106", "", "24200", "đ", 2008],
    ["Công ty TNHH cơ khí Tân Tiến", "enterprise", "", "", "24100", "d) Cơ khí", None],
]  # fmt: skip


@pytest.fixture(autouse=True)
def english():
    # Service-level messages are asserted in English (the msgids); pages in Vietnamese.
    with translation.override("en"):
        yield


@pytest.fixture
def places(commune_a1, commune_a2, commune_b1):
    return {"a1": commune_a1, "a2": commune_a2, "b1": commune_b1}


def xlsx(headers, rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_file(headers, rows) -> bytes:
    lines = [",".join(headers)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def upload(client, data: bytes, name: str = "co-so.xlsx"):
    return client.post(reverse("registry:import"), {"file": SimpleUploadedFile(name, data)})


def last_job(user) -> Job:
    return Job.objects.filter(created_by=user).latest("created_at")


def errors_of(job: Job) -> list[tuple[int, str]]:
    return [(e["row"], e["column"]) for e in job.result["errors"]]


# A good file -------------------------------------------------------------------------------


def test_a_good_xlsx_creates_every_row_with_history(officer_a, places, client_for):
    response = upload(client_for(officer_a), xlsx(HEADERS, GOOD_ROWS))
    job = last_job(officer_a)
    assert response.status_code == 302
    assert response.url == reverse("core:job-detail", args=[job.pk])
    assert job.status == Job.Status.SUCCEEDED, job.result
    assert job.result["created"] == 3

    created = {e.name: e for e in Establishment.objects.all()}
    assert len(created) == 3
    coffee = created["Cơ sở chế biến cà phê Thành Đạt"]
    assert coffee.kind == Establishment.Kind.HOUSEHOLD
    assert coffee.tax_code == "066085001234"
    assert coffee.province_id == "66"
    assert coffee.search_name == "co so che bien ca phe thanh dat"
    assert coffee.created_by == officer_a
    assert coffee.founded_year == 2012
    assert coffee.status == Establishment.Status.ACTIVE
    assert created["Hợp tác xã dệt thổ cẩm Hòa Bình"].sector_id == "dd"
    assert created["Công ty TNHH cơ khí Tân Tiến"].sector_id == "d"
    assert created["Công ty TNHH cơ khí Tân Tiến"].tax_code is None
    for establishment in created.values():
        history = list(establishment.history.all())
        assert len(history) == 1
        assert history[0].history_type == "+"
        assert history[0].history_user == officer_a


def test_a_good_csv_creates_every_row(officer_a, places, client_for):
    upload(client_for(officer_a), csv_file(HEADERS, GOOD_ROWS), name="co-so.csv")
    job = last_job(officer_a)
    assert job.status == Job.Status.SUCCEEDED, job.result
    assert Establishment.objects.count() == 3
    assert Establishment.history.filter(history_user=officer_a).count() == 3


def test_the_job_page_reports_the_count(officer_a, places, client_for):
    client = client_for(officer_a)
    response = upload(client, xlsx(HEADERS, GOOD_ROWS))
    page = client.get(response.url)
    assert "Đã nhập 3 cơ sở." in page.content.decode()


def test_excel_numbers_get_their_leading_zeros_back(officer_a, places):
    headers = ["Tên cơ sở", "Loại hình", "Mã số thuế", "Điện thoại", "Mã xã", "Lĩnh vực"]
    data = xlsx(headers, [["Cơ sở A", "HKD", 100109106, 912345678, 24100, "a"]])
    assert _run(officer_a, data)["created"] == 1
    item = Establishment.objects.get()
    assert (item.tax_code, item.phone, item.commune_id) == ("0100109106", "0912345678", "24100")


def _run(actor, data: bytes, name: str = "f.xlsx"):
    from khuyencong.registry.importing import EstablishmentImporter

    importer = EstablishmentImporter(actor=actor)
    return importer.run(importer.read(data, filename=name))


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("Hộ kinh doanh", "household"),
        ("HỘ KINH DOANH", "household"),
        ("ho kinh doanh", "household"),
        ("household", "household"),
        ("Household business", "household"),
        ("HTX", "cooperative"),
        ("Tổ hợp tác", "cooperative_group"),
        ("Doanh nghiệp nhỏ và vừa", "enterprise"),
        ("nghệ nhân", "artisan"),
    ],
)
def test_kinds_are_accepted_as_written(officer_a, places, written, kind):
    data = xlsx(
        ["Tên cơ sở", "Loại hình", "Mã xã", "Lĩnh vực"], [["Cơ sở A", written, "24100", "a"]]
    )
    _run(officer_a, data)
    assert Establishment.objects.get().kind == kind


def test_the_commune_can_be_named_with_the_province(officer_a, places):
    headers = ["Tên cơ sở", "Loại hình", "Tỉnh/thành phố", "Xã/phường", "Lĩnh vực", "Tình trạng"]
    rows = [
        ["Cơ sở A", "HKD", "Tỉnh Đắk Lắk", "Xã Ea Kar", "a", "Tạm ngừng"],
        ["Cơ sở B", "HKD", "dak lak", "buon ma thuot", "a", ""],
        ["Cơ sở C", "HKD", "", "Ea Kar", "a", "Ngừng hoạt động"],  # own province assumed
    ]
    _run(officer_a, xlsx(headers, rows))
    got = {e.name: (e.commune_id, e.status) for e in Establishment.objects.all()}
    assert got == {
        "Cơ sở A": ("24100", "paused"),
        "Cơ sở B": ("24200", "active"),
        "Cơ sở C": ("24100", "ceased"),
    }


def test_no_two_columns_share_a_spelling():
    names = [name for column in COLUMNS for name in column.names()]
    assert len(names) == len(set(names))


def test_a_district_next_to_2025_names_is_not_read_as_2025(officer_a, places):
    # "Tỉnh / Huyện / Xã" is a pre-2025 address; its commune may share a 2025 name.
    headers = ["Tên cơ sở", "Loại hình", "Tỉnh", "Huyện", "Xã", "Lĩnh vực"]
    rows = [["Cơ sở A", "HKD", "Đắk Lắk", "Huyện Ea Kar", "Xã Ea Kar", "a"]]
    with pytest.raises(ImportRejected) as rejected:
        _run(officer_a, xlsx(headers, rows))
    assert [(e.row, e.column) for e in rejected.value.errors] == [(2, "Huyện (D)")]
    assert "pre-2025 address" in rejected.value.errors[0].message


def test_a_2025_commune_keeps_the_pre_2025_columns_verbatim(officer_a, places):
    headers = ["Tên cơ sở", "Loại hình", "Mã xã", "Lĩnh vực", "Tỉnh cũ", "Xã cũ"]
    _run(officer_a, xlsx(headers, [["Cơ sở A", "HKD", "24100", "a", "Đắk Lắk", "Xã Cư Huê"]]))
    item = Establishment.objects.get()
    assert (item.commune_id, item.legacy_address) == ("24100", "Xã Cư Huê, Đắk Lắk")
    assert item.legacy_commune is None


# Bad rows ------------------------------------------------------------------------------------


def test_five_bad_rows_give_five_errors_and_save_nothing(officer_a, places, client_for):
    rows = [
        GOOD_ROWS[0],
        ["Cơ sở sai mã số thuế", "Hộ kinh doanh", "0100109107", "", "24100", "a", 2010],
        ["Cơ sở sai loại hình", "Công ty mẹ", "", "", "24100", "a", 2010],
        ["", "Hộ kinh doanh", "", "", "24100", "a", 2010],
        ["Cơ sở sai mã xã", "Hộ kinh doanh", "", "", "99999", "a", 2010],
        ["Cơ sở sai năm", "Hộ kinh doanh", "", "", "24100", "a", "năm 2010"],
    ]
    upload(client_for(officer_a), xlsx(HEADERS, rows))
    job = last_job(officer_a)
    assert job.status == Job.Status.FAILED
    assert "Tệp có 5 lỗi; chưa có dòng nào được nhập" in job.message
    assert errors_of(job) == [
        (3, "Mã số thuế (C)"),
        (4, "Loại hình (B)"),
        (5, "Tên cơ sở (A)"),
        (6, "Mã xã (2025) (E)"),
        (7, "Năm thành lập (G)"),
    ]
    messages = [e["message"] for e in job.result["errors"]]
    assert "sai chữ số kiểm tra" in messages[0]
    assert "“Công ty mẹ” không phải giá trị hợp lệ" in messages[1]
    assert "Thiếu tên cơ sở" in messages[2]
    assert "99999" in messages[3]
    assert "bốn chữ số" in messages[4]
    assert Establishment.objects.count() == 0
    page = client_for(officer_a).get(reverse("core:job-detail", args=[job.pk])).content.decode()
    assert 'data-testid="job-errors"' in page
    assert "Mã số thuế (C)" in page


def test_model_rules_apply_to_every_row(officer_a, places):
    headers = ["Tên cơ sở", "Loại hình", "Mã xã", "Lĩnh vực", "Email", "Mã ngành VSIC"]
    rows = [["x" * 301, "HKD", "24100", "z", "not-an-email", "1A"]]
    with pytest.raises(ImportRejected) as rejected:
        _run(officer_a, xlsx(headers, rows))
    columns = [e.column for e in rejected.value.errors]
    assert columns == ["Lĩnh vực (D)"]  # the sector is checked before the model
    rows[0][3] = "a"
    with pytest.raises(ImportRejected) as rejected:
        _run(officer_a, xlsx(headers, rows))
    assert sorted(e.column for e in rejected.value.errors) == [
        "Email (E)",
        "Mã ngành VSIC (F)",
        "Tên cơ sở (A)",
    ]


def test_a_row_without_a_place_is_an_error(officer_a, places):
    headers = ["Tên cơ sở", "Loại hình", "Mã xã", "Lĩnh vực"]
    with pytest.raises(ImportRejected) as rejected:
        _run(officer_a, xlsx(headers, [["Cơ sở A", "HKD", "", "a"]]))
    assert rejected.value.errors[0].column == "Mã xã (C)"
    assert "Where is the establishment?" in rejected.value.errors[0].message


def test_an_ambiguous_or_unknown_commune_name_is_an_error(officer_a, province_a, places):
    CommuneFactory(code="24300", name="Phường Ea Kar", short_name="Ea Kar", province=province_a)
    headers = ["Tên cơ sở", "Loại hình", "Tỉnh/thành phố", "Xã/phường", "Lĩnh vực"]
    rows = [
        ["Cơ sở A", "HKD", "Đắk Lắk", "Ea Kar", "a"],
        ["Cơ sở B", "HKD", "Đắk Lắk", "Xã Không Có", "a"],
        ["Cơ sở C", "HKD", "Tỉnh Không Có", "Ea Kar", "a"],
        ["Cơ sở D", "HKD", "Đắk Lắk", "Phường Ea Kar", "a"],  # the full name is enough
    ]
    with pytest.raises(ImportRejected) as rejected:
        _run(officer_a, xlsx(headers, rows))
    assert [(e.row, e.column) for e in rejected.value.errors] == [
        (2, "Xã/phường (D)"),
        (3, "Xã/phường (D)"),
        (4, "Tỉnh/thành phố (C)"),
    ]
    assert "Xã Ea Kar (24100)" in rejected.value.errors[0].message


# Scope ---------------------------------------------------------------------------------------


def test_officer_b_cannot_import_into_province_a(officer_b, places, client_for):
    rows = [["Cơ sở ở Củ Chi", "HKD", "", "", "26700", "a", None], *GOOD_ROWS[:2]]
    upload(client_for(officer_b), xlsx(HEADERS, rows))
    job = last_job(officer_b)
    assert job.status == Job.Status.FAILED
    assert errors_of(job) == [(3, "Mã xã (2025) (E)"), (4, "Mã xã (2025) (E)")]
    assert "ngoài địa bàn phụ trách" in job.result["errors"][0]["message"]
    assert "Xã Ea Kar" in job.result["errors"][0]["message"]
    assert Establishment.objects.count() == 0


def test_a_collaborator_imports_only_into_their_commune(collaborator_a1, places):
    headers = ["Tên cơ sở", "Loại hình", "Mã xã", "Lĩnh vực"]
    rows = [["Cơ sở A", "HKD", "24100", "a"], ["Cơ sở B", "HKD", "24200", "a"]]
    with pytest.raises(ImportRejected) as rejected:
        _run(collaborator_a1, xlsx(headers, rows))
    assert [(e.row, e.column) for e in rejected.value.errors] == [(3, "Mã xã (C)")]
    assert Establishment.objects.count() == 0
    _run(collaborator_a1, xlsx(headers, rows[:1]))
    assert Establishment.objects.get().commune_id == "24100"


@pytest.mark.parametrize("persona", ["auditor_a", "national"])
def test_read_only_roles_cannot_import(persona, request, places, client_for):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("registry:import")).status_code == 403
    assert upload(client, xlsx(HEADERS, GOOD_ROWS)).status_code == 403
    assert client.get(reverse("registry:import-template")).status_code == 403
    assert Job.objects.count() == 0
    assert Establishment.objects.count() == 0


def test_the_import_page_needs_a_login_and_get_or_post(officer_a, client_for):
    url = reverse("registry:import")
    assert client_for(None).get(url).status_code == 302
    assert client_for(officer_a).put(url).status_code == 405
    page = client_for(officer_a).get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert reverse("registry:import-template") in content
    assert reverse("registry:import-example") in content
    assert "Mã số thuế" in content


# Duplicates ------------------------------------------------------------------------------------


def test_duplicates_within_the_file_are_errors(officer_a, places):
    headers = ["Tên cơ sở", "Loại hình", "Mã số thuế", "Mã xã", "Lĩnh vực"]
    rows = [
        ["Cơ sở Thành Đạt", "HKD", "0100109106", "24100", "a"],
        ["Cơ sở khác", "HKD", "0100109106", "24200", "a"],  # same tax code
        ["CƠ SỞ THÀNH ĐẠT", "HKD", "", "24100", "a"],  # same name, same commune
        ["Cơ sở Thành Đạt", "HKD", "", "24200", "a"],  # same name elsewhere: fine
    ]
    with pytest.raises(ImportRejected) as rejected:
        _run(officer_a, xlsx(headers, rows))
    errors = rejected.value.errors
    assert [(e.row, e.column) for e in errors] == [(3, "Mã số thuế (C)"), (4, "Tên cơ sở (A)")]
    assert "row 2" in errors[0].message
    assert "row 2" in errors[1].message
    assert Establishment.objects.count() == 0


def test_duplicates_of_registered_establishments_are_errors(officer_a, officer_b, places):
    services.create_establishment(
        actor=officer_a,
        data={
            "name": "Cơ sở Thành Đạt",
            "kind": "household",
            "tax_code": "0100109106",
            "commune": places["a1"],
            "sector": Sector.objects.get(code="a"),
        },
    )
    headers = ["Tên cơ sở", "Loại hình", "Mã số thuế", "Mã xã", "Lĩnh vực"]
    rows = [
        ["Cơ sở mới", "HKD", "0100109106", "24100", "a"],
        ["cơ sở thành đạt", "HKD", "", "24100", "a"],
        ["Cơ sở khác hẳn", "HKD", "", "24100", "a"],
    ]
    with pytest.raises(ImportRejected) as rejected:
        _run(officer_a, xlsx(headers, rows))
    errors = rejected.value.errors
    assert [(e.row, e.column) for e in errors] == [(2, "Mã số thuế (C)"), (3, "Tên cơ sở (A)")]
    assert "Already registered (same tax code): “Cơ sở Thành Đạt”" in errors[0].message
    assert Establishment.objects.count() == 1

    # Province B learns only that the tax code is taken, not by whom.
    with pytest.raises(ImportRejected) as rejected:
        _run(officer_b, xlsx(headers, [["Cơ sở B", "HKD", "0100109106", "26700", "a"]]))
    assert "in another area" in rejected.value.errors[0].message
    assert "Thành Đạt" not in rejected.value.errors[0].message


# Pre-2025 addresses ------------------------------------------------------------------------------


@pytest.fixture
def legacy_ea_kar(province_a, commune_a1):
    """Thị trấn Ea Kar, huyện Ea Kar, tỉnh Đắk Lắk (pre-2025) → Xã Ea Kar (2025)."""
    return make_legacy_ea_kar(province_a, commune_a1)


def test_pre_2025_addresses_are_converted_and_listed(officer_a, places, legacy_ea_kar, client_for):
    headers = [
        "Tên cơ sở",
        "Loại hình",
        "Lĩnh vực",
        "Tỉnh cũ (trước 2025)",
        "Huyện cũ (trước 2025)",
        "Xã cũ (trước 2025)",
        "Địa chỉ cũ (trước 2025)",
    ]
    rows = [
        ["Cơ sở A", "HKD", "a", "Đắk Lắk", "Huyện Ea Kar", "Thị trấn Ea Kar", ""],
        ["Cơ sở B", "HKD", "a", "", "", "", "Thị trấn Ea Kar, Huyện Ea Kar, Tỉnh Đắk Lắk"],
    ]
    client = client_for(officer_a)
    response = upload(client, xlsx(headers, rows))
    job = last_job(officer_a)
    assert job.status == Job.Status.SUCCEEDED, job.result
    assert job.result["converted"] == [
        {
            "row": 2,
            "legacy": "Thị trấn Ea Kar, Huyện Ea Kar, Đắk Lắk",
            "commune": "Xã Ea Kar, Đắk Lắk",
            "commune_code": "24100",
        },
        {
            "row": 3,
            "legacy": "Thị trấn Ea Kar, Huyện Ea Kar, Tỉnh Đắk Lắk",
            "commune": "Xã Ea Kar, Đắk Lắk",
            "commune_code": "24100",
        },
    ]
    for item in Establishment.objects.all():
        assert item.commune_id == "24100"
        assert item.province_id == "66"
        assert item.legacy_commune == legacy_ea_kar
    assert Establishment.objects.get(name="Cơ sở B").legacy_address == (
        "Thị trấn Ea Kar, Huyện Ea Kar, Tỉnh Đắk Lắk"
    )
    page = client.get(response.url).content.decode()
    assert 'data-testid="job-converted"' in page
    assert "Thị trấn Ea Kar, Huyện Ea Kar, Tỉnh Đắk Lắk" in page


def test_the_district_may_be_left_out_and_a_code_used(officer_a, places, legacy_ea_kar):
    headers = ["Tên cơ sở", "Loại hình", "Lĩnh vực", "Tỉnh cũ", "Xã cũ"]
    rows = [
        ["Cơ sở A", "HKD", "a", "Đắk Lắk", "Thị trấn Ea Kar"],
        ["Cơ sở B", "HKD", "a", "", "24400"],
    ]
    with pytest.raises(ImportRejected) as rejected:
        _run(officer_a, xlsx(headers, rows))
    # The old province goes with the old commune, even when the commune is given by code.
    assert [(e.row, e.column) for e in rejected.value.errors] == [(3, "Tỉnh cũ (D)")]
    rows[1][3] = "66"
    result = _run(officer_a, xlsx(headers, rows))
    assert [c["commune_code"] for c in result["converted"]] == ["24100", "24100"]


def test_an_unknown_pre_2025_address_is_an_error(officer_a, places, legacy_ea_kar):
    headers = ["Tên cơ sở", "Loại hình", "Lĩnh vực", "Địa chỉ cũ (trước 2025)"]
    rows = [["Cơ sở A", "HKD", "a", "Xã Không Có, Huyện Không Có, Tỉnh Không Có"]]
    with pytest.raises(ImportRejected) as rejected:
        _run(officer_a, xlsx(headers, rows))
    assert [(e.row, e.column) for e in rejected.value.errors] == [
        (2, "Địa chỉ cũ (trước 2025) (D)")
    ]


def test_a_pre_2025_address_outside_my_area_is_refused(officer_b, places, legacy_ea_kar):
    headers = ["Tên cơ sở", "Loại hình", "Lĩnh vực", "Địa chỉ cũ (trước 2025)"]
    rows = [["Cơ sở A", "HKD", "a", "Thị trấn Ea Kar, Huyện Ea Kar, Tỉnh Đắk Lắk"]]
    with pytest.raises(ImportRejected) as rejected:
        _run(officer_b, xlsx(headers, rows))
    assert "outside your area" in rejected.value.errors[0].message


# Whole-file problems and the upload form -------------------------------------------------------


def test_a_wrong_file_type_is_refused_on_the_form(officer_a, client_for):
    response = upload(client_for(officer_a), b"%PDF-1.4 ...", name="co-so.pdf")
    assert response.status_code == 200
    assert "hãy tải lên tệp Excel (.xlsx) hoặc tệp CSV" in response.content.decode()
    assert Job.objects.count() == 0


def test_missing_required_columns_are_named_on_the_form(officer_a, client_for):
    response = upload(client_for(officer_a), xlsx(["Tên cơ sở", "Mã xã"], [["A", "24100"]]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Loại hình" in content
    assert "Lĩnh vực khuyến công" in content
    assert Job.objects.count() == 0


def test_a_file_without_any_place_column_is_refused(officer_a, client_for):
    response = upload(
        client_for(officer_a), xlsx(["Tên cơ sở", "Loại hình", "Lĩnh vực"], [["A", "HKD", "a"]])
    )
    assert "Tệp không cho biết cơ sở ở đâu" in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(officer_a, client_for, settings):
    settings.IMPORT_MAX_BYTES = 1024  # the establishment import's own limit (IMPORT_MAX_MB)
    response = upload(client_for(officer_a), b"x" * 2048, name="co-so.csv")
    assert response.status_code == 200
    assert "giới hạn là" in response.content.decode()
    assert Job.objects.count() == 0


# Large files go to the background -------------------------------------------------------------


def test_a_large_file_is_imported_by_a_background_job(
    officer_a, places, client_for, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_INLINE_MAX_ROWS = 2
    client = client_for(officer_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, xlsx(HEADERS, GOOD_ROWS))
    job = last_job(officer_a)
    assert job.status == Job.Status.PENDING
    assert response.url == reverse("core:job-detail", args=[job.pk])
    assert Establishment.objects.count() == 0
    assert len(callbacks) == 1

    callbacks[0]()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["created"] == 3
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert Establishment.objects.count() == 3


def test_a_small_file_does_not_wait_for_a_commit(
    officer_a, places, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload(client_for(officer_a), xlsx(HEADERS, GOOD_ROWS))
    assert callbacks == []
    assert last_job(officer_a).status == Job.Status.SUCCEEDED


def test_the_number_of_queries_does_not_grow_with_the_rows(
    officer_a, places, django_assert_max_num_queries
):
    headers = ["Tên cơ sở", "Loại hình", "Mã số thuế", "Mã xã", "Lĩnh vực"]
    rows = [[f"Cơ sở số {n}", "HKD", "", "24100" if n % 2 else "24200", "a"] for n in range(200)]
    with django_assert_max_num_queries(20):
        result = _run(officer_a, xlsx(headers, rows))
    assert result["created"] == 200


# Rows from the API (dicts) -----------------------------------------------------------------------


def test_rows_can_come_as_dicts(officer_a, places):
    result = import_establishments(
        actor=officer_a,
        rows=[{"name": "Cơ sở A", "kind": "household", "commune_code": "24100", "sector": "a"}],
    )
    assert result["created"] == 1
    with pytest.raises(ImportRejected) as rejected:
        import_establishments(
            actor=officer_a,
            rows=[{"name": "", "kind": "household", "commune_code": "24100", "sector": "a"}],
        )
    assert (rejected.value.errors[0].row, rejected.value.errors[0].column) == (1, "Tên cơ sở")


# Template and example ------------------------------------------------------------------------------


def test_the_template_documents_every_column(officer_a, places, client_for):
    response = client_for(officer_a).get(reverse("registry:import-template"))
    assert response.status_code == 200
    assert "mau-nhap-co-so.xlsx" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    data, notes, codes = workbook.worksheets
    assert [c.value for c in data[1]] == [c.header for c in COLUMNS]
    assert data.max_row == 1
    documented = [row[1] for row in notes.iter_rows(values_only=True)]
    for column in COLUMNS:
        assert column.header in documented
    listed = [row[0] for row in codes.iter_rows(values_only=True)]
    assert "24100" in listed and "24200" in listed and "26700" not in listed
    assert "đ" in listed


def test_the_template_states_the_configured_row_limit(officer_a, places, client_for, settings):
    def instructions() -> str:
        response = client_for(officer_a).get(reverse("registry:import-template"))
        notes = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[1]
        return " ".join(str(row[0]) for row in notes.iter_rows(values_only=True) if row[0])

    assert "Tối đa 200.000 dòng mỗi tệp" in instructions()
    settings.IMPORT_MAX_ROWS = 50_000
    text = instructions()
    assert "Tối đa 50.000 dòng mỗi tệp" in text
    assert "20.000" not in text and "200.000" not in text


def test_the_example_imports_as_it_is(officer_a, places, legacy_ea_kar, client_for):
    client = client_for(officer_a)
    response = client.get(reverse("registry:import-example"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.max_row == 4
    upload(client, response.content, name="vi-du.xlsx")
    job = last_job(officer_a)
    assert job.status == Job.Status.SUCCEEDED, job.result
    assert job.result["created"] == 3
    assert [c["row"] for c in job.result["converted"]] == [4]


def test_the_example_without_places_loaded_still_reads(officer_a):
    workbook = openpyxl.load_workbook(io.BytesIO(build_import_example(officer_a)))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 4
    assert build_import_template(officer_a)[:2] == b"PK"
