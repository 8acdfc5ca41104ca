import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_merge_article_version_and_fetched_url"),
        ("claims", "0009_reader_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleClaimsVersion",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("version", models.PositiveBigIntegerField(default=0)),
            ],
        ),
    ]
