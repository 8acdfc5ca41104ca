"""Bringing articles in: each import adds an immutable snapshot of the clean text."""

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from app.articles.models import Article, Snapshot
from app.audit.services import audit_append, fields_of
from app.core.links import validate_web_url
from app.core.text import direction_for, guess_language, normalize_text
from app.workspaces.access import require_role
from app.workspaces.models import Role, Workspace

TEXT_MAX_CHARACTERS = 2_000_000
_ARTICLE_FIELDS = ["url", "title", "outlet", "author", "published_on", "language", "direction"]


@dataclass(frozen=True)
class ImportResult:
    article: Article
    snapshot: Snapshot
    created_article: bool
    created_snapshot: bool

    @property
    def unchanged(self) -> bool:
        """True when the text equalled the latest snapshot and nothing was added."""
        return not self.created_snapshot


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return " ".join(line.split())[:200]
    return ""


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
) -> ImportResult:
    """Import pasted plain text as a snapshot, kept exactly as given apart from NFC.

    An import with the URL of an article already in the workspace adds a snapshot to
    that article, unless its text equals the latest snapshot (then nothing is added
    and the result says so). Without a title the first line of the text is used.
    Reviewers and above may import. Raises `ValidationError` naming the field at fault.
    """
    require_role(workspace=workspace, actor=actor, role=Role.REVIEWER)
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"text": "The article text is empty."})
    text = normalize_text(text)
    if len(text) > TEXT_MAX_CHARACTERS:
        raise ValidationError(
            {"text": f"The text is longer than {TEXT_MAX_CHARACTERS:,} characters."}
        )
    url = validate_web_url(url, field="url") if url.strip() else ""
    title = " ".join(normalize_text(title).split())[:500] or _first_line(text)
    language = language.strip().lower() or guess_language(text)
    digest = text_sha256(text)

    article = (
        Article.objects.select_for_update().filter(workspace=workspace, url=url).first()
        if url
        else None
    )
    created_article = article is None
    if article is None:
        article = Article.objects.create(
            workspace=workspace,
            url=url,
            title=title,
            outlet=outlet.strip(),
            author=author.strip(),
            published_on=published_on,
            language=language,
            direction=direction_for(language, text),
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
        number = 1
    else:
        latest = article.snapshots.order_by("-number").first()
        if latest is not None and latest.sha256 == digest:
            return ImportResult(article, latest, created_article=False, created_snapshot=False)
        number = (latest.number + 1) if latest else 1

    snapshot = Snapshot.objects.create(
        workspace=workspace,
        article=article,
        number=number,
        text=text,
        sha256=digest,
        origin=Snapshot.Origin.TEXT,
        metadata={"characters": len(text)},
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
            "number": number,
            "sha256": digest,
            "origin": snapshot.origin,
            "characters": len(text),
        },
    )
    return ImportResult(article, snapshot, created_article, created_snapshot=True)
