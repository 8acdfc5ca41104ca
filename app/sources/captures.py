"""Fetching by URL and preserving what was fetched: articles, sources, uploads, link checks.

Every fetch goes through `app.core.fetch` (the SSRF guards), outside any transaction:
a slow server must not hold the audit chain's lock. What came back is then stored in
one transaction: the article's snapshot (through the same `article_import_html` as an
upload) or the source's text, and a `Capture` with the WARC of the exchange, the
optional Chromium rendering and their SHA-256 hashes, which go into the audit event.

This module lives in `sources` because a capture is a source's (or an article's)
preserved copy; `articles` stays below it and knows nothing of fetching.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from app.articles.extraction import decode_html, extract_article
from app.articles.models import Article, Snapshot
from app.articles.services import ImportResult, article_import_html, import_max_bytes
from app.audit import events
from app.audit.services import audit_append
from app.core.blobs import blob_save
from app.core.fetch import HTML_TYPES, FetchedPage, FetchLimits, FetchRefused, default_limits, fetch
from app.core.links import validate_web_url
from app.core.render import Rendering, render_page
from app.core.warc import read_response, sha256_hex, warc_for_page
from app.sources.models import Capture, LinkStatus, Source
from app.workspaces.access import require_role
from app.workspaces.models import Role, Workspace

SOURCE_TYPES = (*HTML_TYPES, "application/pdf", "text/plain")
UPLOAD_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"WARC/": "application/warc",
}


@dataclass(frozen=True)
class UrlImport:
    """An article fetched by URL: the import's result and the capture kept of the page."""

    result: ImportResult | None
    capture: Capture | None
    not_modified: bool = False


def _fetch_or_field_error(url: str, *, field: str, **kwargs) -> FetchedPage:
    try:
        return fetch(url, **kwargs)
    except FetchRefused as refused:
        raise ValidationError({field: refused.message}, code=refused.code) from None


def _render(page: FetchedPage, html: str | None, title: str) -> Rendering:
    if html is None:
        return Rendering(None, None, _("No screenshot or PDF: the page is not HTML."))
    if not getattr(settings, "SANAD_CAPTURE_RENDER", True):
        return Rendering(None, None, _("No screenshot or PDF: rendering is turned off."))
    return render_page(html, title=title)


def _capture_fetched(
    *,
    workspace: Workspace,
    actor: Any,
    page: FetchedPage,
    rendering: Rendering,
    text: str,
    source: Source | None = None,
    article: Article | None = None,
    snapshot: Snapshot | None = None,
) -> Capture:
    """Store the capture of a fetch and its audit event; runs in the caller's transaction.

    The files go to the storage folder first: a rolled-back transaction leaves at most
    a content-addressed file no row names, never a row naming a missing file.
    """
    warc = warc_for_page(page)
    warc_path, _digest = blob_save(warc.data, "warc.gz")
    screenshot_path = blob_save(rendering.screenshot, "png")[0] if rendering.screenshot else ""
    pdf_path = blob_save(rendering.pdf, "pdf")[0] if rendering.pdf else ""
    capture = Capture.objects.create(
        workspace=workspace,
        source=source,
        article=article,
        snapshot=snapshot,
        kind=Capture.Kind.FETCH,
        url=page.requested_url[:2000],
        final_url=page.url[:2000],
        captured_at=page.fetched_at,
        status_code=page.status,
        media_type=page.media_type[:100],
        address=page.address,
        etag=page.header("etag")[:500],
        last_modified=page.header("last-modified")[:100],
        payload_sha256=warc.payload_sha256,
        warc_path=warc_path,
        warc_sha256=warc.sha256,
        screenshot_path=screenshot_path,
        screenshot_sha256=rendering.screenshot_sha256,
        pdf_path=pdf_path,
        pdf_sha256=rendering.pdf_sha256,
        render_note=rendering.note[:300],
        text=text,
        text_sha256=sha256_hex(text.encode("utf-8")) if text else "",
        created_by=actor,
    )
    _audit_capture(capture, actor)
    return capture


