"""One claim in each export format: plain functions from a loaded claim to a record.

The claim must come from `selectors.export_claims` with the relations the format
needs prefetched; nothing here queries the database.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.urls import reverse

from app.claims.models import Claim, Evidence, Verdict
from app.workspaces.publishing import PublicContext

ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
SCHEMA_CONTEXT = "https://schema.org"
# Non-W3C term on an annotation's target: the SHA-256 of the snapshot text the
# selectors count in. An absolute IRI key (the unregistered `sanad:` scheme), so that
# JSON-LD processors keep it; the importer uses it to find the same text elsewhere.
TEXT_SHA256_KEY = "sanad:textSha256"

CSV_COLUMNS = [
    "claim_id",
    "claim_url",
    "article_id",
    "article_title",
    "article_url",
    "snapshot_number",
    "start",
    "end",
    "exact",
    "restatement",
    "claimant",
    "status",
    "rating",
    "verdict_summary",
    "tags",
    "assignee",
    "evidence",
    "source_urls",
    "created_at",
    "updated_at",
]
# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ExportContext:
    """What every record of one export shares: where links point."""

    workspace_slug: str
    workspace_name: str
    base_url: str  # scheme and host, no trailing slash
    # The workspace's public site when it is on: ClaimReview then points at the public
    # pages and names the publishing organization.
    public: PublicContext | None = None
    _prefixes: dict = field(default_factory=dict, repr=False)

    def _path(self, name: str, pk: int) -> str:
        # One reverse() per export, not per row: 100,000 reverses cost seconds.
        if name not in self._prefixes:
            path = reverse(name, kwargs={"slug": self.workspace_slug, "pk": 1})
            self._prefixes[name] = path[: -len("1/")]
        return f"{self.base_url}{self._prefixes[name]}{pk}/"

    def claim_url(self, pk: int) -> str:
        return self._path("claim-detail", pk)

    def article_url(self, pk: int) -> str:
        return self._path("article-detail", pk)

    def capture_url(self, pk: int) -> str:
        return self._path("capture-detail", pk)

    def snapshot_url(self, pk: int) -> str:
        """The snapshot's text through the API: what the selectors' offsets count in."""
        return self._path("api-snapshot-detail", pk)

    @property
    def workspace_url(self) -> str:
        return f"{self.base_url}{reverse('workspace-home', kwargs={'slug': self.workspace_slug})}"


def iso(moment: dt.datetime | dt.date | None) -> str | None:
    """ISO 8601; datetimes in UTC with a `Z` and whole seconds."""
    if moment is None:
        return None
    if isinstance(moment, dt.datetime):
        return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return moment.isoformat()


def spreadsheet_safe(value: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula by prefixing an apostrophe.

    Excel, LibreOffice and Google Sheets evaluate a cell starting with = + - @ (and
    tab or carriage return), so a quote like `=HYPERLINK(...)` pasted into a claim
    could run when a colleague opens the CSV. The apostrophe makes it text; readers
    that need the raw value strip one leading apostrophe from such cells.
    """
    if value and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def evidence_summary(evidence: list[Evidence]) -> str:
    """E.g. "2 supports, 1 refutes", in a fixed stance order."""
    counts = Counter(item.stance for item in evidence)
    return ", ".join(
        f"{counts[stance]} {stance}" for stance in Evidence.Stance.values if counts[stance]
    )


def related(claim: Claim, name: str) -> list:
    """The claim's `evidence`, `verdicts` or `comments`, in the prefetch's order.

    From the list `selectors.export_claims` prefetched (`export_<name>`) when there is
    one, else through the relation (a claim loaded elsewhere, e.g. a public page's).
    """
    prefetched = getattr(claim, f"export_{name}", None)
    return list(getattr(claim, name).all()) if prefetched is None else prefetched


def article_link(claim: Claim, context: ExportContext) -> str:
    """The article's own address, or its page in Sanad when it came in without one."""
    return claim.article.url or context.article_url(claim.article_id)


