"""Date-aware search, evidence in the claim's entry, format characters folded away.

* `sanad_fold` is generated again: `fold` now also drops soft hyphens, zero-width
  spaces, word joiners and bidi controls (app/core/text.py).
* `search_vector` adds each date's normalized tokens (app/search/dates_sql.py), so
  every indexed field is date-aware.
* A claim's entry holds its evidence: each linked source's title, the quoted passage
  and the note (weight C), kept current by triggers on evidence and source titles.
* `articles_snapshot (workspace_id, sha256)` is indexed for `import_articles`, which
  finds an article without URL by its text's hash (kept here, with the other SQL
  this issue needs, rather than in a new articles migration).

Every entry is rebuilt at the end.
"""

from django.db import migrations

from app.search.dates_sql import date_tokens_sql
from app.search.folding_sql import fold_function_sql

SEARCH_SQL = r"""
-- PL/pgSQL so that the prepared text is computed once: an SQL function's sub-select
-- is pulled up, and `p` would be folded again for each of its three uses.
CREATE OR REPLACE FUNCTION search_vector(t text, weight "char") RETURNS tsvector
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    p text := search_prepare(coalesce(t, ''));
BEGIN
    RETURN setweight(
        to_tsvector('english'::regconfig, p) || to_tsvector('simple'::regconfig, p)
            || to_tsvector('simple'::regconfig, search_date_tokens(p)),
        weight);
END;
$$;

CREATE OR REPLACE FUNCTION search_index_claim(target bigint) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO search_searchentry AS e (workspace_id, kind, object_id, article_id, claim_id,
        title, body, status, rating_id, occurred_on, direction, document, fuzzy, fuzzy_alt)
    SELECT c.workspace_id, 'claim', c.id, c.article_id, c.id, c.exact,
        concat_ws(' — ', nullif(c.restatement, ''), nullif(c.claimant, ''),
                  nullif(array_to_string(c.tags, ', '), ''), nullif(c.verdict_summary, ''),
                  nullif(ev.text, '')),
        c.status, c.rating_id, (c.created_at AT TIME ZONE 'UTC')::date, a.direction,
        search_vector(c.exact, 'B')
            || search_vector(c.restatement, 'B')
            || search_vector(
                concat_ws(' ', c.claimant, array_to_string(c.tags, ' '), c.verdict_summary), 'C')
            || search_vector(ev.text, 'C'),
        sanad_fold(c.exact), sanad_fold(c.restatement)
    FROM claims_claim c
    JOIN articles_article a ON a.id = c.article_id
    LEFT JOIN LATERAL (
        SELECT string_agg(
            concat_ws(' ', nullif(s.title, ''), nullif(v.quote, ''), nullif(v.note, '')),
            ' — ' ORDER BY v.id) AS text
        FROM sources_evidence v JOIN sources_source s ON s.id = v.source_id
        WHERE v.claim_id = c.id
    ) ev ON true
    WHERE c.id = target
    ON CONFLICT (kind, object_id) DO UPDATE SET
        article_id = EXCLUDED.article_id, title = EXCLUDED.title, body = EXCLUDED.body,
        status = EXCLUDED.status, rating_id = EXCLUDED.rating_id,
        direction = EXCLUDED.direction, document = EXCLUDED.document, fuzzy = EXCLUDED.fuzzy,
        fuzzy_alt = EXCLUDED.fuzzy_alt;
$$;

CREATE OR REPLACE FUNCTION search_evidence_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM search_index_claim(OLD.claim_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.claim_id <> OLD.claim_id) THEN
        PERFORM search_index_claim(NEW.claim_id);
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION search_source_claims_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_index_claim(v.claim_id) FROM sources_evidence v WHERE v.source_id = NEW.id;
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS search_evidence_sync ON sources_evidence;
CREATE TRIGGER search_evidence_sync
    AFTER INSERT OR DELETE OR UPDATE OF quote, note, claim_id, source_id
    ON sources_evidence FOR EACH ROW EXECUTE FUNCTION search_evidence_sync();
DROP TRIGGER IF EXISTS search_source_claims_sync ON sources_source;
CREATE TRIGGER search_source_claims_sync
    AFTER UPDATE OF title ON sources_source
    FOR EACH ROW EXECUTE FUNCTION search_source_claims_sync();

CREATE INDEX IF NOT EXISTS articles_snapshot_workspace_sha256
    ON articles_snapshot (workspace_id, sha256);

SELECT search_index_article(id) FROM articles_article;
SELECT search_index_claim(id) FROM claims_claim;
SELECT search_index_source(id) FROM sources_source;
SELECT search_index_comment(id) FROM claims_comment;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_article_body_vector"),
        ("articles", "0002_integrity"),
        ("claims", "0004_claim_relations"),
        ("sources", "0002_integrity"),
    ]

    operations = [
        # Not reversible: the previous functions live in 0002/0003 and would have to be
        # restored with their older folding; unapplying leaves these in place.
        migrations.RunSQL(
            sql=fold_function_sql() + date_tokens_sql() + SEARCH_SQL,
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
