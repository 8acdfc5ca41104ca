"""Evidence joins the claims it serves: state only, the table `sources_evidence` stays.

`sources.0005` removes the model from the sources app's state after this one adds it
here, so no step touches the database and both directions are free.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

EVIDENCE = migrations.CreateModel(
    name="Evidence",
    fields=[
        (
            "id",
            models.BigAutoField(
                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
            ),
        ),
        (
            "stance",
            models.CharField(
                choices=[("supports", "Supports"), ("refutes", "Refutes"), ("context", "Context")],
                max_length=16,
            ),
        ),
        ("quote", models.TextField(blank=True)),
        ("note", models.TextField(blank=True)),
        ("created_at", models.DateTimeField(auto_now_add=True)),
        (
            "added_by",
            models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        (
            "claim",
            models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="evidence",
                to="claims.claim",
            ),
        ),
        (
            "workspace",
            models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="workspaces.workspace",
            ),
        ),
        (
            "source",
            models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="evidence",
                to="sources.source",
            ),
        ),
    ],
    options={
        "db_table": "sources_evidence",
        "verbose_name_plural": "evidence",
        "ordering": ["claim_id", "created_at", "id"],
        "constraints": [
            models.UniqueConstraint(
                fields=("claim", "source"), name="evidence_unique_source_per_claim"
            ),
            models.CheckConstraint(
                condition=models.Q(("stance__in", ["supports", "refutes", "context"])),
                name="evidence_stance_valid",
            ),
        ],
    },
)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0006_claimant_type_retractions"),
        ("sources", "0004_capture_integrity"),
        ("workspaces", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[EVIDENCE], database_operations=[]),
    ]
