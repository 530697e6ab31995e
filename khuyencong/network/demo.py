"""Demo field network, created through the services so every step shows who took it: for
each demo province, collaborators covering some communes (others left uncovered, one
collaborator whose term has ended), their trainings and rewards, and their quarterly
reports over the last four finished quarters in every status — accepted on time and late,
one returned with a reason, submitted, drafts, one missing — with counts by sector and
difficulties open, forwarded and resolved. The demo collaborator login (``ctv_<province>``)
is linked to its record and has the current quarter's report still to file."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from khuyencong.accounts.demo import DEMO_PROVINCES
from khuyencong.core.demokit import DemoContext
from khuyencong.network import deadlines, services
from khuyencong.network.models import (
    Collaborator,
    Difficulty,
    QuarterlyReport,
    ReportDeadline,
    ReportTransition,
)
from khuyencong.network.quarters import Quarter, finished_quarters, quarter_of
from khuyencong.network.workflow import change_difficulty, transition_report
from khuyencong.places.models import Commune

S = QuarterlyReport.Status
OTHER_NAMES = {
    "01": ["Nguyễn Thị Thu Hà", "Đỗ Văn Thắng", "Phạm Quang Huy"],
    "66": ["Y Kông Ayun", "Lê Thị Hồng", "Nguyễn Đình Phương"],
    "82": ["Trần Văn Út", "Lê Thị Mỹ Linh", "Phan Thanh Sang"],
}
POSITIONS = [
    "Công chức Văn hóa – Xã hội",
    "Công chức Kinh tế",
    "Cán bộ Hội Nông dân xã",
    "Công chức Địa chính – Xây dựng",
]
DIFFICULTIES = [
    ("capital", "Các hộ sản xuất thiếu vốn đầu tư máy móc, khó tiếp cận vay ưu đãi."),
    ("market", "Sản phẩm tiêu thụ chậm, phụ thuộc thương lái, giá bán bấp bênh."),
    ("raw_materials", "Nguyên liệu đầu vào tăng giá, nguồn cung không ổn định."),
    ("technology", "Thiết bị lạc hậu, năng suất thấp, cần hỗ trợ chuyển giao công nghệ."),
    ("premises", "Thiếu mặt bằng sản xuất, nhiều hộ sản xuất ngay trong khu dân cư."),
    ("labour", "Lao động trẻ đi làm ở khu công nghiệp, thiếu thợ lành nghề."),
    ("procedures", "Thủ tục đăng ký nhãn hiệu, công bố sản phẩm còn phức tạp."),
    ("environment", "Nước thải, khói bụi từ cơ sở chế biến chưa được xử lý."),
]
FORWARDED_TO = [
    "Ngân hàng Chính sách xã hội chi nhánh tỉnh",
    "UBND xã",
    "Sở Khoa học và Công nghệ",
    "Trung tâm Xúc tiến thương mại tỉnh",
]
RETURN_REASON = (
    "Tổng số cơ sở đang hoạt động chưa khớp với danh sách cơ sở của xã; "
    "đề nghị rà soát và bổ sung số liệu ngành thủ công mỹ nghệ."
)
# For each collaborator (by its place in the province's list) and each of the last four
# finished quarters, oldest first: what became of the report. ``None``: no report (missing).
PLANS: list[list[str | None]] = [
    ["accepted", "accepted_late", "returned", "submitted"],  # the demo login
    ["accepted", None, "accepted_late", "draft"],
    ["accepted", "accepted", "submitted_late", "submitted"],
]
ENDED_PLAN = ["accepted", "accepted"]


def _moment(day: datetime.date, rng: Any) -> datetime.datetime:
    time = datetime.time(rng.randint(7, 16), rng.randint(0, 59))
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _collaborator(officer: Any, province: Any, communes: list[Any], **data: Any) -> Collaborator:
    return services.create_collaborator(
        actor=officer, data={"province": province, "communes": communes, **data}
    )


def _report_data(rng: Any, communes: list[Any], kind: str) -> dict[str, Any]:
    lines = []
    for sector in rng.sample(["a", "b", "d", "dd"], 2):
        active = rng.randint(4, 25)
        lines.append(
            {
                "sector": sector,
                "active": active,
                "new": rng.randint(0, 3),
                "ceased": rng.randint(0, 1),
            }
        )
    picked = rng.sample(DIFFICULTIES, 2 if kind != "draft" else 1)
    return {
        "establishments_active": sum(line["active"] for line in lines),
        "establishments_new": sum(line["new"] for line in lines),
        "establishments_ceased": sum(line["ceased"] for line in lines),
        "sector_lines": lines,
        "proposals": rng.choice(
            [
                "Đề nghị hỗ trợ các hộ tham gia hội chợ và đăng ký nhãn hiệu tập thể.",
                "Đề nghị mở lớp đào tạo nghề và hỗ trợ máy móc cho tổ hợp tác.",
                "Đề nghị tư vấn sản xuất sạch hơn cho các cơ sở chế biến.",
            ]
        ),
        "difficulties": [
            {"topic": topic, "text": text, "commune": rng.choice(communes).pk}
            for topic, text in picked
        ],
    }


def _file(
    ctx: DemoContext,
    collaborator: Collaborator,
    filer: Any,
    reviewer: Any,
    period: Quarter,
    kind: str,
    days: int,
) -> QuarterlyReport:
    """File the report through the services, then give its steps the dates they would
    have had (the services stamp them with the moment the demo runs)."""
    rng = ctx.rng
    today = services.today()
    communes = list(collaborator.communes.all())
    report = services.create_report(
        actor=filer,
        collaborator=collaborator,
        year=period.year,
        quarter=period.quarter,
        data=_report_data(rng, communes, kind),
    )
    due = period.due(days)
    drafted = min(period.end - datetime.timedelta(days=rng.randint(0, 10)), today)
    drafted_at = _moment(drafted, rng)
    QuarterlyReport.objects.filter(pk=report.pk).update(created_at=drafted_at)
    if kind == "draft":
        QuarterlyReport.history.filter(id=report.pk).update(history_date=drafted_at)
        Difficulty.objects.filter(report=report).update(created_at=drafted_at)
        return report
    report = transition_report(actor=filer, report=report, action="submit")
    if kind.endswith("late"):
        submitted = due + datetime.timedelta(days=rng.randint(3, 15))
    else:
        submitted = period.end + datetime.timedelta(days=rng.randint(1, max(days - 1, 1)))
    submitted = max(min(submitted, today), drafted)
    if kind.startswith("accepted"):
        report = transition_report(
            actor=reviewer, report=report, action="accept", note="Số liệu đầy đủ, hợp lệ."
        )
    elif kind == "returned":
        report = transition_report(
            actor=reviewer, report=report, action="return", note=RETURN_REASON
        )
    reviewed = min(submitted + datetime.timedelta(days=rng.randint(2, 6)), today)
    submitted_at = max(_moment(submitted, rng), drafted_at + datetime.timedelta(hours=1))
    reviewed_at = _moment(reviewed, rng)
    if reviewed_at < submitted_at:
        reviewed_at = submitted_at + datetime.timedelta(hours=2)
    QuarterlyReport.objects.filter(pk=report.pk).update(
        submitted_at=submitted_at,
        reviewed_at=reviewed_at if report.reviewed_by_id else None,
    )
    ReportTransition.objects.filter(report=report, action="submit").update(at=submitted_at)
    ReportTransition.objects.filter(report=report).exclude(action="submit").update(at=reviewed_at)
    Difficulty.objects.filter(report=report).update(created_at=submitted_at)
    _backdate_history(report, drafted_at, submitted_at, reviewed_at)
    report.refresh_from_db()
    return report


def _backdate_history(
    report: QuarterlyReport,
    drafted_at: datetime.datetime,
    submitted_at: datetime.datetime,
    reviewed_at: datetime.datetime,
) -> None:
    """The report's history rows (created, submitted, reviewed) at the same moments."""
    rows = list(QuarterlyReport.history.filter(id=report.pk).order_by("history_id"))
    moments = [drafted_at, submitted_at, reviewed_at]
    for row, moment in zip(rows, moments, strict=False):
        QuarterlyReport.history.filter(history_id=row.history_id).update(
            history_date=moment,
            submitted_at=submitted_at if row.submitted_at else None,
            reviewed_at=reviewed_at if row.reviewed_at else None,
        )


