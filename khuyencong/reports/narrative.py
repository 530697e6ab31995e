"""The Vietnamese paragraph a report writer would put under the summary table ("9 tháng đầu
năm 2026, tỉnh Đắk Lắk đã giải ngân 42,7 tỷ đồng kinh phí khuyến công, đạt 81,3% kế hoạch
năm 2026, cao hơn 20% so với cùng kỳ năm 2025…").

It is the text of an official Vietnamese report, so it is Vietnamese whatever the interface
language, with Vietnamese number formatting. Plain sentences from the summary rows, in the
order reports use: money disbursed (against the annual plan and the same period a year
earlier), the plan (against last year's plan), money by source, then the counts. Figures
that are None are never written ("None", an invented "0%"); when the money itself cannot be
answered exactly the paragraph says so. Zero counts are left out.

Rules, tested in ``tests/test_narrative.py``:

- money (``money``): from 1 tỷ "x,y tỷ đồng" with one decimal, and also from 999.950.000
  đồng, which would read "1.000 triệu đồng" (it reads "1 tỷ đồng"); from 1 triệu "x,y triệu
  đồng" (999.949.999 → "999,9 triệu đồng"); below, the exact "x.xxx đồng". A trailing ",0" is dropped ("35 tỷ đồng",
  "360 triệu đồng"), as reports write round amounts. ``millions`` gives the tables' whole
  millions ("75.430 triệu đồng").
- percentages (``pct``): one decimal, half up (81,25 → "81,3%"), ",0" dropped ("20%").
- the period: "Quý III năm 2026", "tháng 3 năm 2026", "9 tháng đầu năm 2026", "năm 2026",
  "giai đoạn 2012–2023", else the period's own label; the comparison: "so với cùng kỳ năm
  2025" (a year: "so với năm 2025"); a period over several years is not compared with the
  overlapping one a year earlier.
- the place: "toàn quốc", a region, province or commune by its name with the kind in lower
  case mid-sentence ("khu vực phía Nam", "tỉnh Đắk Lắk", "xã Ea Kar (Đắk Lắk)").
"""

from __future__ import annotations

import calendar
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import translation

from khuyencong.core.formats import format_number
from khuyencong.reports.periods import ROMAN, Period
from khuyencong.reports.units import NATION, ResolvedUnit

SOURCE_WORDS = {
    "national": "kinh phí khuyến công quốc gia",
    "local": "kinh phí khuyến công địa phương",
    "counterpart": "vốn đối ứng của cơ sở",
    "other": "vốn lồng ghép các chương trình khác",
}
LEVEL_WORDS = {
    "national": "cấp quốc gia",
    "region": "cấp khu vực",
    "province": "cấp tỉnh",
    "district": "cấp huyện",
}
BILLION = 1_000_000_000
MILLION = 1_000_000
TENTH = Decimal("0.1")
# Words naming the kind of a place; lower-cased when the name is mid-sentence.
PLACE_KINDS = (
    "Tỉnh",
    "Thành phố",
    "Khu vực",
    "Vùng",
    "Xã",
    "Phường",
    "Thị trấn",
    "Đặc khu",
)


