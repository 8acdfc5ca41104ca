"""The table of the `reader` cache (settings.CACHES), made here so that deployments need
no separate `createcachetable` step."""

from django.core.management import call_command
from django.db import migrations

TABLE = "sanad_reader_cache"


def create(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0007_evidence_from_sources")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
