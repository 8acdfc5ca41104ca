"""Many claims in seconds: a few made by the services, then multiplied by set-based SQL.

`populate_claims(workspace=…, actor=…, count=…)` gives `workspace` `count` more claims
(a few hundred thousand in seconds, where the services take a claim per ~15 ms):

1. Templates through the very services the app uses: Persian articles (astral
   characters, emoji, quotes, a ZWNJ, an NBSP), and a handful of claims in every state
   the exports tell apart — open, assigned and tagged, in review with a pending
   proposal, published with cited sources (some with a PDF capture), corrected (a
   superseded verdict and its published correction), one with a comment.
2. Copies by SQL in one transaction: claim `n` is template `n mod T` anchored on word
   `n mod W` of the template articles (prefix and suffix computed as the services
   compute them, so the anchor trigger accepts every row), with the template's
   evidence, verdicts and comments copied onto it.

Database rules hold: every row goes through the tables' constraints and the anchor
trigger. The search index's row triggers alone are switched off for the copy when the role
owns the tables (inside the same transaction, so no other session ever sees them off)
— they would re-index a claim once per inserted row that touches it — and the new
claims are then indexed by the same `search_index_claim` function, once per distinct
text; a role that does not own them leaves the triggers on (the 10,000-claim export test
populates as the owner, `as_owner()`). The workspace's reader version is
bumped once, as one claim change bumps it.
"""

import random
import secrets

from django.db import connection, transaction

PERSIAN_WORDS = [
    "گزارش",
    "وزیر",
    "قرارداد",
    "«پیمان»",
    "افزایش‌یافته",
    "پیش‌بینی",
    "۱۲٪",
    "٢۹",
    "خرداد",
    "نشست‌های",
    "دو",
    "کشور",
    "🚇",
    "𝕏",
    '"نقل"',
    "اقتصاد",
    "انتخابات",
    "بودجه",
    "۱۴۰۳",
    "تورم",
    "\\بک‌اسلش",
    "👩🏽‍⚕️",
]
TAGS = ["اقتصاد", "انتخابات", "🚇 tag", 'q"uote', "health", "climate"]
ARTICLES = 4
ARTICLE_CHARS = 3000


def _article_text(rng: random.Random, number: int) -> str:
    lines, length = [f"گزارش\u00a0ویژه {number}: وزیر گفت"], 0
    while length < ARTICLE_CHARS:
        line = " ".join(rng.choice(PERSIAN_WORDS) for _ in range(12)) + "."
        lines.append(line)
        length += len(line) + 1
    return "\n".join(lines) + "\n"


def _spans(snapshot) -> list[tuple]:
    """(article, snapshot, start, end, exact, prefix, suffix) of each word of the text."""
    from app.claims.anchors import anchor_from_offsets

    text, spans, position = snapshot.text, [], 0
    for line in text.split("\n"):
        for word in line.split(" "):
            if word and "\u00a0" not in word:
                anchor = anchor_from_offsets(text, position, position + len(word), word)
                spans.append(
                    (
                        snapshot.article_id,
                        snapshot.pk,
                        anchor.start,
                        anchor.end,
                        anchor.exact,
                        anchor.prefix,
                        anchor.suffix,
                    )
                )
            position += len(word) + 1
    return spans


def _colleague(workspace, actor, name: str, role: str):
    from app.accounts.models import User
    from app.members.services import member_add
    from app.workspaces.models import Membership

    username = f"populate-{workspace.pk}-{name}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username, password=None, display_name=f"{name} «فرضی» 🌙")
    if not Membership.objects.filter(workspace=workspace, user=user).exists():
        member_add(workspace=workspace, user=user, role=role, actor=actor)
    return user


