"""The Vietnamese paragraph, sentence by sentence, from summary rows (no database): a 9-month
report against the annual plan, a quarter that fell, a year equal to the one before, a
multi-year review, a missing plan, nothing recorded, and the number formatting rules."""

import pytest
from django.utils import translation

from khuyencong.reports import narrative
from khuyencong.reports.narrative import millions, money, paragraph, pct, period_words, place
from khuyencong.reports.periods import Period
from khuyencong.reports.units import ResolvedUnit, Unit

B = 1_000_000_000
M = 1_000_000

PROVINCE = ResolvedUnit(Unit("province", "66"), "Tỉnh Đắk Lắk", ["66"])
REGION = ResolvedUnit(Unit("region", "NAM"), "Khu vực phía Nam", ["79", "80"])
NATION = ResolvedUnit(Unit("nation"), "cả nước", ["66", "79"])
COMMUNE = ResolvedUnit(Unit("commune", "24100"), "Xã Ea Kar (Đắk Lắk)", ["66"], communes=["24100"])
LEGACY = ResolvedUnit(Unit("legacy-province", "54"), "Tỉnh Phú Yên (trước 2025)", ["66"])


def row(code, value, *, plan=None, percent_of_plan=None, previous=None, change_percent=None):
    return {
        "code": code,
        "name": code,
        "unit": "VND" if code.startswith("funding.") else "count",
        "value": value,
        "plan": plan,
        "percent_of_plan": percent_of_plan,
        "previous": previous,
        "change_percent": change_percent,
        "source": "none" if value is None else "records",
        "note": "",
    }


def rows(**values):
    """Rows by short names (``disbursed=…``); a tuple ``(value, {keywords})`` gives the plan
    and comparisons."""
    found = []
    for key, value in values.items():
        code = {
            "disbursed": "funding.disbursed",
            "planned": "funding.planned",
            "national": "funding.disbursed.national",
            "local": "funding.disbursed.local",
            "counterpart": "funding.disbursed.counterpart",
            "other": "funding.disbursed.other",
            "projects": "projects.approved",
            "establishments": "establishments.supported",
            "trainees": "trainees.count",
            "employed": "trainees.employed_percent",
            "fairs": "fairs.participations",
            "fair_establishments": "fairs.establishments",
            "showrooms": "showrooms.count",
            "brands": "brands.count",
            "contracts": "consulting.contracts",
            "revenue": "consulting.revenue",
            "workshops": "workshops.count",
            "attendees": "workshops.attendees",
            "products_national": "awards.products.national",
            "products_region": "awards.products.region",
            "products_province": "awards.products.province",
            "products_district": "awards.products.district",
        }[key]
        if isinstance(value, tuple):
            found.append(row(code, value[0], **value[1]))
        else:
            found.append(row(code, value))
    return found


def test_a_nine_month_report_as_a_report_writer_would_write_it():
    text = paragraph(
        PROVINCE,
        Period.first_months(2026, 9),
        rows(
            disbursed=(
                28_450 * M,
                {"plan": 35 * B, "percent_of_plan": 81.3, "change_percent": 20.0},
            ),
            planned=(35 * B, {"change_percent": 35.0}),
            national=12 * B,
            local=8_450 * M,
            counterpart=8 * B,
            other=0,
            projects=12,
            establishments=1_250,
            trainees=96,
            employed=81.3,
            fairs=120,
            fair_establishments=85,
            products_national=1,
            products_region=2,
            products_province=5,
            products_district=0,
        ),
    )
    assert text == (
        "9 tháng đầu năm 2026, tỉnh Đắk Lắk đã giải ngân 28,5 tỷ đồng kinh phí khuyến công, "
        "đạt 81,3% kế hoạch năm 2026, cao hơn 20% so với cùng kỳ năm 2025. "
        "Kế hoạch kinh phí khuyến công năm 2026 là 35 tỷ đồng, cao hơn 35% so với năm 2025. "
        "Kinh phí đã giải ngân gồm: kinh phí khuyến công quốc gia 12 tỷ đồng; kinh phí "
        "khuyến công địa phương 8,5 tỷ đồng; vốn đối ứng của cơ sở 8 tỷ đồng. "
        "Trong kỳ đã phê duyệt 12 đề án; hỗ trợ 1.250 cơ sở công nghiệp nông thôn; đào tạo "
        "96 lao động, 81,3% có việc làm sau đào tạo; hỗ trợ 120 lượt cơ sở tham gia hội chợ, "
        "triển lãm (85 cơ sở); có 8 sản phẩm được công nhận sản phẩm công nghiệp nông thôn "
        "tiêu biểu (1 cấp quốc gia, 2 cấp khu vực, 5 cấp tỉnh)."
    )