def _audit_capture(capture: Capture, actor: Any) -> None:
    audit_append(
        workspace=capture.workspace, actor=actor, event=events.capture_created(capture=capture)
    )


def _html_and_text(page: FetchedPage) -> tuple[str | None, str, str]:
    """The decoded HTML (None if not HTML), the extracted text and title; never raises."""
    if page.media_type in HTML_TYPES:
        try:
            html = decode_html(page.body, declared_charset=page.charset)
            extracted = extract_article(html, url=page.url)
        except ValidationError:
            return None, "", ""
        return html, extracted.text, extracted.title
    if page.media_type == "text/plain":
        return None, page.body.decode(page.charset or "utf-8", errors="replace"), ""
    return None, "", ""


def article_import_url(
    *,
    workspace: Workspace,
    url: str,
    actor: Any,
    title: str = "",
    outlet: str = "",
    author: str = "",
    published_on: dt.date | None = None,
    language: str = "",
) -> UrlImport:
    """Fetch `url` and import the page as an article snapshot, keeping a capture of it.

    The snapshot comes from the same extraction as an uploaded page (origin "url");
    the fetched page is kept as a WARC capture whose hashes are in its audit event.
    Reviewers and above may. Raises `ValidationError` on `url` with the fetcher's
    reason (refused address, too large, not a web page, …) or on `html` when the page
    has no article text.
    """
    require_role(workspace=workspace, actor=actor, role=Role.REVIEWER)
    url = validate_web_url(url, field="url")
    page = _fetch_or_field_error(url, field="url")
    return _import_page(
        workspace=workspace,
        actor=actor,
        url=url,
        page=page,
        details={
            "title": title,
            "outlet": outlet,
            "author": author,
            "published_on": published_on,
            "language": language,
        },
    )


def _import_page(*, workspace, actor, url, page, details) -> UrlImport:
    # Only decoded (not extracted) here: the import extracts once, inside.
    html = None
    if getattr(settings, "SANAD_CAPTURE_RENDER", True):
        try:
            html = decode_html(page.body, declared_charset=page.charset)
        except ValidationError:
            html = None
    rendering = _render(page, html, details.get("title") or "")
    with transaction.atomic():
        result = article_import_html(
            workspace=workspace,
            html=page.body,
            actor=actor,
            url=url,
            declared_charset=page.charset,
            origin=Snapshot.Origin.URL,
            **details,
        )
        capture = _capture_fetched(
            workspace=workspace,
            actor=actor,
            page=page,
            rendering=rendering,
            text=result.snapshot.text,
            article=result.article,
            snapshot=result.snapshot,
        )
    return UrlImport(result=result, capture=capture)


def article_check_again(*, workspace: Workspace, article: Article, actor: Any) -> UrlImport:
    """Fetch the article's URL again, conditionally; a snapshot is added only if the text changed.

    The request carries the last capture's ETag and Last-Modified: a `304 Not Modified`
    stores nothing (`not_modified`). A full answer is captured, and imported like the
    first fetch, so an unchanged text adds no snapshot. Raises `ValidationError` on
    `url` (no URL, or the fetcher's refusal).
    """
    require_role(workspace=workspace, actor=actor, role=Role.REVIEWER)
    if article.workspace_id != workspace.pk:
        raise ValidationError({"url": _("No such article.")})
    if not article.url:
        raise ValidationError({"url": _("This article has no address to fetch it from.")})
    last = (
        Capture.objects.filter(workspace=workspace, article=article, kind=Capture.Kind.FETCH)
        .order_by("-captured_at", "-id")
        .only("etag", "last_modified")
        .first()
    )
    page = _fetch_or_field_error(
        article.url,
        field="url",
        etag=last.etag if last else "",
        last_modified=last.last_modified if last else "",
    )
    if page.not_modified:
        return UrlImport(result=None, capture=None, not_modified=True)
    return _import_page(workspace=workspace, actor=actor, url=article.url, page=page, details={})


