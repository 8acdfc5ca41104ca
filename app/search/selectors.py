"""Search reads: ranked full-text and trigram search, and "already checked" claims.

Every read is scoped to the caller's workspaces through `workspace_ids_for`, embedded
as a subquery. Queries are folded with `app.core.text.fold`, the twin of the SQL
`sanad_fold` that built the index, so both sides spell text the same way.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.urls import reverse
from django.utils.safestring import SafeString

from app.core.dates import GREGORIAN, find_dates, find_day_months
from app.core.text import fold
from app.search.models import Kind
from app.search.snippets import highlight, snippet
from app.workspaces.access import workspace_ids_for
from app.workspaces.models import Workspace

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
# Trigram matching needs a few trigrams to be selective; shorter queries rely on
# full-text prefix matching alone.
MIN_FUZZY_LENGTH = 3
# How much a trigram match adds to the full-text rank (ts_rank of one A-weight hit is
# about 0.6, of one D-weight hit about 0.06): enough to surface misspellings, not to
# let a fuzzy comment outrank an exact title.
FUZZY_WEIGHT = 0.3
# An article's text is matched but not ranked (see SearchEntry.body_document): a text
# hit counts as one C-weight hit, above a comment (D) and below a quote (B) or title (A).
ARTICLE_TEXT_RANK = 0.12
# Similarity of folded quote/restatement above which two claims "say the same thing".
# Tuned by tests/search/test_already_checked.py; must stay >= pg_trgm's default
# similarity_threshold (0.3) for the `%` operator to prefilter through the index.
SIMILAR_CLAIM_THRESHOLD = 0.45
# Most ids each way of matching hands to ranking (see `search`).
CANDIDATE_LIMIT = 1000
# Trigram matching joins in when full text finds fewer candidates than this.
FUZZY_FALLBACK_BELOW = 100
# Least word_similarity for a trigram match (pg_trgm's default is 0.6; see `search`).
WORD_SIMILARITY_THRESHOLD = 0.65

_WORD = re.compile(r"[\w\u064b-\u065f\u0670\u0300-\u036f]+")
_PHRASE = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class ParsedQuery:
    words: list[str]
    phrases: list[str]
    fuzzy: str
    # Each date of the query as its index tokens (app/search/dates_sql.py), any of
    # which may match: both readings of an ambiguous day and month.
    dates: list[list[str]] = field(default_factory=list)
    # The words the dates were written with, for marking snippets.
    date_words: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.words and not self.phrases and not self.dates


def _date_tokens(folded: str) -> tuple[list[list[str]], str]:
    """The query's dates as token groups, and the query without them."""
    groups: list[list[str]] = []
    spans = []
    for found in find_dates(folded):
        groups.append([f"d{reading:%Y%m%d}" for reading in found.readings])
        spans.append((found.start, found.end))
    rest = folded
    for start, end in reversed(spans):
        rest = rest[:start] + " " + rest[end:]
    spans = []
    for found in find_day_months(rest):
        prefix = "g" if found.calendar == GREGORIAN else "j"
        groups.append([f"{prefix}{found.month:02d}{found.day:02d}"])
        spans.append((found.start, found.end))
    for start, end in reversed(spans):
        rest = rest[:start] + " " + rest[end:]
    return groups, rest


def parse_query(raw: str) -> ParsedQuery:
    """Split a query into folded words, "quoted phrases" and dates.

    A date in any spelling `app.core.dates` reads (either calendar, any digits, with or
    without a year) becomes the normalized tokens the index holds for dates, instead
    of its words, so `2024-06-18` finds `۲۹ خرداد ۱۴۰۳`.
    """
    folded = fold(raw[:MAX_QUERY_LENGTH])
    phrases = [" ".join(_WORD.findall(p)) for p in _PHRASE.findall(folded)]
    phrases = [p for p in phrases if p]
    unquoted = _PHRASE.sub(" ", folded)
    dates, rest = _date_tokens(unquoted)
    words = _WORD.findall(rest)
    date_words = [word for word in _WORD.findall(unquoted) if word not in words] if dates else []
    # Dates match by their tokens only: trigrams of "19 june 2024" resemble "2024-06-18".
    fuzzy = " ".join([*words, *phrases]) if dates else " ".join(_WORD.findall(folded))
    return ParsedQuery(
        words=words, phrases=phrases, fuzzy=fuzzy, dates=dates, date_words=date_words
    )