def csv_row(claim: Claim, context: ExportContext) -> list:
    evidence = related(claim, "evidence")
    text_cells = {
        "article_title": claim.article.title,
        "article_url": claim.article.url,
        "exact": claim.exact,
        "restatement": claim.restatement,
        "claimant": claim.claimant,
        "rating": claim.rating_label,
        "verdict_summary": claim.verdict_summary,
        "tags": "; ".join(claim.tags),
        "assignee": claim.assignee.get_username() if claim.assignee else "",
        "source_urls": " ".join(item.source.url for item in evidence),
    }
    row = {
        "claim_id": claim.pk,
        "claim_url": context.claim_url(claim.pk),
        "article_id": claim.article_id,
        "snapshot_number": claim.snapshot.number,
        "start": claim.start,
        "end": claim.end,
        "status": claim.status,
        "evidence": evidence_summary(evidence),
        "created_at": iso(claim.created_at),
        "updated_at": iso(claim.updated_at),
        **{name: spreadsheet_safe(value) for name, value in text_cells.items()},
    }
    return [row[column] for column in CSV_COLUMNS]


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.get_username(), "name": str(user)}


def _verdict_record(verdict: Verdict) -> dict:
    return {
        "id": verdict.pk,
        "state": verdict.state,
        "rating": {"label": verdict.rating_label, "value": verdict.rating_value},
        "summary": verdict.summary,
        "correction_note": verdict.correction_note,
        "proposed_by": _person(verdict.proposed_by),
        "proposed_at": iso(verdict.proposed_at),
        "decided_by": _person(verdict.decided_by),
        "decided_at": iso(verdict.decided_at),
        "published_at": iso(verdict.published_at),
        "return_reason": verdict.return_reason,
    }


def _capture_record(capture, context: ExportContext) -> dict:
    return {
        "url": context.capture_url(capture.pk),
        "kind": capture.kind,
        "captured_at": iso(capture.captured_at),
        "status_code": capture.status_code,
        "sha256": capture.hashes,
    }


def _evidence_record(item: Evidence, context: ExportContext) -> dict:
    source = item.source
    record = {
        "stance": item.stance,
        "quote": item.quote,
        "note": item.note,
        "added_at": iso(item.created_at),
        "source": {
            "url": source.url,
            "title": source.title,
            "publisher": source.publisher,
            "published_on": iso(source.published_on),
            "archived_url": source.archived_url,
            "kind": source.kind,
        },
    }
    # Present when the export prefetched them (JSON Lines): the source's captures, newest first.
    if hasattr(source, "export_captures"):
        record["source"]["captures"] = [_capture_record(c, context) for c in source.export_captures]
    return record


def jsonl_record(claim: Claim, context: ExportContext, *, with_comments: bool = False) -> dict:
    """The claim as one self-contained JSON object (a line of the JSON Lines export)."""
    article, snapshot = claim.article, claim.snapshot
    record = {
        "id": claim.pk,
        "url": context.claim_url(claim.pk),
        "workspace": context.workspace_slug,
        "article": {
            "id": article.pk,
            "title": article.title,
            "url": article.url,
            "outlet": article.outlet,
            "author": article.author,
            "published_on": iso(article.published_on),
            "language": article.language,
            "direction": article.direction,
        },
        "snapshot": {"id": snapshot.pk, "number": snapshot.number, "sha256": snapshot.sha256},
        "selectors": claim.selectors,
        "anchor_state": claim.anchor_state,
        "restatement": claim.restatement,
        "claimant": claim.claimant,
        "status": claim.status,
        "rating": (
            {"label": claim.rating_label, "value": claim.rating_value}
            if claim.rating_label
            else None
        ),
        "verdict_summary": claim.verdict_summary,
        "verdicts": [_verdict_record(verdict) for verdict in related(claim, "verdicts")],
        "evidence": [_evidence_record(item, context) for item in related(claim, "evidence")],
        "tags": list(claim.tags),
        "assignee": _person(claim.assignee),
        "created_by": _person(claim.created_by),
        "version": claim.version,
        "created_at": iso(claim.created_at),
        "updated_at": iso(claim.updated_at),
    }
    if with_comments:
        record["comments"] = [
            {"author": _person(c.author), "body": c.body, "created_at": iso(c.created_at)}
            for c in related(claim, "comments")
        ]
    return record


