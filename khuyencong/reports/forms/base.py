"""The plain object an official report form is built into (DESIGN.md: "A report or an official
form is built once into a plain object … the renderers only read it").

A builder (``khuyencong.reports.forms.<code>``) computes an ``OfficialForm`` for a unit and a
period; the page, the API and the XLSX/DOCX/PDF renderers only read it, so the four outputs
cannot disagree. ``as_json`` is the API shape (shared/API.md, "Official report forms") and
what a frozen submission keeps; ``from_json`` gives the same object back, so a submitted form
is re-rendered exactly as it was filed.

The order of the columns is a property of the form (some provinces put KCĐP before KCQG), not
of the code: renderers iterate ``columns`` and never name a column themselves.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# What a column holds: money in đồng (rendered in the form's ``money_unit``), a count, a
# percentage with one decimal, or text.
ColumnKind = Literal["money", "count", "percent", "text"]
Value = int | float | str | None


@dataclass(frozen=True)
class FormColumn:
    key: str  # the key of the figure in each row's ``values`` and in the API ("national")
    label: str  # the heading as the form prints it, Vietnamese ("KCQG")
    kind: ColumnKind = "count"
    group: str = ""  # a heading spanning neighbouring columns ("Kinh phí đã giải ngân")


@dataclass
class FormRow:
    no: str  # the row number as the form prints it: "1", "1.1", "I", "" for a total
    code: str  # stable code (API.md: "training.vocational", "01-NGHE", "total", a project id)
    label: str  # Vietnamese label
    unit_label: str = ""  # "người", "triệu đồng", "lượt cơ sở"…
    values: dict[str, Value] = field(default_factory=dict)
    level: int = 0  # 0 a heading or total (bold), 1 a row, 2 a sub-row (indented)
    note: str = ""
    # What the row's figures are when it differs from its columns' kind: a money row
    # ("money", in đồng, printed in the form's ``money_unit``) in a table of counts.
    kind: ColumnKind | Literal[""] = ""


@dataclass
class Completeness:
    """How many of the places expected under a unit reported a figure (as DHIS2's
    reporting rate): ``reported`` of ``expected``, the ``missing`` ones as units
    ("legacy-province:79") and by name; ``level`` says what the places are ("province" —
    pre-2025 or 2025 — or "commune")."""

    reported: int
    expected: int
    missing: list[str] = field(default_factory=list)  # units as text ("legacy-province:79")
    missing_labels: list[str] = field(default_factory=list)
    level: str = "province"

    @property
    def partial(self) -> bool:
        return bool(self.missing)


@dataclass
class OfficialForm:
    code: str  # "results", "funding", "awards", "projects"
    title: str  # "KẾT QUẢ CÔNG TÁC KHUYẾN CÔNG"
    unit: str  # "province:66"
    unit_label: str  # "tỉnh Đắk Lắk"
    start: datetime.date
    end: datetime.date
    period_label: str  # "năm 2026", "6 tháng đầu năm 2026"
    columns: list[FormColumn]
    rows: list[FormRow]
    money_unit: str = "triệu đồng"  # printed in the header; money is kept in đồng
    completeness: Completeness | None = None
    notes: list[str] = field(default_factory=list)  # one line each, shown under the table

    def as_json(self) -> dict[str, Any]:
        return {
            "form": self.code,
            "title": self.title,
            "unit": self.unit,
            "unit_label": self.unit_label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "period_label": self.period_label,
            "money_unit": self.money_unit,
            "columns": [asdict(c) for c in self.columns],
            "rows": [
                {
                    "no": r.no,
                    "code": r.code,
                    "label": r.label,
                    "unit_label": r.unit_label,
                    "level": r.level,
                    "note": r.note,
                    "kind": r.kind,
                    **r.values,
                }
                for r in self.rows
            ],
            "completeness": asdict(self.completeness) if self.completeness else None,
            "notes": list(self.notes),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OfficialForm:
        columns = [FormColumn(**c) for c in data["columns"]]
        keys = {c.key for c in columns}
        rows = [
            FormRow(
                no=r["no"],
                code=r["code"],
                label=r["label"],
                unit_label=r.get("unit_label", ""),
                values={k: v for k, v in r.items() if k in keys},
                level=r.get("level", 0),
                note=r.get("note", ""),
                kind=r.get("kind", ""),
            )
            for r in data["rows"]
        ]
        completeness = data.get("completeness")
        return cls(
            code=data["form"],
            title=data["title"],
            unit=data["unit"],
            unit_label=data["unit_label"],
            start=datetime.date.fromisoformat(data["start"]),
            end=datetime.date.fromisoformat(data["end"]),
            period_label=data["period_label"],
            columns=columns,
            rows=rows,
            money_unit=data.get("money_unit", "triệu đồng"),
            completeness=Completeness(**completeness) if completeness else None,
            notes=list(data.get("notes", [])),
        )
