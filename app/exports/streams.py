"""Exports as streams of UTF-8 byte chunks, in constant memory whatever the claim count.

query → format → write: each generator takes a queryset from
`selectors.export_claims`, walks it with `iterator(chunk_size=CHUNK_SIZE)` (a
server-side cursor on PostgreSQL, with the prefetches run once per chunk), turns each
claim into a record (`records`), and yields about `FLUSH_BYTES` at a time. Nothing
holds more than one chunk of claims. The `_sql` generators and the Web Annotation
ones instead have PostgreSQL build every row and send it by COPY (`sql_rows`): the
same bytes, with Python only forwarding chunks. The browser view, the API and the
bench all drive these same generators.
"""

import csv
import io
import json
import math
from collections.abc import Callable, Iterable, Iterator
from itertools import chain

from django.db.models import QuerySet

from app.exports import records, sql_rows
from app.exports.records import ExportContext

CHUNK_SIZE = 500
FLUSH_BYTES = 64 * 1024
# Annotations per AnnotationPage. Fixed, so that a page address always means the same slice.
ANNOTATION_PAGE_SIZE = 1000
BOM = "\ufeff"
# Web Annotations are built by PostgreSQL (`sql_rows.annotations_query`) and sent by
# COPY. The Python records (`records.annotation`) stay only for the test that compares
# both paths' bytes (tests/exports/test_sql_annotations_identical.py), which turns this off.
ANNOTATIONS_IN_SQL = True


def _rows(claims: QuerySet) -> Iterator:
    return claims.iterator(chunk_size=CHUNK_SIZE)


def _compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _flushed(pieces: Iterable[str]) -> Iterator[bytes]:
    """Join small strings into chunks of about `FLUSH_BYTES`, encoded as UTF-8."""
    buffer: list[str] = []
    size = 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= FLUSH_BYTES:
            yield "".join(buffer).encode("utf-8")
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


def csv_stream(claims: QuerySet, context: ExportContext, *, bom: bool = False) -> Iterator[bytes]:
    """One header row, then one row per claim (RFC 4180 quoting, CRLF line ends)."""

    def lines() -> Iterator[str]:
        line = io.StringIO()
        writer = csv.writer(line)
        writer.writerow(records.CSV_COLUMNS)
        yield (BOM if bom else "") + line.getvalue()
        for claim in _rows(claims):
            line.seek(0)
            line.truncate()
            writer.writerow(records.csv_row(claim, context))
            yield line.getvalue()

    return _flushed(lines())


def csv_stream_sql(
    claims: QuerySet, context: ExportContext, *, bom: bool = False
) -> Iterator[bytes]:
    """`csv_stream`'s bytes, each row made by PostgreSQL and sent by `COPY … WITH CSV`."""
    line = io.StringIO()
    csv.writer(line).writerow(records.CSV_COLUMNS)
    header = ((BOM if bom else "") + line.getvalue()).encode("utf-8")
    sql, params = sql_rows.csv_query(claims, context)
    return chain([header], sql_rows.copy_csv(sql, params, flush_bytes=FLUSH_BYTES))


def jsonl_stream(
    claims: QuerySet, context: ExportContext, *, with_comments: bool = False
) -> Iterator[bytes]:
    """One complete JSON object per line."""
    return _flushed(
        _compact(records.jsonl_record(claim, context, with_comments=with_comments)) + "\n"
        for claim in _rows(claims)
    )


def jsonl_stream_sql(
    claims: QuerySet, context: ExportContext, *, with_comments: bool = False
) -> Iterator[bytes]:
    """`jsonl_stream` with evidence, captures and verdicts, the same bytes, but each line
    built by PostgreSQL and sent by COPY (see `sql_rows`): Python only forwards chunks."""
    sql, params = sql_rows.jsonl_query(claims, context, with_comments=with_comments)
    return sql_rows.copy_lines(sql, params, flush_bytes=FLUSH_BYTES)


def _json_array(items: Iterable[dict]) -> Iterator[str]:
    """The items as the elements of a JSON array, one per line, written as they come."""
    yield "["
    first = True
    for item in items:
        yield ("\n" if first else ",\n") + _compact(item)
        first = False
    yield "\n]" if not first else "]"