def _templates(workspace, actor, rng: random.Random) -> tuple[list[int], list[tuple]]:
    """Claims in every state made through the services; their ids and the word spans."""
    from app.articles.services import article_import_text
    from app.claims.evidence import evidence_add
    from app.claims.models import Claim, Rating
    from app.claims.services import claim_create, comment_add
    from app.claims.workflow import (
        claim_assign,
        claim_start_review,
        verdict_approve,
        verdict_correct,
        verdict_propose,
    )
    from app.sources import captures
    from app.sources.services import source_add

    reviewer = _colleague(workspace, actor, "reviewer", "reviewer")
    editor = _colleague(workspace, actor, "editor", "editor")
    snapshots = [
        article_import_text(
            workspace=workspace,
            text=_article_text(rng, number),
            title=f'گزارش "{number}" 🚇 𝕏',
            url=f'https://example.org/fa/گزارش-{number}?q="x"&n={secrets.token_hex(4)}',
            actor=reviewer,
        ).snapshot
        for number in range(ARTICLES)
    ]
    spans = [span for snapshot in snapshots for span in _spans(snapshot)]
    sources = []
    for number in range(6):
        source, _ = source_add(
            workspace=workspace,
            url=f"https://source{number}.example.org/منبع/{secrets.token_hex(4)}",
            title=f'Report {number} "منبع" 📰' if number % 2 else "",
            publisher="خبرگزاری" if number % 3 == 0 else "",
            actor=reviewer,
        )
        sources.append(source)
        if number < 2:
            captures.capture_upload(
                workspace=workspace,
                data=b"%PDF-1.7\n%capture " + str(number).encode() + b"\n",
                file_name=f"c{number}.pdf",
                source=source,
                actor=reviewer,
            )
    ratings = {r.label: r for r in Rating.objects.filter(workspace=workspace)}
    labels = sorted(ratings)
    summary = 'بررسی شد: "۱۲٪" \\ 🚇\ttab\r\n\x01 end'

    def new_claim(number: int, **kwargs):
        span = spans[(number * 37) % len(spans)]
        return claim_create(
            workspace=workspace,
            snapshot=next(s for s in snapshots if s.pk == span[1]),
            start=span[2],
            end=span[3],
            exact=span[4],
            actor=reviewer,
            **kwargs,
        )

    def cite(claim, picks):
        for index, stance in picks:
            evidence_add(
                claim=claim,
                source=sources[index],
                stance=stance,
                quote='«نقل» "quote" 🚇' if index % 2 else "",
                note="یادداشت\nline" if index == 0 else "",
                actor=reviewer,
            )

    def publish(claim, label):
        claim = claim_start_review(claim=claim, version=claim.version, actor=reviewer)
        verdict_propose(
            claim=claim,
            version=claim.version,
            rating=ratings[label],
            summary=summary,
            actor=reviewer,
        )
        claim = Claim.objects.get(pk=claim.pk)
        verdict_approve(claim=claim, version=claim.version, actor=actor)
        return Claim.objects.get(pk=claim.pk)

    made = []
    # Open, bare.
    made.append(new_claim(0))
    # Open, restated, tagged, assigned, cited.
    claim = new_claim(1, restatement="=SUM(A1) " + summary, claimant="وزیر", tags=TAGS[:3])
    cite(claim, [(0, "supports")])
    claim = claim_assign(claim=claim, version=claim.version, assignee=editor, actor=actor)
    made.append(claim)
    # In review with a pending proposal.
    claim = new_claim(2, restatement="ادعای در حال بررسی", tags=TAGS[3:5])
    cite(claim, [(2, "context"), (3, "refutes")])
    claim = claim_start_review(claim=claim, version=claim.version, actor=reviewer)
    verdict_propose(
        claim=claim,
        version=claim.version,
        rating=ratings[labels[0]],
        summary="پیشنهاد",
        actor=reviewer,
    )
    made.append(Claim.objects.get(pk=claim.pk))
    # Published, cited three times (two sources with captures).
    claim = new_claim(3, restatement="Ridership rose 12% in 2025.", claimant="The mayor")
    cite(claim, [(0, "refutes"), (1, "refutes"), (4, "supports")])
    made.append(publish(claim, labels[1 % len(labels)]))
    # Corrected: a superseded verdict and its published correction.
    claim = new_claim(4, restatement=summary, claimant="وزیر", tags=TAGS[2:6])
    cite(claim, [(1, "supports"), (5, "context")])
    claim = publish(claim, labels[2 % len(labels)])
    verdict_correct(
        claim=claim,
        version=claim.version,
        rating=ratings[labels[3 % len(labels)]],
        summary="اصلاح شد: " + summary,
        correction_note="The ministry revised the date. 🗓",
        actor=editor,
    )
    claim = Claim.objects.get(pk=claim.pk)
    verdict_approve(claim=claim, version=claim.version, actor=actor)
    made.append(Claim.objects.get(pk=claim.pk))
    # Published with a comment.
    claim = new_claim(5, restatement="نظر", tags=[TAGS[0]])
    cite(claim, [(2, "supports")])
    claim = publish(claim, labels[0])
    comment_add(claim=claim, body="@editor " + summary, actor=reviewer)
    made.append(claim)
    return [claim.pk for claim in made], spans


def _columns(model, skip: set[str]) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if f.column not in skip]


