"""Demo needs surveys and online applications, created through the services: for each demo
province, last year's campaign (some needs became projects that are now settled, so the
met share is not zero) and this year's (responses from the collaborator's phone and the
centre, one imported from Kobo, an establishment registered by the survey, two needs turned
into a draft project), and applications from the public site in every status."""

from __future__ import annotations

import datetime

from django.utils import timezone

from khuyencong.core.demokit import DemoContext
from khuyencong.programmes.models import Project
from khuyencong.registry.models import Establishment
from khuyencong.surveys import services, workflow
from khuyencong.surveys.models import Need

M = 1_000_000
SLUGS = {"01": "hanoi", "66": "daklak", "82": "dongthap"}
# (category, what is needed, cost, counterpart share in %)
NEEDS = [
    ("03", "Đầu tư máy móc thiết bị tiên tiến thay thế lao động thủ công", 350, 60),
    ("03", "Máy đóng gói, hút chân không cho sản phẩm", 180, 50),
    ("05", "Tham gia hội chợ, triển lãm hàng công nghiệp nông thôn", 40, 30),
    ("04", "Xây dựng nhãn hiệu, mã vạch, truy xuất nguồn gốc", 60, 40),
    ("01", "Đào tạo nghề, truyền nghề cho lao động địa phương", 90, 20),
    ("10", "Áp dụng sản xuất sạch hơn, tiết kiệm năng lượng", 220, 50),
    ("06", "Tư vấn lập dự án đầu tư mở rộng nhà xưởng", 50, 40),
]
APPLICANTS = [
    ("Cơ sở sản xuất chổi đót Hòa Lạc", "household", "Nguyễn Thị Nga", "0912 456 789"),
    ("Hợp tác xã mây tre đan Tân Tiến", "cooperative", "Đinh Văn Hải", "0983 221 334"),
    ("Công ty TNHH chế biến nông sản Phú Lộc", "enterprise", "Lê Minh Tâm", "0905 778 990"),
    ("Tổ hợp tác dệt thổ cẩm Buôn Jun", "cooperative_group", "H'Yên Ksor", "0978 112 233"),
]


def _need(rng, index: int) -> dict:
    category, text, cost, share = NEEDS[index % len(NEEDS)]
    cost = (cost + rng.randint(-2, 4) * 10) * M
    return {
        "category": category,
        "description": text,
        "estimated_cost": cost,
        "counterpart_capacity": cost * share // 100,
        "priority": 1 + index % 3,
    }


def _campaign(manager, province, year: int, today: datetime.date):
    if year < today.year:
        opens, closes = datetime.date(year, 3, 1), datetime.date(year, 5, 31)
    else:
        opens, closes = today - datetime.timedelta(days=45), today + datetime.timedelta(days=30)
    return services.create_campaign(
        actor=manager,
        data={
            "province": province,
            "year": year,
            "title": f"Khảo sát nhu cầu khuyến công năm {year} — {province.short_name}",
            "opens_on": opens,
            "closes_on": closes,
            "questions": [
                {"key": "workers", "label": "Số lao động thường xuyên", "kind": "number"},
                {"key": "exports", "label": "Có sản phẩm xuất khẩu?", "kind": "yes_no"},
            ],
        },
    )


def _respond(ctx, actor, campaign, establishment, index: int, *, source: str = "form", day=None):
    needs = [_need(ctx.rng, index)]
    if index % 3 == 0:
        needs.append(_need(ctx.rng, index + 2))
    response, _created = services.submit_response(
        actor=actor,
        campaign=campaign,
        data={
            "client_key": f"demo-{campaign.pk}-{establishment.pk}",
            "commune": establishment.commune_id,
            "establishment": establishment.pk,
            "respondent": establishment.representative or "Chủ cơ sở",
            "collected_on": day or campaign.opens_on + datetime.timedelta(days=index % 30),
            "answers": {"workers": str(5 + ctx.rng.randint(0, 40)), "exports": "no"},
            "needs": needs,
        },
        source=source,
    )
    return response


