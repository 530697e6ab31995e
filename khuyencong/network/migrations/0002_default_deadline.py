"""The nationwide deadline of collaborators' quarterly reports: 10 days after the quarter
ends. Administrators change it, or give a province its own, afterwards; a row already present
is never overwritten."""

from django.db import migrations

DEFAULT_DAYS = 10


def load(apps, schema_editor):
    Deadline = apps.get_model("network", "ReportDeadline")
    if not Deadline.objects.filter(province__isnull=True).exists():
        Deadline.objects.create(
            province=None,
            days=DEFAULT_DAYS,
            legal_basis="Mặc định toàn quốc (tỉnh có thể quy định riêng)",
        )


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