def claimreview_stream(claims: QuerySet, context: ExportContext) -> Iterator[bytes]:
    """A JSON array of ClaimReview objects: one JSON-LD document, each item self-contained.

    An array rather than JSON Lines because JSON-LD tools and search-engine validators
    read a document, and each element can be pasted as is into a page's
    `<script type="application/ld+json">` since it carries its own `@context`.
    """
    reviews = (records.claim_review(claim, context) for claim in _rows(claims))
    return _flushed(chain(_json_array(reviews), ["\n"]))


def _object_without_end(value: dict) -> str:
    """A JSON object's text with its closing brace left off, so more members can follow."""
    text = _compact(value)
    return text[:-1]


def annotation_page_count(total: int) -> int:
    return max(1, math.ceil(total / ANNOTATION_PAGE_SIZE))


def _beside_claim(claims: QuerySet, cursor: int, operator: str) -> QuerySet:
    # A row comparison, which the ORM cannot spell: one predicate PostgreSQL can
    # answer from the cursor's position. Assembled from the model's table name and a
    # fixed operator only; the cursor goes as a parameter.
    assert operator in (">", "<=")
    table = claims.model._meta.db_table
    where = (
        f'("{table}"."article_id", "{table}"."start", "{table}"."id") {operator} '  # noqa: S608
        f'(SELECT c."article_id", c."start", c."id" FROM "{table}" c WHERE c."id" = %s)'
    )
    return claims.extra(where=[where], params=[cursor])  # noqa: S610


def after_claim(claims: QuerySet, cursor: int) -> QuerySet:
    """The claims that come after claim `cursor` in the export's order.

    The export is in text order (article, start, id), not id order, so the cursor's
    position is looked up inside the same statement: a keyset page is one query that
    starts where the cursor sits instead of counting rows to skip. `0` means before
    the first claim.
    """
    if cursor == 0:
        return claims
    return _beside_claim(claims, cursor, ">")


def _until_claim(claims: QuerySet, cursor: int) -> QuerySet:
    return _beside_claim(claims, cursor, "<=")


def _page_head(
    *,
    page_id: str,
    start_index: int,
    prev: str | None,
    next: str | None,
    standalone: bool,
    collection_id: str,
) -> str:
    head: dict = {"@context": records.ANNOTATION_CONTEXT} if standalone else {}
    head.update(id=page_id, type="AnnotationPage")
    if standalone:
        # The collection's IRI, as the Annotation Protocol's page model asks (the W3C
        # test schemas accept nothing else); the collection document itself is there.
        head["partOf"] = collection_id
    head["startIndex"] = start_index
    if prev is not None:
        head["prev"] = prev
    if next is not None:
        head["next"] = next
    return _object_without_end(head) + ',"items":'


def _annotation_items(
    claims: QuerySet, context: ExportContext, *, ids: list[int] | None = None
) -> Iterator[bytes]:
    """The JSON array of the annotations of `claims` (of the claims `ids` only, in that
    order, when given), as `_json_array` writes it."""
    if ANNOTATIONS_IN_SQL:
        if ids is None:
            sql, params = sql_rows.annotations_query(context, claims=claims)
        else:
            sql, params = sql_rows.annotations_query(context, ids=ids)
        return sql_rows.annotation_array(sql, params, flush_bytes=FLUSH_BYTES)
    chosen = claims if ids is None else claims.filter(pk__in=ids)
    return _flushed(_json_array(records.annotation(claim, context) for claim in _rows(chosen)))


def _page_ids(claims: QuerySet, page: int) -> list[int]:
    start = page * ANNOTATION_PAGE_SIZE
    return list(claims.values_list("pk", flat=True)[start : start + ANNOTATION_PAGE_SIZE])


def _page_chunks(
    claims: QuerySet,
    context: ExportContext,
    *,
    page: int,
    total: int,
    collection_id: str,
    page_url: Callable[[int], str],
    standalone: bool,
) -> Iterator[bytes]:
    last = annotation_page_count(total) - 1
    yield _page_head(
        page_id=page_url(page),
        start_index=page * ANNOTATION_PAGE_SIZE,
        prev=page_url(page - 1) if page > 0 else None,
        next=page_url(page + 1) if page < last else None,
        standalone=standalone,
        collection_id=collection_id,
    ).encode()
    yield from _annotation_items(claims, context, ids=_page_ids(claims, page))
    yield b"}"


