"""JSON Lines built by PostgreSQL and streamed with COPY: Python only forwards bytes.

Each line is assembled in SQL by concatenating JSON-escaped values (`to_json(text)`
escapes exactly the characters `json.dumps(ensure_ascii=False)` does: quote, backslash
and the control characters, the same way), so the bytes equal those of
`records.jsonl_record` + `streams._compact` — `json_build_object` would put spaces
around every `:` and `,`. Timestamps are cut to whole seconds in UTC as `records.iso`
does. The claims are those of the `export_claims` queryset (its SQL is reused as a
subquery), in its order.

The lines go out through `COPY (…) TO STDOUT` in binary form (each row's text after
its length, untouched) and Python cuts the lengths out and ends each line. Memory
stays flat: COPY sends rows as they are made and they are re-chunked to about
`FLUSH_BYTES`.
"""

# S608: the statements are assembled only from constant fragments written in this
# module and the SQL Django compiles for the queryset; every value is a parameter.
# ruff: noqa: S608

from collections.abc import Iterator

from django.db import connection
from django.db.models import QuerySet

from app.claims.models import Evidence
from app.exports.records import CSV_COLUMNS, TEXT_SHA256_KEY, ExportContext


def _cat(expression: str) -> str:
    """`a || b || c …` as `concat(a, b, c, …)`: one pass that copies each piece once,
    where each `||` copies the whole line made so far (the cost grew with the square
    of a line's length). Every piece here is non-NULL, so both give the same text.

    Splits on the `||` outside quotes, parentheses and CASE … END.
    """
    pieces, start, depth, index, quote = [], 0, 0, 0, ""
    while index < len(expression):
        char = expression[index]
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif expression.startswith("CASE ", index) and not expression[index - 1 : index].isalnum():
            depth += 1
        elif (
            expression.startswith("END", index)
            and not expression[index + 3 : index + 4].isalnum()
            and not expression[index - 1 : index].isalnum()
        ):
            depth -= 1
        elif depth == 0 and expression.startswith("||", index):
            pieces.append(expression[start:index].strip())
            start = index + 2
            index += 1
        index += 1
    pieces.append(expression[start:].strip())
    assert depth == 0 and not quote, expression
    return pieces[0] if len(pieces) == 1 else f"concat({', '.join(pieces)})"


def _s(expression: str) -> str:
    """A JSON string (or `null`) for a SQL text expression."""
    return f"COALESCE(to_json({expression})::text, 'null')"


def _n(expression: str) -> str:
    """A JSON number (or `null`) for a SQL integer expression."""
    return f"COALESCE(({expression})::text, 'null')"


def _at(expression: str) -> str:
    """`records.iso` of a timestamp: UTC, whole seconds, `Z`; or `null`."""
    return _s(f"""to_char(({expression}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')""")


def _day(expression: str) -> str:
    return _s(f"to_char({expression}, 'YYYY-MM-DD')")


# Every user's `records._person` JSON, as one `jsonb` object from user id to that text:
# built once per export (a CTE), looked up for each person named, instead of a join
# and a few concatenations per verdict, comment and claim. Every user, not only the
# workspace's members, so that a person who has since left is still named.
_PEOPLE = (
    "SELECT jsonb_object_agg(u.id, "
    + _cat(
        """'{"id":' || u.id || ',"username":' || to_json(u.username)::text """
        """|| ',"name":' || to_json(COALESCE(NULLIF(u.display_name, ''), u.username))::text """
        """|| '}'"""
    )
    + ") AS map FROM accounts_user u"
)


def _person_of(column: str) -> str:
    """`records._person` of the user whose id is in `column`, `null` when there is none."""
    return f"COALESCE((SELECT p.map FROM people p) ->> ({column})::text, 'null')"


def _array(line: str, order: str, rows: str) -> str:
    """A JSON array of `line` for each of `rows` (a FROM … WHERE …) in `order`; `[]` if none."""
    return (
        f"COALESCE((SELECT '[' || string_agg({_cat(line)}, ',' ORDER BY {order}) || ']' {rows}), "
        "'[]')"
    )


_HASH_NAMES = ("payload", "warc", "file", "screenshot", "pdf", "text")


