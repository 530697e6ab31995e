"""Demo programmes, plans and projects, created through the services so every step shows
who took it: for each demo province, last year's plans (settled, with inspections now due
or overdue) and this year's plans with projects in every state, disbursements, a manager's
override of a cap, an adjustment and the plan versions to compare."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from khuyencong.core.demokit import DemoContext
from khuyencong.programmes import inspections, services
from khuyencong.programmes.models import (
    ActivityCategory,
    ActivitySubtype,
    AnnualPlan,
    Inspection,
    PlanDeadline,
    PlanVersion,
    Project,
    SupportCap,
)
from khuyencong.programmes.workflow import transition_project
from khuyencong.registry import eligibility

S = Project.Status
M = 1_000_000

# (subtype, title pattern, state money, counterpart, outputs, beneficiaries)
KINDS = {
    "machine": (
        "03-MAYMOC",
        "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong {trade} tại {name}",
        180 * M,
        240 * M,
        {"machines.count": 2, "machinery.establishments": 1, "machinery.investment": 240 * M},
        1,
    ),
    "model": (
        "03-MOHINH",
        "Xây dựng mô hình trình diễn kỹ thuật sản xuất {trade} tại {name}",
        420 * M,
        1_050 * M,
        {"models.count": 1, "models.investment": 1_050 * M, "establishments.founded": 1},
        1,
    ),
    "training": (
        "01-NGHE",
        "Đào tạo nghề {trade} cho lao động nông thôn",
        135 * M,
        0,
        {"trainees.count": 35},
        2,
    ),
    "fair": (
        "04-HOICHO",
        "Hỗ trợ cơ sở công nghiệp nông thôn tham gia hội chợ triển lãm khu vực",
        96 * M,
        24 * M,
        {"fairs.participations": 12},
        3,
    ),
    "brand": (
        "04-NHANHIEU",
        "Hỗ trợ đăng ký nhãn hiệu sản phẩm {trade} của {name}",
        30 * M,
        30 * M,
        {"brands.count": 1},
        1,
    ),
    "media": (
        "06-TRUYENHINH",
        "Tuyên truyền hoạt động khuyến công trên Đài Phát thanh và Truyền hình tỉnh",
        85 * M,
        0,
        {"communications.count": 24},
        0,
    ),
    "consult": (
        "05-TUVAN",
        "Tư vấn lập dự án đầu tư và kiểm toán năng lượng cho {name}",
        30 * M,
        32 * M,
        {"consulting.count": 1},
        1,
    ),
}
# This year's national plan: one project in each state, beyond approval via the plan.
THIS_YEAR = [
    ("machine", S.SETTLED),
    ("model", S.ACCEPTED),
    ("training", S.IN_PROGRESS),
    ("brand", S.IN_PROGRESS),
    ("fair", S.APPROVED),
    ("consult", S.SUSPENDED),
    ("machine", S.CANCELLED),
]
LATER = [
    ("machine", S.APPRAISED),
    ("brand", S.SUBMITTED),
    ("consult", S.RETURNED),
    ("model", S.DRAFT),
]
LOCAL = [("training", S.SETTLED), ("media", S.IN_PROGRESS), ("fair", S.APPROVED)]
LAST_YEAR = [("machine", 380), ("model", 420), ("brand", 470), ("training", 520)]


def _ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _eligible(ctx: DemoContext, province: Any, on: datetime.date) -> list[Any]:
    rule = eligibility.rule_in_force(on)
    return [
        e
        for e in ctx.establishments
        if e.province_id == province.code and eligibility.evaluate(e, on, rule=rule).eligible
    ]


def _trade(establishment: Any) -> str:
    name = establishment.name
    for prefix in ("Cơ sở sản xuất ", "Cơ sở ", "Hộ kinh doanh ", "Hợp tác xã ", "Công ty TNHH "):
        if name.startswith(prefix):
            return name[len(prefix) :].split(" ")[0].lower() or "thủ công"
    return "chế biến"


def _draft(
    officer: Any, province: Any, year: int, level: str, kind: str, pool: list[Any], rng: Any
) -> Project:
    subtype_code, pattern, state, counterpart, outputs, count = KINDS[kind]
    subtype = ActivitySubtype.objects.select_related("category").get(pk=subtype_code)
    chosen = rng.sample(pool, min(count, len(pool))) if count else []
    first = chosen[0] if chosen else None
    state_source = "national" if level == "national" else "local"
    lines = [
        {
            "source": state_source,
            "amount": state * max(len(chosen), 1) if kind == "brand" else state,
        }
    ]
    if counterpart:
        lines.append(
            {
                "source": "counterpart",
                "amount": counterpart * (max(len(chosen), 1) if kind == "brand" else 1),
            }
        )
    if kind == "model" and level == "local":
        lines.append(
            {
                "source": "other",
                "amount": 150 * M,
                "other_programme": "Chương trình mục tiêu quốc gia xây dựng nông thôn mới",
            }
        )
    title = pattern.format(
        trade=_trade(first) if first else "",
        name=first.name if first else province.short_name,
    )
    start = datetime.date(year, 3, 1)
    return services.create_project(
        actor=officer,
        data={
            "province": province,
            "year": year,
            "funding_level": level,
            "title": title,
            "category": subtype.category,
            "subtype": subtype,
            "kind": Project.Kind.GROUP
            if count > 1
            else Project.Kind.SPECIFIC
            if count
            else Project.Kind.ORDINARY,
            "implementer": f"Trung tâm Khuyến công {province.short_name}",
            "partners": "Phòng Kinh tế xã; Hội Liên hiệp Phụ nữ xã" if kind == "training" else "",
            "commune": first.commune if first else None,
            "place": first.address if first else "",
            "start_date": start,
            "end_date": datetime.date(year, 11, 30),
            "need": "Cơ sở có nhu cầu đổi mới thiết bị, nâng cao năng suất và chất lượng sản phẩm; "
            "căn cứ Nghị định 45/2012/NĐ-CP và Nghị định 235/2025/NĐ-CP.",
            "objectives": "Nâng cao năng lực sản xuất, tạo việc làm ổn định cho lao động địa phương.",
            "budget_lines": lines,
            "outputs": dict(outputs),
            "beneficiaries": [e.pk for e in chosen],
        },
    )


def _step(project: Project, action: str, actor: Any, note: str = "", **params: Any) -> Project:
    return transition_project(actor=actor, project=project, action=action, note=note, **params)


def _spending(project: Project, rng: Any) -> dict[str, int]:
    result = {}
    for line in project.budget_lines.all():
        saving = rng.choice([0, 0, 1, 2, 3]) * M if line.source == project.state_source else 0
        result[line.source] = line.amount - saving
    return result


def _carry(
    project: Project, target: str, manager: Any, officer: Any, rng: Any, *, approved: datetime.date
) -> Project:
    """From approved on to ``target`` with believable dates and money."""
    if target == S.APPROVED:
        return project
    state = project.state_source
    budget = {line.source: line.amount for line in project.budget_lines.all()}
    if target == S.CANCELLED:
        return _step(
            project, "cancel", manager, "Cơ sở thụ hưởng xin rút do thay đổi kế hoạch sản xuất."
        )
    if target == S.SUSPENDED:
        project = _step(project, "start", officer, "Đã ký hợp đồng thực hiện.")
        return _step(project, "suspend", manager, "Chờ cơ sở hoàn thiện mặt bằng lắp đặt thiết bị.")
    project = _step(project, "start", officer, "Đã ký hợp đồng thực hiện.")
    paid_on = min(approved + datetime.timedelta(days=45), timezone.localdate())
    advance = budget[state] * (project.category.advance_percent or 50) // 100
    services.record_disbursement(
        actor=officer,
        project=project,
        source=state,
        amount=advance,
        date=paid_on,
        kind="advance",
        reference="UNC 0" + str(rng.randint(100, 999)),
    )
    if target == S.IN_PROGRESS:
        return project
    accepted_on = min(
        approved + datetime.timedelta(days=rng.randint(120, 160)), timezone.localdate()
    )
    project = _step(
        project,
        "accept",
        manager,
        "Hội đồng nghiệm thu cơ sở đánh giá đạt yêu cầu.",
        accepted_on=accepted_on,
        minutes=f"Biên bản nghiệm thu số {rng.randint(10, 99)}/BB-NT ngày {accepted_on:%d/%m/%Y}",
        actual_outputs={o.indicator_id: o.planned for o in project.outputs.all()},
    )
    spent = _spending(project, rng)
    services.record_disbursement(
        actor=officer,
        project=project,
        source=state,
        amount=spent[state] - advance,
        date=accepted_on,
        reference="UNC 1" + str(rng.randint(100, 999)),
    )
    for source, amount in spent.items():
        if source != state and amount:
            services.record_disbursement(
                actor=officer,
                project=project,
                source=source,
                amount=amount,
                date=accepted_on,
                note="Vốn đối ứng của cơ sở",
            )
    if target == S.ACCEPTED:
        return project
    settled_on = min(accepted_on + datetime.timedelta(days=30), timezone.localdate())
    return _step(
        project,
        "settle",
        manager,
        "Quyết toán theo hồ sơ thanh toán.",
        settled_on=settled_on,
        spending=spent,
    )


def _backdate(plan: AnnualPlan, dates: dict[str, datetime.date]) -> None:
    """Give the demo's plan versions the dates a real cycle would have (the versions
    themselves are written by the services)."""
    for kind, day in dates.items():
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
        PlanVersion.objects.filter(plan=plan, kind=kind).update(created_at=moment)


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    admin = ctx.users["admin"]
    year = timezone.localdate().year
    national = services.create_programme(
        actor=admin,
        data={
            "code": "CTKCQG-2021-2025",
            "name": "Chương trình khuyến công quốc gia giai đoạn 2021–2025",
            "level": "national",
            "start_year": 2021,
            "end_year": 2025,
            "decision_number": "1881/QĐ-TTg",
            "decision_date": datetime.date(2020, 11, 24),
            "signer": "Phó Thủ tướng Chính phủ",
        },
        targets={
            "establishments.supported": 4_000,
            "trainees.count": 60_000,
            "models.count": 120,
            "machines.count": 3_000,
        },
    )
    services.create_programme(
        actor=admin,
        data={
            "code": "CTKCQG-2026-2030",
            "name": "Chương trình khuyến công quốc gia giai đoạn 2026–2030",
            "level": "national",
            "start_year": 2026,
            "end_year": 2030,
            "decision_number": "2646/QĐ-BCT",
            "decision_date": datetime.date(2025, 9, 23),
            "signer": "Bộ trưởng Bộ Công Thương",
            "description": "Chương trình khuyến công quốc gia giai đoạn 2026–2030.",
        },
        targets={
            "establishments.supported": 5_000,
            "trainees.count": 50_000,
            "models.count": 150,
            "machines.count": 4_000,
            "brands.count": 300,
            "fairs.participations": 6_000,
        },
    )
    del national
    seeded = 0
    for index, province in enumerate(ctx.provinces):
        slug = {"01": "hanoi", "66": "daklak", "82": "dongthap"}.get(province.code)
        manager = ctx.users.get(f"manager_{slug}")
        officer = ctx.users.get(f"officer_{slug}")
        if manager is None or officer is None:
            continue
        services.create_programme(
            actor=manager,
            data={
                "code": f"CTKC-{province.code}-2026-2030",
                "name": f"Chương trình khuyến công {province.name} giai đoạn 2026–2030",
                "level": "provincial",
                "province": province,
                "start_year": 2026,
                "end_year": 2030,
                "decision_number": f"{rng.randint(1000, 3999)}/QĐ-UBND",
                "decision_date": datetime.date(2025, 12, rng.randint(5, 28)),
                "signer": f"Chủ tịch UBND {province.name}",
            },
            targets={"trainees.count": 3_000, "machines.count": 150, "fairs.participations": 400},
        )
        if index == 1:
            # A province's own cap for its local funds and its own registration deadline.
            SupportCap.objects.get_or_create(
                category=ActivityCategory.objects.get(pk="03"),
                subtype=None,
                funding_level="local",
                province=province,
                valid_from=datetime.date(2022, 1, 1),
                defaults={
                    "max_share": Decimal(40),
                    "max_amount": 500 * M,
                    "legal_basis": f"Quyết định của UBND {province.name} về quản lý kinh phí khuyến công địa phương (mẫu)",
                },
            )
            PlanDeadline.objects.get_or_create(
                step="register",
                funding_level="local",
                province=province,
                defaults={
                    "month": 10,
                    "day": 31,
                    "year_offset": -1,
                    "legal_basis": f"Quy định của UBND {province.name} (mẫu)",
                },
            )

        # Last year: settled projects, inspections due now (some overdue, some done).
        last_pool = _eligible(ctx, province, _ago(560))
        last = []
        for kind, accepted_days in LAST_YEAR:
            project = _draft(officer, province, year - 1, "national", kind, last_pool, rng)
            project = _step(project, "submit", officer)
            project = _step(project, "appraise", manager, "Hồ sơ đầy đủ, đúng quy định.")
            last.append((project, accepted_days))
        plan = last[0][0].plan
        services.register_plan(
            actor=manager, plan=plan, note="Đăng ký kế hoạch với Bộ Công Thương."
        )
        approved = _ago(560)
        services.approve_plan(
            actor=manager,
            plan=plan,
            decision_number=f"{rng.randint(100, 999)}/QĐ-BCT",
            decision_date=approved,
        )
        _backdate(
            plan, {PlanVersion.Kind.REGISTERED: _ago(620), PlanVersion.Kind.APPROVED: approved}
        )
        for project, accepted_days in last:
            project.refresh_from_db()
            project = _step(project, "start", officer, "Đã ký hợp đồng.")
            accepted_on = _ago(accepted_days)
            project = _step(
                project,
                "accept",
                manager,
                "Nghiệm thu đạt.",
                accepted_on=accepted_on,
                minutes=f"Biên bản nghiệm thu ngày {accepted_on:%d/%m/%Y}",
                actual_outputs={o.indicator_id: o.planned for o in project.outputs.all()},
            )
            spent = _spending(project, rng)
            for source, amount in spent.items():
                if amount:
                    services.record_disbursement(
                        actor=officer,
                        project=project,
                        source=source,
                        amount=amount,
                        date=accepted_on,
                    )
            _step(
                project,
                "settle",
                manager,
                "Quyết toán.",
                settled_on=accepted_on + datetime.timedelta(days=25),
                spending=spent,
            )
        # The oldest inspections were done; one found the machine idle.
        done = list(Inspection.objects.filter(project__plan=plan).order_by("due_date")[:2])
        for number, inspection in enumerate(done):
            finding = "idle" if number == 0 else "in_use"
            inspections.record_inspection(
                actor=officer,
                inspection=inspection,
                done_on=_ago(20 + number * 9),
                finding=finding,
                inspector=officer.get_full_name(),
                notes="Thiết bị lắp đặt đúng vị trí."
                if finding == "in_use"
                else "Máy ngừng chạy do thiếu nguyên liệu đầu vào.",
                follow_up="Đề nghị cơ sở đưa máy vào sử dụng, báo cáo bằng văn bản."
                if finding == "idle"
                else "",
                follow_up_due=_ago(5) if finding == "idle" else None,
                # What the inspector found of the business: the establishment's figures of
                # the inspection's year (source "inspection", docs/impact.md).
                workers=rng.randint(6, 30) if finding == "in_use" else None,
                revenue=rng.randint(8, 40) * 100 * M if finding == "in_use" else None,
            )

        # This year: the national plan, registered late, approved, then moving.
        pool = _eligible(ctx, province, _ago(200))
        projects = []
        for kind, target in THIS_YEAR:
            project = _draft(officer, province, year, "national", kind, pool, rng)
            project = _step(project, "submit", officer)
            project = _step(project, "appraise", manager, "Đạt yêu cầu thẩm định.")
            projects.append((project, target))
        if index == 0:
            # One project above the machinery cap, approved by the manager's override.
            over = _draft(officer, province, year, "national", "machine", pool, rng)
            services.update_project(
                actor=officer,
                project=over,
                expected_version=over.version,
                data={
                    "budget_lines": [
                        {"source": "national", "amount": 270 * M},
                        {"source": "counterpart", "amount": 230 * M},
                    ]
                },
            )
            over = _step(over, "submit", officer)
            over = _step(over, "appraise", manager)
            _step(
                over,
                "approve",
                manager,
                "Phê duyệt theo đề nghị của Sở.",
                decision_number="56/QĐ-SCT",
                decision_date=_ago(150),
                override_reason="Cơ sở thuộc xã đặc biệt khó khăn, UBND tỉnh đồng ý mức hỗ trợ 54% tại văn bản số 1234/UBND-KT.",
            )
        plan = projects[0][0].plan
        services.register_plan(
            actor=manager, plan=plan, note="Đăng ký kế hoạch năm với Bộ Công Thương."
        )
        approved = _ago(200)
        services.approve_plan(
            actor=manager,
            plan=plan,
            decision_number=f"{rng.randint(100, 999)}/QĐ-BCT",
            decision_date=approved,
        )
        registered_on = datetime.date(year - 1, 6, 15) + datetime.timedelta(
            days=17 * (index + 1) - 20
        )
        _backdate(
            plan,
            {
                PlanVersion.Kind.REGISTERED: min(registered_on, approved),
                PlanVersion.Kind.APPROVED: approved,
            },
        )
        moved = []
        for project, target in projects:
            project.refresh_from_db()
            moved.append(_carry(project, target, manager, officer, rng, approved=approved))
        # Mid-year: the training grows, a machinery project is cancelled (above), and the
        # plan is adjusted: a new version to compare with the approved one.
        training = next(p for p in moved if p.subtype_id == "01-NGHE")
        budget = {line.source: line.amount for line in training.budget_lines.all()}
        budget["national"] += 27 * M
        _step(
            training,
            "adjust",
            manager,
            "Bổ sung một lớp đào tạo do nhu cầu của địa phương tăng.",
            budget=budget,
            outputs={"trainees.count": 42},
            decision_number=f"{rng.randint(100, 999)}/QĐ-SCT",
            decision_date=_ago(60),
        )
        services.adjust_plan(
            actor=manager,
            plan=plan,
            reason="Điều chỉnh kinh phí đào tạo nghề và dừng một đề án máy móc.",
            decision_number=f"{rng.randint(100, 999)}/QĐ-BCT",
            decision_date=_ago(55),
        )
        _backdate(plan, {PlanVersion.Kind.ADJUSTED: _ago(55)})
        # Projects filed after the approval, at each earlier step.
        for kind, target in LATER:
            project = _draft(officer, province, year, "national", kind, pool, rng)
            if target == S.DRAFT:
                continue
            project = _step(project, "submit", officer)
            if target == S.RETURNED:
                _step(
                    project,
                    "return",
                    manager,
                    "Bổ sung báo giá thiết bị và hồ sơ năng lực của cơ sở.",
                )
            elif target == S.APPRAISED:
                _step(project, "appraise", manager, "Đạt yêu cầu, chờ bổ sung kế hoạch.")

        # This year's local plan.
        local = []
        for kind, target in LOCAL:
            project = _draft(officer, province, year, "local", kind, pool, rng)
            project = _step(project, "submit", officer)
            project = _step(project, "appraise", manager)
            local.append((project, target))
        plan = local[0][0].plan
        approved_local = _ago(230)
        services.approve_plan(
            actor=manager,
            plan=plan,
            decision_number=f"{rng.randint(1000, 3999)}/QĐ-UBND",
            decision_date=approved_local,
        )
        _backdate(plan, {PlanVersion.Kind.APPROVED: approved_local})
        for project, target in local:
            project.refresh_from_db()
            _carry(project, target, manager, officer, rng, approved=approved_local)
        # Next year's plan is being prepared.
        for kind in ("machine", "training"):
            _step(
                _draft(officer, province, year + 1, "national", kind, pool, rng), "submit", officer
            )
        seeded += Project.objects.filter(province=province).count()
    ctx.log(f"  {seeded} demo projects")
