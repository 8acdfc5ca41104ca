"""The public-site settings moved to the workspaces app (`workspaces.0004`); same table.

State only: the rows and constraints of `public_publicsite` are untouched.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("public", "0001_public_site"),
        ("workspaces", "0004_publicsite_from_public"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PublicSite")], database_operations=[]
        ),
    ]
