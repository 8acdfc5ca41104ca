"""The folding function in SQL and the triggers that keep search entries current.

`sanad_fold` is generated from Python's `fold` (and the Unicode tables of the pinned
Python 3.11) when the migration runs; a test checks that both agree code point by
code point, so a Python upgrade that changes case folding is caught there.
"""

from django.db import migrations

from app.search.folding_sql import fold_function_sql

# Persian punctuation is a letter to the text-search parser under the "C" locale, so
# `سلام،` would be one token: turn it into spaces (decimal/thousands marks into ASCII).
SEARCH_SQL = r"""
CREATE OR REPLACE FUNCTION search_prepare(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT translate(sanad_fold(t), '،؛؟«»٫٬', '     .,')
$$;

CREATE OR REPLACE FUNCTION search_vector(t text, weight "char") RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(
        to_tsvector('english'::regconfig, p) || to_tsvector('simple'::regconfig, p), weight)
    FROM (SELECT search_prepare(coalesce(t, '')) AS p) AS prepared
$$;

CREATE OR REPLACE FUNCTION search_index_article(target bigint) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO search_searchentry AS e (workspace_id, kind, object_id, article_id, claim_id,
        title, body, status, rating_id, occurred_on, direction, document, fuzzy, fuzzy_alt)
    SELECT a.workspace_id, 'article', a.id, a.id, NULL, a.title, coalesce(s.text, ''), '',
        NULL, coalesce(a.published_on, (a.created_at AT TIME ZONE 'UTC')::date), a.direction,
        search_vector(a.title, 'A')
            || search_vector(concat_ws(' ', a.outlet, a.author), 'C')
            || search_vector(s.text, 'C'),
        sanad_fold(a.title), ''
    FROM articles_article a
    LEFT JOIN LATERAL (
        SELECT text FROM articles_snapshot WHERE article_id = a.id ORDER BY number DESC LIMIT 1
    ) s ON true
    WHERE a.id = target
    ON CONFLICT (kind, object_id) DO UPDATE SET
        title = EXCLUDED.title, body = EXCLUDED.body, occurred_on = EXCLUDED.occurred_on,
        direction = EXCLUDED.direction, document = EXCLUDED.document, fuzzy = EXCLUDED.fuzzy;
$$;

CREATE OR REPLACE FUNCTION search_index_claim(target bigint) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO search_searchentry AS e (workspace_id, kind, object_id, article_id, claim_id,
        title, body, status, rating_id, occurred_on, direction, document, fuzzy, fuzzy_alt)
    SELECT c.workspace_id, 'claim', c.id, c.article_id, c.id, c.exact,
        concat_ws(' — ', nullif(c.restatement, ''), nullif(c.claimant, ''),
                  nullif(array_to_string(c.tags, ', '), ''), nullif(c.verdict_summary, '')),
        c.status, c.rating_id, (c.created_at AT TIME ZONE 'UTC')::date, a.direction,
        search_vector(c.exact, 'B')
            || search_vector(c.restatement, 'B')
            || search_vector(
                concat_ws(' ', c.claimant, array_to_string(c.tags, ' '), c.verdict_summary), 'C'),
        sanad_fold(c.exact), sanad_fold(c.restatement)
    FROM claims_claim c JOIN articles_article a ON a.id = c.article_id
    WHERE c.id = target
    ON CONFLICT (kind, object_id) DO UPDATE SET
        article_id = EXCLUDED.article_id, title = EXCLUDED.title, body = EXCLUDED.body,
        status = EXCLUDED.status, rating_id = EXCLUDED.rating_id,
        direction = EXCLUDED.direction, document = EXCLUDED.document, fuzzy = EXCLUDED.fuzzy,
        fuzzy_alt = EXCLUDED.fuzzy_alt;
$$;

CREATE OR REPLACE FUNCTION search_index_source(target bigint) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO search_searchentry AS e (workspace_id, kind, object_id, article_id, claim_id,
        title, body, status, rating_id, occurred_on, direction, document, fuzzy, fuzzy_alt)
    SELECT s.workspace_id, 'source', s.id, NULL, NULL, coalesce(nullif(s.title, ''), s.url),
        concat_ws(' · ', nullif(s.publisher, ''), s.url), '', NULL,
        coalesce(s.published_on, (s.created_at AT TIME ZONE 'UTC')::date), 'ltr',
        search_vector(s.title, 'A') || search_vector(concat_ws(' ', s.publisher, s.url), 'C'),
        sanad_fold(concat_ws(' ', nullif(s.title, ''), nullif(s.publisher, ''), s.url)), ''
    FROM sources_source s
    WHERE s.id = target
    ON CONFLICT (kind, object_id) DO UPDATE SET
        title = EXCLUDED.title, body = EXCLUDED.body, occurred_on = EXCLUDED.occurred_on,
        document = EXCLUDED.document, fuzzy = EXCLUDED.fuzzy;
$$;

CREATE OR REPLACE FUNCTION search_index_comment(target bigint) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO search_searchentry AS e (workspace_id, kind, object_id, article_id, claim_id,
        title, body, status, rating_id, occurred_on, direction, document, fuzzy, fuzzy_alt)
    SELECT m.workspace_id, 'comment', m.id, c.article_id, c.id, c.exact, m.body, '', NULL,
        (m.created_at AT TIME ZONE 'UTC')::date, 'ltr',
        search_vector(m.body, 'D'),
        sanad_fold(left(m.body, 2000)), ''
    FROM claims_comment m JOIN claims_claim c ON c.id = m.claim_id
    WHERE m.id = target
    ON CONFLICT (kind, object_id) DO UPDATE SET
        title = EXCLUDED.title, body = EXCLUDED.body, document = EXCLUDED.document,
        fuzzy = EXCLUDED.fuzzy;
$$;

CREATE OR REPLACE FUNCTION search_entry_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    entry_kind text := TG_ARGV[0];
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_searchentry WHERE kind = entry_kind AND object_id = OLD.id;
        RETURN OLD;
    END IF;
    IF TG_TABLE_NAME = 'articles_snapshot' THEN
        PERFORM search_index_article(NEW.article_id);
    ELSIF entry_kind = 'article' THEN
        PERFORM search_index_article(NEW.id);
    ELSIF entry_kind = 'claim' THEN
        PERFORM search_index_claim(NEW.id);
    ELSIF entry_kind = 'source' THEN
        PERFORM search_index_source(NEW.id);
    ELSIF entry_kind = 'comment' THEN
        PERFORM search_index_comment(NEW.id);
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER search_article_sync
    AFTER INSERT OR DELETE OR UPDATE OF title, outlet, author, published_on, direction
    ON articles_article FOR EACH ROW EXECUTE FUNCTION search_entry_sync('article');
CREATE TRIGGER search_snapshot_sync
    AFTER INSERT ON articles_snapshot
    FOR EACH ROW EXECUTE FUNCTION search_entry_sync('article');
CREATE TRIGGER search_claim_sync
    AFTER INSERT OR DELETE
        OR UPDATE OF exact, restatement, claimant, tags, verdict_summary, status, rating_id
    ON claims_claim FOR EACH ROW EXECUTE FUNCTION search_entry_sync('claim');
CREATE TRIGGER search_source_sync
    AFTER INSERT OR DELETE OR UPDATE OF title, publisher, url, published_on
    ON sources_source FOR EACH ROW EXECUTE FUNCTION search_entry_sync('source');
CREATE TRIGGER search_comment_sync
    AFTER INSERT OR DELETE OR UPDATE OF body
    ON claims_comment FOR EACH ROW EXECUTE FUNCTION search_entry_sync('comment');

SELECT search_index_article(id) FROM articles_article;
SELECT search_index_claim(id) FROM claims_claim;
SELECT search_index_source(id) FROM sources_source;
SELECT search_index_comment(id) FROM claims_comment;
"""

DROP_SQL = """
DROP TRIGGER search_article_sync ON articles_article;
DROP TRIGGER search_snapshot_sync ON articles_snapshot;
DROP TRIGGER search_claim_sync ON claims_claim;
DROP TRIGGER search_source_sync ON sources_source;
DROP TRIGGER search_comment_sync ON claims_comment;
DROP FUNCTION search_entry_sync();
DROP FUNCTION search_index_article(bigint);
DROP FUNCTION search_index_claim(bigint);
DROP FUNCTION search_index_source(bigint);
DROP FUNCTION search_index_comment(bigint);
DROP FUNCTION search_vector(text, "char");
DROP FUNCTION search_prepare(text);
DROP FUNCTION sanad_fold(text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("articles", "0002_integrity"),
        ("claims", "0003_verdicts"),
        ("sources", "0002_integrity"),
    ]
    operations = [
        migrations.RunSQL(sql=fold_function_sql() + SEARCH_SQL, reverse_sql=DROP_SQL),
    ]