def _capture_hashes() -> str:
    """`Capture.hashes`: the non-empty SHA-256 columns, in a fixed order."""
    parts = " || ".join(
        f"""CASE WHEN COALESCE(k.{name}_sha256, '') = '' THEN '' """
        f"""ELSE ',"{name}":' || to_json(k.{name}_sha256)::text END"""
        for name in _HASH_NAMES
    )
    return f"'{{' || ltrim({parts}, ',') || '}}'"


def _captures(capture_prefix: str) -> str:
    line = (
        f"""'{{"url":' || to_json(%s || k.id || '/')::text """
        f"""|| ',"kind":' || {_s("k.kind")} """
        f"""|| ',"captured_at":' || {_at("k.captured_at")} """
        f"""|| ',"status_code":' || {_n("k.status_code")} """
        f"""|| ',"sha256":' || {_capture_hashes()} || '}}'"""
    )
    return _array(
        line, "k.captured_at DESC, k.id DESC", "FROM sources_capture k WHERE k.source_id = s.id"
    ), [capture_prefix]


def _sources(with_captures: bool, capture_prefix: str, chosen: str) -> tuple[str, list]:
    """Each cited source's JSON (with its captures), built once per export, not once per
    citation: a `jsonb` object from source id to that text, computed by PostgreSQL as
    an InitPlan and looked up (`->>`) for each evidence row."""
    captures, params = _captures(capture_prefix) if with_captures else ("", [])
    source = (
        f"""'{{"url":' || {_s("s.url")} """
        f"""|| ',"title":' || {_s("s.title")} """
        f"""|| ',"publisher":' || {_s("s.publisher")} """
        f"""|| ',"published_on":' || {_day("s.published_on")} """
        f"""|| ',"archived_url":' || {_s("s.archived_url")} """
        f"""|| ',"kind":' || {_s("s.kind")} """
        + (f"""|| ',"captures":' || {captures} """ if with_captures else "")
        + "|| '}'"
    )
    return (
        f"(SELECT jsonb_object_agg(s.id, {_cat(source)}) FROM sources_source s WHERE s.id IN "
        f"(SELECT x.source_id FROM sources_evidence x WHERE x.claim_id IN ({chosen})))"
    ), params


def _evidence(sources: str) -> str:
    line = (
        f"""'{{"stance":' || {_s("e.stance")} """
        f"""|| ',"quote":' || {_s("e.quote")} """
        f"""|| ',"note":' || {_s("e.note")} """
        f"""|| ',"added_at":' || {_at("e.created_at")} """
        f"""|| ',"source":' || ({sources} ->> e.source_id::text) || '}}'"""
    )
    return _array(line, "e.created_at, e.id", "FROM sources_evidence e WHERE e.claim_id = c.id")


def _verdicts() -> str:
    line = (
        f"""'{{"id":' || v.id """
        f"""|| ',"state":' || {_s("v.state")} """
        f"""|| ',"rating":{{"label":' || {_s("v.rating_label")} """
        f"""|| ',"value":' || {_n("v.rating_value")} || '}}' """
        f"""|| ',"summary":' || {_s("v.summary")} """
        f"""|| ',"correction_note":' || {_s("v.correction_note")} """
        f"""|| ',"proposed_by":' || {_person_of("v.proposed_by_id")} """
        f"""|| ',"proposed_at":' || {_at("v.proposed_at")} """
        f"""|| ',"decided_by":' || {_person_of("v.decided_by_id")} """
        f"""|| ',"decided_at":' || {_at("v.decided_at")} """
        f"""|| ',"published_at":' || {_at("v.published_at")} """
        f"""|| ',"return_reason":' || {_s("v.return_reason")} || '}}'"""
    )
    return _array(
        line,
        "v.proposed_at, v.id",
        "FROM claims_verdict v WHERE v.claim_id = c.id",
    )


def _comments() -> str:
    line = (
        f"""'{{"author":' || {_person_of("m.author_id")} """
        f"""|| ',"body":' || {_s("m.body")} """
        f"""|| ',"created_at":' || {_at("m.created_at")} || '}}'"""
    )
    return _array(
        line,
        "m.created_at, m.id",
        "FROM claims_comment m WHERE m.claim_id = c.id",
    )


