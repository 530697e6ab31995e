"""The XLSX of an annual plan in the shape provinces register it ("Danh mục đề án khuyến
công"): title rows, one row per project with its money by source, a total row. Either the
plan as it stands or one of its frozen versions."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from khuyencong.core.exporting import neutralise, workbook_bytes  # formula-injection guard
from khuyencong.programmes.models import AnnualPlan, BudgetLine, FundingLevel, PlanVersion, Project

MONEY_FORMAT = "#,##0"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _rows_now(plan: AnnualPlan) -> list[dict]:
    projects = (
        plan.projects.exclude(status__in=[Project.Status.DRAFT, Project.Status.CANCELLED])
        .select_related("category", "commune")
        .prefetch_related(Prefetch("budget_lines", queryset=BudgetLine.objects.all()))
        .order_by("code")
    )
    return [
        {
            "code": p.code,
            "title": p.title,
            "category": f"{p.category_id}. {p.category.display_name}",
            "implementer": p.implementer,
            "place": ", ".join(x for x in (p.place, p.commune.name if p.commune else "") if x),
            "period": " – ".join(d.strftime("%d/%m/%Y") for d in (p.start_date, p.end_date) if d),
            "status": str(p.get_status_display()),
            "budget": {line.source: line.amount for line in p.budget_lines.all()},
        }
        for p in projects
    ]


def _rows_of(version: PlanVersion) -> list[dict]:
    from khuyencong.programmes.models import ActivityCategory

    categories = {c.code: c.display_name for c in ActivityCategory.objects.all()}
    details = {
        p.pk: p
        for p in Project.objects.filter(pk__in=[i["id"] for i in version.content]).select_related(
            "commune"
        )
    }
    rows = []
    for item in version.content:
        p = details.get(item["id"])
        rows.append(
            {
                "code": item["code"],
                "title": item["title"],
                "category": f"{item['category']}. {categories.get(item['category'], '')}",
                "implementer": p.implementer if p else "",
                "place": ", ".join(x for x in (p.place, p.commune.name if p.commune else "") if x)
                if p
                else "",
                "period": " – ".join(
                    d.strftime("%d/%m/%Y") for d in (p.start_date, p.end_date) if d
                )
                if p
                else "",
                "status": str(Project.Status(item["status"]).label),
                "budget": item["budget"],
            }
        )
    return rows


def plan_workbook(plan: AnnualPlan, *, version: PlanVersion | None = None) -> bytes:
    state = "national" if plan.funding_level == FundingLevel.NATIONAL else "local"
    rows = _rows_of(version) if version is not None else _rows_now(plan)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Plan")[:31]
    level = plan.get_funding_level_display()
    title = _("LIST OF KHUYẾN CÔNG PROJECTS %(year)s — %(level)s FUNDS") % {
        "year": plan.year,
        "level": str(level).upper(),
    }
    ws.append([title])
    ws.append([plan.province.name])
    if version is not None:
        subtitle = _("Version %(n)s (%(kind)s)") % {
            "n": version.number,
            "kind": version.get_kind_display(),
        }
        if version.decision_number:
            subtitle += f" — {version.decision_number}"
            if version.decision_date:
                subtitle += f" ({version.decision_date:%d/%m/%Y})"
    else:
        subtitle = _("As of %(date)s") % {"date": timezone.localdate().strftime("%d/%m/%Y")}
    ws.append([subtitle])
    ws.append([_("Unit: đồng")])
    header = [
        _("No."),
        _("Project code"),
        _("Project title"),
        _("Activity content"),
        _("Implementer"),
        _("Place"),
        _("Period"),
        _("Total"),
        _("National khuyến công funds") if state == "national" else _("Local khuyến công funds"),
        _("Counterpart"),
        _("Other"),
        _("Status"),
    ]
    ws.append(header)
    header_row = ws.max_row
    first = header_row + 1
    for number, row in enumerate(rows, start=1):
        b = row["budget"]
        ws.append(
            [
                number,
                neutralise(row["code"]),
                neutralise(row["title"]),
                neutralise(row["category"]),
                neutralise(row["implementer"]),
                neutralise(row["place"]),
                row["period"],
                sum(b.values()),
                b.get(state, 0),
                b.get("counterpart", 0),
                b.get("other", 0),
                row["status"],
            ]
        )
    last = ws.max_row
    totals = [sum(sum(r["budget"].values()) for r in rows)] + [
        sum(r["budget"].get(key, 0) for r in rows) for key in (state, "counterpart", "other")
    ]
    ws.append(["", "", _("Total"), "", "", "", "", *totals, ""])
    total_row = ws.max_row
    for cell in ws[1]:
        cell.font = Font(bold=True, size=13)
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for cell in ws[total_row]:
        cell.font = Font(bold=True)
    for r in range(header_row, total_row + 1):
        for c in range(1, len(header) + 1):
            cell = ws.cell(row=r, column=c)
            cell.border = BOX
            if 8 <= c <= 11 and r > header_row:
                cell.number_format = MONEY_FORMAT
    widths = [6, 16, 48, 36, 28, 24, 24, 18, 18, 18, 16, 16]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = ws.cell(row=first, column=1)
    del last
    return workbook_bytes(wb)