def _tsquery_sql(parsed: ParsedQuery) -> tuple[str, list[Any]]:
    """A tsquery: every word (English stem, or any word it begins) and every phrase."""
    parts, params = [], []
    for word in parsed.words:
        parts.append("(plainto_tsquery('english', %s) || to_tsquery('simple', %s))")
        params += [word, word + ":*"]
    for phrase in parsed.phrases:
        parts.append("(phraseto_tsquery('english', %s) || phraseto_tsquery('simple', %s))")
        params += [phrase, phrase]
    for tokens in parsed.dates:
        parts.append("to_tsquery('simple', %s)")
        params.append(" | ".join(tokens))
    return "(" + " && ".join(parts) + ")", params


def _scope_sql(user: Any) -> tuple[str, list[Any]] | None:
    scope = workspace_ids_for(user)
    if isinstance(scope, list):
        return None
    sql, params = scope.query.sql_with_params()
    return sql, list(params)


@dataclass
class SearchHit:
    kind: str
    object_id: int
    title_html: SafeString
    snippet_html: SafeString
    url: str
    workspace_slug: str
    workspace_name: str
    status: str
    verdict: str
    verdict_colour: str
    occurred_on: dt.date | None
    direction: str
    score: float


@dataclass
class SearchPage:
    query: str
    hits: list[SearchHit] = field(default_factory=list)
    page: int = 1
    has_next: bool = False


def _hit_url(kind: str, slug: str, object_id: int, claim_id: int | None) -> str:
    if kind == Kind.ARTICLE:
        return reverse("article-detail", kwargs={"slug": slug, "pk": object_id})
    if kind == Kind.SOURCE:
        return reverse("source-detail", kwargs={"slug": slug, "pk": object_id})
    url = reverse("claim-detail", kwargs={"slug": slug, "pk": claim_id or object_id})
    return url + "#comments-heading" if kind == Kind.COMMENT else url


def _stems(words: list[str]) -> list[str]:
    """English stems of the query words, so that snippets mark "checked" for "checking"."""
    if not words:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(array_agg(DISTINCT lexeme), '{}') FROM unnest(%s::text[]) AS w, "
            "unnest(ts_lexize('english_stem', w)) AS lexeme",
            [words],
        )
        return list(cursor.fetchone()[0])


