"""The results form (kết quả công tác khuyến công): the outputs of the period, each with a
column for the national programme (KCQG), the local programme (KCĐP) and the total.

Each row is the catalogue indicator ``results.<row code>`` with its parts
``results.<row code>.national`` and ``.local`` (migration reports 0004), so the days before a
province's records start are answered by aggregate values exactly as the summary's are
(``reports.figures``); the days after by the records (``forms.records``). The staff row is a
level (read at the end of the period) and has no programme split.

Which records answer which row is told row by row in docs/reports.md ("The official forms").
"""

from __future__ import annotations

from dataclasses import dataclass

from khuyencong.reports import figures
from khuyencong.reports.forms.base import FormColumn, FormRow, OfficialForm
from khuyencong.reports.forms.common import PROGRAMMES, form_notes, new_form
from khuyencong.reports.periods import Period
from khuyencong.reports.units import ResolvedUnit

CODE = "results"
TITLE = "KẾT QUẢ CÔNG TÁC KHUYẾN CÔNG"
PREFIX = "results."


@dataclass(frozen=True)
class RowDef:
    no: str
    code: str
    label: str
    unit_label: str
    level: int = 1
    money: bool = False
    split: bool = True  # has KCQG and KCĐP columns


# The rows in the form's order (data: renderers never name a row).
ROWS = (
    RowDef("1", "training.vocational", "Đào tạo nghề, truyền nghề", "người"),
    RowDef("1.1", "training.vocational.employed", "Trong đó: có việc làm sau đào tạo", "người", 2),
    RowDef("2", "training.upskilling", "Đào tạo nâng cao tay nghề cho lao động", "người"),
    RowDef("3", "training.startup", "Đào tạo khởi sự doanh nghiệp", "người"),
    RowDef("4", "training.management", "Đào tạo nâng cao năng lực quản lý", "người"),
    RowDef("5", "workshops.count", "Hội thảo, diễn đàn, hội nghị", "cuộc"),
    RowDef("6", "study_tours.domestic.groups", "Tham quan khảo sát trong nước", "đoàn"),
    RowDef("6.1", "study_tours.domestic.persons", "Số người tham gia", "người", 2),
    RowDef("7", "study_tours.abroad.groups", "Tham quan khảo sát nước ngoài", "đoàn"),
    RowDef("7.1", "study_tours.abroad.persons", "Số người tham gia", "người", 2),
    RowDef("8", "establishments.founded", "Hỗ trợ thành lập mới cơ sở CNNT", "cơ sở"),
    RowDef("9", "models.demonstration", "Mô hình trình diễn kỹ thuật", "mô hình"),
    RowDef(
        "9.1",
        "models.demonstration.investment",
        "Vốn đầu tư thu hút vào mô hình",
        "triệu đồng",
        2,
        money=True,
    ),
    RowDef(
        "10",
        "machinery.establishments",
        "Cơ sở được hỗ trợ ứng dụng máy móc, thiết bị tiên tiến, chuyển giao công nghệ",
        "cơ sở",
    ),
    RowDef(
        "10.1",
        "machinery.investment",
        "Vốn đầu tư thu hút vào máy móc, thiết bị",
        "triệu đồng",
        2,
        money=True,
    ),
    RowDef("11", "cleaner_production.models", "Mô hình sản xuất sạch hơn", "mô hình"),
    RowDef(
        "12",
        "awards.products",
        "Sản phẩm CNNT tiêu biểu được bình chọn, công nhận",
        "sản phẩm",
    ),
    RowDef("13", "fairs.organised", "Tổ chức hội chợ, triển lãm", "hội chợ"),
    RowDef("13.1", "fairs.booths", "Số gian hàng", "gian hàng", 2),
    RowDef(
        "14",
        "fairs.establishments",
        "Hỗ trợ cơ sở tham gia hội chợ, triển lãm",
        "lượt cơ sở",
    ),
    RowDef("15", "brands.establishments", "Hỗ trợ cơ sở đăng ký nhãn hiệu", "cơ sở"),
    RowDef("16", "consulting.establishments", "Tư vấn, trợ giúp cơ sở CNNT", "lượt cơ sở"),
    RowDef("17", "communication.publications", "Ấn phẩm, tin bài, tờ rơi", "ấn phẩm"),
    RowDef(
        "18",
        "communication.broadcasts",
        "Chương trình truyền hình, phát thanh",
        "chương trình",
    ),
    RowDef("19", "associations.supported", "Hỗ trợ hiệp hội, hội ngành nghề", "hiệp hội"),
    RowDef("20", "clusters.plans", "Hỗ trợ lập quy hoạch chi tiết cụm công nghiệp", "cụm"),
    RowDef("21", "clusters.infrastructure", "Hỗ trợ đầu tư hạ tầng cụm công nghiệp", "cụm"),
    RowDef("22", "staff_training.classes", "Đào tạo, tập huấn cán bộ khuyến công", "lớp"),
    RowDef("22.1", "staff_training.persons", "Số người được đào tạo, tập huấn", "người", 2),
    RowDef("23", "staff.count", "Số người làm công tác khuyến công", "người", split=False),
)
ROW_CODES = tuple(row.code for row in ROWS)

COLUMNS = [
    FormColumn("national", "KCQG", "count", "Kết quả thực hiện"),
    FormColumn("local", "KCĐP", "count", "Kết quả thực hiện"),
    FormColumn("total", "Tổng số", "count", "Kết quả thực hiện"),
]


def indicator_codes(row: RowDef) -> dict[str, str]:
    """The catalogue indicator answering each column of a row."""
    base = PREFIX + row.code
    if not row.split:
        return {"total": base}
    return {"national": f"{base}.national", "local": f"{base}.local", "total": base}


def build(resolved: ResolvedUnit, period: Period) -> OfficialForm:
    catalogue = figures.Catalogue.load()
    wanted = [code for row in ROWS for code in indicator_codes(row).values()]
    indicators = [catalogue.indicators[code] for code in wanted]
    found = figures.compute(resolved, period, indicators, catalogue)
    rows = []
    notes: list[tuple[str, str]] = []
    for row in ROWS:
        codes = indicator_codes(row)
        values = dict.fromkeys(PROGRAMMES)
        values.update({key: found[code].value for key, code in codes.items()})
        for code in codes.values():
            if found[code].note:
                notes.append((row.no, found[code].note))
        rows.append(
            FormRow(
                no=row.no,
                code=row.code,
                label=row.label,
                unit_label=row.unit_label,
                values=values,
                level=row.level,
                kind="money" if row.money else "",
            )
        )
    form = new_form(CODE, TITLE, resolved, period, list(COLUMNS), rows)
    form.notes = form_notes(notes, rows=sum(1 for r in rows if r.no))
    form.completeness = figures.combined_completeness(found.values())
    return form
