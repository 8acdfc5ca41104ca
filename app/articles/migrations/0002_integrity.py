from django.db import migrations

SNAPSHOT_GUARD = r"""
CREATE FUNCTION articles_snapshot_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW IS DISTINCT FROM OLD THEN
            RAISE EXCEPTION 'snapshots are immutable (snapshot %)', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.sha256 IS DISTINCT FROM encode(sha256(convert_to(NEW.text, 'UTF8')), 'hex') THEN
        RAISE EXCEPTION 'snapshot sha256 does not match its text'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT (NEW.text IS NFC NORMALIZED) THEN
        RAISE EXCEPTION 'snapshot text must be Unicode NFC'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER articles_snapshot_guard
    BEFORE INSERT OR UPDATE ON articles_snapshot
    FOR EACH ROW EXECUTE FUNCTION articles_snapshot_guard();
"""


class Migration(migrations.Migration):
    """Database-held invariants of articles and snapshots."""

    dependencies = [("articles", "0001_initial")]
    operations = [
        migrations.RunSQL(
            sql=(
                'ALTER TABLE "articles_snapshot" ADD CONSTRAINT "snapshot_article_same_workspace_fk"'
                ' FOREIGN KEY ("workspace_id", "article_id") REFERENCES "articles_article" ("workspace_id", "id")'
            ),
            reverse_sql='ALTER TABLE "articles_snapshot" DROP CONSTRAINT "snapshot_article_same_workspace_fk"',
        ),
        migrations.RunSQL(
            sql=SNAPSHOT_GUARD,
            reverse_sql=(
                "DROP TRIGGER articles_snapshot_guard ON articles_snapshot;"
                "DROP FUNCTION articles_snapshot_guard();"
            ),
        ),
    ]