def seed(ctx: DemoContext) -> None:
    today = timezone.localdate()
    responses = applications = 0
    for province in ctx.provinces:
        slug = SLUGS.get(province.code)
        manager = ctx.users.get(f"manager_{slug}")
        officer = ctx.users.get(f"officer_{slug}")
        collaborator = ctx.users.get(f"collaborator_{slug}")
        if manager is None or officer is None:
            continue
        establishments = list(Establishment.objects.filter(province=province).order_by("pk")[:24])
        # Last year's survey: its needs went into projects that are now accepted or settled.
        last = _campaign(manager, province, today.year - 1, today)
        done = list(
            Project.objects.filter(
                province=province,
                year=today.year - 1,
                status__in=[Project.Status.ACCEPTED, Project.Status.SETTLED],
            ).prefetch_related("beneficiaries")
        )
        for index, establishment in enumerate(establishments[:8]):
            _respond(ctx, officer, last, establishment, index)
            responses += 1
        for project in done:
            beneficiaries = {b.pk for b in project.beneficiaries.all()}
            Need.objects.filter(
                response__campaign=last,
                establishment__in=beneficiaries,
                category=project.category_id,
                project__isnull=True,
            ).update(project=project)
        # This year's survey: the collaborator in the field, the centre, a Kobo upload.
        current = _campaign(manager, province, today.year, today)
        mine = set(collaborator.communes.values_list("pk", flat=True)) if collaborator else set()
        for index, establishment in enumerate(establishments[8:]):
            actor = collaborator if establishment.commune_id in mine else officer
            source = "kobo" if index % 7 == 6 else "form"
            _respond(ctx, actor, current, establishment, index, source=source)
            responses += 1
        if collaborator and mine:
            commune = sorted(mine)[0]
            services.submit_response(
                actor=collaborator,
                campaign=current,
                data={
                    "client_key": f"demo-new-{current.pk}",
                    "commune": commune,
                    "establishment_details": {
                        "name": f"Cơ sở chế biến nông sản Hưng Thịnh ({province.short_name})",
                        "kind": "household",
                        "sector": "a",
                        "representative": "Phạm Văn Thịnh",
                        "phone": "0966 123 456",
                    },
                    "respondent": "Phạm Văn Thịnh",
                    "collected_on": today - datetime.timedelta(days=3),
                    "answers": {"workers": "7"},
                    # A new establishment: its figures of last year come from the survey.
                    "previous_year_workers": 7,
                    "previous_year_revenue": 850_000_000,
                    "needs": [_need(ctx.rng, 1)],
                },
            )
            responses += 1
        machines = list(
            Need.objects.filter(
                response__campaign=current, category="03", project__isnull=True
            ).values_list("pk", flat=True)[:2]
        )
        if machines:
            services.needs_to_project(
                actor=manager,
                need_ids=machines,
                year=today.year + 1,
                funding_level="local",
            )
        # Applications from the public site, one in each status.
        communes = [e.commune for e in establishments[:4]]
        for index, (name, kind, person, phone) in enumerate(APPLICANTS):
            need = _need(ctx.rng, index + 3)
            application = services.submit_application(
                data={
                    "establishment_name": f"{name}",
                    "kind": kind,
                    "commune": communes[index % len(communes)].pk,
                    "sector": "a",
                    "representative": person,
                    "phone": phone,
                    "category": need["category"],
                    "description": need["description"],
                    "estimated_cost": need["estimated_cost"],
                    "counterpart_capacity": need["counterpart_capacity"],
                },
                channel="web" if index % 2 == 0 else "api",
            )
            applications += 1
            if index == 1:
                workflow.triage_application(
                    actor=officer, application=application, decision="review"
                )
            elif index == 2:
                workflow.triage_application(
                    actor=officer,
                    application=application,
                    decision="accept",
                    note="Trung tâm đã ghi nhận nhu cầu, sẽ xem xét đưa vào kế hoạch năm sau.",
                )
            elif index == 3:
                workflow.triage_application(
                    actor=officer,
                    application=application,
                    decision="reject",
                    note="Cơ sở đã được hỗ trợ cùng nội dung năm trước; đề nghị đăng ký nội dung khác.",
                )
    ctx.log(f"  {responses} survey responses, {applications} online applications")