def claim_review(claim: Claim, context: ExportContext) -> dict:
    """The published verdict as a schema.org ClaimReview; the export's and the page's.

    With the public site on, `url` is the claim's public page and `author` the
    publishing organization (name, url, logo, sameAs); otherwise they fall back to the
    signed-in page and the workspace. `datePublished` is when the first verdict was
    published; after a correction, `dateModified` says when the current one was. The
    rating is given in the words, value and scale bounds it was approved with (a rating
    outside the ordered scale, e.g. "Unverifiable", keeps only its words); the reviewed
    claim's appearance follows the article's current details.
    """
    article = claim.article
    public = context.public
    published = [v for v in related(claim, "verdicts") if v.published_at is not None]
    rating = {"@type": "Rating", "name": claim.rating_label, "alternateName": claim.rating_label}
    if claim.rating_value is not None:
        rating["ratingValue"] = claim.rating_value
        if claim.rating_best is not None:
            rating["bestRating"] = claim.rating_best
            rating["worstRating"] = claim.rating_worst
    appearance = {
        "@type": "CreativeWork",
        "url": article_link(claim, context),
        "headline": article.title,
    }
    if article.published_on:
        appearance["datePublished"] = iso(article.published_on)
    if article.outlet:
        appearance["publisher"] = {"@type": "Organization", "name": article.outlet}
    item_reviewed = {"@type": "Claim", "appearance": appearance}
    if claim.claimant:
        item_reviewed["author"] = {"@type": claim.claimant_type, "name": claim.claimant}
    if article.published_on:
        item_reviewed["datePublished"] = iso(article.published_on)
    if public is not None:
        url, author = public.claim_url(claim), public.organization()
    else:
        url = context.claim_url(claim.pk)
        author = {
            "@type": "Organization",
            "name": context.workspace_name,
            "url": context.workspace_url,
        }
    review = {
        "@context": SCHEMA_CONTEXT,
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.restatement or claim.exact,
        "reviewRating": rating,
        "itemReviewed": item_reviewed,
        "author": author,
    }
    if claim.verdict_summary:
        review["reviewBody"] = claim.verdict_summary
    if published:
        first, latest = (
            min(v.published_at for v in published),
            max(v.published_at for v in published),
        )
        review["datePublished"] = iso(first)
        review["dateModified"] = iso(latest)
    language = article.language or (public.language if public is not None else "")
    if language:
        review["inLanguage"] = language
    citations = [_citation(item.source, context) for item in related(claim, "evidence")]
    if citations:
        review["citation"] = citations
    return review


def _citation(source, context: ExportContext) -> dict:
    """A cited source; `archivedAt` (schema.org, pending) is its newest capture in Sanad
    (its public page when the workspace publishes, else the signed-in page), else the
    archived copy typed by hand."""
    citation = {"@type": "CreativeWork", "url": source.url}
    if source.title:
        citation["name"] = source.title
    captures = getattr(source, "export_captures", None)
    if captures and context.public is not None:
        citation["archivedAt"] = context.public.capture_url(captures[0].pk)
    elif captures:
        citation["archivedAt"] = context.capture_url(captures[0].pk)
    elif source.archived_url:
        citation["archivedAt"] = source.archived_url
    return citation


def annotation(claim: Claim, context: ExportContext) -> dict:
    """The claim as a W3C Web Annotation assessing a passage of the article."""
    language = claim.article.language
    body = []
    if claim.restatement:
        described = {"type": "TextualBody", "value": claim.restatement, "purpose": "describing"}
        if language:
            described["language"] = language
        body.append(described)
    if claim.rating_label:
        body.append({"type": "TextualBody", "value": claim.rating_label, "purpose": "assessing"})
    body.extend({"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in claim.tags)
    record = {
        "id": context.claim_url(claim.pk),
        "type": "Annotation",
        "motivation": "assessing",
        "created": iso(claim.created_at),
        "modified": iso(claim.updated_at),
    }
    if claim.created_by is not None:
        record["creator"] = {
            "type": "Person",
            "name": str(claim.created_by),
            "nickname": claim.created_by.get_username(),
        }
    if body:
        record["body"] = body
    record["target"] = {
        "source": article_link(claim, context),
        "selector": claim.selectors,
        # Which capture of the source the offsets count in: when it was taken, and
        # where that text can be fetched (W3C TimeState).
        "state": {
            "type": "TimeState",
            "sourceDate": iso(claim.snapshot.created_at),
            "cached": context.snapshot_url(claim.snapshot_id),
        },
        TEXT_SHA256_KEY: claim.snapshot.sha256,
    }
    return record
