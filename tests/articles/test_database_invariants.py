"""Invariants the database holds even when application code is bypassed."""

import pytest
from django.db import IntegrityError, connection, transaction

from app.articles.models import Article, Snapshot
from app.articles.services import text_sha256
from app.claims.models import Claim, Evidence
from app.claims.services import claim_create
from app.sources.services import source_add

pytestmark = pytest.mark.django_db


def test_database_refuses_to_update_snapshot_text(persian_article):
    snapshot = persian_article.snapshot
    with (
        pytest.raises(IntegrityError, match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE articles_snapshot SET text = %s, sha256 = %s WHERE id = %s",
            ["rewritten", text_sha256("rewritten"), snapshot.pk],
        )
    snapshot.refresh_from_db()
    assert snapshot.text == persian_article.snapshot.text


def test_database_refuses_orm_updates_of_snapshots(english_article):
    with pytest.raises(IntegrityError), transaction.atomic():
        Snapshot.objects.filter(pk=english_article.snapshot.pk).update(metadata={"edited": True})


def test_database_refuses_a_snapshot_whose_hash_is_not_its_text(english_article, team):
    with pytest.raises(IntegrityError, match="sha256"), transaction.atomic():
        Snapshot.objects.create(
            workspace=team.workspace,
            article=english_article.article,
            number=2,
            text="new text",
            sha256=text_sha256("other text"),
            origin="text",
        )


def test_database_refuses_non_nfc_snapshot_text(english_article, team):
    text = "Cafe\u0301"
    with pytest.raises(IntegrityError, match="NFC"), transaction.atomic():
        Snapshot.objects.create(
            workspace=team.workspace,
            article=english_article.article,
            number=2,
            text=text,
            sha256=text_sha256(text),
            origin="text",
        )


def test_database_refuses_a_snapshot_in_another_workspace_than_its_article(
    english_article, other_team
):
    with pytest.raises(IntegrityError), transaction.atomic():
        Snapshot.objects.create(
            workspace=other_team.workspace,
            article=english_article.article,
            number=2,
            text="x",
            sha256=text_sha256("x"),
            origin="text",
        )


def test_database_refuses_a_claim_whose_quote_is_not_the_text(english_article, team):
    snapshot = english_article.snapshot
    with pytest.raises(IntegrityError, match="anchor"), transaction.atomic():
        Claim.objects.create(
            workspace=team.workspace,
            article=english_article.article,
            snapshot=snapshot,
            start=0,
            end=3,
            exact="Thx",
        )


def test_database_refuses_a_claim_in_another_workspace_than_its_snapshot(
    english_article, other_team
):
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(
            workspace=other_team.workspace,
            article=english_article.article,
            snapshot=english_article.snapshot,
            start=0,
            end=3,
            exact="The",
        )


def test_database_refuses_evidence_across_workspaces(english_article, team, other_team):
    claim = claim_create(
        workspace=team.workspace,
        snapshot=english_article.snapshot,
        start=0,
        end=3,
        exact="The",
        actor=team.reviewer,
    )
    foreign, _ = source_add(
        workspace=other_team.workspace, url="https://example.org/x", actor=other_team.reviewer
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(
            workspace=team.workspace, claim=claim, source=foreign, stance="supports"
        )


def test_database_refuses_two_articles_with_one_url_in_a_workspace(team):
    Article.objects.create(workspace=team.workspace, url="https://example.org/a", title="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(workspace=team.workspace, url="https://example.org/a", title="B")
