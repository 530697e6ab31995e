"""Forms name places, never their codes: a pre-2025 province merged into a 2025 one is
"Phú Yên (trước 2025)" on the page, in the files and in a frozen form, not
"legacy-province:54"."""

import datetime as dt
import io
import re

from docx import Document as open_docx

from khuyencong.reports import submissions
from khuyencong.reports.documents import completeness_line, form_file
from khuyencong.reports.factories import yearly
from khuyencong.reports.forms import build_form
from khuyencong.reports.forms.base import Completeness
from khuyencong.reports.periods import Period
from khuyencong.reports.units import Unit, place_names, resolve

M = 1_000_000


def visible_text(html):
    html = re.sub(r"<(script|style|select)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", html)


def test_place_names_of_every_kind(merged, province_a, commune_a1, regions):
    assert place_names(
        ["legacy-province:54", "province:66", f"commune:{commune_a1.code}", "region:NAM", "nation"]
    ) == [
        "Tỉnh Phú Yên (trước 2025)",
        province_a.name,
        f"{commune_a1.name} ({commune_a1.province.short_name})",
        "Khu vực phía Nam",
        "cả nước",
    ]
    # Something that is not a place is shown as written.
    assert place_names(["legacy-province:99", "Phú Yên"]) == ["legacy-province:99", "Phú Yên"]


def test_a_form_names_the_pre_2025_province_that_did_not_report(
    manager_a, merged, client_for, officer_a
):
    # 2024: only old Phú Yên (54) reported its money; old Đắk Lắk (66) did not.
    yearly(manager_a, "funding.disbursed", "legacy-province:54", {2024: 300 * M})
    form = build_form("funding", resolve(Unit.parse("province:66")), Period.year(2024))
    # The rows by activity content have no stored values: both old provinces are missing
    # there; the total row is answered by Phú Yên only.
    assert "legacy-province:66" in form.completeness.missing
    line = completeness_line(form)
    assert "Đắk Lắk (trước 2025)" in line and "legacy-province" not in line
    # The Word file prints the name.
    content = form_file(form, "docx").content
    text = "\n".join(p.text for p in open_docx(io.BytesIO(content)).paragraphs)
    assert "Đắk Lắk (trước 2025)" in text and "legacy-province" not in text
    # So does the page (the place chooser's values aside).
    page = client_for(officer_a).get(
        "/reports/forms/", {"form": "funding", "unit": "province:66", "kind": "year", "year": 2024}
    )
    assert page.status_code == 200
    shown = visible_text(page.content.decode())
    assert "Đắk Lắk (trước 2025)" in shown and "legacy-province" not in shown


def test_a_form_frozen_with_codes_only_is_shown_with_names(manager_a, province_a, merged):
    submission = submissions.submit(
        actor=manager_a,
        province=province_a,
        period=Period.quarter(2026, 1),
        now=dt.datetime(2026, 4, 5, 9, tzinfo=dt.UTC),
    )
    # A version frozen before the names were kept: codes only.
    snapshot = submission.snapshot
    snapshot["forms"]["results"]["completeness"] = {
        "reported": 1,
        "expected": 2,
        "missing": ["legacy-province:54"],
    }
    submission.snapshot = snapshot
    submission.save(update_fields=["snapshot"])
    results = next(f for f in submissions.frozen_forms(submission) if f.code == "results")
    assert results.completeness.missing_labels == ["Tỉnh Phú Yên (trước 2025)"]
    assert "Tỉnh Phú Yên (trước 2025)" in completeness_line(results)
    # Labels kept alongside the codes are used as they are (no query to name them).
    kept = Completeness(1, 2, ["legacy-province:54"], ["Phú Yên cũ"])
    results.completeness = kept
    assert completeness_line(results).endswith("Chưa có số liệu: Phú Yên cũ.")
