"""The Vietnamese paragraph a report writer would put under the summary table ("…đạt 81,3%
kế hoạch năm, cao hơn 20% so với cùng kỳ năm 2025…").

It is the text of an official Vietnamese report, so it is Vietnamese whatever the interface
language, with Vietnamese number formatting: ``42,7 tỷ đồng``, ``75.430 triệu đồng``,
``81,3%``, ``1.250 cơ sở``. Plain sentences from the summary rows; figures that cannot be
answered exactly are said to be so, never guessed. Part B enriches the wording.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import translation

from khuyencong.core.formats import format_number
from khuyencong.reports.periods import Period
from khuyencong.reports.units import ResolvedUnit

SOURCE_WORDS = {
    "national": "kinh phí khuyến công quốc gia",
    "local": "kinh phí khuyến công địa phương",
    "counterpart": "vốn đối ứng của cơ sở",
    "other": "vốn lồng ghép các chương trình khác",
}
BILLION = 1_000_000_000
MILLION = 1_000_000


def money(amount: int) -> str:
    """42_716_000_000 → "42,7 tỷ đồng"; 75_430_000_000 → "75,4 tỷ đồng";
    930_500_000 → "930,5 triệu đồng"; 12_000 → "12.000 đồng"."""
    with translation.override("vi"):
        if abs(amount) >= BILLION:
            return f"{format_number(Decimal(amount) / BILLION, decimals=1)} tỷ đồng"
        if abs(amount) >= MILLION:
            return f"{format_number(Decimal(amount) / MILLION, decimals=1)} triệu đồng"
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
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    with translation.override("vi"):
        return f"{format_number(rounded, decimals=1)}%"


def _compared(change: float | None, previous_label: str) -> str:
    if change is None:
        return ""
    if change > 0:
        return f"cao hơn {pct(change)} so với {previous_label}"
    if change < 0:
        return f"thấp hơn {pct(-change)} so với {previous_label}"
    return f"bằng {previous_label}"


def _previous_label(period: Period) -> str:
    earlier = period.same_period_last_year()
    if period.is_year:
        return earlier.label
    if period.year_of_plan() is not None:
        return f"cùng kỳ năm {earlier.start.year}"
    return earlier.label


def _amount(row: dict[str, Any]) -> str:
    return money(row["value"]) if row["unit"] == "VND" else number(row["value"])


def paragraph(
    resolved: ResolvedUnit,
    period: Period,
    rows: list[dict[str, Any]],
    names: dict[str, str] | None = None,
) -> str:
    """The paragraph for the summary ``rows``; ``names`` are the indicators' Vietnamese
    names (the catalogue's ``name``), whatever the interface language."""
    by_code = {row["code"]: row for row in rows}
    names = names or {}

    def name(row: dict[str, Any]) -> str:
        text = names.get(row["code"], row["name"])
        return text[:1].lower() + text[1:]

    label = period.label
    opening = label[0].upper() + label[1:]
    previous_label = _previous_label(period)
    sentences: list[str] = []
    missing: list[str] = []

    disbursed = by_code.get("funding.disbursed")
    planned = by_code.get("funding.planned")
    if disbursed is not None:
        if disbursed["value"] is None:
            missing.append(name(disbursed))
        else:
            text = (
                f"{opening}, tổng kinh phí khuyến công đã giải ngân của {resolved.label} "
                f"là {money(disbursed['value'])}"
            )
            if disbursed["percent_of_plan"] is not None:
                text += f", đạt {pct(disbursed['percent_of_plan'])} kế hoạch năm"
                if period.year_of_plan() is not None:
                    text += f" {period.year_of_plan()}"
            compared = _compared(disbursed["change_percent"], previous_label)
            if compared:
                text += f", {compared}"
            sentences.append(text + ".")
        shown = [
            (words, by_code[f"funding.disbursed.{source}"]["value"])
            for source, words in SOURCE_WORDS.items()
            if (by_code.get(f"funding.disbursed.{source}") or {}).get("value")
        ]
        if disbursed["value"] and len(shown) > 1:
            sentences.append(
                "Trong đó: " + "; ".join(f"{words} {money(v)}" for words, v in shown) + "."
            )
    if planned is not None:
        if planned["value"] is None:
            missing.append(name(planned))
        elif planned["value"]:
            years = (
                f"năm {period.start.year}"
                if period.year_of_plan() is not None
                else f"các năm {period.start.year}–{period.end.year}"
            )
            text = f"Kế hoạch kinh phí {years} là {money(planned['value'])}"
            if planned["change_percent"] is not None and period.year_of_plan() is not None:
                text += ", " + _compared(
                    planned["change_percent"], f"kế hoạch năm {period.start.year - 1}"
                )
            sentences.append(text + ".")

    counts = []
    for code, template in (
        ("projects.approved", "phê duyệt {n} đề án"),
        ("establishments.supported", "hỗ trợ {n} cơ sở công nghiệp nông thôn"),
        ("fairs.participations", "hỗ trợ {n} lượt cơ sở tham gia hội chợ, triển lãm"),
        ("workshops.count", "tổ chức {n} hội nghị, hội thảo"),
        ("consulting.contracts", "ký {n} hợp đồng tư vấn"),
    ):
        row = by_code.get(code)
        if row is not None and row["value"]:
            counts.append(template.format(n=number(row["value"])))
    trainees = by_code.get("trainees.count")
    if trainees is not None and trainees["value"]:
        text = f"đào tạo {number(trainees['value'])} lao động"
        employed = by_code.get("trainees.employed_percent")
        if employed is not None and employed["value"] is not None:
            text += f", trong đó {pct(employed['value'])} có việc làm sau đào tạo"
        counts.append(text)
    products = sum(
        (by_code.get(f"awards.products.{level}") or {}).get("value") or 0
        for level in ("province", "region", "national", "district")
    )
    if products:
        counts.append(f"có {number(products)} sản phẩm được công nhận sản phẩm CNNT tiêu biểu")
    if counts:
        sentences.append("Trong kỳ đã " + "; ".join(counts) + ".")
    if not sentences:
        sentences.append(
            f"{opening}, {resolved.label} chưa có số liệu khuyến công nào được ghi nhận."
        )
    if missing:
        sentences.append(
            "Chưa xác định được chính xác "
            + ", ".join(missing)
            + " do thiếu số liệu tổng hợp cho một phần của kỳ báo cáo."
        )
    return " ".join(sentences)
