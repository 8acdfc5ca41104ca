"""Bringing articles in: each import adds an immutable snapshot of the clean text.

Three ways in — pasted text, an HTML page (uploaded or pasted) and URL + saved HTML —
end in one function, `_snapshot_import`, so that the rules (size limit, NFC, one
snapshot per distinct text, re-anchoring of existing claims, audit events) hold the
same way for all of them.
"""

import datetime as dt
import difflib
import hashlib
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from app.articles.extraction import date_candidates, decode_page, extract_article, propose_trim
from app.articles.followers import snapshot_follow_preview, snapshot_followed
from app.articles.models import Article, Direction, Snapshot
from app.audit import events
from app.audit.services import audit_append, save_versioned_change
from app.core.links import validate_web_url
from app.core.text import (
    detect_language,
    direction_for,
    guess_language,
    normalize_text,
    validate_one_line_fields,
)
from app.core.versioning import changed_values, lock_version
from app.workspaces.access import require_role
from app.workspaces.models import Role, Workspace

TITLE_MAX_LENGTH = 500


@dataclass(frozen=True)
class SnapshotChange:
    """What a re-import would change: the text's differing lines and where claims land."""

    previous_number: int
    # (kind, line) with kind "removed", "added" or "same" (context), in text order.
    lines: list[tuple[str, str]]
    # How the previous snapshot's claims would land: {"anchored", "fuzzy", "orphaned"}.
    claims: dict
    published_claims_affected: int
    truncated: bool = False

    def as_dict(self) -> dict:
        return {
            "previous_snapshot": self.previous_number,
            "diff": [{"kind": kind, "line": line} for kind, line in self.lines],
            "diff_truncated": self.truncated,
            "claims": self.claims,
            "published_claims_affected": self.published_claims_affected,
        }


