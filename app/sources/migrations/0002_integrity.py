from django.db import migrations


class Migration(migrations.Migration):
    """Evidence may only link a claim and a source of the same workspace."""

    dependencies = [("sources", "0001_initial"), ("claims", "0002_integrity")]
    operations = [
        migrations.RunSQL(
            sql=(
                'ALTER TABLE "sources_evidence" ADD CONSTRAINT "evidence_claim_same_workspace_fk"'
                ' FOREIGN KEY ("workspace_id", "claim_id") REFERENCES "claims_claim" ("workspace_id", "id")'
            ),
            reverse_sql='ALTER TABLE "sources_evidence" DROP CONSTRAINT "evidence_claim_same_workspace_fk"',
        ),
        migrations.RunSQL(
            sql=(
                'ALTER TABLE "sources_evidence" ADD CONSTRAINT "evidence_source_same_workspace_fk"'
                ' FOREIGN KEY ("workspace_id", "source_id") REFERENCES "sources_source" ("workspace_id", "id")'
            ),
            reverse_sql='ALTER TABLE "sources_evidence" DROP CONSTRAINT "evidence_source_same_workspace_fk"',
        ),
    ]
