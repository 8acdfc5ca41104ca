"""API tokens moved to the workspaces app (`workspaces.0003`); the table keeps its name.

State only: the rows and constraints of `api_apitoken` are untouched.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("workspaces", "0003_apitoken_from_api"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ApiToken")], database_operations=[]
        ),
    ]