def _handle(ctx: DemoContext, reports: list[QuarterlyReport], officer: Any) -> None:
    """The province handles the difficulties of older submitted reports: some forwarded,
    some resolved, the newest left open."""
    visible = list(
        Difficulty.objects.filter(report__in=reports, shared=True)
        .select_related("commune")
        .order_by("report__year", "report__quarter", "id")
    )
    for index, difficulty in enumerate(visible):
        step = index % 3
        if step == 0:
            change_difficulty(
                actor=officer,
                difficulty=difficulty,
                status=Difficulty.Status.FORWARDED,
                forwarded_to=ctx.rng.choice(FORWARDED_TO),
            )
        elif step == 1:
            change_difficulty(
                actor=officer,
                difficulty=difficulty,
                status=Difficulty.Status.RESOLVED,
                resolution="Đã giới thiệu cơ sở tham gia đề án khuyến công năm sau; cơ sở đồng ý.",
            )


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    today = services.today()
    quarters = finished_quarters(today, 4)
    slugs = {code: slug for code, slug, *_rest in DEMO_PROVINCES}
    # Đồng Tháp gives its collaborators 15 days (a province's own deadline wins over the
    # nationwide 10 of migration 0002).
    ReportDeadline.objects.get_or_create(
        province_id="82", defaults={"days": 15, "legal_basis": "Quy chế cộng tác viên của tỉnh"}
    )
    deadline_days = deadlines.deadline_days()
    total = 0
    for province in ctx.provinces:
        slug = slugs.get(province.code)
        if slug is None or province.code not in OTHER_NAMES:
            continue
        officer = ctx.users[f"officer_{slug}"]
        manager = ctx.users[f"manager_{slug}"]
        login = ctx.users[f"collaborator_{slug}"]
        days = deadlines.days_for(province.code, deadline_days)
        own = list(login.communes.order_by("code"))
        others = list(
            Commune.objects.filter(province=province)
            .exclude(pk__in=[c.pk for c in own])
            .order_by("code")[:6]
        )
        appointed = quarters[0].start - datetime.timedelta(days=rng.randint(200, 500))
        people = [
            _collaborator(
                officer,
                province,
                own,
                full_name=login.get_full_name(),
                user=login,
                phone=f"09{rng.randint(10_000_000, 99_999_999)}",
                position=POSITIONS[0],
                appointed_on=appointed,
                appointment_decision=f"{rng.randint(100, 999)}/QĐ-UBND",
                monthly_fee=1_490_000,
            )
        ]
        # Two colleagues: one covering one commune, one covering two; the commune between
        # them and those after stay without a collaborator.
        for index, (name, covered) in enumerate(
            zip(OTHER_NAMES[province.code][:2], [others[0:1], others[2:4]], strict=True), start=1
        ):
            people.append(
                _collaborator(
                    officer,
                    province,
                    covered,
                    full_name=name,
                    phone=f"09{rng.randint(10_000_000, 99_999_999)}",
                    position=POSITIONS[index],
                    appointed_on=appointed - datetime.timedelta(days=90 * index),
                    appointment_decision=f"{rng.randint(100, 999)}/QĐ-UBND",
                    monthly_fee=rng.choice([1_000_000, 1_200_000, 1_490_000]),
                )
            )
        # A collaborator whose term ended after the second of the four quarters: their
        # commune is uncovered now.
        ended = _collaborator(
            officer,
            province,
            others[4:5],
            full_name=OTHER_NAMES[province.code][2],
            position=POSITIONS[3],
            appointed_on=appointed - datetime.timedelta(days=365),
            appointment_decision=f"{rng.randint(100, 999)}/QĐ-UBND",
            active_until=quarters[1].end,
            monthly_fee=1_000_000,
        )
        for person in [*people, ended]:
            services.add_training(
                actor=officer,
                collaborator=person,
                title="Tập huấn nghiệp vụ cộng tác viên khuyến công",
                date=min(person.appointed_on + datetime.timedelta(days=60), today),
                organiser=f"Trung tâm Khuyến công {province.short_name}",
            )
        services.add_training(
            actor=officer,
            collaborator=people[0],
            title="Tập huấn chuyển đổi số cho cơ sở công nghiệp nông thôn",
            date=quarters[2].start + datetime.timedelta(days=20),
            organiser="Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công",
        )
        services.add_reward(
            actor=manager,
            collaborator=people[0],
            title="Giấy khen cộng tác viên khuyến công tiêu biểu",
            date=quarters[0].end,
            amount=1_000_000,
            decision=f"{rng.randint(10, 99)}/QĐ-SCT",
        )
        services.add_reward(
            actor=manager,
            collaborator=people[1],
            title="Giấy khen hoàn thành tốt nhiệm vụ",
            date=quarters[0].end,
            amount=0,
            decision=f"{rng.randint(10, 99)}/QĐ-SCT",
        )
        reports = []
        for person, plan in zip(people, PLANS, strict=False):
            filer = login if person.user_id == login.pk else officer
            for period, kind in zip(quarters, plan, strict=True):
                if kind is not None:
                    reports.append(_file(ctx, person, filer, manager, period, kind, days))
        for period, kind in zip(quarters, ENDED_PLAN, strict=False):
            reports.append(_file(ctx, ended, officer, manager, period, kind, days))
        # This quarter: a colleague has started a draft; the demo login still has to file.
        if len(people) > 2:
            reports.append(
                _file(ctx, people[2], officer, manager, quarter_of(today), "draft", days)
            )
        _handle(ctx, reports, officer)
        total += len(reports)
    ctx.log(f"  {total} collaborator reports")