def _chosen(claims: QuerySet) -> tuple[str, list]:
    """The export's claims as narrow rows (id and the order's keys), in export order."""
    narrow = claims.values("pk", "article_id", "start")
    return narrow.query.get_compiler(connection=connection).as_sql()


def _chosen_ids(claims: QuerySet) -> tuple[str, list]:
    """The ids of the export's claims, in no order (for `IN`)."""
    ids = claims.values("pk").order_by()
    return ids.query.get_compiler(connection=connection).as_sql()


# The claims in export order: the narrow rows are sorted (a sort of the whole claim rows
# would spill to disk), then each claim's row is fetched by id. The top ORDER BY names
# the narrow rows' columns, which the nested loop keeps in order.
def _from_chosen(chosen: str) -> str:
    return f"FROM ({chosen}) o(id, article_id, start) " + _JOINED


_JOINED = (
    "JOIN claims_claim c ON c.id = o.id "
    "JOIN articles_article a ON a.id = c.article_id "
    "JOIN articles_snapshot n ON n.id = c.snapshot_id "
    "LEFT JOIN accounts_user au ON au.id = c.assignee_id "
)


def _snapshots(snapshot_ids: str) -> str:
    """`{article…},"snapshot":{…}` of each snapshot the export's claims are on, built once
    per snapshot rather than once per claim: a `jsonb` object from snapshot id to that
    text, computed as an InitPlan and looked up (`->>`) for each claim."""
    text = (
        f"""'{{"id":' || a.id """
        f"""|| ',"title":' || {_s("a.title")} """
        f"""|| ',"url":' || {_s("a.url")} """
        f"""|| ',"outlet":' || {_s("a.outlet")} """
        f"""|| ',"author":' || {_s("a.author")} """
        f"""|| ',"published_on":' || {_day("a.published_on")} """
        f"""|| ',"language":' || {_s("a.language")} """
        f"""|| ',"direction":' || {_s("a.direction")} || '}}' """
        f"""|| ',"snapshot":{{"id":' || n.id || ',"number":' || n.number """
        f"""|| ',"sha256":' || {_s("n.sha256")} || '}}'"""
    )
    return (
        f"(SELECT jsonb_object_agg(n.id, {_cat(text)}) FROM articles_snapshot n "
        f"JOIN articles_article a ON a.id = n.article_id WHERE n.id IN ({snapshot_ids}))"
    )


