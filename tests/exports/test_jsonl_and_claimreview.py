"""JSON Lines (full nested records) and schema.org ClaimReview."""

import datetime as dt
import json
from unittest import mock

import pytest
from django.urls import reverse

from app.claims.models import Claim, Rating, Verdict
from app.claims.services import claim_create, comment_add
from app.claims.workflow import verdict_approve, verdict_correct
from app.exports.records import iso
from tests.exports.conftest import body, cite, publish

pytestmark = pytest.mark.django_db


def _get(client, user, name, workspace, **params):
    client.force_login(user)
    response = client.get(reverse(name), {"workspace": workspace.slug, **params})
    assert response.status_code == 200, response.content
    return response


def _lines(response) -> list[dict]:
    return [json.loads(line) for line in body(response).decode("utf-8").splitlines()]


def test_a_jsonl_line_holds_the_whole_claim(client, team, published_claim):
    (record,) = _lines(_get(client, team.viewer, "exports-api-jsonl", team.workspace))
    assert record["id"] == published_claim.pk
    assert record["selectors"] == [
        {
            "type": "TextPositionSelector",
            "start": published_claim.start,
            "end": published_claim.end,
        },
        {
            "type": "TextQuoteSelector",
            "exact": "ridership rose 12% in 2025",
            "prefix": published_claim.prefix,
            "suffix": published_claim.suffix,
        },
    ]
    assert record["snapshot"]["sha256"] == published_claim.snapshot.sha256
    assert record["article"]["title"] == "Ridership report"
    assert [e["stance"] for e in record["evidence"]] == ["refutes", "refutes", "supports"]
    assert record["evidence"][0]["source"]["url"] == "https://stats.example.org/ridership"
    (verdict,) = record["verdicts"]
    assert (verdict["state"], verdict["rating"]["label"]) == ("published", "False")
    assert verdict["proposed_by"]["username"] == team.reviewer.username
    assert verdict["decided_by"]["username"] == team.editor.username
    assert record["tags"] == ["transit", "numbers"]
    assert "comments" not in record


def test_comments_come_only_when_asked_for(client, team, published_claim):
    comment_add(claim=published_claim, body="Check the **March** figures.", actor=team.reviewer)
    (record,) = _lines(
        _get(client, team.viewer, "exports-api-jsonl", team.workspace, comments="true")
    )
    assert [c["body"] for c in record["comments"]] == ["Check the **March** figures."]


def _reviews(client, team, **params) -> list[dict]:
    response = _get(client, team.viewer, "exports-api-claimreview", team.workspace, **params)
    assert response["Content-Type"].startswith("application/ld+json")
    return json.loads(body(response))


def test_claimreview_carries_every_required_field_with_its_type(
    client, team, published_claim, english_article
):
    english_article.article.published_on = "2025-03-01"
    english_article.article.language = "en"
    english_article.article.save()
    (review,) = _reviews(client, team)
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "Ridership rose 12% in 2025."
    assert (
        review["url"] == f"http://testserver/w/{team.workspace.slug}/claims/{published_claim.pk}/"
    )
    assert review["inLanguage"] == "en"
    assert isinstance(review["datePublished"], str) and review["datePublished"].endswith("Z")
    rating = review["reviewRating"]
    assert rating == {
        "@type": "Rating",
        "name": "False",
        "alternateName": "False",
        "ratingValue": 1,
        "bestRating": 6,
        "worstRating": 1,
    }
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Person", "name": "The mayor"}
    assert item["datePublished"] == "2025-03-01"
    appearance = item["appearance"]
    assert appearance["@type"] == "CreativeWork"
    assert appearance["datePublished"] == "2025-03-01"
    assert appearance["headline"] == "Ridership report"
    # The article came in without an address: its page in Sanad stands in.
    assert appearance["url"].startswith("http://testserver/w/")
    assert review["author"] == {
        "@type": "Organization",
        "name": team.workspace.name,
        "url": f"http://testserver/w/{team.workspace.slug}/",
    }


def test_a_rating_without_a_value_keeps_only_its_label(client, team, english_article):
    claim = claim_create(
        workspace=team.workspace,
        snapshot=english_article.snapshot,
        start=0,
        end=9,
        exact="The mayor",
        actor=team.reviewer,
    )
    cite(claim, team, "https://example.org/x", "context")
    publish(claim, team, label="Unverifiable")
    (review,) = _reviews(client, team)
    assert review["reviewRating"] == {
        "@type": "Rating",
        "name": "Unverifiable",
        "alternateName": "Unverifiable",
    }
    assert review["claimReviewed"] == "The mayor"  # no restatement: the quote itself
    assert "author" not in review["itemReviewed"]


def test_only_published_and_corrected_claims_are_reviewed(client, team, published_claim, claim):
    reviews = _reviews(client, team)
    assert [r["url"].rstrip("/").rsplit("/", 1)[1] for r in reviews] == [str(published_claim.pk)]


def test_a_correction_keeps_the_first_publication_date_and_adds_the_modified_one(
    client, team, published_claim
):
    first = Verdict.objects.get(claim=published_claim).published_at
    verdict_correct(
        claim=published_claim,
        version=published_claim.version,
        rating=Rating.objects.get(workspace=team.workspace, label="Mostly false"),
        summary="New figures: a smaller fall.",
        correction_note="The city revised its data.",
        actor=team.editor,
    )
    claim = Claim.objects.get(pk=published_claim.pk)
    a_day_later = first + dt.timedelta(days=1)
    with mock.patch("app.claims.workflow.timezone.now", return_value=a_day_later):
        verdict_approve(claim=claim, version=claim.version, actor=team.admin)
    (review,) = _reviews(client, team)
    assert review["reviewRating"]["alternateName"] == "Mostly false"
    assert review["reviewRating"]["ratingValue"] == 2
    assert review["datePublished"] == iso(first)
    assert review["dateModified"] == iso(a_day_later)


def test_asking_claimreview_for_unpublished_claims_is_a_field_error(client, team):
    client.force_login(team.viewer)
    response = client.get(
        reverse("exports-api-claimreview"), {"workspace": team.workspace.slug, "status": "open"}
    )
    assert response.status_code == 400
    assert "status" in json.dumps(response.json())


def test_an_empty_claimreview_export_is_an_empty_array(client, team):
    assert _reviews(client, team) == []
