"""API tokens join the workspaces they act in: state only, the table `api_apitoken` stays.

The `api` app is the REST framework's conventions only; `api.0002` drops the model
from its state after this one adds it here, so no step touches the database and both
directions are free.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

API_TOKEN = migrations.CreateModel(
    name="ApiToken",
    fields=[
        (
            "id",
            models.BigAutoField(
                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
            ),
        ),
        ("name", models.CharField(max_length=100)),
        ("prefix", models.CharField(max_length=16, unique=True)),
        ("secret_sha256", models.CharField(max_length=64)),
        (
            "role",
            models.CharField(
                choices=[
                    ("viewer", "Viewer"),
                    ("reviewer", "Reviewer"),
                    ("editor", "Editor"),
                    ("admin", "Admin"),
                ],
                max_length=16,
            ),
        ),
        ("created_at", models.DateTimeField(auto_now_add=True)),
        ("expires_at", models.DateTimeField(blank=True, null=True)),
        ("last_used_at", models.DateTimeField(blank=True, null=True)),
        ("revoked_at", models.DateTimeField(blank=True, null=True)),
        (
            "user",
            models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="api_tokens",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        (
            "workspace",
            models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="api_tokens",
                to="workspaces.workspace",
            ),
        ),
    ],
    options={
        "db_table": "api_apitoken",
        "ordering": ["-created_at", "-id"],
        "indexes": [
            models.Index(fields=["workspace", "user"], name="api_apitoke_workspa_79c154_idx")
        ],
        "constraints": [
            models.CheckConstraint(
                condition=models.Q(("name", ""), _negated=True),
                name="api_token_name_not_empty",
            ),
            models.CheckConstraint(
                condition=models.Q(("secret_sha256__regex", "^[0-9a-f]{64}$")),
                name="api_token_sha256_hex",
            ),
            models.CheckConstraint(
                condition=models.Q(("role__in", ["viewer", "reviewer", "editor", "admin"])),
                name="api_token_role_valid",
            ),
        ],
    },
)


class Migration(migrations.Migration):
    dependencies = [
        ("workspaces", "0002_membership_deactivated_at"),
        ("api", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[API_TOKEN], database_operations=[]),
    ]
