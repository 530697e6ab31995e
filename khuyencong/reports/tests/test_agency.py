"""The agency that issues a province's official forms (``reports.agency``) and its page
(``/reports/agency/``): defaults from the province's name, who may change it, stale edits,
history, and the files printing what was set."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from khuyencong.accounts.factories import UserFactory
from khuyencong.core.errors import StaleEditError
from khuyencong.core.roles import Role
from khuyencong.reports import agency as rules
from khuyencong.reports.documents import form_file
from khuyencong.reports.factories import legacy_province
from khuyencong.reports.models import IssuingAgency
from khuyencong.reports.tests.test_documents import results_form

URL = reverse("reports:agency")
SETTINGS = {
    "superior": "UBND tỉnh Đắk Lắk",
    "name": "Sở Công Thương",
    "symbol": "BC-SCT",
    "place": "Đắk Lắk",
    "signer_authority": "KT. GIÁM ĐỐC",
    "signer_title": "PHÓ GIÁM ĐỐC",
    "signer_name": "Nguyễn Văn Toàn",
    "recipients": "- Bộ Công Thương (để báo cáo);\n\n  - Lưu: VT, TTKC.  ",
}


@pytest.fixture
def manager_b(province_b):
    return UserFactory(username="manager_b", role=Role.PROVINCIAL_MANAGER, province=province_b)


def test_defaults_come_from_the_provinces_name(province_a, province_b):
    daklak = rules.default_agency(province_a)
    assert (daklak.superior, daklak.name, daklak.symbol) == (
        "UBND TỈNH ĐẮK LẮK",
        "SỞ CÔNG THƯƠNG",
        "BC-SCT",
    )
    assert daklak.place == "Đắk Lắk" and daklak.signer_title == "GIÁM ĐỐC"
    assert "- UBND tỉnh Đắk Lắk (để báo cáo);" in daklak.recipient_lines
    assert "- Lưu: VT, TTKC." in daklak.recipient_lines
    assert rules.default_agency(province_b).superior == "UBND THÀNH PHỐ HỒ CHÍ MINH"
    nation = rules.default_agency(None)
    assert nation.superior == "BỘ CÔNG THƯƠNG" and nation.place == "Hà Nội"


def test_each_unit_is_issued_by_its_provinces_agency_or_the_national_one(
    province_a, province_b, commune_a1, manager_a
):
    old = legacy_province("54", "Phú Yên", province_a, [])
    rules.save_agency(
        actor=manager_a,
        province=province_a,
        data={**SETTINGS, "name": "Sở Công Thương tỉnh Đắk Lắk"},
        expected_version=0,
    )
    for unit in ("province:66", "commune:24100", f"legacy-province:{old.code}"):
        assert rules.agency_for_unit(unit).name == "Sở Công Thương tỉnh Đắk Lắk", unit
    assert rules.agency_for_unit("province:79").superior == "UBND THÀNH PHỐ HỒ CHÍ MINH"
    assert rules.agency_for_unit("nation").name == rules.NATIONAL_DEFAULT["name"]
    assert rules.agency_for_unit("region:TRUNG").symbol == "BC-ĐMST"


def test_a_manager_sets_the_agency_then_a_stale_edit_is_refused(manager_a, province_a):
    saved = rules.save_agency(
        actor=manager_a, province=province_a, data=SETTINGS, expected_version=0
    )
    assert saved.version == 1 and saved.updated_by == manager_a
    assert saved.recipients == "- Bộ Công Thương (để báo cáo);\n- Lưu: VT, TTKC."
    changed = rules.save_agency(
        actor=manager_a,
        province=province_a,
        data={**SETTINGS, "signer_name": "Y Bhin Niê"},
        expected_version=1,
    )
    assert changed.pk == saved.pk and changed.version == 2
    # Someone who opened version 1 (or nothing saved yet) cannot overwrite version 2.
    for stale in (1, 0):
        with pytest.raises(StaleEditError):
            rules.save_agency(
                actor=manager_a,
                province=province_a,
                data={**SETTINGS, "signer_name": "Người khác"},
                expected_version=stale,
            )
    assert IssuingAgency.objects.get(province=province_a).signer_name == "Y Bhin Niê"
    assert changed.history.count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "   "),
        ("symbol", "BC SCT"),
        ("symbol", "15/BC-SCT"),
        ("symbol", "-BC"),
        ("place", ""),
        ("signer_title", ""),
        ("signer_name", "x" * 101),
        ("recipients", "\n".join(f"- Nơi {i};" for i in range(16))),
    ],
)
def test_bad_settings_are_refused_naming_the_field_and_nothing_is_saved(
    manager_a, province_a, field, value
):
    with pytest.raises(rules.AgencyError) as error:
        rules.save_agency(
            actor=manager_a,
            province=province_a,
            data={**SETTINGS, field: value},
            expected_version=0,
        )
    assert error.value.field == field
    assert not IssuingAgency.objects.exists()


def test_only_the_provinces_manager_or_an_administrator_may_change_it(
    admin, manager_a, officer_a, manager_b, national, province_a
):
    for user, province in (
        (officer_a, province_a),
        (manager_b, province_a),
        (national, province_a),
        (manager_a, None),
    ):
        with pytest.raises(rules.AgencyError):
            rules.save_agency(actor=user, province=province, data=SETTINGS, expected_version=0)
    assert not IssuingAgency.objects.exists()
    rules.save_agency(actor=admin, province=None, data=SETTINGS, expected_version=0)
    assert IssuingAgency.objects.get(province=None).name == "Sở Công Thương"


def test_the_files_print_the_agency_as_set(manager_a, province_a):
    rules.save_agency(actor=manager_a, province=province_a, data=SETTINGS, expected_version=0)
    content = form_file(results_form(), "pdf", number=7, issued_on=datetime.date(2026, 1, 9))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content.content)).pages)
    for expected in (
        "UBND TỈNH ĐẮK LẮK",
        "SỞ CÔNG THƯƠNG",
        "Số: 7/BC-SCT",
        "Đắk Lắk, ngày 09 tháng 01 năm 2026",
        "KT. GIÁM ĐỐC",
        "Nguyễn Văn Toàn",
        "- Lưu: VT, TTKC.",
    ):
        assert expected in text, expected


# --- the page ---------------------------------------------------------------------------------


def test_the_manager_reads_the_defaults_then_saves_and_the_history_shows_it(
    client_for, manager_a, province_a
):
    client = client_for(manager_a)
    page = client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="agency-default"' in html and "UBND TỈNH ĐẮK LẮK" in html
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert 'data-testid="agency-form"' in html and 'name="version" value="0"' in html
    answer = client.post(f"{URL}?province=66", {**SETTINGS, "version": "0"})
    assert answer.status_code == 302
    html = client.get(answer["Location"]).content.decode()
    assert "Nguyễn Văn Toàn" in html and 'data-testid="history"' in html
    assert 'data-testid="agency-default"' not in html
    # A second tab still on version 0 is refused, its text kept and nothing changed.
    stale = client.post(URL, {**SETTINGS, "signer_name": "Người khác", "version": "0"})
    assert stale.status_code == 200 and 'role="alert"' in stale.content.decode()
    assert IssuingAgency.objects.get().signer_name == "Nguyễn Văn Toàn"
    bad = client.post(URL, {**SETTINGS, "symbol": "BC SCT", "version": "1"})
    assert bad.status_code == 200
    assert "BC-SCT" in bad.content.decode() and IssuingAgency.objects.get().version == 1


def test_officers_read_without_a_form_and_other_provinces_are_not_found(
    client_for, officer_a, officer_b, manager_a, province_a, province_b
):
    page = client_for(officer_a).get(URL)
    assert page.status_code == 200 and 'data-testid="agency-form"' not in page.content.decode()
    assert client_for(officer_a).post(URL, {**SETTINGS, "version": "0"}).status_code == 403
    assert client_for(officer_b).get(f"{URL}?province=66").status_code == 404
    assert client_for(manager_a).get(f"{URL}?province=79").status_code == 404
    assert client_for(manager_a).get(f"{URL}?province=nation").status_code == 404
    assert client_for(manager_a).get(f"{URL}?province=99").status_code == 404
    assert not IssuingAgency.objects.exists()


def test_an_administrator_chooses_and_sets_the_national_agency(client_for, admin, province_a):
    client = client_for(admin)
    html = client.get(URL).content.decode()
    assert 'data-testid="agency-chooser"' in html and "BỘ CÔNG THƯƠNG" in html
    answer = client.post(
        f"{URL}?province=nation",
        {**SETTINGS, "superior": "Bộ Công Thương", "name": "Cục ĐMST, CĐX và KC", "version": "0"},
    )
    assert answer.status_code == 302
    assert IssuingAgency.objects.get(province=None).name == "Cục ĐMST, CĐX và KC"
    assert client.get(f"{URL}?province=66").status_code == 200