def test_a_quarter_that_fell_and_a_plan_that_cannot_be_answered():
    text = paragraph(
        REGION,
        Period.quarter(2026, 3),
        rows(
            disbursed=(930_500_000, {"change_percent": -12.5}),
            planned=None,
            national=930_500_000,
            local=0,
            workshops=4,
            attendees=320,
            contracts=3,
            revenue=150 * M,
            showrooms=2,
            brands=3,
            products_province=5,
        ),
    )
    assert text == (
        "Quý III năm 2026, khu vực phía Nam đã giải ngân 930,5 triệu đồng kinh phí khuyến "
        "công, thấp hơn 12,5% so với cùng kỳ năm 2025. "
        "Trong kỳ đã hỗ trợ 2 phòng trưng bày giới thiệu sản phẩm; hỗ trợ đăng ký 3 nhãn "
        "hiệu; ký 3 hợp đồng tư vấn, doanh thu 150 triệu đồng; tổ chức 4 hội nghị, hội thảo "
        "với 320 lượt người tham dự; có 5 sản phẩm được công nhận sản phẩm công nghiệp nông "
        "thôn tiêu biểu cấp tỉnh. "
        "Chưa xác định được chính xác kinh phí theo kế hoạch do thiếu số liệu tổng hợp cho "
        "một phần của kỳ báo cáo."
    )
    assert "None" not in text and "%" not in text.split("thấp hơn")[0]


def test_a_year_equal_to_the_year_before_for_the_whole_country():
    text = paragraph(
        NATION,
        Period.year(2025),
        rows(
            disbursed=(
                75_430 * M,
                {"plan": 75_430 * M, "percent_of_plan": 100.0, "change_percent": 0.0},
            ),
            planned=(75_430 * M, {"change_percent": -4.25}),
        ),
    )
    assert text == (
        "Năm 2025, toàn quốc đã giải ngân 75,4 tỷ đồng kinh phí khuyến công, đạt 100% kế "
        "hoạch năm 2025, bằng năm 2024. "
        "Kế hoạch kinh phí khuyến công năm 2025 là 75,4 tỷ đồng, thấp hơn 4,3% so với năm 2024."
    )


def test_a_multi_year_review_has_no_annual_plan_and_no_overlapping_comparison():
    text = paragraph(
        PROVINCE,
        Period.years(2012, 2023),
        rows(
            disbursed=(180_250 * M, {"change_percent": 8.0}),
            planned=(200 * B, {"change_percent": 5.0}),
            projects=(180, {"change_percent": 3.0}),
        ),
    )
    assert text == (
        "Giai đoạn 2012–2023, tỉnh Đắk Lắk đã giải ngân 180,3 tỷ đồng kinh phí khuyến công. "
        "Kế hoạch kinh phí khuyến công các năm 2012–2023 là 200 tỷ đồng. "
        "Trong kỳ đã phê duyệt 180 đề án."
    )


def test_nothing_disbursed_against_a_plan():
    text = paragraph(
        PROVINCE,
        Period.quarter(2026, 1),
        rows(
            disbursed=(0, {"plan": 35 * B, "percent_of_plan": 0.0, "change_percent": -100.0}),
            planned=(35 * B, {}),
            national=0,
            trainees=0,
            employed=None,
        ),
    )
    assert text == (
        "Quý I năm 2026, tỉnh Đắk Lắk chưa giải ngân kinh phí khuyến công. "
        "Kế hoạch kinh phí khuyến công năm 2026 là 35 tỷ đồng."
    )


def test_nothing_recorded_and_nothing_known():
    period = Period.month(2026, 3)
    empty = rows(disbursed=0, planned=0, projects=0, trainees=None, employed=None)
    assert paragraph(COMMUNE, period, empty) == (
        "Tháng 3 năm 2026, xã Ea Kar (Đắk Lắk) chưa có số liệu khuyến công nào được ghi nhận."
    )
    unknown = rows(disbursed=None, planned=None, projects=0)
    assert paragraph(LEGACY, Period.year(2020), unknown) == (
        "Năm 2020, chưa xác định được chính xác kinh phí đã giải ngân và kinh phí theo kế "
        "hoạch của tỉnh Phú Yên (trước 2025) do thiếu số liệu tổng hợp cho một phần của kỳ "
        "báo cáo."
    )


