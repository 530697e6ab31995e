"""On PostgreSQL, a trigram index makes the diacritics-free search (``search_name LIKE
'%tau hu ky%'``) use an index across 300,000 establishments. pg_trgm is a trusted extension
(PostgreSQL 13+), so the database owner may create it. SQLite needs nothing."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS est_search_trgm_idx "
        "ON registry_establishment USING gin (search_name gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS est_search_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_reference_data")]
    operations = [migrations.RunPython(create, drop)]