@dataclass(frozen=True)
class ImportResult:
    article: Article
    snapshot: Snapshot
    created_article: bool
    created_snapshot: bool
    # Re-anchoring of the previous snapshot's claims: {"anchored": n, "fuzzy": n, "orphaned": n}.
    reanchored: dict = field(default_factory=dict)
    # Set when the article had a different latest text: what the new snapshot changes.
    change: SnapshotChange | None = None
    # What the import had to repair in the input (stray bytes, NUL bytes), in words.
    warnings: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        """True when the text equalled the latest snapshot and nothing was added."""
        return not self.created_snapshot and self.change is None

    @property
    def awaiting_confirmation(self) -> bool:
        """A changed re-import that was only previewed: nothing was written."""
        return not self.created_snapshot and self.change is not None


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
    confirm_changes: bool = True,
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
        raise ValidationError({"text": _("The article text is empty.")})
    _check_size(len(text.encode("utf-8")), field_name="text")
    text = normalize_text(text)
    original, metadata = None, {}
    if trim:
        proposal = propose_trim(text)
        original, text = text.encode("utf-8"), proposal.kept_text()
        metadata = {"trimmed": True, "dropped_lines": proposal.dropped_count}
        if not text.strip():
            raise ValidationError({"text": _("Trimming would leave no text; import it as pasted.")})
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
        preview_only=not confirm_changes,
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
    confirm_changes: bool = True,
    origin: str = "",
    match_text: bool = False,
) -> ImportResult:
    """Import an HTML page: the article's main text becomes the snapshot.

    The page's bytes are kept on the snapshot as evidence (never rendered). With
    `require_url` (the "URL + saved HTML" form) the URL is mandatory; otherwise the
    page's canonical URL is used when none is given. Details the person gives win
    over the page's own metadata. What decoding repaired (stray bytes, NUL bytes) is
    in the result's and the snapshot's `warnings`. `confirm_changes` and `match_text` as
    for `article_import_text`; `origin` overrides the recorded origin (the URL fetcher
    passes `Snapshot.Origin.URL`). Raises `ValidationError` on `html` (undecodable,
    binary, too large, no article text), `url` or a one-line field.
    """
    require_role(workspace=workspace, actor=actor, role=Role.REVIEWER)
    validate_one_line_fields(title=title, outlet=outlet, author=author, language=language)
    raw = html.encode("utf-8") if isinstance(html, str) else bytes(html)
    if not raw.strip():
        raise ValidationError({"html": _("The HTML is empty.")})
    _check_size(len(raw), field_name="html")
    if require_url and not url.strip():
        raise ValidationError({"url": _("Give the address the page was saved from.")})
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
        origin=origin or (Snapshot.Origin.URL_HTML if require_url else Snapshot.Origin.HTML),
        details=details,
        metadata={**extracted.metadata, **({"warnings": page.warnings} if page.warnings else {})},
        original=raw,
        original_media_type="text/html",
        preview_only=not confirm_changes,
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
    preview_only: bool = False,
    match_text: bool = False,
) -> ImportResult:
    """Find or create the article, then add a snapshot unless the text is unchanged.

    An article is the same article when it has the same URL in the workspace; with
    `match_text`, an article without URL is the same when one of its snapshots has
    this text (same SHA-256). A changed text of an existing article comes with what it
    changes; with `preview_only` that is all, and nothing is written. Must run inside
    the caller's transaction.
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
            workspace=workspace, actor=actor, event=events.article_created(article=article)
        )
    else:
        previous = article.snapshots.order_by("-number").first()
        if previous is not None and previous.sha256 == digest:
            return ImportResult(
                article, previous, created_article=False, created_snapshot=False, warnings=warnings
            )
    change = snapshot_change(previous, text) if previous is not None else None
    if change is not None and preview_only:
        return ImportResult(
            article,
            previous,
            created_article=False,
            created_snapshot=False,
            change=change,
            warnings=warnings,
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
        event=events.article_snapshot_added(snapshot=snapshot, original=original),
    )
    reanchored = (
        snapshot_followed(previous=previous, snapshot=snapshot, actor=actor) if previous else {}
    )
    return ImportResult(
        article,
        snapshot,
        created_article,
        created_snapshot=True,
        reanchored=reanchored,
        change=change,
        warnings=warnings,
    )


DIFF_MAX_LINES = 400


def snapshot_change(previous: Snapshot, text: str) -> SnapshotChange:
    """What replacing `previous`'s text with `text` changes, written nowhere.

    The lines that differ, with one line of context, and where the previous snapshot's
    claims would land by the same re-anchoring the import then runs.
    """
    old_lines, new_lines = previous.text.splitlines(), text.splitlines()
    lines: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for group in matcher.get_grouped_opcodes(1):
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(("same", line) for line in old_lines[i1:i2])
                continue
            lines.extend(("removed", line) for line in old_lines[i1:i2])
            lines.extend(("added", line) for line in new_lines[j1:j2])
    counts, published_affected = snapshot_follow_preview(previous=previous, text=text)
    return SnapshotChange(
        previous_number=previous.number,
        lines=lines[:DIFF_MAX_LINES],
        claims=counts,
        published_claims_affected=published_affected,
        truncated=len(lines) > DIFF_MAX_LINES,
    )


_EDITABLE = ("title", "url", "outlet", "author", "published_on", "language", "direction")


def _cleaned_details(article: Article, given: dict) -> dict:
    """Check the given details all at once (field errors together), as the import does."""
    cleaners = {
        "title": lambda v: _require(_clean_title(v or ""), "An article needs a title."),
        "url": lambda v: _unique_url(article, v or ""),
        "outlet": lambda v: _one_line(v, 200),
        "author": lambda v: _one_line(v, 300),
        "published_on": lambda v: v,
        "language": lambda v: _language(v or ""),
        "direction": _direction,
    }
    cleaned, errors = {}, {}
    for name, value in given.items():
        try:
            cleaned[name] = cleaners[name](value)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def _require(value: str, message: str) -> str:
    if not value:
        raise ValidationError(message)
    return value


def _one_line(value: str | None, limit: int) -> str:
    value = " ".join(normalize_text(value or "").split())
    if len(value) > limit:
        raise ValidationError(_("At most %(limit)s characters.") % {"limit": limit})
    return value


def _language(value: str) -> str:
    value = value.strip().lower()
    if len(value) > 16 or (
        value and not all(c.isascii() and (c.isalnum() or c == "-") for c in value)
    ):
        raise ValidationError(_("A language code such as fa, en or ar."))
    return value


def _direction(value: str) -> str:
    if value not in Direction.values:
        raise ValidationError(_("The direction is ltr or rtl."))
    return value


def _unique_url(article: Article, url: str) -> str:
    url = validate_web_url(url, field="url") if url.strip() else ""
    if url and (
        Article.objects.filter(workspace_id=article.workspace_id, url=url)
        .exclude(pk=article.pk)
        .exists()
    ):
        raise ValidationError(_("Another article of this workspace has this URL."))
    return url


@transaction.atomic
def article_update(*, article: Article, version: int, actor: Any, **details: Any) -> Article:
    """Correct an article's details (title, URL, outlet, author, date, language, direction).

    Details left out stay as they are. The row is locked while its version is compared,
    as for claims. Published fact-checks of the article show the change in their
    history, and their ClaimReview describes the article as it is now. Reviewers and
    above may. Writes no event when nothing changes. Raises `ValidationError` naming
    each field at fault, `StaleVersion`, `PermissionDenied`, `NotFound`.
    """
    unknown = set(details) - set(_EDITABLE)
    if unknown:
        raise TypeError(f"article_update() got unexpected details: {sorted(unknown)}")
    require_role(workspace=article.workspace, actor=actor, role=Role.REVIEWER)
    current = lock_version(
        Article.objects.select_related("workspace"), article.pk, version, noun="article"
    )
    changed = changed_values(current, _cleaned_details(current, details))
    if changed:
        save_versioned_change(
            instance=current,
            changed=changed,
            version=version,
            actor=actor,
            record=partial(events.article_updated, article=current),
        )
    return current