def _tenths(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def money(amount: int) -> str:
    """42_716_000_000 → "42,7 tỷ đồng"; 35_000_000_000 → "35 tỷ đồng"; 999_950_000 →
    "1 tỷ đồng"; 930_500_000 → "930,5 triệu đồng"; 12_000 → "12.000 đồng"."""
    exact = Decimal(amount)
    with translation.override("vi"):
        if abs(_tenths(exact / MILLION)) >= 1_000:  # never "1.000 triệu đồng"
            return f"{format_number(exact / BILLION, decimals=1)} tỷ đồng"
        if abs(amount) >= MILLION:
            return f"{format_number(exact / MILLION, decimals=1)} triệu đồng"
        return f"{format_number(amount)} đồng"


def millions(amount: int) -> str:
    """75_430_000_000 → "75.430 triệu đồng" (whole millions, as tables write them)."""
    with translation.override("vi"):
        return f"{format_number(Decimal(amount) / MILLION)} triệu đồng"


def number(value: int | float) -> str:
    with translation.override("vi"):
        return format_number(value)


def pct(value: float | Decimal) -> str:
    """81.25 → "81,3%"; 20.0 → "20%"."""
    rounded = _tenths(Decimal(str(value)))
    with translation.override("vi"):
        return f"{format_number(rounded, decimals=1)}%"


def place(resolved: ResolvedUnit) -> str:
    """The place as a sentence names it: "toàn quốc", "tỉnh Đắk Lắk", "khu vực phía Nam"."""
    if resolved.unit.kind == NATION:
        return "toàn quốc"
    label = resolved.label
    for kind in PLACE_KINDS:
        if label.startswith(kind + " "):
            return kind.lower() + label[len(kind) :]
    return label


def _whole_months(period: Period) -> tuple[int, int] | None:
    start, end = period.start, period.end
    if start.year != end.year or start.day != 1:
        return None
    if end.day != calendar.monthrange(end.year, end.month)[1]:
        return None
    return start.month, end.month


def period_words(period: Period) -> str:
    """ "Quý III năm 2026", "tháng 3 năm 2026"; otherwise the period's label ("9 tháng đầu
    năm 2026", "năm 2026", "giai đoạn 2012–2023")."""
    months = _whole_months(period)
    if months is not None and not period.is_whole_years:
        first, last = months
        if first == last:
            return f"tháng {first} năm {period.start.year}"
        if last == first + 2 and first % 3 == 1:
            return f"Quý {ROMAN[(first + 2) // 3]} năm {period.start.year}"
    return period.label


def _previous_words(period: Period) -> str | None:
    """What the same period one year earlier is called; None for a period over several
    years (the period a year earlier overlaps it: no comparison is written)."""
    if period.is_whole_years and period.start.year != period.end.year:
        return None
    earlier = period.same_period_last_year()
    if period.is_year:
        return f"năm {earlier.start.year}"
    if period.year_of_plan() is not None:
        return f"cùng kỳ năm {earlier.start.year}"
    return "cùng kỳ năm trước"


def _compared(change: float | None, previous_words: str | None) -> str:
    if change is None or previous_words is None:
        return ""
    if change > 0:
        return f"cao hơn {pct(change)} so với {previous_words}"
    if change < 0:
        return f"thấp hơn {pct(-change)} so với {previous_words}"
    return f"bằng {previous_words}"


def _value(by_code: dict[str, dict[str, Any]], code: str) -> Any:
    return (by_code.get(code) or {}).get("value")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _money_sentences(
    resolved: ResolvedUnit, period: Period, by_code: dict[str, dict[str, Any]], missing: list[str]
) -> list[str]:
    sentences = []
    who = place(resolved)
    opening = _capitalised(period_words(period))
    previous_words = _previous_words(period)
    plan_year = period.year_of_plan()
    disbursed = by_code.get("funding.disbursed")
    planned = by_code.get("funding.planned")
    plan_value = planned["value"] if planned is not None else None
    if disbursed is not None:
        value = disbursed["value"]
        if value is None:
            missing.append("kinh phí đã giải ngân")
        elif value or plan_value:
            if value:
                text = f"{opening}, {who} đã giải ngân {money(value)} kinh phí khuyến công"
                if disbursed["percent_of_plan"] is not None:
                    text += f", đạt {pct(disbursed['percent_of_plan'])} kế hoạch năm"
                    if plan_year is not None:
                        text += f" {plan_year}"
            else:
                text = f"{opening}, {who} chưa giải ngân kinh phí khuyến công"
            compared = _compared(disbursed["change_percent"], previous_words)
            if compared and value:
                text += f", {compared}"
            sentences.append(text + ".")
            if compared and value and disbursed.get("comparable") is False:
                sentences.append(
                    f"Mức so sánh với {previous_words} chỉ có ý nghĩa tham khảo: "
                    f"{_uncomparable_reason(disbursed)}."
                )
            partial = _partial(disbursed)
            if partial:
                sentences.append(f"Số liệu kinh phí đã giải ngân {partial}.")
    if planned is not None:
        if plan_value is None:
            missing.append("kinh phí theo kế hoạch")
        elif plan_value:
            years = (
                f"năm {plan_year}"
                if plan_year is not None
                else f"các năm {period.start.year}–{period.end.year}"
            )
            text = f"Kế hoạch kinh phí khuyến công {years} là {money(plan_value)}"
            compared = ""
            if plan_year is not None:
                compared = _compared(planned["change_percent"], f"năm {plan_year - 1}")
                if compared:
                    text += f", {compared}"
            sentences.append(text + ".")
            if compared and plan_year is not None and planned.get("comparable") is False:
                sentences.append(
                    f"Mức so sánh kế hoạch với năm {plan_year - 1} chỉ có ý nghĩa tham khảo: "
                    f"{_uncomparable_reason(planned)}."
                )
    if disbursed is not None and disbursed["value"]:
        shown = [
            (words, _value(by_code, f"funding.disbursed.{source}"))
            for source, words in SOURCE_WORDS.items()
            if _value(by_code, f"funding.disbursed.{source}")
        ]
        if len(shown) > 1:
            sentences.append(
                "Kinh phí đã giải ngân gồm: "
                + "; ".join(f"{words} {money(v)}" for words, v in shown)
                + "."
            )
    return sentences


def _partial(row: dict[str, Any]) -> str:
    """ "mới tổng hợp được từ 2/3 tỉnh (còn thiếu: Phú Yên (trước 2025))" for a figure only
    some places reported, else ""."""
    completeness = row.get("completeness") or {}
    if not completeness.get("missing"):
        return ""
    word = "xã" if completeness.get("level") == "commune" else "tỉnh"
    labels = completeness.get("missing_labels") or completeness["missing"]
    shown = ", ".join(labels[:4])
    if len(labels) > 4:
        shown += f" và {len(labels) - 4} {word} khác"
    return (
        f"mới tổng hợp được từ {completeness['reported']}/{completeness['expected']} {word} "
        f"(còn thiếu: {shown})"
    )


def _uncomparable_reason(row: dict[str, Any]) -> str:
    words = {
        "records": "số liệu ghi nhận trên hệ thống",
        "aggregates": "số liệu tổng hợp nhập từ báo cáo",
        "mixed": "số liệu ghi nhận kết hợp số liệu tổng hợp",
    }
    now, then = row.get("source"), row.get("previous_source")
    if now and then and now != then:
        return f"kỳ này dựa trên {words.get(now, now)}, kỳ so sánh dựa trên {words.get(then, then)}"
    return "số địa phương có số liệu của hai kỳ không giống nhau"


def _count_phrases(by_code: dict[str, dict[str, Any]]) -> list[str]:
    phrases = []

    def count(code: str) -> Any:
        return _value(by_code, code)

    if count("projects.approved"):
        phrases.append(f"phê duyệt {number(count('projects.approved'))} đề án")
    if count("establishments.supported"):
        phrases.append(
            f"hỗ trợ {number(count('establishments.supported'))} cơ sở công nghiệp nông thôn"
        )
    if count("trainees.count"):
        text = f"đào tạo {number(count('trainees.count'))} lao động"
        if count("trainees.employed_percent") is not None:
            text += f", {pct(count('trainees.employed_percent'))} có việc làm sau đào tạo"
        phrases.append(text)
    if count("fairs.participations"):
        text = f"hỗ trợ {number(count('fairs.participations'))} lượt cơ sở tham gia hội chợ, "
        text += "triển lãm"
        if count("fairs.establishments"):
            text += f" ({number(count('fairs.establishments'))} cơ sở)"
        phrases.append(text)
    if count("showrooms.count"):
        phrases.append(
            f"hỗ trợ {number(count('showrooms.count'))} phòng trưng bày giới thiệu sản phẩm"
        )
    if count("brands.count"):
        phrases.append(f"hỗ trợ đăng ký {number(count('brands.count'))} nhãn hiệu")
    if count("consulting.contracts"):
        text = f"ký {number(count('consulting.contracts'))} hợp đồng tư vấn"
        if count("consulting.revenue"):
            text += f", doanh thu {money(count('consulting.revenue'))}"
        phrases.append(text)
    if count("workshops.count"):
        text = f"tổ chức {number(count('workshops.count'))} hội nghị, hội thảo"
        if count("workshops.attendees"):
            text += f" với {number(count('workshops.attendees'))} lượt người tham dự"
        phrases.append(text)
    levels = [
        (words, count(f"awards.products.{level}"))
        for level, words in LEVEL_WORDS.items()
        if count(f"awards.products.{level}")
    ]
    if levels:
        total = sum(n for _words, n in levels)
        text = (
            f"có {number(total)} sản phẩm được công nhận sản phẩm công nghiệp nông thôn tiêu biểu"
        )
        if len(levels) == 1:
            text += f" {levels[0][0]}"
        else:
            text += " (" + ", ".join(f"{number(n)} {words}" for words, n in levels) + ")"
        phrases.append(text)
    return phrases


def paragraph(
    resolved: ResolvedUnit,
    period: Period,
    rows: list[dict[str, Any]],
    names: dict[str, str] | None = None,
) -> str:
    """The paragraph for the summary ``rows`` (API.md's rows: ``code``, ``value``,
    ``percent_of_plan``, ``change_percent``…). ``names`` (the catalogue's Vietnamese names)
    is accepted for compatibility; the wording is the report's own."""
    by_code = {row["code"]: row for row in rows}
    missing: list[str] = []
    sentences = _money_sentences(resolved, period, by_code, missing)
    phrases = _count_phrases(by_code)
    opening = _capitalised(period_words(period))
    if phrases:
        lead = "Trong kỳ đã " if sentences else f"{opening}, {place(resolved)} đã "
        sentences.append(lead + "; ".join(phrases) + ".")
    if missing:
        unknown = " và ".join(missing)
        reason = "do thiếu số liệu tổng hợp cho một phần của kỳ báo cáo"
        if sentences:
            sentences.append(f"Chưa xác định được chính xác {unknown} {reason}.")
        else:
            sentences.append(
                f"{opening}, chưa xác định được chính xác {unknown} của {place(resolved)} {reason}."
            )
    if not sentences:
        sentences.append(
            f"{opening}, {place(resolved)} chưa có số liệu khuyến công nào được ghi nhận."
        )
    return " ".join(sentences)
