"""Articles and sources fetched from the local server: snapshots, captures, hashes, audit."""

import base64
import gzip
import hashlib
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse
from warcio.archiveiterator import ArchiveIterator

from app.articles.models import Snapshot
from app.audit.models import AuditEvent
from app.core.blobs import blob_read, blob_save
from app.core.errors import PermissionDenied
from app.core.warc import hex_from_warc_digest, read_response
from app.sources import captures
from app.sources.models import Capture, LinkStatus
from app.sources.services import source_add
from tests.fetch.conftest import Route, article_html

PAGES = Path(__file__).parent.parent / "articles" / "pages"
PERSIAN_PAGE = (PAGES / "fa_news.html").read_bytes()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rendering(settings):
    settings.SANAD_CAPTURE_RENDER = False


def _event(capture):
    return AuditEvent.objects.get(
        workspace=capture.workspace, action="capture.created", object_id=str(capture.pk)
    )


def test_fetched_article_becomes_a_snapshot_through_the_extraction(team, page_server):
    url = page_server.page("/fa", PERSIAN_PAGE)
    imported = captures.article_import_url(workspace=team.workspace, url=url, actor=team.reviewer)
    snapshot = imported.result.snapshot
    assert snapshot.origin == Snapshot.Origin.URL
    assert "سدهای تهران" in imported.result.article.title
    assert "\u200c" in snapshot.text  # the ZWNJ survives extraction, as with uploads
    assert "<" not in snapshot.text
    assert bytes(snapshot.original) == PERSIAN_PAGE
    assert imported.result.article.url == url
    assert imported.capture.snapshot_id == snapshot.pk
    assert imported.capture.text == snapshot.text


def test_warc_payload_digest_matches_the_stored_hash_and_reads_back(team, page_server):
    body = gzip.compress(
        article_html("Dam levels", ["Reservoirs fell to a decade low."] * 5).encode()
    )
    url = page_server.page("/gz", body, headers={"Content-Encoding": "gzip", "ETag": '"e1"'})
    capture = captures.article_import_url(
        workspace=team.workspace, url=url, actor=team.reviewer
    ).capture
    capture.refresh_from_db()
    warc = blob_read(capture.warc_path)
    assert hashlib.sha256(warc).hexdigest() == capture.warc_sha256
    assert capture.payload_sha256 == hashlib.sha256(body).hexdigest()
    records = list(ArchiveIterator(io.BytesIO(warc), check_digests="raise"))
    assert [r.rec_type for r in records] == ["request", "response"]
    response = read_response(warc)
    assert hex_from_warc_digest(response.payload_digest) == capture.payload_sha256
    assert response.payload == body
    assert response.status == 200
    assert ("ETag", '"e1"') in response.headers
    assert base64.b32decode(response.payload_digest.split(":")[1]).hex() == capture.payload_sha256


def test_capture_hashes_are_in_its_audit_event(team, page_server):
    url = page_server.page("/a", article_html("Title", ["A sentence about budgets."] * 4))
    capture = captures.article_import_url(
        workspace=team.workspace, url=url, actor=team.reviewer
    ).capture
    after = _event(capture).after
    assert after["sha256"]["warc"] == capture.warc_sha256
    assert after["sha256"]["payload"] == capture.payload_sha256
    assert after["sha256"]["text"] == capture.text_sha256
    assert after["status_code"] == 200


def test_conditional_refetch_adds_a_snapshot_only_when_the_text_changed(team, page_server):
    state = {"etag": '"v1"', "text": "The first version of the story, with details."}

    def page(handler):
        if handler.headers.get("If-None-Match") == state["etag"]:
            return 304, {"ETag": state["etag"]}, b""
        html = article_html("Story", [state["text"]] * 4).encode()
        return 200, {"ETag": state["etag"]}, html

    page_server.routes["/story"] = Route(body=page)
    first = captures.article_import_url(
        workspace=team.workspace, url=page_server.url("/story"), actor=team.reviewer
    )
    article = first.result.article

    again = captures.article_check_again(
        workspace=team.workspace, article=article, actor=team.reviewer
    )
    assert again.not_modified
    assert page_server.requests[-1][1]["If-None-Match"] == '"v1"'
    assert article.snapshots.count() == 1

    state["etag"] = '"v2"'  # same text, new ETag: a capture, but no new snapshot
    same = captures.article_check_again(
        workspace=team.workspace, article=article, actor=team.reviewer
    )
    assert not same.result.created_snapshot
    assert article.snapshots.count() == 1

    state.update(etag='"v3"', text="The corrected version of the story, with new figures.")
    changed = captures.article_check_again(
        workspace=team.workspace, article=article, actor=team.reviewer
    )
    assert changed.result.created_snapshot
    assert article.snapshots.count() == 2
    assert Capture.objects.filter(article=article).count() == 3


