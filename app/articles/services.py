"""Bringing articles in: each import adds an immutable snapshot of the clean text.

Three ways in — pasted text, an HTML page (uploaded or pasted) and URL + saved HTML —
end in one function, `_snapshot_import`, so that the rules (size limit, NFC, one
snapshot per distinct text, re-anchoring of existing claims, audit events) hold the
same way for all of them.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from app.articles.extraction import date_candidates, decode_page, extract_article, propose_trim
from app.articles.models import Article, Snapshot
from app.audit.services import audit_append, fields_of
from app.claims.services import claims_reanchor
from app.core.links import validate_web_url
from app.core.text import (
    detect_language,
    direction_for,
    guess_language,
    normalize_text,
    validate_one_line_fields,
)
from app.workspaces.access import require_role
from app.workspaces.models import Role, Workspace

_ARTICLE_FIELDS = ["url", "title", "outlet", "author", "published_on", "language", "direction"]
TITLE_MAX_LENGTH = 500


@dataclass(frozen=True)
class ImportResult:
    article: Article
    snapshot: Snapshot
    created_article: bool
    created_snapshot: bool
    # Re-anchoring of the previous snapshot's claims: {"anchored": n, "fuzzy": n, "orphaned": n}.
    reanchored: dict = field(default_factory=dict)
    # What the import had to repair in the input (stray bytes, NUL bytes), in words.
    warnings: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        """True when the text equalled the latest snapshot and nothing was added."""
        return not self.created_snapshot


@dataclass(frozen=True)
class ArticleDetails:
    """What the person importing says about the article; empty fields are filled from the page."""

    title: str = ""
    url: str = ""
    outlet: str = ""
    author: str = ""
    published_on: dt.date | None = None
    language: str = ""


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def import_max_bytes() -> int:
    return int(settings.SANAD_IMPORT_MAX_BYTES)


def _check_size(size: int, *, field_name: str) -> None:
    limit = import_max_bytes()
    if size > limit:
        message = f"This is {size:,} bytes; the limit is {limit:,} bytes ({limit // 1024:,} KB)."
        raise ValidationError({field_name: message})


# A line the title may come from: a few words of letters, not a time, a date or a
# row of symbols (the first lines of an extraction are often "12:04" or "Share").
_TITLE_MIN_WORDS = 3
_TITLE_MIN_LETTERS = 12


def _title_like(line: str) -> bool:
    words = [word for word in line.split() if any(char.isalpha() for char in word)]
    letters = sum(1 for char in line if char.isalpha())
    return len(words) >= _TITLE_MIN_WORDS and letters >= _TITLE_MIN_LETTERS


def _first_line(text: str) -> str:
    """A title from the text: its first line that reads like one, else its first line."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    for line in lines[:20]:
        if _title_like(line):
            return line[:200]
    return lines[0][:200] if lines else ""


def _clean_title(title: str) -> str:
    return " ".join(normalize_text(title).split())[:TITLE_MAX_LENGTH]


def _language_of_text(text: str) -> tuple[str, dict]:
    """The language of pasted text: from its script, else detected (with confidence)."""
    language = guess_language(text)
    if language:
        return language, {}
    detected = detect_language(text)
    if detected is None:
        return "", {}
    return detected.language, {"language_detected": detected.as_metadata()}


@transaction.atomic
def article_import_text(
    *,
    workspace: Workspace,
    text: str,
    actor: Any,
    title: str = "",
    url: str = "",
    outlet: str = "",
    author: str = "",
    published_on: dt.date | None = None,
    language: str = "",
    trim: bool = False,
    match_text: bool = False,
) -> ImportResult:
    """Import pasted plain text as a snapshot, kept exactly as given apart from NFC.

    With `trim` — which the person asks for after seeing `extraction.propose_trim`'s
    proposal — the lines that proposal marks as site chrome are left out, and the
    whole paste is kept on the snapshot as its original. Without it nothing is
    dropped. Without a title the first line of the text that reads like a title is
    used. With `match_text` (bulk imports), an article without URL whose snapshot has
    the same text is the same article, so a re-run reports it unchanged. Reviewers and
    above may import. Raises `ValidationError` naming the field at fault (`text`,
    `url`, a one-line field holding a control character).
    """
    require_role(workspace=workspace, actor=actor, role=Role.REVIEWER)
    validate_one_line_fields(title=title, outlet=outlet, author=author, language=language)
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"text": "The article text is empty."})
    _check_size(len(text.encode("utf-8")), field_name="text")
    text = normalize_text(text)
    original, metadata = None, {}
    if trim:
        proposal = propose_trim(text)
        original, text = text.encode("utf-8"), proposal.kept_text()
        metadata = {"trimmed": True, "dropped_lines": proposal.dropped_count}
        if not text.strip():
            raise ValidationError({"text": "Trimming would leave no text; import it as pasted."})
    language = language.strip().lower()
    if not language:
        language, detected = _language_of_text(text)
        metadata.update(detected)
    details = ArticleDetails(
        title=_clean_title(title) or _first_line(text),
        url=url,
        outlet=outlet,
        author=author,
        published_on=published_on,
        language=language,
    )
    # The datelines are offered with where they stand; the reviewer sets the date.
    metadata["date_candidates"] = date_candidates(text)
    return _snapshot_import(
        workspace=workspace,
        actor=actor,
        text=text,
        origin=Snapshot.Origin.TEXT,
        details=details,
        metadata={"characters": len(text), **metadata},
        original=original,
        original_media_type="text/plain; charset=utf-8" if original else "",
        match_text=match_text,
    )


