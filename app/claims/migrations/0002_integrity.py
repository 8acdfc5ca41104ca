from django.db import migrations

from app.core.migration_sql import composite_foreign_key

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
        composite_foreign_key(
            table="claims_claim",
            name="claim_snapshot_same_workspace_and_article_fk",
            columns=["workspace_id", "article_id", "snapshot_id"],
            ref_table="articles_snapshot",
            ref_columns=["workspace_id", "article_id", "id"],
        ),
        composite_foreign_key(
            table="claims_claim",
            name="claim_rating_same_workspace_fk",
            columns=["workspace_id", "rating_id"],
            ref_table="claims_rating",
            ref_columns=["workspace_id", "id"],
        ),
        composite_foreign_key(
            table="claims_comment",
            name="comment_claim_same_workspace_fk",
            columns=["workspace_id", "claim_id"],
            ref_table="claims_claim",
            ref_columns=["workspace_id", "id"],
        ),
        migrations.RunSQL(
            sql=CLAIM_ANCHOR_GUARD,
            reverse_sql=(
                "DROP TRIGGER claims_claim_anchor_guard ON claims_claim;"
                "DROP FUNCTION claims_claim_anchor_guard();"
            ),
        ),
    ]
