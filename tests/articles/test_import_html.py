"""Importing HTML pages and trimmed pastes through the one import service."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from app.articles.models import Article, Snapshot
from app.articles.services import article_import_html, article_import_text, text_sha256
from app.audit.models import AuditEvent
from app.core.errors import PermissionDenied
from tests.seeds import seed_path

pytestmark = pytest.mark.django_db
PAGES = Path(__file__).parent / "pages"


def test_html_import_keeps_the_page_as_evidence_and_the_body_as_text(team):
    page = (PAGES / "fa_news.html").read_bytes()

    result = article_import_html(workspace=team.workspace, html=page, actor=team.reviewer)

    article, snapshot = result.article, result.snapshot
    assert snapshot.origin == Snapshot.Origin.HTML
    assert bytes(snapshot.original) == page
    assert snapshot.original_media_type == "text/html"
    assert snapshot.sha256 == text_sha256(snapshot.text)
    assert "<" not in snapshot.text and "پیش‌بینی" in snapshot.text  # ZWNJ kept
    assert (article.language, article.direction) == ("fa", "rtl")
    assert article.outlet == "روزنامه آینه شهر"
    assert article.author == "نسرین کاظمی"
    assert article.url == "https://aynehshahr.example/fa/news/48213/water-reservoirs"
    assert str(article.published_on) == "2024-06-11"
    assert snapshot.metadata["extractor"].startswith("trafilatura")


def test_details_given_by_the_person_win_over_the_page(team):
    page = (PAGES / "en_news.html").read_bytes()
    result = article_import_html(
        workspace=team.workspace,
        html=page,
        title="Ferry record, as filed",
        url="https://example.org/saved-from",
        outlet="Our copy",
        actor=team.reviewer,
    )
    assert result.article.title == "Ferry record, as filed"
    assert result.article.url == "https://example.org/saved-from"
    assert result.article.outlet == "Our copy"
    assert result.article.direction == "ltr"


def test_url_and_saved_page_needs_the_url(team):
    page = (PAGES / "en_news.html").read_bytes()
    with pytest.raises(ValidationError) as caught:
        article_import_html(
            workspace=team.workspace, html=page, require_url=True, actor=team.reviewer
        )
    assert "url" in caught.value.message_dict
    result = article_import_html(
        workspace=team.workspace,
        html=page,
        url="https://coastal-ledger.example/news/2025/03/ferry-ridership-record",
        require_url=True,
        actor=team.reviewer,
    )
    assert result.snapshot.origin == Snapshot.Origin.URL_HTML


@pytest.mark.parametrize(
    "page",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        b"<html><body><script>alert(1)</script><svg><script>alert(2)</script></svg></body></html>",
        b"   ",
    ],
)
def test_bad_html_is_refused_with_a_message_and_nothing_written(team, page):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        article_import_html(workspace=team.workspace, html=page, actor=team.reviewer)
    assert caught.value.message_dict["html"]
    assert not Article.objects.exists() and not Snapshot.objects.exists()
    assert AuditEvent.objects.count() == events


def test_hostile_page_imports_as_plain_text_only(team):
    result = article_import_html(
        workspace=team.workspace, html=(PAGES / "hostile.html").read_bytes(), actor=team.reviewer
    )
    text = result.snapshot.text
    for code in ("<script", "alert(", "onerror", "javascript:", "<svg"):
        assert code not in text


def test_size_limit_applies_to_text_and_html(team, settings):
    settings.SANAD_IMPORT_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as caught:
        article_import_text(workspace=team.workspace, text="ب" * 600, actor=team.reviewer)
    assert "1,000" in caught.value.message_dict["text"][0]  # 600 Persian letters = 1,200 bytes
    with pytest.raises(ValidationError) as caught:
        article_import_html(
            workspace=team.workspace,
            html=(PAGES / "en_news.html").read_bytes(),
            actor=team.reviewer,
        )
    assert "html" in caught.value.message_dict
    assert not Article.objects.exists()


def test_viewers_cannot_import_html(team):
    with pytest.raises(PermissionDenied):
        article_import_html(
            workspace=team.workspace, html=(PAGES / "en_news.html").read_bytes(), actor=team.viewer
        )


def test_an_import_that_fails_midway_leaves_no_article_or_snapshot(team, monkeypatch):
    """An error after the snapshot row is written rolls the whole import back."""
    from app.articles import services

    real_append = services.audit_append

    def failing_append(**kwargs):
        event = real_append(**kwargs)
        if kwargs["event"].action == "article.snapshot_added":
            assert Snapshot.objects.filter(workspace=team.workspace).exists()  # it was written
            raise RuntimeError("power cut")
        return event

    monkeypatch.setattr(services, "audit_append", failing_append)
    events = AuditEvent.objects.count()
    with pytest.raises(RuntimeError, match="power cut"):
        article_import_html(
            workspace=team.workspace,
            html=(PAGES / "en_news.html").read_bytes(),
            actor=team.reviewer,
        )
    assert not Article.objects.exists()
    assert not Snapshot.objects.exists()
    assert AuditEvent.objects.count() == events


def test_trimmed_paste_of_a_seed_drops_the_chrome_and_keeps_the_paste_as_original(team):
    paste = seed_path("003_f397ca5df7d6e309.txt").read_text(encoding="utf-8")
    result = article_import_text(
        workspace=team.workspace, text=paste, trim=True, actor=team.reviewer
    )
    snapshot = result.snapshot
    assert snapshot.metadata["trimmed"] is True and snapshot.metadata["dropped_lines"] > 5
    assert bytes(snapshot.original).decode("utf-8") == paste
    assert len(snapshot.text) < len(paste)
    assert "١۸ ژوئن ۲۰۲۴ (٢۹ خرداد ۱۴۰۳)" in snapshot.text
    assert not snapshot.text.startswith("صفحه اصلی")
    for line in snapshot.text.split("\n"):
        assert line in paste  # nothing rewritten, only lines left out


@pytest.mark.parametrize("name", ["000_b28f88bb043880d0.txt", "003_f397ca5df7d6e309.txt"])
def test_seeds_import_as_plain_text_with_stable_offsets_and_hashes(team, other_team, name):
    paste = seed_path(name).read_text(encoding="utf-8")
    first = article_import_text(workspace=team.workspace, text=paste, actor=team.reviewer)
    second = article_import_text(
        workspace=other_team.workspace, text=paste, actor=other_team.reviewer
    )
    assert first.snapshot.text == paste == second.snapshot.text  # already NFC: kept as is
    assert first.snapshot.sha256 == second.snapshot.sha256 == text_sha256(paste)
    assert first.article.direction == "rtl"