def test_check_again_uses_last_modified_when_the_server_sends_no_etag(team, page_server):
    stamp = "Tue, 01 Dec 2026 08:00:00 GMT"

    def page(handler):
        if handler.headers.get("If-Modified-Since") == stamp:
            return 304, {"Last-Modified": stamp}, b""
        return 200, {"Last-Modified": stamp}, article_html("Dated", ["A dated story."] * 4).encode()

    page_server.routes["/dated"] = Route(body=page)
    first = captures.article_import_url(
        workspace=team.workspace, url=page_server.url("/dated"), actor=team.reviewer
    )
    assert first.capture.last_modified == stamp and first.capture.etag == ""
    again = captures.article_check_again(
        workspace=team.workspace, article=first.result.article, actor=team.reviewer
    )
    assert again.not_modified
    assert "If-None-Match" not in page_server.requests[-1][1]
    assert Capture.objects.filter(article=first.result.article).count() == 1


def test_refused_url_is_a_field_error_and_nothing_is_stored(team, connections):
    with pytest.raises(ValidationError) as refused:
        captures.article_import_url(
            workspace=team.workspace, url="http://169.254.169.254/latest/", actor=team.reviewer
        )
    assert "link-local" in refused.value.message_dict["url"][0]
    assert connections == []
    assert not Capture.objects.exists()


def test_viewers_cannot_make_the_server_fetch(team, page_server):
    url = page_server.page("/a", article_html("T", ["Text"] * 3))
    with pytest.raises(PermissionDenied):
        captures.article_import_url(workspace=team.workspace, url=url, actor=team.viewer)
    assert page_server.requests == []


def test_source_capture_keeps_text_and_warc(team, page_server):
    url = page_server.page("/report", article_html("Annual report", ["Inflation was 40%."] * 4))
    source, _ = source_add(workspace=team.workspace, url=url, actor=team.reviewer)
    capture = captures.source_capture(workspace=team.workspace, source=source, actor=team.reviewer)
    assert "Inflation was 40%." in capture.text
    assert capture.status_code == 200
    assert capture.render_note
    assert _event(capture).after["source"] == source.pk


def test_captures_are_immutable(team, page_server):
    url = page_server.page("/x", article_html("T", ["Some text here."] * 3))
    source, _ = source_add(workspace=team.workspace, url=url, actor=team.reviewer)
    capture = captures.source_capture(workspace=team.workspace, source=source, actor=team.reviewer)
    with pytest.raises(DatabaseError), transaction.atomic():
        Capture.objects.filter(pk=capture.pk).update(text="something else")