@transaction.atomic
def article_import_html(
    *,
    workspace: Workspace,
    html: bytes | str,
    actor: Any,
    url: str = "",
    require_url: bool = False,
    declared_charset: str | None = None,
    title: str = "",
    outlet: str = "",
    author: str = "",
    published_on: dt.date | None = None,
    language: str = "",
    match_text: bool = False,
) -> ImportResult:
    """Import an HTML page: the article's main text becomes the snapshot.

    The page's bytes are kept on the snapshot as evidence (never rendered). With
    `require_url` (the "URL + saved HTML" form) the URL is mandatory; otherwise the
    page's canonical URL is used when none is given. Details the person gives win
    over the page's own metadata. What decoding repaired (stray bytes, NUL bytes) is
    in the result's and the snapshot's `warnings`. `match_text` as for
    `article_import_text`. Raises `ValidationError` on `html` (undecodable, binary,
    too large, no article text), `url` or a one-line field.
    """
    require_role(workspace=workspace, actor=actor, role=Role.REVIEWER)
    validate_one_line_fields(title=title, outlet=outlet, author=author, language=language)
    raw = html.encode("utf-8") if isinstance(html, str) else bytes(html)
    if not raw.strip():
        raise ValidationError({"html": "The HTML is empty."})
    _check_size(len(raw), field_name="html")
    if require_url and not url.strip():
        raise ValidationError({"url": "Give the address the page was saved from."})
    url = validate_web_url(url, field="url") if url.strip() else ""
    page = decode_page(raw, declared_charset=declared_charset)
    extracted = extract_article(page.text, url=url)
    _check_size(len(extracted.text.encode("utf-8")), field_name="html")
    details = ArticleDetails(
        title=_clean_title(title) or _clean_title(extracted.title) or _first_line(extracted.text),
        url=url or extracted.canonical_url,
        outlet=outlet.strip() or extracted.site_name,
        author=author.strip() or extracted.author,
        published_on=published_on or extracted.published_on,
        language=language.strip().lower() or extracted.language,
    )
    return _snapshot_import(
        workspace=workspace,
        actor=actor,
        text=extracted.text,
        origin=Snapshot.Origin.URL_HTML if require_url else Snapshot.Origin.HTML,
        details=details,
        metadata={**extracted.metadata, **({"warnings": page.warnings} if page.warnings else {})},
        original=raw,
        original_media_type="text/html",
        match_text=match_text,
    )


def _snapshot_import(
    *,
    workspace: Workspace,
    actor: Any,
    text: str,
    origin: str,
    details: ArticleDetails,
    metadata: dict,
    original: bytes | None = None,
    original_media_type: str = "",
    match_text: bool = False,
) -> ImportResult:
    """Find or create the article, then add a snapshot unless the text is unchanged.

    An article is the same article when it has the same URL in the workspace; with
    `match_text`, an article without URL is the same when one of its snapshots has
    this text (same SHA-256). Must run inside the caller's transaction.
    """
    url = validate_web_url(details.url, field="url") if details.url.strip() else ""
    digest = text_sha256(text)
    warnings = list(metadata.get("warnings", []))
    if not url and match_text:
        same = (
            Snapshot.objects.filter(workspace=workspace, sha256=digest, article__url="")
            .select_related("article")
            .order_by("id")
            .first()
        )
        if same is not None:
            return ImportResult(
                same.article, same, created_article=False, created_snapshot=False, warnings=warnings
            )
    article = (
        Article.objects.select_for_update().filter(workspace=workspace, url=url).first()
        if url
        else None
    )
    created_article = article is None
    previous = None
    if article is None:
        article = Article.objects.create(
            workspace=workspace,
            url=url,
            title=details.title or _first_line(text),
            outlet=details.outlet.strip()[:200],
            author=details.author.strip()[:300],
            published_on=details.published_on,
            language=details.language[:16],
            direction=direction_for(details.language, text),
            created_by=actor,
        )
        audit_append(
            workspace=workspace,
            actor=actor,
            action="article.created",
            object_type="article",
            object_id=article.pk,
            after=fields_of(article, _ARTICLE_FIELDS),
        )
    else:
        previous = article.snapshots.order_by("-number").first()
        if previous is not None and previous.sha256 == digest:
            return ImportResult(
                article, previous, created_article=False, created_snapshot=False, warnings=warnings
            )

    snapshot = Snapshot.objects.create(
        workspace=workspace,
        article=article,
        number=(previous.number + 1) if previous else 1,
        text=text,
        sha256=digest,
        origin=origin,
        original=original,
        original_media_type=original_media_type,
        metadata=metadata,
        created_by=actor,
    )
    audit_append(
        workspace=workspace,
        actor=actor,
        action="article.snapshot_added",
        object_type="snapshot",
        object_id=snapshot.pk,
        after={
            "article": article.pk,
            "number": snapshot.number,
            "sha256": digest,
            "origin": origin,
            "characters": len(text),
            "original_bytes": len(original) if original is not None else 0,
        },
    )
    reanchored = (
        claims_reanchor(previous=previous, snapshot=snapshot, actor=actor) if previous else {}
    )
    return ImportResult(
        article,
        snapshot,
        created_article,
        created_snapshot=True,
        reanchored=reanchored,
        warnings=warnings,
    )