def search(
    *,
    user: Any,
    query: str,
    workspace: Workspace | None = None,
    kinds: list[str] | None = None,
    status: str = "",
    rating: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> SearchPage:
    """One page of ranked hits for `query` in the caller's workspaces (or one of them).

    Words match full-text (English stems, or words they begin); "quoted text" matches
    as a phrase; fragments and misspellings match by trigram similarity of the folded
    short text. Status and verdict filters concern claims only, so they imply kind=claim.
    """
    parsed = parse_query(query)
    result = SearchPage(query=query, page=page)
    scope = _scope_sql(user)
    if parsed.empty or scope is None:
        return result

    tsquery, ts_params = _tsquery_sql(parsed)
    use_fuzzy = len(parsed.fuzzy) >= MIN_FUZZY_LENGTH
    fuzzy_score = "0"
    fuzzy_params: list[Any] = []
    fuzzy_conditions: list[str] = []
    fuzzy_match_params: list[Any] = []
    if use_fuzzy:
        like = "%" + parsed.fuzzy.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
        like += "%"
        fuzzy_conditions = [
            "(e.fuzzy LIKE %s OR %s <%% e.fuzzy)",
            "(e.fuzzy_alt LIKE %s OR %s <%% e.fuzzy_alt)",
        ]
        fuzzy_match_params = [like, parsed.fuzzy]
        fuzzy_score = "greatest(word_similarity(%s, e.fuzzy), word_similarity(%s, e.fuzzy_alt))"
        fuzzy_params = [parsed.fuzzy, parsed.fuzzy]

    scope_sql, scope_params = scope
    where = [f"e.workspace_id IN ({scope_sql})"]
    where_params: list[Any] = [*scope_params]
    if workspace is not None:
        where.append("e.workspace_id = %s")
        where_params.append(workspace.pk)
    if status or rating is not None:
        kinds = [Kind.CLAIM]
    if kinds:
        where.append("e.kind = ANY(%s)")
        where_params.append([str(k) for k in kinds])
    if status:
        where.append("e.status = %s")
        where_params.append(status)
    if rating is not None:
        where.append("e.rating_id = %s")
        where_params.append(rating)
    if date_from is not None:
        where.append("e.occurred_on >= %s")
        where_params.append(date_from)
    if date_to is not None:
        where.append("e.occurred_on <= %s")
        where_params.append(date_to)

    # Each way of matching is its own branch, answered by its own GIN index, rechecking
    # only its own condition: in one big OR, a page the lossy trigram index flags for
    # recheck re-evaluates `body_document @@` on every row of it, detoasting long
    # article vectors. Ranking every match of a common word (a third of all rows) would
    # cost a ts_rank and two word_similarity calls per row, so each branch hands over at
    # most CANDIDATE_LIMIT ids, newest first. The trade-off: ranking is exact within the
    # candidates; an older, better match of a very common word can be missed, and pages
    # end at the cap. Article-text matches all rank alike (ARTICLE_TEXT_RANK), so for
    # them newest first is the ranking's own tie-break. `e.id + 0` keeps the planner
    # from walking the primary key backwards and filtering row by row, which for a
    # word it underestimates reads the whole table.
    filters = " AND ".join(where)
    branch = (
        "(SELECT e.id FROM search_searchentry e WHERE {filters} AND {condition}"
        " ORDER BY e.id + 0 DESC LIMIT %s)"
    )
    text_sql = " UNION ".join(
        branch.format(filters=filters, condition=condition)
        for condition in (f"e.document @@ {tsquery}", f"e.body_document @@ {tsquery}")
    )
    text_params = [*where_params, *ts_params, CANDIDATE_LIMIT] * 2
    candidate_sql = "SELECT id FROM text_match"
    fuzzy_branch_params: list[Any] = []
    if fuzzy_conditions:
        # Trigram matching is for fragments and misspellings, which full text misses. Its
        # index is lossy and each recheck (a word_similarity) costs 10-20 us, so it runs
        # only when full text found few candidates (an InitPlan decides once; otherwise
        # the scans do not start), and quote and restatement are separate branches so
        # that a row is rechecked against one column, not both.
        enough = f"{filters} AND (SELECT count(*) FROM text_match) < %s"  # noqa: S608
        for condition in fuzzy_conditions:
            fuzzy_branch = branch.format(filters=enough, condition=condition)
            candidate_sql += f" UNION SELECT id FROM {fuzzy_branch} AS fuzzy_match"  # noqa: S608
            fuzzy_branch_params += [*where_params, FUZZY_FALLBACK_BELOW, *fuzzy_match_params]
            fuzzy_branch_params.append(CANDIDATE_LIMIT)

    # Only fixed SQL fragments are interpolated; every value travels as a parameter.
    # Rank candidate ids alone first (short vectors only; never `body_document`), then
    # fetch the page's rows and text.
    sql = f"""
        WITH text_match AS MATERIALIZED ({text_sql})
        SELECT e.kind, e.object_id, e.claim_id, e.title, e.body, e.status, e.occurred_on,
               e.direction, w.slug, w.name, c.rating_label, c.rating_colour, ranked.score
        FROM (
            SELECT e.id,
                   ts_rank('{{0.1, 0.2, 0.4, 1.0}}', e.document, {tsquery})
                       + {FUZZY_WEIGHT} * {fuzzy_score}
                       + CASE WHEN e.kind = 'article' THEN {ARTICLE_TEXT_RANK} ELSE 0 END
                       AS score
            FROM ({candidate_sql}) AS candidate
            JOIN search_searchentry e ON e.id = candidate.id
            ORDER BY score DESC, e.id DESC
            LIMIT %s OFFSET %s
        ) AS ranked
        JOIN search_searchentry e ON e.id = ranked.id
        JOIN workspaces_workspace w ON w.id = e.workspace_id
        -- The verdict as published: the claim's stored words, not the scale's today.
        LEFT JOIN claims_claim c ON e.kind = 'claim' AND c.id = e.object_id
        ORDER BY ranked.score DESC, e.id DESC
    """  # noqa: S608 - fixed fragments only; values are parameters
    offset = (max(page, 1) - 1) * per_page
    params = [*text_params, *ts_params, *fuzzy_params, *fuzzy_branch_params, per_page + 1, offset]
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner cannot estimate how many rows a tsquery matches; for common words
        # it chose a parallel sequential scan that evaluated `body_document @@` on every
        # row (seconds). The GIN bitmap scans are never much worse, so only they are
        # allowed, for this one statement.
        # A word_similarity threshold of 0.65 instead of 0.6 lets the trigram index drop
        # about four in five of the rows it would hand to recheck, and still finds a
        # word with two letters swapped (about 0.69).
        cursor.execute(
            "SET LOCAL enable_seqscan = off; SET LOCAL max_parallel_workers_per_gather = 0; "
            f"SET LOCAL pg_trgm.word_similarity_threshold = {WORD_SIMILARITY_THRESHOLD}"
        )
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        # Inside a caller's transaction, SET LOCAL would outlive this block.
        cursor.execute(
            "RESET enable_seqscan; RESET max_parallel_workers_per_gather; "
            "RESET pg_trgm.word_similarity_threshold"
        )

    terms = [
        *parsed.words,
        *(w for p in parsed.phrases for w in p.split()),
        *_stems(parsed.words),
        *parsed.date_words,
    ]
    result.has_next = len(rows) > per_page
    for row in rows[:per_page]:
        kind, object_id, claim_id, title, body, status_, occurred_on, direction = row[:8]
        slug, name, verdict, colour, score = row[8:]
        result.hits.append(
            SearchHit(
                kind=kind,
                object_id=object_id,
                title_html=highlight(title, terms),
                snippet_html=snippet(body, terms),
                url=_hit_url(kind, slug, object_id, claim_id),
                workspace_slug=slug,
                workspace_name=name,
                status=status_,
                verdict=verdict or "",
                verdict_colour=colour or "",
                occurred_on=occurred_on,
                direction=direction,
                score=float(score),
            )
        )
    return result


@dataclass
class SimilarClaim:
    claim_id: int
    exact: str
    restatement: str
    status: str
    verdict: str
    verdict_colour: str
    verdict_summary: str
    article_title: str
    similarity: float


def similar_claims(
    *,
    user: Any,
    workspace: Workspace,
    texts: list[str],
    exclude_claim_id: int | None = None,
    limit: int = 5,
) -> list[SimilarClaim]:
    """Claims of the workspace whose quote or restatement says what one of `texts` says.

    Compared by trigram similarity of folded text (quote and restatement each whole),
    best first; claims already linked as related to `exclude_claim_id` are left out,
    since the claim page lists those on their own.
    """
    scope = _scope_sql(user)
    probes = [fold(t).strip() for t in texts if t and len(fold(t).strip()) >= MIN_FUZZY_LENGTH]
    if scope is None or not probes:
        return []
    scope_sql, scope_params = scope
    sims = ", ".join("similarity(e.fuzzy, %s), similarity(e.fuzzy_alt, %s)" for _ in probes)
    sim_params = [p for p in probes for _ in range(2)]
    prefilter = " OR ".join("e.fuzzy %% %s OR e.fuzzy_alt %% %s" for _ in probes)
    exclude = exclude_claim_id or 0
    sql = f"""
        SELECT * FROM (
            SELECT c.id, c.exact, c.restatement, c.status, c.rating_label, c.rating_colour,
                   c.verdict_summary, a.title, greatest({sims}) AS sim
            FROM search_searchentry e
            JOIN claims_claim c ON c.id = e.object_id
            JOIN articles_article a ON a.id = c.article_id
            WHERE e.kind = 'claim' AND e.workspace_id = %s AND e.workspace_id IN ({scope_sql})
              AND e.object_id <> %s AND ({prefilter})
              AND NOT EXISTS (
                  SELECT 1 FROM claims_claimrelation l
                  WHERE (l.claim_id = %s AND l.related_id = c.id)
                     OR (l.claim_id = c.id AND l.related_id = %s))
        ) AS candidates
        WHERE sim >= %s
        ORDER BY sim DESC, id DESC
        LIMIT %s
    """  # noqa: S608 - fixed fragments only; values are parameters
    params = [
        *sim_params,
        workspace.pk,
        *scope_params,
        exclude,
        *sim_params,
        exclude,
        exclude,
        SIMILAR_CLAIM_THRESHOLD,
        limit,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        SimilarClaim(
            claim_id=row[0],
            exact=row[1],
            restatement=row[2],
            status=row[3],
            verdict=row[4] or "",
            verdict_colour=row[5] or "",
            verdict_summary=row[6],
            article_title=row[7],
            similarity=float(row[8]),
        )
        for row in rows
    ]
