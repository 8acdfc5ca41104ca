from django.db import migrations

CLAIM_ANCHOR_GUARD = r"""
CREATE FUNCTION claims_claim_anchor_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    quoted text;
BEGIN
    -- substr counts characters (code points) in a UTF-8 database, as the anchor does.
    SELECT substr(s.text, NEW.start + 1, NEW."end" - NEW.start) INTO quoted
        FROM articles_snapshot s WHERE s.id = NEW.snapshot_id;
    IF quoted IS DISTINCT FROM NEW.exact THEN
        RAISE EXCEPTION 'claim anchor does not match snapshot % at %-%',
            NEW.snapshot_id, NEW.start, NEW."end"
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER claims_claim_anchor_guard
    BEFORE INSERT OR UPDATE OF snapshot_id, start, "end", exact ON claims_claim
    FOR EACH ROW EXECUTE FUNCTION claims_claim_anchor_guard();
"""


class Migration(migrations.Migration):
    """Database-held invariants of claims, ratings and comments."""

    dependencies = [("claims", "0001_initial"), ("articles", "0002_integrity")]
    operations = [
        migrations.RunSQL(
            sql=(
                'ALTER TABLE "claims_claim" ADD CONSTRAINT "claim_snapshot_same_workspace_and_article_fk"'
                ' FOREIGN KEY ("workspace_id", "article_id", "snapshot_id") REFERENCES "articles_snapshot" ("workspace_id", "article_id", "id")'
            ),
            reverse_sql='ALTER TABLE "claims_claim" DROP CONSTRAINT "claim_snapshot_same_workspace_and_article_fk"',
        ),
        migrations.RunSQL(
            sql=(
                'ALTER TABLE "claims_claim" ADD CONSTRAINT "claim_rating_same_workspace_fk"'
                ' FOREIGN KEY ("workspace_id", "rating_id") REFERENCES "claims_rating" ("workspace_id", "id")'
            ),
            reverse_sql='ALTER TABLE "claims_claim" DROP CONSTRAINT "claim_rating_same_workspace_fk"',
        ),
        migrations.RunSQL(
            sql=(
                'ALTER TABLE "claims_comment" ADD CONSTRAINT "comment_claim_same_workspace_fk"'
                ' FOREIGN KEY ("workspace_id", "claim_id") REFERENCES "claims_claim" ("workspace_id", "id")'
            ),
            reverse_sql='ALTER TABLE "claims_comment" DROP CONSTRAINT "comment_claim_same_workspace_fk"',
        ),
        migrations.RunSQL(
            sql=CLAIM_ANCHOR_GUARD,
            reverse_sql=(
                "DROP TRIGGER claims_claim_anchor_guard ON claims_claim;"
                "DROP FUNCTION claims_claim_anchor_guard();"
            ),
        ),
    ]
