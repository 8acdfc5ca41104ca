from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Extensions search and matching rely on (both in PostgreSQL's contrib)."""

    initial = True
    dependencies = []
    operations = [TrigramExtension(), UnaccentExtension()]
