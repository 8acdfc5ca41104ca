"""Bulk bench data: many claims in a few set-based statements (no services, no audit events).

Minimal version for bench/peers.py; the claims are open, anchored, on the workspace's
snapshots (a snapshot's words taken in turn), each with its quote context cut from the
stored text by PostgreSQL, so they pass the anchor guard and the span constraints.
"""

import re

WORD = re.compile(r"\S+")
BATCH = 50_000


def populate_claims(*, workspace, actor, count: int) -> None:
    """Add `count` claims to `workspace`, made by `actor`, on its existing snapshots.

    Raises ValueError when the workspace has no snapshot to put them on.
    """
    from django.db import connection, transaction

    from app.articles.models import Snapshot
    from app.claims.models import Claim, ReaderVersion

    snapshots = list(
        Snapshot.objects.filter(workspace=workspace)
        .order_by("id")
        .values_list("id", "article_id", "text")
    )
    if not snapshots:
        raise ValueError("populate_claims needs a workspace with at least one snapshot")
    # Word spans (code points, as PostgreSQL's substr counts them) of every snapshot.
    snapshot_ids, article_ids, starts, ends, exacts, prefixes, suffixes = ([] for _ in range(7))
    for pk, article_id, text in snapshots:
        for match in WORD.finditer(text):
            snapshot_ids.append(pk)
            article_ids.append(article_id)
            starts.append(match.start())
            ends.append(match.end())
            exacts.append(match.group())
            prefixes.append(text[max(0, match.start() - 32) : match.start()])
            suffixes.append(text[match.end() : match.end() + 32])
    claims = Claim._meta.db_table
    # The spans as a table (unnest, hashed once), not array subscripts, which would
    # copy the whole array for every row; quotes cut here, so that only the anchor guard
    # reads the (TOASTed) snapshot text, once a row.
    sql = f"""
        WITH w AS MATERIALIZED (
            SELECT (ordinality - 1)::int AS n, *
              FROM unnest(%(snapshots)s::bigint[], %(articles)s::bigint[],
                          %(starts)s::int[], %(ends)s::int[], %(exacts)s::text[],
                          %(prefixes)s::text[], %(suffixes)s::text[])
                   WITH ORDINALITY
                   AS u(snapshot_id, article_id, start, "end", exact, prefix, suffix, ordinality)
        )
        INSERT INTO {claims} (
            workspace_id, article_id, snapshot_id, start, "end", exact, prefix, suffix,
            anchor_state, restatement, claimant, claimant_type, status, verdict_summary,
            rating_label, rating_colour, tags, version, created_by_id, created_at, updated_at
        )
        SELECT %(workspace)s, w.article_id, w.snapshot_id, w.start, w."end",
               w.exact, w.prefix, w.suffix,
               'anchored', 'ادعای شمارهٔ ' || g, '', 'Person', 'open', '', '', '',
               ARRAY['bench']::varchar(64)[], 1, %(actor)s, now(), now()
          FROM generate_series(%(first)s, %(last)s) AS g
          JOIN w ON w.n = g %% %(n)s
    """  # noqa: S608 - table names from the models, values as parameters
    params = {
        "workspace": workspace.pk,
        "actor": actor.pk,
        "snapshots": snapshot_ids,
        "articles": article_ids,
        "starts": starts,
        "ends": ends,
        "exacts": exacts,
        "prefixes": prefixes,
        "suffixes": suffixes,
        "n": len(starts),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for first in range(0, count, BATCH):
            last = min(count, first + BATCH) - 1
            cursor.execute(sql, {**params, "first": first, "last": last})
        # The claims changed without an audit event: move the reader's cache key on too.
        version = ReaderVersion._meta.db_table
        cursor.execute(
            f"INSERT INTO {version} (workspace_id, version) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (workspace_id) DO UPDATE SET version = {version}.version + 1",
            [workspace.pk],
        )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {claims}")
