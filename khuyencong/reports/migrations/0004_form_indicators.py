"""Indicators of the official results form (docs/reports.md, "The official forms"): for each
row ``results.<row>`` and its parts ``results.<row>.national`` (KCQG) and ``.local`` (KCĐP),
so aggregate values can be entered for the years before a province's records and the form
combines them with the records like every other figure. Not shown in the summary. Rows
already present are updated in place, never removed."""

from django.db import migrations

# row code, Vietnamese name, English name, unit
ROWS = [
    ("training.vocational", "Số người được đào tạo nghề, truyền nghề", "People trained in a trade", "people"),
    ("training.vocational.employed", "Số người có việc làm sau đào tạo nghề", "Of whom employed after", "people"),
    ("training.upskilling", "Số lao động được đào tạo nâng cao tay nghề", "Workers upskilled", "people"),
    ("training.startup", "Số người được đào tạo khởi sự doanh nghiệp", "Start-up trainees", "people"),
    ("training.management", "Số người được đào tạo nâng cao năng lực quản lý", "Management trainees", "people"),
    ("workshops.count", "Số hội thảo, diễn đàn, hội nghị", "Workshops and forums", "count"),
    ("study_tours.domestic.groups", "Số đoàn tham quan khảo sát trong nước", "Domestic study tours (groups)", "count"),
    ("study_tours.domestic.persons", "Số người tham quan khảo sát trong nước", "Domestic study tours (persons)", "people"),
    ("study_tours.abroad.groups", "Số đoàn tham quan khảo sát nước ngoài", "Study tours abroad (groups)", "count"),
    ("study_tours.abroad.persons", "Số người tham quan khảo sát nước ngoài", "Study tours abroad (persons)", "people"),
    ("establishments.founded", "Số cơ sở CNNT được hỗ trợ thành lập mới", "Establishments helped to set up", "count"),
    ("models.demonstration", "Số mô hình trình diễn kỹ thuật", "Demonstration models", "count"),
    ("models.demonstration.investment", "Vốn đầu tư thu hút vào mô hình trình diễn", "Investment attracted by demonstration models", "VND"),
    ("machinery.establishments", "Số cơ sở được hỗ trợ máy móc, thiết bị, chuyển giao công nghệ", "Establishments given machinery or technology", "count"),
    ("machinery.investment", "Vốn đầu tư thu hút vào máy móc, thiết bị", "Investment attracted by machinery support", "VND"),
    ("cleaner_production.models", "Số mô hình sản xuất sạch hơn", "Cleaner-production models", "count"),
    ("awards.products", "Số sản phẩm CNNT tiêu biểu được công nhận", "Typical products certified", "count"),
    ("fairs.organised", "Số hội chợ, triển lãm được tổ chức", "Fairs organised", "count"),
    ("fairs.booths", "Số gian hàng tại hội chợ được tổ chức", "Booths at fairs organised", "count"),
    ("fairs.establishments", "Số lượt cơ sở được hỗ trợ tham gia hội chợ, triển lãm", "Establishments supported at fairs", "count"),
    ("brands.establishments", "Số cơ sở được hỗ trợ đăng ký nhãn hiệu", "Establishments helped with brands", "count"),
    ("consulting.establishments", "Số lượt cơ sở được tư vấn", "Establishments given consulting", "count"),
    ("communication.publications", "Số ấn phẩm, tin bài", "Publications", "count"),
    ("communication.broadcasts", "Số chương trình truyền hình, phát thanh", "TV and radio programmes", "count"),
    ("associations.supported", "Số hiệp hội, hội ngành nghề được hỗ trợ", "Associations supported", "count"),
    ("clusters.plans", "Số cụm công nghiệp được hỗ trợ lập quy hoạch chi tiết", "Industrial-cluster detailed plans", "count"),
    ("clusters.infrastructure", "Số cụm công nghiệp được hỗ trợ đầu tư hạ tầng", "Industrial-cluster infrastructure", "count"),
    ("staff_training.classes", "Số lớp đào tạo, tập huấn cán bộ khuyến công", "Staff training classes", "count"),
    ("staff_training.persons", "Số lượt cán bộ khuyến công được đào tạo, tập huấn", "Staff trained", "people"),
]
PARTS = [
    ("national", "KCQG", "national programme"),
    ("local", "KCĐP", "local programme"),
]
START_ORDER = 1000


def load(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    order = START_ORDER
    for row, name, name_en, unit in ROWS:
        code = f"results.{row}"
        order += 10
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "unit": unit,
                "counting": "sum",
                "by_plan_year": False,
                "computation": f"Results form, row {row}: national + local (docs/reports.md).",
                "order": order,
                "in_summary": False,
                "parent_id": None,
            },
        )
        for part, vi, en in PARTS:
            order += 1
            Indicator.objects.update_or_create(
                code=f"{code}.{part}",
                defaults={
                    "name": f"{name} – {vi}",
                    "name_en": f"{name_en} – {en}",
                    "unit": unit,
                    "counting": "sum",
                    "by_plan_year": False,
                    "computation": f"Results form, row {row}, {en} (docs/reports.md).",
                    "order": order,
                    "in_summary": False,
                    "parent_id": code,
                },
            )
    Indicator.objects.update_or_create(
        code="results.staff.count",
        defaults={
            "name": "Số người làm công tác khuyến công",
            "name_en": "Khuyến công staff",
            "unit": "people",
            "counting": "level",
            "by_plan_year": False,
            "computation": "The staff count of the year the period ends in (docs/reports.md).",
            "order": order + 10,
            "in_summary": False,
            "parent_id": None,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_submissions")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
