import unicodedata

import pytest
from django.core.exceptions import ValidationError

from app.articles.models import Article, Snapshot
from app.articles.services import article_import_text, text_sha256
from app.audit.models import AuditEvent
from app.core.errors import NotFound, PermissionDenied
from tests.conftest import PERSIAN_SAMPLE

pytestmark = pytest.mark.django_db


def test_import_keeps_persian_text_exactly_and_reads_its_direction(persian_article, team):
    article, snapshot = persian_article.article, persian_article.snapshot

    assert snapshot.text == PERSIAN_SAMPLE  # NBSP, mixed digits, missing ZWNJ all kept
    assert snapshot.sha256 == text_sha256(PERSIAN_SAMPLE)
    assert snapshot.number == 1
    assert snapshot.origin == Snapshot.Origin.TEXT
    assert (article.language, article.direction) == ("fa", "rtl")
    assert persian_article.created_article and persian_article.created_snapshot
    actions = list(
        AuditEvent.objects.filter(workspace=team.workspace)
        .order_by("-seq")
        .values_list("action", flat=True)[:2]
    )
    assert actions == ["article.snapshot_added", "article.created"]


def test_import_normalizes_to_nfc_and_nothing_else(team):
    decomposed = "Cafe\u0301 owner said:prices rose.\u00a0"
    result = article_import_text(workspace=team.workspace, text=decomposed, actor=team.reviewer)
    assert result.snapshot.text == unicodedata.normalize("NFC", decomposed)
    assert result.article.title == "Café owner said:prices rose."


def test_reimporting_the_same_text_adds_no_snapshot(persian_article, team):
    again = article_import_text(
        workspace=team.workspace,
        text=PERSIAN_SAMPLE,
        url="https://example.org/fa/agreement",
        actor=team.reviewer,
    )
    assert again.unchanged
    assert again.snapshot == persian_article.snapshot
    assert Snapshot.objects.filter(article=persian_article.article).count() == 1


def test_reimporting_changed_text_adds_the_next_snapshot(persian_article, team):
    changed = PERSIAN_SAMPLE.replace("۱۸ ژوئن", "۱۹ ژوئن")
    result = article_import_text(
        workspace=team.workspace,
        text=changed,
        url="https://example.org/fa/agreement",
        actor=team.reviewer,
    )
    assert not result.created_article
    assert result.snapshot.number == 2
    assert result.article == persian_article.article
    assert list(result.article.snapshots.values_list("number", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"text": "  \n\u00a0 "}, "text"),
        ({"text": "Some text", "url": "javascript:alert(1)"}, "url"),
        ({"text": "Some text", "url": "not a url"}, "url"),
    ],
)
def test_import_refuses_bad_input_and_writes_nothing(team, fields, bad_field):
    events_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        article_import_text(workspace=team.workspace, actor=team.reviewer, **fields)
    assert bad_field in caught.value.message_dict
    assert not Article.objects.exists()
    assert not Snapshot.objects.exists()
    assert AuditEvent.objects.count() == events_before


def test_viewers_cannot_import(team):
    with pytest.raises(PermissionDenied):
        article_import_text(workspace=team.workspace, text="x", actor=team.viewer)
    assert not Article.objects.exists()


def test_outsiders_cannot_import(team, other_team):
    with pytest.raises(NotFound):
        article_import_text(workspace=team.workspace, text="x", actor=other_team.admin)