def _copy_rows(cursor, count: int, templates: list[int], spans: list[tuple]) -> tuple[int, int]:
    """Insert `count` copies of the template claims; the first and last new id."""
    from app.claims.models import Claim, Comment, Evidence, Verdict

    cursor.execute(
        "CREATE TEMP TABLE populate_span (n int PRIMARY KEY, article_id bigint, "
        'snapshot_id bigint, start int, "end" int, exact text, prefix text, suffix text) '
        "ON COMMIT DROP"
    )
    with cursor.copy(
        'COPY populate_span (n, article_id, snapshot_id, start, "end", exact, prefix, suffix) '
        "FROM STDIN"
    ) as copy:
        for number, span in enumerate(spans):
            copy.write_row((number, *span))
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('claims_claim', 'id'), "
        "nextval(pg_get_serial_sequence('claims_claim', 'id')) + %s - 1)",
        [count],
    )
    last = cursor.fetchone()[0]
    first = last - count + 1
    # Copy n (0-based) gets id first + n, template n mod T, word (n * 7919) mod W.
    cursor.execute(
        "CREATE TEMP TABLE populate_map ON COMMIT DROP AS "
        "SELECT %s::bigint + n AS id, (%s::bigint[])[1 + n %% %s] AS template, "
        "(n * 7919) %% %s AS span FROM generate_series(0, %s - 1) n",
        [first, templates, len(templates), len(spans), count],
    )
    moved = ["id", "article_id", "snapshot_id", "start", "end", "exact", "prefix", "suffix"]
    kept = _columns(Claim, set(moved))
    kept_columns = ", ".join(kept)
    template_columns = ", ".join("t." + column for column in kept)
    cursor.execute(
        'INSERT INTO claims_claim (id, article_id, snapshot_id, start, "end", exact, prefix, '  # noqa: S608
        f"suffix, {kept_columns}) "
        'SELECT s.id, p.article_id, p.snapshot_id, p.start, p."end", p.exact, p.prefix, '
        f"p.suffix, {template_columns} "
        "FROM populate_map s JOIN claims_claim t ON t.id = s.template "
        "JOIN populate_span p ON p.n = s.span ORDER BY s.id"
    )
    for model, order in ((Evidence, "t.id"), (Verdict, "t.id"), (Comment, "t.id")):
        columns = _columns(model, {"id", "claim_id"})
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} (claim_id, {', '.join(columns)}) "  # noqa: S608
            f"SELECT s.id, {', '.join('t.' + c for c in columns)} "
            f"FROM populate_map s JOIN {model._meta.db_table} t ON t.claim_id = s.template "
            f"ORDER BY s.id, {order}"
        )
    return first, last


def _index_copies(cursor, first: int, last: int) -> None:
    """Index the new claims as `search_index_claim` does, calling it once per distinct
    (template, word) pair: the copies of one pair differ only in their ids, so the other
    copies get the indexed one's entry with their own ids."""
    cursor.execute("SELECT min(s.id) FROM populate_map s GROUP BY s.template, s.span")
    chosen = [row[0] for row in cursor.fetchall()]
    cursor.execute("SELECT count(search_index_claim(id)) FROM unnest(%s::bigint[]) id", [chosen])
    cursor.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'search_searchentry' AND table_schema = current_schema() "
        "AND column_name NOT IN ('id', 'object_id', 'claim_id') ORDER BY ordinal_position"
    )
    columns = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "CREATE TEMP TABLE populate_pick ON COMMIT DROP AS "
        "SELECT s.id, min(s.id) OVER (PARTITION BY s.template, s.span) AS picked "
        "FROM populate_map s"
    )
    cursor.execute(
        f"INSERT INTO search_searchentry (object_id, claim_id, {', '.join(columns)}) "  # noqa: S608
        f"SELECT k.id, k.id, {', '.join('e.' + c for c in columns)} FROM populate_pick k "
        "JOIN search_searchentry e ON e.kind = 'claim' AND e.object_id = k.picked "
        "WHERE k.id <> k.picked"
    )


_SEARCH_TRIGGERS = (
    ("claims_claim", "search_claim_sync"),
    ("sources_evidence", "search_evidence_sync"),
    ("claims_comment", "search_comment_sync"),
)


def populate_claims(*, workspace, actor, count: int) -> None:
    """Give `workspace` `count` more claims, with evidence, captures, verdicts and
    comments, made as described in the module's docstring. `actor` must be an admin
    of `workspace` (it approves the templates' verdicts)."""
    from app.claims.models import Claim

    rng = random.Random(count)
    templates, spans = _templates(workspace, actor, rng)
    extra = count - len(templates)
    if extra < 0:  # fewer than the templates asked for: keep the first `count`
        Claim.objects.filter(pk__in=templates[count:]).delete()
        return
    if extra == 0:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        # Only the tables' owner may switch triggers off (the test database's role may
        # not): without, the triggers index each row as it comes, which is slower.
        cursor.execute(
            "SELECT pg_has_role(relowner, 'USAGE') FROM pg_class "
            "WHERE oid = 'claims_claim'::regclass"
        )
        owner = cursor.fetchone()[0]
        if owner:
            # Inside a caller's transaction (a test's) the templates' deferred foreign-key
            # checks are still pending, and a table with pending ones cannot be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, trigger in _SEARCH_TRIGGERS:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        first, last = _copy_rows(cursor, extra, templates, spans)
        if owner:
            # The deferred foreign-key checks run now (a table with pending ones cannot
            # be altered).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, trigger in _SEARCH_TRIGGERS:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
            _index_copies(cursor, first, last)
            cursor.execute(
                "SELECT count(search_index_comment(m.id)) FROM claims_comment m "
                "WHERE m.claim_id BETWEEN %s AND %s",
                [first, last],
            )
        cursor.execute(
            "INSERT INTO claims_readerversion (workspace_id, version) VALUES (%s, 1) "
            "ON CONFLICT (workspace_id) DO UPDATE SET version = claims_readerversion.version + 1",
            [workspace.pk],
        )
        cursor.execute(
            "ANALYZE claims_claim; ANALYZE sources_evidence; ANALYZE claims_verdict; "
            "ANALYZE claims_comment"
        )