def source_capture(*, workspace: Workspace, source: Source, actor: Any) -> Capture:
    """Fetch the source's URL and keep a capture (WARC, text, rendering, hashes).

    Web pages, PDFs and plain text are accepted. Reviewers and above may. Raises
    `ValidationError` on `url` with the fetcher's reason.
    """
    require_role(workspace=workspace, actor=actor, role=Role.REVIEWER)
    if source.workspace_id != workspace.pk:
        raise ValidationError({"url": _("No such source.")})
    page = _fetch_or_field_error(source.url, field="url", limits=_source_limits())
    html, text, title = _html_and_text(page)
    rendering = _render(page, html, source.title or title)
    with transaction.atomic():
        return _capture_fetched(
            workspace=workspace,
            actor=actor,
            page=page,
            rendering=rendering,
            text=text,
            source=source,
        )


def _source_limits() -> FetchLimits:
    base = default_limits()
    return FetchLimits(
        max_bytes=base.max_bytes,
        timeout=base.timeout,
        max_redirects=base.max_redirects,
        content_types=SOURCE_TYPES,
    )


UPLOAD_EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
}


def upload_extension(data: bytes, media_type: str) -> str:
    if media_type == "application/warc":
        return "warc.gz" if data[:2] == b"\x1f\x8b" else "warc"
    return UPLOAD_EXTENSIONS.get(media_type, "bin")


def _sniff_upload(data: bytes) -> str:
    head = data[:16]
    if head.startswith(b"\x1f\x8b"):
        try:
            with gzip.open(io.BytesIO(data)) as unzipped:
                head = unzipped.read(16)
        except (OSError, EOFError):
            head = b""
    for magic, media_type in UPLOAD_TYPES.items():
        if head.startswith(magic):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return ""


@transaction.atomic
def capture_upload(
    *,
    workspace: Workspace,
    data: bytes,
    file_name: str,
    actor: Any,
    source: Source | None = None,
    article: Article | None = None,
) -> Capture:
    """Keep a capture made elsewhere (WARC, PDF, PNG, JPEG or WebP) with its hash.

    The type is read from the file's first bytes, not its name. A WARC must hold a
    response record whose digests warcio can verify; its text is extracted for display.
    Reviewers and above may. Raises `ValidationError` on `file`.
    """
    require_role(workspace=workspace, actor=actor, role=Role.REVIEWER)
    if (source is None) == (article is None):
        raise ValidationError({"file": _("Attach the capture to one source or one article.")})
    owner = source or article
    if owner.workspace_id != workspace.pk:
        raise ValidationError({"file": _("No such source or article.")})
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    if len(data) > import_max_bytes() * 5:
        raise ValidationError({"file": _("The file is larger than the capture limit.")})
    media_type = _sniff_upload(data)
    if not media_type:
        raise ValidationError(
            {"file": _("Upload a WARC file, a PDF or an image (PNG, JPEG, WebP).")}
        )
    text, url, captured_at, status = "", "", timezone.now(), None
    if media_type == "application/warc":
        try:
            response = read_response(data)
        except Exception:  # warcio raises many kinds of error on a broken file
            raise ValidationError(
                {"file": _("This WARC file cannot be read or its digests do not match.")}
            ) from None
        url, status = response.url or "", response.status
        text = _warc_text(response)
    file_path, digest = blob_save(data, upload_extension(data, media_type))
    capture = Capture.objects.create(
        workspace=workspace,
        source=source,
        article=article,
        kind=Capture.Kind.UPLOAD,
        url=url[:2000] if url.startswith(("http://", "https://")) else "",
        captured_at=captured_at,
        status_code=status,
        media_type=media_type,
        file_path=file_path,
        file_name=file_name[:255],
        file_sha256=digest,
        text=text,
        text_sha256=sha256_hex(text.encode("utf-8")) if text else "",
        created_by=actor,
    )
    _audit_capture(capture, actor)
    return capture


