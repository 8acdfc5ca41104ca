"""Evidence moved to the claims app (`claims.0007`); its table keeps its name.

State only: the rows, constraints and triggers on `sources_evidence` are untouched.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0004_capture_integrity"),
        ("claims", "0007_evidence_from_sources"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Evidence")], database_operations=[]
        ),
    ]
