from django.db import migrations

# The exports read a workspace's claims in text order (article, start, id): with this
# index a Web Annotation page (`after=<claim>`) is a range scan that stops after one
# page, instead of a sort of every claim of the workspace per page; the whole exports
# need no sort either. Created here, beside the queries that need it, as SQL.
SQL = """
CREATE INDEX IF NOT EXISTS claims_claim_export_order
    ON claims_claim (workspace_id, article_id, start, id);
"""


class Migration(migrations.Migration):
    dependencies = [("claims", "0009_reader_version")]

    operations = [
        migrations.RunSQL(sql=SQL, reverse_sql="DROP INDEX IF EXISTS claims_claim_export_order;"),
    ]