def test_database_refuses_a_capture_whose_hash_does_not_match(team, page_server):
    source, _ = source_add(
        workspace=team.workspace, url="https://example.org/a", actor=team.reviewer
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        Capture.objects.create(
            workspace=team.workspace,
            source=source,
            kind="upload",
            captured_at="2026-01-01T00:00:00Z",
            file_path=blob_save(b"%PDF-1.7", "pdf")[0],
            file_sha256="0" * 64,
        )


def test_uploaded_pdf_and_warc_are_hashed(team, page_server):
    source, _ = source_add(
        workspace=team.workspace, url="https://example.org/a", actor=team.reviewer
    )
    pdf = b"%PDF-1.7\n%fake but well-formed enough to sniff\n"
    capture = captures.capture_upload(
        workspace=team.workspace, data=pdf, file_name="a.pdf", source=source, actor=team.reviewer
    )
    assert capture.file_sha256 == hashlib.sha256(pdf).hexdigest()
    assert capture.media_type == "application/pdf"
    assert _event(capture).after["sha256"]["file"] == capture.file_sha256

    url = page_server.page("/w", article_html("Archived", ["The archived sentence."] * 4))
    live, _ = source_add(workspace=team.workspace, url=url, actor=team.reviewer)
    fetched = captures.source_capture(workspace=team.workspace, source=live, actor=team.reviewer)
    warc = blob_read(Capture.objects.get(pk=fetched.pk).warc_path)
    uploaded = captures.capture_upload(
        workspace=team.workspace,
        data=warc,
        file_name="x.warc.gz",
        source=source,
        actor=team.reviewer,
    )
    assert uploaded.media_type == "application/warc"
    assert uploaded.url == url
    assert "The archived sentence." in uploaded.text


def test_upload_refuses_other_files_and_broken_warcs(team):
    source, _ = source_add(
        workspace=team.workspace, url="https://example.org/a", actor=team.reviewer
    )
    for data in (b"<html>not a capture</html>", b"WARC/1.1\r\nbroken"):
        with pytest.raises(ValidationError) as refused:
            captures.capture_upload(
                workspace=team.workspace,
                data=data,
                file_name="f",
                source=source,
                actor=team.reviewer,
            )
        assert "file" in refused.value.message_dict


def test_link_check_marks_404_and_changed_pages(team, page_server):
    texts = {"/live": "Stable text of the page."}
    page_server.page("/live", article_html("Live", [texts["/live"]] * 4))
    page_server.page("/changing", article_html("Changing", ["Before the edit."] * 4))
    page_server.page("/vanishing", article_html("Vanishing", ["Here today."] * 4))
    sources = {}
    for path in ("/live", "/changing", "/vanishing"):
        source, _ = source_add(
            workspace=team.workspace, url=page_server.url(path), actor=team.reviewer
        )
        captures.source_capture(workspace=team.workspace, source=source, actor=team.reviewer)
        sources[path] = source

    page_server.page("/changing", article_html("Changing", ["After a quiet edit."] * 4))
    del page_server.routes["/vanishing"]

    assert captures.source_link_check(source=sources["/live"]) == LinkStatus.OK
    assert captures.source_link_check(source=sources["/changing"]) == LinkStatus.CHANGED
    assert captures.source_link_check(source=sources["/vanishing"]) == LinkStatus.GONE
    sources["/vanishing"].refresh_from_db()
    assert "404" in sources["/vanishing"].link_detail
    events = AuditEvent.objects.filter(workspace=team.workspace, action="source.link_checked")
    assert events.count() == 3
    # Checked again with no change: no new audit event.
    captures.source_link_check(source=sources["/vanishing"])
    assert events.count() == 3


def test_link_check_marks_an_unknown_host_gone(team):
    source, _ = source_add(
        workspace=team.workspace, url="https://vanished.example.org/", actor=team.reviewer
    )
    assert captures.source_link_check(source=source) == LinkStatus.GONE
    source.refresh_from_db()
    assert "could not be found" in source.link_detail


@pytest.mark.browser
def test_screenshot_and_pdf_are_rendered_in_chromium(team, page_server, settings, connections):
    settings.SANAD_CAPTURE_RENDER = True
    html = article_html("Rendered", ["Text to render."] * 3).replace(
        "</article>", "<img src='http://169.254.169.254/x.png'></article>"
    )
    url = page_server.page("/r", html)
    source, _ = source_add(workspace=team.workspace, url=url, actor=team.reviewer)
    capture = captures.source_capture(workspace=team.workspace, source=source, actor=team.reviewer)
    capture.refresh_from_db()
    screenshot = blob_read(capture.screenshot_path)
    assert screenshot.startswith(b"\x89PNG")
    assert blob_read(capture.pdf_path).startswith(b"%PDF")
    assert capture.screenshot_sha256 == hashlib.sha256(screenshot).hexdigest()
    assert _event(capture).after["sha256"]["pdf"] == capture.pdf_sha256
    assert capture.render_note == ""


def test_an_article_can_still_be_deleted_with_its_captures(team, page_server):
    url = page_server.page("/d", article_html("Doomed", ["Text to delete."] * 4))
    imported = captures.article_import_url(workspace=team.workspace, url=url, actor=team.reviewer)
    imported.result.article.delete()
    assert not Capture.objects.filter(pk=imported.capture.pk).exists()


def test_capture_files_live_in_storage_named_by_their_hash(team, page_server, _media_root):
    url = page_server.page("/st", article_html("Stored", ["Kept as a file, not a row."] * 4))
    source, _ = source_add(workspace=team.workspace, url=url, actor=team.reviewer)
    capture = captures.source_capture(workspace=team.workspace, source=source, actor=team.reviewer)
    sha = capture.warc_sha256
    assert capture.warc_path == f"captures/{sha[:2]}/{sha}.warc.gz"
    on_disk = _media_root / capture.warc_path
    assert hashlib.sha256(on_disk.read_bytes()).hexdigest() == sha
    pdf = b"%PDF-1.7\nsame bytes twice\n"
    first, second = (
        captures.capture_upload(
            workspace=team.workspace, data=pdf, file_name=name, source=source, actor=team.reviewer
        )
        for name in ("a.pdf", "b.pdf")
    )
    assert first.file_path == second.file_path
    assert len(list((_media_root / "captures").rglob("*.pdf"))) == 1


def test_database_refuses_a_file_name_that_is_not_its_hash(team):
    source, _ = source_add(
        workspace=team.workspace, url="https://example.org/a", actor=team.reviewer
    )
    name, digest = blob_save(b"%PDF-1.7 real", "pdf")
    with pytest.raises(DatabaseError), transaction.atomic():
        Capture.objects.create(
            workspace=team.workspace,
            source=source,
            kind="upload",
            captured_at="2026-01-01T00:00:00Z",
            file_path=name,
            file_sha256=hashlib.sha256(b"other").hexdigest(),
        )
    # And with the matching hash it is accepted.
    Capture.objects.create(
        workspace=team.workspace,
        source=source,
        kind="upload",
        captured_at="2026-01-01T00:00:00Z",
        file_path=name,
        file_sha256=digest,
    )


def test_a_file_altered_in_storage_is_never_served(client, team, page_server, _media_root):
    source, _ = source_add(
        workspace=team.workspace, url="https://example.org/a", actor=team.reviewer
    )
    capture = captures.capture_upload(
        workspace=team.workspace,
        data=b"%PDF-1.7 original",
        file_name="a.pdf",
        source=source,
        actor=team.reviewer,
    )
    (_media_root / capture.file_path).write_bytes(b"%PDF-1.7 altered")
    client.force_login(team.viewer)
    response = client.get(
        reverse(
            "capture-part", kwargs={"slug": team.workspace.slug, "pk": capture.pk, "part": "file"}
        )
    )
    assert response.status_code == 500
    assert b"altered" not in response.content
