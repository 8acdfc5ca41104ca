"""The reader in one request: the snapshot's text with every claim, cached per claims
version, the version bumped by every change to a claim once it commits."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from app.articles.services import article_import_text
from app.claims import workflow
from app.claims.reader_api import claims_version
from app.claims.services import claim_create
from tests.api.conftest import assert_error
from tests.exports.conftest import cite
from tests.factories import claim_on_words

pytestmark = pytest.mark.django_db

TEXT = "𝔸 وزیر گفت تورم ۱۲٪ است. The mayor said ridership rose 12% in 2025.\n"


def _article(team, text=TEXT, title="Reader"):
    return article_import_text(workspace=team.workspace, text=text, title=title, actor=team.admin)


def _url(ws_url, article):
    return ws_url(f"articles/{article.article.pk}/snapshots/{article.snapshot.pk}/reader/")


def _publish(team, claim, rating_label="False"):
    from app.claims.models import Rating

    cite(claim, team, "https://stats.example.org/reader", "refutes")
    claim = workflow.claim_start_review(claim=claim, version=claim.version, actor=team.reviewer)
    rating = Rating.objects.get(workspace=team.workspace, label=rating_label)
    workflow.verdict_propose(
        claim=claim, version=claim.version, rating=rating, summary="No.", actor=team.reviewer
    )
    claim.refresh_from_db()
    workflow.verdict_approve(claim=claim, version=claim.version, actor=team.editor)
    claim.refresh_from_db()
    return claim


def test_one_request_gives_the_text_and_every_claim_with_code_point_anchors(
    as_member, ws_url, team
):
    article = _article(team)
    snapshot = article.snapshot
    published = _publish(team, claim_on_words(team, snapshot, "تورم"))
    other = claim_on_words(team, snapshot, "The mayor")

    response = as_member("viewer").get(_url(ws_url, article))

    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["snapshot"] == {
        "id": snapshot.pk,
        "article": article.article.pk,
        "number": 1,
        "text": snapshot.text,
    }
    first, second = body["claims"]  # in text order
    # Code points: the astral letter before the words counts one, not two (UTF-16).
    assert (first["start"], first["end"]) == (snapshot.text.index("تورم"), published.end)
    assert snapshot.text[first["start"] : first["end"]] == "تورم" == first["exact"]
    assert first["id"] == published.pk and first["status"] == "published"
    assert first["rating"] == {"label": "False", "colour": published.rating_colour}
    assert first["rating"]["colour"].startswith("#")
    assert second == {
        "id": other.pk,
        "start": other.start,
        "end": other.end,
        "exact": "The mayor",
        "status": "open",
        "anchor_state": "anchored",
        "rating": None,
        "label": "The mayor",
    }


def test_the_claims_are_read_in_one_query_whatever_their_number(as_member, ws_url, team):
    client = as_member("viewer")
    few, many = _article(team, title="Few"), _article(team, title="Many")
    claim_on_words(team, few.snapshot, "The mayor")
    for offset in range(20):
        start = offset
        claim_create(
            workspace=team.workspace,
            snapshot=many.snapshot,
            start=start,
            end=start + 3,
            exact=many.snapshot.text[start : start + 3],
            actor=team.reviewer,
        )
    client.get(ws_url())  # the token's first use

    counts = {}
    for name, article in (("few", few), ("many", many)):
        with CaptureQueriesContext(connection) as miss:
            response = client.get(_url(ws_url, article))
        assert response.status_code == 200
        with CaptureQueriesContext(connection) as hit:
            assert client.get(_url(ws_url, article)).content == response.content
        counts[name] = (len(miss.captured_queries), len(hit.captured_queries))
        assert not any("claims_claim" in q["sql"] for q in hit.captured_queries)
        assert sum("claims_claim" in q["sql"] for q in miss.captured_queries) == 1
    assert len(client.get(_url(ws_url, many)).json()["claims"]) == 20
    assert counts["few"] == counts["many"]
    # A cached reader: the token with its membership, workspace and throttle count (one
    # statement), the snapshot with the claims version, and the payload.
    assert counts["few"][1] == 3


def test_every_claim_change_shows_in_the_next_read(as_member, ws_url, team):
    article = _article(team)
    viewer, reviewer = as_member("viewer"), as_member("reviewer")
    url = _url(ws_url, article)
    first = viewer.get(url).json()
    assert first["claims"] == []

    words = "The mayor"
    start = article.snapshot.text.index(words)
    created = reviewer.post(
        ws_url("claims/"),
        {
            "snapshot": article.snapshot.pk,
            "selectors": [{"type": "TextPositionSelector", "start": start, "end": start + 9}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = viewer.get(url).json()
    [shown] = body["claims"]
    assert (shown["id"], shown["status"]) == (created.json()["id"], "open")
    assert body["claims_version"] == first["claims_version"] + 1

    claim_url = ws_url(f"claims/{shown['id']}/")
    response = reviewer.post(claim_url + "start-review/", {}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    body = viewer.get(url).json()
    assert body["claims"][0]["status"] == "in_review"
    assert body["claims_version"] == first["claims_version"] + 2

    response = reviewer.patch(
        claim_url, {"restatement": "Ridership rose"}, HTTP_IF_MATCH='"2"', format="json"
    )
    assert response.status_code == 200, response.content
    assert viewer.get(url).json()["claims"][0]["label"] == "Ridership rose"


def test_the_version_commits_with_the_change_and_only_for_claims(team):
    article = _article(team)
    before = claims_version(team.workspace.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        claim_on_words(team, article.snapshot, "The mayor")
        assert claims_version(team.workspace.pk) == before + 1
        raise RuntimeError
    assert claims_version(team.workspace.pk) == before
    _article(team, title="No claim changed")  # an article's event is not a claim's
    assert claims_version(team.workspace.pk) == before
    claim_on_words(team, article.snapshot, "ridership")
    assert claims_version(team.workspace.pk) == before + 1


def test_another_articles_or_workspaces_snapshot_is_not_found(as_member, ws_url, team, other_team):
    mine, also_mine = _article(team), _article(team, title="Other")
    theirs = article_import_text(
        workspace=other_team.workspace, text=TEXT, title="Theirs", actor=other_team.admin
    )
    client = as_member("viewer")
    mixed = ws_url(f"articles/{mine.article.pk}/snapshots/{also_mine.snapshot.pk}/reader/")
    assert_error(client.get(mixed), 404)
    assert_error(client.get(_url(ws_url, theirs)), 404)
    assert client.get(_url(ws_url, mine)).status_code == 200
