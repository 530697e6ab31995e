"""The indicator catalogue (API.md, "Indicator codes the summary always contains", and the
figures reports add) and the nationwide records start (1 January 2025: the years before are
answered from aggregate values). Rows already present are updated in place, never removed;
an administrator may correct names and descriptions afterwards."""

import datetime

from django.db import migrations

SOURCES = [
    ("national", "khuyến công quốc gia", "national khuyến công funds"),
    ("local", "khuyến công địa phương", "local khuyến công funds"),
    ("counterpart", "vốn đối ứng", "counterpart"),
    ("other", "lồng ghép chương trình khác", "other programmes"),
]

# code, Vietnamese name, English name, unit, counting, by plan year, parent, plan, computation
CATALOGUE = [
    (
        "funding.planned",
        "Kinh phí theo kế hoạch",
        "Planned funding",
        "VND",
        "sum",
        True,
        None,
        None,
        "Sum of the budget lines of the projects approved (and later: in progress, accepted, "
        "settled, suspended) in the plans of the years the period touches; a 9-month period "
        "shows the plan of its year. Equals the sum of its four sources.",
    ),
    *[
        (
            f"funding.planned.{code}",
            f"Kinh phí theo kế hoạch – {vi}",
            f"Planned funding – {en}",
            "VND",
            "sum",
            True,
            "funding.planned",
            None,
            f"Budget lines of source '{code}' of the projects counted in funding.planned.",
        )
        for code, vi, en in SOURCES
    ],
    (
        "funding.disbursed",
        "Kinh phí đã giải ngân",
        "Disbursed funding",
        "VND",
        "sum",
        False,
        None,
        "funding.planned",
        "Advances and payments dated in the period. Equals the sum of its four sources; "
        "compared with funding.planned of the year containing the period.",
    ),
    *[
        (
            f"funding.disbursed.{code}",
            f"Kinh phí đã giải ngân – {vi}",
            f"Disbursed funding – {en}",
            "VND",
            "sum",
            False,
            "funding.disbursed",
            f"funding.planned.{code}",
            f"Advances and payments of source '{code}' dated in the period.",
        )
        for code, vi, en in SOURCES
    ],
    (
        "projects.approved",
        "Số đề án được phê duyệt",
        "Projects approved",
        "count",
        "sum",
        False,
        None,
        None,
        "Projects whose approval decision is dated in the period.",
    ),
    (
        "establishments.supported",
        "Số cơ sở CNNT được hỗ trợ",
        "Establishments supported",
        "count",
        "distinct",
        False,
        None,
        None,
        "Distinct establishments that were beneficiaries of a project accepted in the period "
        "or took part in an activity of the period (fair, showroom, brand, training, "
        "workshop, consulting); each counted once.",
    ),
    (
        "trainees.count",
        "Số người được đào tạo",
        "People trained",
        "people",
        "sum",
        False,
        None,
        None,
        "Participants of the courses that ended in the period.",
    ),
    (
        "trainees.employed_percent",
        "Tỷ lệ có việc làm sau đào tạo",
        "Share employed after training",
        "percent",
        "ratio",
        False,
        None,
        None,
        "Employed after training over participants, for the courses ended in the period whose "
        "outcome is known.",
    ),
    *[
        (
            f"awards.products.{level}",
            f"Sản phẩm CNNT tiêu biểu cấp {vi}",
            f"Typical products certified – {en} level",
            "count",
            "distinct",
            False,
            None,
            None,
            f"Distinct products certified at {en} level by certificates issued in the period.",
        )
        for level, vi, en in [
            ("province", "tỉnh", "province"),
            ("region", "khu vực", "region"),
            ("national", "quốc gia", "national"),
            ("district", "huyện (trước 2025)", "district (before 2025)"),
        ]
    ],
    (
        "fairs.participations",
        "Lượt cơ sở tham gia hội chợ, triển lãm",
        "Fair participations",
        "count",
        "sum",
        False,
        None,
        None,
        "Participations (lượt) of establishments in fairs opening in the period.",
    ),
    (
        "fairs.establishments",
        "Số cơ sở tham gia hội chợ, triển lãm",
        "Establishments at fairs",
        "count",
        "distinct",
        False,
        None,
        None,
        "Distinct establishments among the fair participations of the period.",
    ),
    (
        "showrooms.count",
        "Số phòng trưng bày được hỗ trợ",
        "Showrooms supported",
        "count",
        "sum",
        False,
        None,
        None,
        "Showrooms opened in the period.",
    ),
    (
        "brands.count",
        "Số nhãn hiệu được hỗ trợ đăng ký",
        "Brand registrations supported",
        "count",
        "sum",
        False,
        None,
        None,
        "Brand registrations filed in the period.",
    ),
    (
        "consulting.contracts",
        "Số hợp đồng tư vấn",
        "Consulting contracts",
        "count",
        "sum",
        False,
        None,
        None,
        "Consulting contracts signed in the period, except cancelled ones.",
    ),
    (
        "consulting.revenue",
        "Doanh thu tư vấn",
        "Consulting revenue",
        "VND",
        "sum",
        False,
        None,
        None,
        "Receipts dated in the period, plus the value of contracts signed in the period that "
        "have no receipt and were not cancelled.",
    ),
    (
        "workshops.count",
        "Số hội nghị, hội thảo",
        "Workshops",
        "count",
        "sum",
        False,
        None,
        None,
        "Workshops and conferences held in the period.",
    ),
    (
        "workshops.attendees",
        "Số lượt người dự hội nghị, hội thảo",
        "Workshop attendees",
        "people",
        "sum",
        False,
        None,
        None,
        "Attendees of the workshops held in the period.",
    ),
    (
        "communications.count",
        "Số tin, bài, phóng sự tuyên truyền",
        "Communication items",
        "count",
        "sum",
        False,
        None,
        None,
        "Communication items (TV, radio, articles, leaflets) dated in the period.",
    ),
    (
        "collaborators.active",
        "Số cộng tác viên khuyến công",
        "Active collaborators",
        "people",
        "level",
        False,
        None,
        None,
        "Collaborators active on the last day of the period.",
    ),
    (
        "collaborator_reports.late",
        "Số báo cáo quý của cộng tác viên nộp muộn hoặc chưa nộp",
        "Collaborator reports late or missing",
        "count",
        "sum",
        False,
        None,
        None,
        "Quarterly reports of the quarters lying inside the period submitted after their due "
        "day, or not submitted although it has passed (the network's deadlines).",
    ),
    (
        "needs.count",
        "Số nhu cầu hỗ trợ được ghi nhận",
        "Needs recorded",
        "count",
        "sum",
        True,
        None,
        None,
        "Needs of establishments recorded for the plan years the period touches.",
    ),
    (
        "needs.met_percent",
        "Tỷ lệ nhu cầu được đáp ứng",
        "Share of needs met",
        "percent",
        "ratio",
        True,
        None,
        None,
        "Needs of those years whose project was accepted or settled, over all of them.",
    ),
]


def load(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    RecordsSince = apps.get_model("reports", "RecordsSince")
    for order, row in enumerate(CATALOGUE, start=1):
        code, name, name_en, unit, counting, by_plan_year, _parent, _plan, computation = row
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "unit": unit,
                "counting": counting,
                "by_plan_year": by_plan_year,
                "computation": computation,
                "order": order * 10,
                "in_summary": True,
            },
        )
    for code, *_rest, parent, plan, _computation in CATALOGUE:
        Indicator.objects.filter(code=code).update(parent_id=parent, plan_id=plan)
    if not RecordsSince.objects.filter(province__isnull=True).exists():
        RecordsSince.objects.create(
            province=None,
            since=datetime.date(2025, 1, 1),
            note="Mặc định toàn quốc: số liệu trước năm 2025 lấy từ số liệu tổng hợp",
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
