"""Output indicators the official results form asks of projects, recorded as expected and
actual outputs at acceptance (docs/reports.md, "The official forms"). Rows already present
are never overwritten."""

from django.db import migrations

INDICATORS = [
    # code, name, English name, unit
    ("establishments.founded", "Cơ sở CNNT được hỗ trợ thành lập mới", "Establishments helped to set up", "cơ sở"),
    ("models.investment", "Vốn đầu tư thu hút vào mô hình trình diễn", "Investment attracted by demonstration models", "đồng"),
    ("machinery.establishments", "Cơ sở được hỗ trợ ứng dụng máy móc, thiết bị, chuyển giao công nghệ", "Establishments given machinery or technology", "cơ sở"),
    ("machinery.investment", "Vốn đầu tư thu hút vào máy móc, thiết bị", "Investment attracted by machinery support", "đồng"),
    ("cleaner_production.models", "Mô hình sản xuất sạch hơn", "Cleaner-production models", "mô hình"),
    ("associations.supported", "Hiệp hội, hội ngành nghề được hỗ trợ", "Associations supported", "hiệp hội"),
    ("clusters.plans", "Cụm công nghiệp được hỗ trợ lập quy hoạch chi tiết", "Industrial-cluster detailed plans", "cụm"),
    ("clusters.infrastructure", "Cụm công nghiệp được hỗ trợ đầu tư hạ tầng", "Industrial-cluster infrastructure", "cụm"),
]


def load(apps, schema_editor):
    Indicator = apps.get_model("programmes", "Indicator")
    start = 100
    for order, (code, name, name_en, unit) in enumerate(INDICATORS, start=start):
        Indicator.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "unit": unit, "ordering": order}
        )


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_project_list_order_index")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