def jsonl_query(
    claims: QuerySet,
    context: ExportContext,
    *,
    with_evidence: bool = True,
    with_verdicts: bool = True,
    with_captures: bool = True,
    with_comments: bool = False,
) -> tuple[str, list]:
    """The SELECT whose one text column is each claim's JSON line, and its parameters."""
    chosen, chosen_params = _chosen(claims)
    snapshots, snapshots_params = (
        claims.values("snapshot_id").order_by().query.get_compiler(connection=connection).as_sql()
    )
    claim_prefix = context.claim_url(0)[: -len("0/")]
    capture_prefix = context.capture_url(0)[: -len("0/")]
    evidence, evidence_params = "'[]'", []
    if with_evidence:
        ids, ids_params = _chosen_ids(claims)
        sources, evidence_params = _sources(with_captures, capture_prefix, ids)
        evidence_params = [*evidence_params, *ids_params]
        evidence = _evidence(sources)
    line = (
        f"""'{{"id":' || c.id """
        f"""|| ',"url":' || to_json(%s || c.id || '/')::text """
        f"""|| ',"workspace":' || to_json(%s::text)::text """
        f"""|| ',"article":' || ({_snapshots(snapshots)} ->> c.snapshot_id::text) """
        """|| ',"selectors":[{"type":"TextPositionSelector","start":' || c.start """
        """|| ',"end":' || c."end" """
        f"""|| '}},{{"type":"TextQuoteSelector","exact":' || {_s("c.exact")} """
        f"""|| ',"prefix":' || {_s("c.prefix")} || ',"suffix":' || {_s("c.suffix")} || '}}]' """
        f"""|| ',"anchor_state":' || {_s("c.anchor_state")} """
        f"""|| ',"restatement":' || {_s("c.restatement")} """
        f"""|| ',"claimant":' || {_s("c.claimant")} """
        f"""|| ',"status":' || {_s("c.status")} """
        f"""|| ',"rating":' || CASE WHEN COALESCE(c.rating_label, '') = '' THEN 'null' """
        f"""ELSE '{{"label":' || to_json(c.rating_label)::text """
        f"""|| ',"value":' || {_n("c.rating_value")} || '}}' END """
        f"""|| ',"verdict_summary":' || {_s("c.verdict_summary")} """
        f"""|| ',"verdicts":' || {_verdicts() if with_verdicts else "'[]'"} """
        f"""|| ',"evidence":' || {evidence} """
        f"""|| ',"tags":' || COALESCE(array_to_json(c.tags)::text, '[]') """
        f"""|| ',"assignee":' || {_person_of("c.assignee_id")} """
        f"""|| ',"created_by":' || {_person_of("c.created_by_id")} """
        f"""|| ',"version":' || c.version """
        f"""|| ',"created_at":' || {_at("c.created_at")} """
        f"""|| ',"updated_at":' || {_at("c.updated_at")} """
        + (f"""|| ',"comments":' || {_comments()} """ if with_comments else "")
        + "|| '}'"
    )
    sql = (
        f"WITH people AS MATERIALIZED ({_PEOPLE}) "
        f"SELECT {_cat(line)} FROM ({chosen}) o(id, article_id, start) "
        "JOIN claims_claim c ON c.id = o.id "
        "ORDER BY o.article_id, o.start, o.id"
    )
    # Parameters in the order their placeholders appear in the text.
    params = [
        claim_prefix,
        context.workspace_slug,
        *snapshots_params,
        *evidence_params,
        *chosen_params,
    ]
    return sql, params


_BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def copy_lines(sql: str, params: list, *, flush_bytes: int) -> Iterator[bytes]:
    """The rows of a one-text-column SELECT, each followed by a newline, joined into
    chunks of about `flush_bytes`.

    COPY sends them in its binary form: each row's text as it is, after a length, which
    costs the server less than the CSV form (that looks at every byte for characters to
    quote); Python only cuts the lengths out.
    """
    messages = _copy_messages(f"COPY ({sql}) TO STDOUT (FORMAT binary)", params)
    out = bytearray()
    pending = b""
    position = None  # None until the file header is read
    for message in messages:
        pending = pending + message if pending else message
        if position is None:
            if len(pending) < 19:
                continue
            assert pending[:11] == _BINARY_SIGNATURE
            position = 19 + int.from_bytes(pending[15:19], "big")
        view = memoryview(pending)
        while len(pending) - position >= 6:
            fields = int.from_bytes(pending[position : position + 2], "big", signed=True)
            if fields == -1:  # the trailer
                break
            assert fields == 1, "one text column"
            size = int.from_bytes(pending[position + 2 : position + 6], "big", signed=True)
            start = position + 6
            end = start + max(size, 0)
            if end > len(pending):
                break
            out += view[start:end]
            out += b"\n"
            position = end
        view.release()
        pending, position = pending[position:], 0
        if len(out) >= flush_bytes:
            yield bytes(out)
            out = bytearray()
    if out:
        yield bytes(out)


def _copy_messages(statement: str, params: list) -> Iterator[bytes]:
    """The messages a `COPY … TO STDOUT` statement sends, as they come."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(statement, params) as copy:
        for data in copy:
            yield bytes(data)


def _copied(statement: str, params: list, flush_bytes: int) -> Iterator[bytes]:
    """What a `COPY … TO STDOUT` statement sends, joined into chunks of about `flush_bytes`."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(statement, params) as copy:
        buffer: list[bytes] = []
        size = 0
        for data in copy:
            buffer.append(bytes(data))
            size += len(data)
            if size >= flush_bytes:
                yield b"".join(buffer)
                buffer, size = [], 0
        if buffer:
            yield b"".join(buffer)


