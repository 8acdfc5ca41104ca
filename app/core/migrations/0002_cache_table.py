"""The table of the shared cache (settings.CACHES, when REDIS_URL is not set).

The statements `createcachetable` runs for Django's database cache, frozen here so
that `migrate` is the one command a deployment needs; made whatever the cache
setting, so that switching from Redis back to the database needs no extra step.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0001_extensions")]

    operations = [
        migrations.RunSQL(
            sql=(
                'CREATE TABLE "core_cache" ("cache_key" varchar(255) NOT NULL PRIMARY KEY,'
                ' "value" text NOT NULL, "expires" timestamp with time zone NOT NULL);'
                'CREATE INDEX "core_cache_expires" ON "core_cache" ("expires");'
            ),
            reverse_sql='DROP TABLE "core_cache";',
        ),
    ]