def _collection_head(*, collection_id: str, label: str, total: int, last: str) -> bytes:
    """An AnnotationCollection's members up to `"first":` (the whole document when
    `total` is 0): the same for the paged collection and the one with every annotation."""
    head: dict = {
        "@context": records.ANNOTATION_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
    }
    if label:
        head["label"] = label
    head["total"] = total
    if total == 0:
        return (_compact(head) + "\n").encode()
    head["last"] = last
    return (_object_without_end(head) + ',"first":').encode()


def annotation_collection_stream(
    claims: QuerySet,
    context: ExportContext,
    *,
    collection_id: str,
    page_url: Callable[[int], str],
    label: str = "",
) -> Iterator[bytes]:
    """The AnnotationCollection with its first page embedded (W3C Annotation Protocol §4).

    Further pages are separate documents at `page_url(n)` (see `annotation_page_stream`),
    linked by `next`/`last`, so that a client walks any collection page by page.
    """
    total = claims.count()

    def chunks() -> Iterator[bytes]:
        last = page_url(annotation_page_count(total) - 1)
        yield _collection_head(collection_id=collection_id, label=label, total=total, last=last)
        if total == 0:
            return
        yield from _page_chunks(
            claims,
            context,
            page=0,
            total=total,
            collection_id=collection_id,
            page_url=page_url,
            standalone=False,
        )
        yield b"}\n"

    return chunks()


def annotation_page_stream(
    claims: QuerySet,
    context: ExportContext,
    *,
    page: int,
    collection_id: str,
    page_url: Callable[[int], str],
    total: int | None = None,
) -> Iterator[bytes]:
    """AnnotationPage number `page` (from 0) as a document of its own."""
    if total is None:
        total = claims.count()
    page_chunks = _page_chunks(
        claims,
        context,
        page=page,
        total=total,
        collection_id=collection_id,
        page_url=page_url,
        standalone=True,
    )
    return chain(page_chunks, [b"\n"])


def annotation_keyset_page_stream(
    claims: QuerySet,
    context: ExportContext,
    *,
    after: int,
    collection_id: str,
    after_url: Callable[[int], str],
) -> Iterator[bytes]:
    """The AnnotationPage of the claims following claim `after` (0: from the first).

    Its items, `startIndex` and `partOf` are those of the numbered page starting at
    the same claim; its own address and its `prev`/`next` are in the `after` form, so
    that a client walking `next` never makes the database skip rows. One query finds
    the page's claims (one more than it holds, to know whether a next page exists),
    one more makes their annotations; when `after` is not 0, two more over the
    index-sized prefix give `startIndex` and `prev`.
    """
    size = ANNOTATION_PAGE_SIZE
    found = list(after_claim(claims, after).values_list("pk", flat=True)[: size + 1])
    ids, more = found[:size], len(found) > size
    start_index, prev = 0, None
    if after:
        before = _until_claim(claims, after)
        start_index = before.count()
        if start_index:
            anchor = list(
                before.order_by("-article_id", "-start", "-id").values_list("id", flat=True)[
                    size : size + 1
                ]
            )
            prev = after_url(anchor[0] if anchor else 0)
    head = _page_head(
        page_id=after_url(after),
        start_index=start_index,
        prev=prev,
        next=after_url(ids[-1]) if more else None,
        standalone=True,
        collection_id=collection_id,
    )
    return chain([head.encode()], _annotation_items(claims, context, ids=ids), [b"}\n"])


def annotation_whole_collection_stream(
    claims: QuerySet,
    context: ExportContext,
    *,
    collection_id: str,
    whole_url: str,
    label: str = "",
) -> Iterator[bytes]:
    """The AnnotationCollection with every annotation in one embedded page.

    For clients that want the whole export in one request: the collection's `first`
    and `last` are that one page, streamed by COPY so that memory stays flat whatever
    the total.
    """
    total = claims.count()

    def chunks() -> Iterator[bytes]:
        yield _collection_head(
            collection_id=collection_id, label=label, total=total, last=whole_url
        )
        if total == 0:
            return
        yield _page_head(
            page_id=whole_url,
            start_index=0,
            prev=None,
            next=None,
            standalone=False,
            collection_id=collection_id,
        ).encode()
        yield from _annotation_items(claims, context)
        yield b"}}\n"

    return chunks()