def _cell(expression: str) -> str:
    """`records.spreadsheet_safe` of a text cell; NULL for "" so COPY leaves it unquoted.

    (COPY quotes an empty string to tell it from NULL; Python's csv writes it bare.)
    """
    return (
        f"NULLIF(CASE WHEN left({expression}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') "
        f"THEN '''' || ({expression}) ELSE ({expression}) END, '')"
    )


def _stance_counts() -> str:
    """`records.evidence_summary`: "2 supports, 1 refutes", stances in their fixed order."""
    parts = ", ".join(
        f"CASE WHEN count(*) FILTER (WHERE e.stance = '{stance}') > 0 "
        f"THEN count(*) FILTER (WHERE e.stance = '{stance}') || ' {stance}' END"
        for stance in Evidence.Stance.values
    )
    return f"concat_ws(', ', {parts})"


def csv_query(claims: QuerySet, context: ExportContext) -> tuple[str, list]:
    """The SELECT of `records.csv_row`'s cells (`CSV_COLUMNS`) per claim, and its parameters."""
    chosen, chosen_params = _chosen(claims)
    claim_prefix = context.claim_url(0)[: -len("0/")]
    # Both evidence cells from one pass over the claim's evidence.
    evidence = (
        f"LEFT JOIN LATERAL (SELECT {_stance_counts()} AS summary, "
        "string_agg(s.url, ' ' ORDER BY e.created_at, e.id) AS urls "
        "FROM sources_evidence e JOIN sources_source s ON s.id = e.source_id "
        "WHERE e.claim_id = c.id) ev ON true "
    )
    columns = {
        "claim_id": "c.id",
        "claim_url": "%s || c.id || '/'",
        "article_id": "c.article_id",
        "article_title": _cell("a.title"),
        "article_url": _cell("a.url"),
        "snapshot_number": "n.number",
        "start": "c.start",
        "end": 'c."end"',
        "exact": _cell("c.exact"),
        "restatement": _cell("c.restatement"),
        "claimant": _cell("c.claimant"),
        "status": "c.status",
        "rating": _cell("c.rating_label"),
        "verdict_summary": _cell("c.verdict_summary"),
        "tags": _cell("array_to_string(c.tags, '; ')"),
        "assignee": _cell("COALESCE(au.username, '')"),
        "evidence": "NULLIF(ev.summary, '')",
        "source_urls": _cell("COALESCE(ev.urls, '')"),
        "created_at": """to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')""",
        "updated_at": """to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')""",
    }
    assert list(columns) == CSV_COLUMNS
    sql = (
        f"SELECT {', '.join(columns.values())} {_from_chosen(chosen)}{evidence}"
        "ORDER BY o.article_id, o.start, o.id"
    )
    return sql, [claim_prefix, *chosen_params]


