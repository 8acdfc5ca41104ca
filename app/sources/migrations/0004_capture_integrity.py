from django.db import migrations

CAPTURE_GUARD = r"""
CREATE FUNCTION sources_capture_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW IS DISTINCT FROM OLD THEN
            RAISE EXCEPTION 'captures are immutable (capture %)', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF (NEW.warc IS NOT NULL AND NEW.warc_sha256 IS DISTINCT FROM encode(sha256(NEW.warc), 'hex'))
       OR (NEW.file IS NOT NULL AND NEW.file_sha256 IS DISTINCT FROM encode(sha256(NEW.file), 'hex'))
       OR (NEW.screenshot IS NOT NULL
           AND NEW.screenshot_sha256 IS DISTINCT FROM encode(sha256(NEW.screenshot), 'hex'))
       OR (NEW.pdf IS NOT NULL AND NEW.pdf_sha256 IS DISTINCT FROM encode(sha256(NEW.pdf), 'hex'))
       OR (NEW.text <> '' AND NEW.text_sha256 IS DISTINCT FROM
           encode(sha256(convert_to(NEW.text, 'UTF8')), 'hex')) THEN
        RAISE EXCEPTION 'a capture hash does not match its bytes'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER sources_capture_guard
    BEFORE INSERT OR UPDATE ON sources_capture
    FOR EACH ROW EXECUTE FUNCTION sources_capture_guard();
"""


class Migration(migrations.Migration):
    """Captures stay in their workspace, never change, and carry the hashes of their bytes."""

    dependencies = [("sources", "0003_captures_and_link_checks")]
    operations = [
        migrations.RunSQL(
            sql=(
                'ALTER TABLE "sources_capture" ADD CONSTRAINT "capture_source_same_workspace_fk"'
                ' FOREIGN KEY ("workspace_id", "source_id") REFERENCES "sources_source" ("workspace_id", "id")'
            ),
            reverse_sql='ALTER TABLE "sources_capture" DROP CONSTRAINT "capture_source_same_workspace_fk"',
        ),
        migrations.RunSQL(
            sql=(
                'ALTER TABLE "sources_capture" ADD CONSTRAINT "capture_article_same_workspace_fk"'
                ' FOREIGN KEY ("workspace_id", "article_id") REFERENCES "articles_article" ("workspace_id", "id")'
            ),
            reverse_sql='ALTER TABLE "sources_capture" DROP CONSTRAINT "capture_article_same_workspace_fk"',
        ),
        migrations.RunSQL(
            sql=CAPTURE_GUARD,
            reverse_sql=(
                "DROP TRIGGER sources_capture_guard ON sources_capture;"
                "DROP FUNCTION sources_capture_guard();"
            ),
        ),
    ]
