"""A workspace's public-site settings join the workspace: state only, `public_publicsite` stays.

The claim page and the exports need a workspace's publishing addresses and sit below
the public site; `public.0002` drops the model from its state after this one adds it.
"""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models

PUBLIC_SITE = migrations.CreateModel(
    name="PublicSite",
    fields=[
        (
            "id",
            models.BigAutoField(
                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
            ),
        ),
        ("enabled", models.BooleanField(default=False)),
        ("base_url", models.URLField(blank=True, max_length=500)),
        ("organization_name", models.CharField(blank=True, max_length=200)),
        ("organization_url", models.URLField(blank=True, max_length=500)),
        ("logo_url", models.URLField(blank=True, max_length=500)),
        (
            "same_as",
            django.contrib.postgres.fields.ArrayField(
                base_field=models.URLField(max_length=500),
                blank=True,
                default=list,
                size=None,
            ),
        ),
        ("about", models.TextField(blank=True)),
        ("default_language", models.CharField(default="en", max_length=16)),
        ("show_reviewer_names", models.BooleanField(default=False)),
        ("updated_at", models.DateTimeField(auto_now=True)),
        (
            "workspace",
            models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="workspaces.workspace",
            ),
        ),
    ],
    options={
        "db_table": "public_publicsite",
        "constraints": [
            models.UniqueConstraint(fields=("workspace",), name="public_site_one_per_workspace"),
            models.CheckConstraint(
                condition=models.Q(("default_language", ""), _negated=True),
                name="public_site_language_set",
            ),
        ],
    },
)


class Migration(migrations.Migration):
    dependencies = [
        ("workspaces", "0003_apitoken_from_api"),
        ("public", "0001_public_site"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[PUBLIC_SITE], database_operations=[]),
    ]