def _crlf_rows(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """COPY's CSV rows with CRLF ends, as Python's csv writes them (COPY ends rows in LF).

    A line feed outside quotes ends a row; inside quotes it is data and stays. Quotes in
    the data are doubled, so the count of `"` seen so far tells which side a byte is on.
    """
    inside = False
    for chunk in chunks:
        parts = chunk.split(b'"')
        for number in range(len(parts)):
            if (number % 2 == 1) == inside:  # outside quotes
                parts[number] = parts[number].replace(b"\n", b"\r\n")
        inside ^= (len(parts) - 1) % 2 == 1
        yield b'"'.join(parts)


def copy_csv(sql: str, params: list, *, flush_bytes: int) -> Iterator[bytes]:
    """The rows of `sql` as `COPY … TO STDOUT WITH CSV` writes them, with CRLF row ends."""
    return _crlf_rows(_copied(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params, flush_bytes))


def _annotation(context: ExportContext) -> tuple[str, list]:
    """`records.annotation` of the joined claim `c` (article `a`, snapshot `n`, creator
    `cb`) as JSON text, and the parameters of its placeholders."""
    claim_prefix = context.claim_url(0)[: -len("0/")]
    article_prefix = context.article_url(0)[: -len("0/")]
    snapshot_prefix = context.snapshot_url(0)[: -len("0/")]
    textual = """'{"type":"TextualBody","value":' || to_json"""
    describing = (
        f"CASE WHEN c.restatement <> '' THEN {textual}(c.restatement)::text "
        """|| ',"purpose":"describing"' || CASE WHEN a.language <> '' """
        """THEN ',"language":' || to_json(a.language)::text ELSE '' END || '}' END"""
    )
    assessing = (
        f"CASE WHEN c.rating_label <> '' THEN {textual}(c.rating_label)::text "
        """|| ',"purpose":"assessing"}' END"""
    )
    tagging = (
        "CASE WHEN cardinality(c.tags) > 0 THEN (SELECT string_agg("
        f"""{textual}(t)::text || ',"purpose":"tagging"}}', ',' ORDER BY o) """
        "FROM unnest(c.tags) WITH ORDINALITY u(t, o)) END"
    )
    line = (
        """'{"id":' || to_json(%s || c.id || '/')::text """
        """|| ',"type":"Annotation","motivation":"assessing","created":' """
        f"""|| {_at("c.created_at")} """
        f"""|| ',"modified":' || {_at("c.updated_at")} """
        """|| CASE WHEN cb.id IS NULL THEN '' ELSE ',"creator":{"type":"Person","name":' """
        """|| to_json(COALESCE(NULLIF(cb.display_name, ''), cb.username))::text """
        """|| ',"nickname":' || to_json(cb.username)::text || '}' END """
        f"""|| COALESCE(',"body":[' || NULLIF(concat_ws(',', {describing}, {assessing}, """
        f"""{tagging}), '') || ']', '') """
        """|| ',"target":{"source":' """
        """|| to_json(COALESCE(NULLIF(a.url, ''), %s || a.id || '/'))::text """
        """|| ',"selector":[{"type":"TextPositionSelector","start":' || c.start """
        """|| ',"end":' || c."end" """
        f"""|| '}},{{"type":"TextQuoteSelector","exact":' || {_s("c.exact")} """
        f"""|| ',"prefix":' || {_s("c.prefix")} || ',"suffix":' || {_s("c.suffix")} || '}}]' """
        f"""|| ',"state":{{"type":"TimeState","sourceDate":' || {_at("n.created_at")} """
        """|| ',"cached":' || to_json(%s || n.id || '/')::text || '}' """
        f"""|| ',"{TEXT_SHA256_KEY}":' || {_s("n.sha256")} || '}}}}'"""
    )
    return _cat(line), [claim_prefix, article_prefix, snapshot_prefix]


_ANNOTATION_JOINS = (
    "JOIN claims_claim c ON c.id = o.id "
    "JOIN articles_article a ON a.id = c.article_id "
    "JOIN articles_snapshot n ON n.id = c.snapshot_id "
    "LEFT JOIN accounts_user cb ON cb.id = c.created_by_id "
)


def annotations_query(
    context: ExportContext, *, claims: QuerySet | None = None, ids: list[int] | None = None
) -> tuple[str, list]:
    """The SELECT of each annotation's JSON text followed by a comma: of every claim of
    `claims` in export order, or of the claims `ids` in that order."""
    line, params = _annotation(context)
    if ids is not None:
        return (
            f"SELECT {line} || ',' FROM unnest(%s::bigint[]) WITH ORDINALITY o(id, ord) "
            f"{_ANNOTATION_JOINS}ORDER BY o.ord"
        ), [*params, ids]
    assert claims is not None
    chosen, chosen_params = _chosen(claims)
    return (
        f"SELECT {line} || ',' FROM ({chosen}) o(id, article_id, start) {_ANNOTATION_JOINS}"
        "ORDER BY o.article_id, o.start, o.id"
    ), [*params, *chosen_params]


def annotation_array(sql: str, params: list, *, flush_bytes: int) -> Iterator[bytes]:
    """The rows of `annotations_query` as the JSON array `streams._json_array` writes:
    `[`, each annotation on its own line with a comma after all but the last, `]`.

    COPY ends every row `,\\n`; the last row's comma is held back and dropped.
    """
    held = b""
    for chunk in copy_lines(sql, params, flush_bytes=flush_bytes):
        if held:
            yield held
        else:
            chunk = b"[\n" + chunk
        held = chunk
    yield held[:-2] + b"\n]" if held else b"[]"