def test_the_employment_share_is_left_out_when_unknown_and_zero_counts_are_not_written():
    text = paragraph(
        PROVINCE,
        Period.year(2026),
        rows(disbursed=0, planned=0, trainees=96, employed=None, projects=0, fairs=0),
    )
    assert text == "Năm 2026, tỉnh Đắk Lắk đã đào tạo 96 lao động."


def test_a_range_of_dates_across_two_years():
    text = paragraph(
        PROVINCE,
        Period.parse("2025-07-01", "2026-06-30"),
        rows(disbursed=(2 * B, {"change_percent": 10.0})),
    )
    assert text == (
        "Từ 01/07/2025 đến 30/06/2026, tỉnh Đắk Lắk đã giải ngân 2 tỷ đồng kinh phí khuyến "
        "công, cao hơn 10% so với cùng kỳ năm trước."
    )


def test_the_paragraph_is_vietnamese_whatever_the_interface_language():
    with translation.override("en"):
        text = paragraph(
            NATION,
            Period.year(2025),
            rows(disbursed=(1_234_560 * M, {"change_percent": 1.25}), establishments=12_345),
        )
    assert text == (
        "Năm 2025, toàn quốc đã giải ngân 1.234,6 tỷ đồng kinh phí khuyến công, cao hơn 1,3% "
        "so với năm 2024. Trong kỳ đã hỗ trợ 12.345 cơ sở công nghiệp nông thôn."
    )


def test_the_signature_part_a_calls_is_kept():
    # summary.build calls paragraph(resolved, period, rows, names) positionally.
    names = {"funding.disbursed": "Kinh phí đã giải ngân"}
    text = paragraph(PROVINCE, Period.year(2026), rows(disbursed=B), names)
    assert text == "Năm 2026, tỉnh Đắk Lắk đã giải ngân 1 tỷ đồng kinh phí khuyến công."


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (42_716_000_000, "42,7 tỷ đồng"),
        (35_000_000_000, "35 tỷ đồng"),
        (1_000_000_000, "1 tỷ đồng"),
        # 999,95 triệu would read "1.000 triệu đồng": it is 1 tỷ.
        (999_950_000, "1 tỷ đồng"),
        (999_949_999, "999,9 triệu đồng"),
        (930_500_000, "930,5 triệu đồng"),
        (360_000_000, "360 triệu đồng"),
        (1_250_000, "1,3 triệu đồng"),
        (999_950, "999.950 đồng"),
        (12_000, "12.000 đồng"),
        (0, "0 đồng"),
        (1_234_560_000_000, "1.234,6 tỷ đồng"),
        (-2_500_000_000, "-2,5 tỷ đồng"),
    ],
)
def test_money(amount, expected):
    assert money(amount) == expected


def test_whole_millions_as_tables_write_them():
    assert millions(75_430_000_000) == "75.430 triệu đồng"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(81.25, "81,3%"), (81.24, "81,2%"), (20.0, "20%"), (0.05, "0,1%"), (100, "100%")],
)
def test_percentages_round_half_up(value, expected):
    assert pct(value) == expected


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (Period.quarter(2026, 3), "Quý III năm 2026"),
        (Period.month(2026, 3), "tháng 3 năm 2026"),
        (Period.first_months(2026, 9), "9 tháng đầu năm 2026"),
        (Period.first_months(2026, 6), "6 tháng đầu năm 2026"),
        (Period.year(2026), "năm 2026"),
        (Period.years(2012, 2023), "giai đoạn 2012–2023"),
    ],
)
def test_period_words(period, expected):
    assert period_words(period) == expected


@pytest.mark.parametrize(
    ("resolved", "expected"),
    [
        (PROVINCE, "tỉnh Đắk Lắk"),
        (REGION, "khu vực phía Nam"),
        (NATION, "toàn quốc"),
        (COMMUNE, "xã Ea Kar (Đắk Lắk)"),
        (LEGACY, "tỉnh Phú Yên (trước 2025)"),
        (
            ResolvedUnit(Unit("province", "79"), "Thành phố Hồ Chí Minh", ["79"]),
            "thành phố Hồ Chí Minh",
        ),
        (ResolvedUnit(Unit("region", "DNB"), "Đông Nam Bộ", ["79"]), "Đông Nam Bộ"),
    ],
)
def test_place_words(resolved, expected):
    assert place(resolved) == expected


def test_source_words_cover_the_four_sources():
    assert set(narrative.SOURCE_WORDS) == {"national", "local", "counterpart", "other"}