def _warc_text(response) -> str:
    headers = {k.lower(): v for k, v in response.headers}
    if not headers.get("content-type", "").lower().startswith(HTML_TYPES):
        return ""
    body = response.payload
    if headers.get("content-encoding", "").lower() == "gzip":
        try:
            body = gzip.decompress(body)
        except OSError:
            return ""
    try:
        return extract_article(decode_html(body), url=response.url or "").text
    except ValidationError:
        return ""


def latest_capture(source: Source) -> Capture | None:
    return (
        Capture.objects.filter(workspace_id=source.workspace_id, source=source)
        .exclude(text_sha256="")
        .order_by("-captured_at", "-id")
        .first()
    )


def source_link_check(*, source: Source, actor: Any = None) -> str:
    """Fetch a cited source again and record whether it is live, changed or gone.

    Gone: an HTTP error status, an unknown host, or a refused/unreachable server.
    Changed: the page's main text differs from the latest capture's. Run by the
    periodic `check_links` command (actor None: the system). An audit event is written
    only when the status changes. Returns the new status.
    """
    workspace = source.workspace
    if actor is not None:
        require_role(workspace=workspace, actor=actor, role=Role.REVIEWER)
    try:
        page = fetch(source.url, limits=_source_limits())
    except FetchRefused as refused:
        status, detail = LinkStatus.GONE, refused.message
    else:
        _html, text, _title = _html_and_text(page)
        previous = latest_capture(source)
        changed = previous is not None and sha256_hex(text.encode("utf-8")) != previous.text_sha256
        status = LinkStatus.CHANGED if changed else LinkStatus.OK
        detail = (
            _("Live; the text differs from the capture of %(at)s.")
            % {"at": f"{previous.captured_at:%Y-%m-%d %H:%M} UTC"}
            if changed
            else _("Live.")
        )
    with transaction.atomic():
        locked = Source.objects.select_for_update().get(pk=source.pk)
        before = {"link_status": locked.link_status}
        locked.link_status = status
        locked.link_detail = detail[:300]
        locked.link_checked_at = timezone.now()
        locked.save(update_fields=["link_status", "link_detail", "link_checked_at"])
        if before["link_status"] != status:
            audit_append(
                workspace=workspace,
                actor=actor,
                event=events.source_link_checked(source=locked, old_status=before["link_status"]),
            )
    source.link_status, source.link_detail = status, locked.link_detail
    source.link_checked_at = locked.link_checked_at
    return status


def sources_due_for_link_check(
    *, workspace: Workspace | None = None, older_than_hours: float = 0
) -> list[Source]:
    """Cited sources (any workspace, or one), skipping those checked in the last hours."""
    sources = Source.objects.filter(evidence__isnull=False).distinct().select_related("workspace")
    if workspace is not None:
        sources = sources.filter(workspace=workspace)
    if older_than_hours:
        cutoff = timezone.now() - dt.timedelta(hours=older_than_hours)
        sources = sources.filter(Q(link_checked_at__isnull=True) | Q(link_checked_at__lt=cutoff))
    return list(sources.order_by("id"))


def links_check_due(
    *,
    workspace: Workspace | None = None,
    older_than_hours: float = 0,
    progress: Callable[[Iterable[Source]], Iterable[Source]] = lambda sources: sources,
    found: Callable[[Source, str], None] = lambda source, status: None,
) -> dict[str, int]:
    """Check every due cited source's link as the system; returns the count per status.

    The periodic task and `manage.py check_links` both run this. `found` hears of each
    source that is not live and unchanged.
    """
    counts = {status: 0 for status in (LinkStatus.OK, LinkStatus.CHANGED, LinkStatus.GONE)}
    due = sources_due_for_link_check(workspace=workspace, older_than_hours=older_than_hours)
    for source in progress(due):
        status = source_link_check(source=source)
        counts[status] += 1
        if status != LinkStatus.OK:
            found(source, status)
    return {str(status): count for status, count in counts.items()}
