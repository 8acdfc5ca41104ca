from django.db import migrations

from app.core.migration_sql import composite_foreign_key


class Migration(migrations.Migration):
    """Evidence may only link a claim and a source of the same workspace."""

    dependencies = [("sources", "0001_initial"), ("claims", "0002_integrity")]
    operations = [
        composite_foreign_key(
            table="sources_evidence",
            name="evidence_claim_same_workspace_fk",
            columns=["workspace_id", "claim_id"],
            ref_table="claims_claim",
            ref_columns=["workspace_id", "id"],
        ),
        composite_foreign_key(
            table="sources_evidence",
            name="evidence_source_same_workspace_fk",
            columns=["workspace_id", "source_id"],
            ref_table="sources_source",
            ref_columns=["workspace_id", "id"],
        ),
    ]
