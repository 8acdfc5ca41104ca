from django.db import migrations, models


class Migration(migrations.Migration):
    """Articles' details become editable, with a version for optimistic locking."""

    dependencies = [("articles", "0002_integrity")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(version__gte=1), name="article_version_positive"
            ),
        ),
    ]
