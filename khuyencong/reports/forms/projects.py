"""The project list (danh mục đề án khuyến công): every project of the unit in the plans of
the years the period touches, approved or later (``programmes.services.PLANNED_STATES``),
with its years, programme, budget by source, beneficiaries and state, and a total row.
Three queries whatever the number of projects."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Sum

from khuyencong.programmes.models import BudgetLine, Project, ProjectBeneficiary
from khuyencong.programmes.services import PLANNED_STATES
from khuyencong.reports.forms.base import FormColumn, FormRow, OfficialForm
from khuyencong.reports.forms.common import new_form
from khuyencong.reports.periods import Period
from khuyencong.reports.records import Scope
from khuyencong.reports.units import NATION, ResolvedUnit

CODE = "projects"
TITLE = "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG"
COLUMNS = [
    FormColumn("title", "Tên đề án", "text"),
    FormColumn("years", "Thời gian thực hiện", "text"),
    FormColumn("funding_level", "Chương trình", "text"),
    FormColumn("budget", "Tổng kinh phí", "money", "Kinh phí"),
    FormColumn("national", "KCQG", "money", "Kinh phí"),
    FormColumn("local", "KCĐP", "money", "Kinh phí"),
    FormColumn("counterpart", "Vốn đối ứng", "money", "Kinh phí"),
    FormColumn("beneficiaries", "Số cơ sở thụ hưởng", "count"),
    FormColumn("status", "Tình trạng", "text"),
]
PROGRAMME_WORDS = {"national": "KCQG", "local": "KCĐP"}
STATUS_WORDS: dict[str, str] = {
    Project.Status.APPROVED: "Đã phê duyệt",
    Project.Status.IN_PROGRESS: "Đang thực hiện",
    Project.Status.ACCEPTED: "Đã nghiệm thu",
    Project.Status.SETTLED: "Đã quyết toán",
    Project.Status.SUSPENDED: "Tạm dừng",
}
MONEY = ("budget", "national", "local", "counterpart")


def scope_of(resolved: ResolvedUnit) -> Scope:
    return Scope(
        provinces=None if resolved.unit.kind == NATION else tuple(resolved.provinces),
        communes=tuple(resolved.communes) if resolved.communes is not None else None,
        legacy_province=resolved.legacy_province,
    )


def _years(project: Project) -> str:
    first = project.start_date.year if project.start_date else project.year
    last = project.end_date.year if project.end_date else project.year
    return str(first) if first == last else f"{first}–{last}"


def build(resolved: ResolvedUnit, period: Period) -> OfficialForm:
    where = scope_of(resolved).where("province", "commune")
    projects = list(
        Project.objects.filter(
            where,
            status__in=PLANNED_STATES,
            year__gte=period.start.year,
            year__lte=period.end.year,
        )
        .only("id", "code", "title", "year", "funding_level", "start_date", "end_date", "status")
        .order_by("province_id", "year", "funding_level", "code")
    )
    ids = [p.pk for p in projects]
    money: dict[int, dict[str, int]] = defaultdict(dict)
    beneficiaries: dict[int, int] = {}
    if ids:
        for project_id, source, total in (
            BudgetLine.objects.filter(project__in=ids)
            .values_list("project", "source")
            .annotate(total=Sum("amount"))
            .order_by()
        ):
            money[project_id][source] = int(total or 0)
        beneficiaries = dict(
            ProjectBeneficiary.objects.filter(project__in=ids)
            .values_list("project")
            .annotate(n=Count("pk"))
            .order_by()
        )
    rows = []
    totals = dict.fromkeys((*MONEY, "beneficiaries"), 0)
    for number, project in enumerate(projects, start=1):
        lines = money[project.pk]
        values: dict[str, int | float | str | None] = {
            "title": project.title,
            "years": _years(project),
            "funding_level": PROGRAMME_WORDS.get(project.funding_level, project.funding_level),
            "budget": sum(lines.values()),
            "national": lines.get("national", 0),
            "local": lines.get("local", 0),
            "counterpart": lines.get("counterpart", 0),
            "beneficiaries": beneficiaries.get(project.pk, 0),
            "status": STATUS_WORDS.get(project.status, project.status),
        }
        for key in totals:
            totals[key] += int(values[key] or 0)
        rows.append(FormRow(str(number), project.code, project.title, "", values, level=1))
    rows.append(
        FormRow(
            "",
            "total",
            "Tổng cộng",
            "",
            {"title": "Tổng cộng", "years": "", "funding_level": "", "status": "", **totals},
            level=0,
        )
    )
    return new_form(CODE, TITLE, resolved, period, list(COLUMNS), rows)
