"""The public fact-check page: readable without a session, complete, and nothing internal."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from app.claims.evidence import evidence_add_with_source
from app.claims.models import Claim, Rating
from app.claims.workflow import verdict_correct
from app.exports.records import claim_review
from app.public.services import public_site_update
from tests.public.conftest import COMMENT, PHRASE, RESTATEMENT, SUMMARY, enable_site

pytestmark = pytest.mark.django_db


def page_url(claim: Claim) -> str:
    from app.workspaces.publishing import claim_slug

    return reverse(
        "public-claim",
        kwargs={"slug": claim.workspace.slug, "pk": claim.pk, "text_slug": claim_slug(claim)},
    )


def json_ld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no JSON-LD in the page"
    return json.loads(found.group(1))


def test_the_page_reads_without_a_session_and_shows_the_fact_check(client, team, fact_check):
    response = client.get(page_url(fact_check))
    assert response.status_code == 200
    html = response.content.decode()
    text = unescape(html)
    assert '<html lang="fa" dir="rtl">' in html
    for expected in (
        RESTATEMENT,
        "وزیر خارجه",  # the claimant
        "قرارداد همکاری",  # the article's title
        "https://example.org/fa/agreement",  # the original
        SUMMARY,
        "False",  # the rating's label
        "https://agency.example/statement",
        "بیانیه وزارت",
        "امضا به ماه بعد موکول شد",  # the evidence's quote
        "https://archive.example/agency-statement",
    ):
        assert expected in text, expected
    assert f'<mark class="claim-quote">{PHRASE}</mark>' in text
    assert "گزارش" in text.split('<mark class="claim-quote">')[0]  # the quote's context
    # The publication date in both calendars (Persian digits).
    assert re.search(r"\(\S+ \S+ ۱۴۰\d\)", text), "no Jalali date"
    canonical = f"https://factcheck.example.org/fa/{fact_check.pk}-"
    assert f'<link rel="canonical" href="{canonical}' in html
    assert '<meta property="og:title"' in html and '<meta name="twitter:card"' in html


def test_the_page_leaks_nothing_internal(client, team, fact_check):
    # A pending correction waits: its words must not show.
    rating = Rating.objects.get(workspace=team.workspace, label="Mostly false")
    verdict_correct(
        claim=fact_check,
        version=fact_check.version,
        rating=rating,
        summary="UNPUBLISHED PROPOSAL",
        correction_note="draft note",
        actor=team.editor,
    )
    html = unescape(client.get(page_url(fact_check)).content.decode())
    assert COMMENT not in html
    assert "UNPUBLISHED PROPOSAL" not in html and "draft note" not in html
    for user in (team.admin, team.editor, team.reviewer, team.viewer):
        assert user.username not in html
        assert user.email not in html
        assert user.display_name not in html  # reviewer names are off by default
    assert "assignee" not in html.lower()


def test_the_approving_editor_is_named_only_when_the_workspace_says_so(client, team, fact_check):
    team.editor.display_name = "Maryam Editor"
    team.editor.save()
    public_site_update(workspace=team.workspace, actor=team.admin, show_reviewer_names=True)
    html = client.get(page_url(fact_check)).content.decode()
    assert "Maryam Editor" in html
    assert team.editor.username not in html


def test_the_page_sets_no_cookie_and_can_be_cached(client, fact_check):
    response = client.get(page_url(fact_check))
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert response["Cache-Control"].startswith("public")
    assert response["ETag"].startswith('"') and response["Last-Modified"]


def test_the_page_answers_conditional_requests_with_304(client, team, fact_check):
    url = page_url(fact_check)
    first = client.get(url)
    by_etag = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_etag["ETag"] == first["ETag"]
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_date.status_code == 304
    # New evidence changes the page: the old validators no longer match.
    evidence_add_with_source(
        claim=fact_check, url="https://more.example/", stance="context", actor=team.reviewer
    )
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]


def test_a_changed_slug_redirects_to_the_current_address(client, team, fact_check):
    old = page_url(fact_check)
    rating = Rating.objects.get(workspace=team.workspace, label="Mostly false")
    verdict_correct(
        claim=fact_check,
        version=fact_check.version,
        rating=rating,
        summary="Signed a week later.",
        correction_note="The date was a week off.",
        restatement="The treaty was signed in late June 2024",
        actor=team.editor,
    )
    fact_check.refresh_from_db()
    from app.claims.workflow import verdict_approve

    verdict_approve(claim=fact_check, version=fact_check.version, actor=team.admin)
    fact_check.refresh_from_db()
    new = page_url(fact_check)
    assert new != old and "the-treaty-was-signed" in new
    moved = client.get(old)
    assert moved.status_code == 301 and moved["Location"] == new
    short = client.get(reverse("public-claim-short", args=[team.workspace.slug, fact_check.pk]))
    assert short.status_code == 301 and short["Location"] == new
    page = unescape(client.get(new).content.decode())
    assert "The date was a week off." in page  # "Corrected on …: note"
    assert SUMMARY in page  # the earlier verdict stays readable


def test_the_page_embeds_the_same_claimreview_as_the_export(client, team, fact_check):
    page_review = json_ld(client.get(page_url(fact_check)).content.decode())
    client.force_login(team.viewer)
    export = client.get(reverse("exports-api-claimreview"), {"workspace": team.workspace.slug})
    exported = json.loads(b"".join(export.streaming_content))
    assert exported == [page_review]
    assert page_review["url"].startswith("https://factcheck.example.org/fa/")
    assert page_review["author"]["name"] == "Sanad Fact Desk"
    assert claim_review  # one function builds both (imported by the view and the stream)


def test_every_public_url_is_404_while_the_site_is_off(client, team, fact_check):
    enable_site(team, enabled=False)
    slug = team.workspace.slug
    from app.workspaces.publishing import claim_slug

    urls = [
        reverse("public-index", args=[slug]),
        reverse("public-feed", args=[slug]),
        reverse("public-sitemap", args=[slug]),
        reverse("public-robots", args=[slug]),
        reverse("public-claim-short", args=[slug, fact_check.pk]),
        reverse("public-claim", args=[slug, fact_check.pk, claim_slug(fact_check)]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_unpublished_claims_and_other_workspaces_claims_have_no_page(
    client, team, claim, fact_check, other_team
):
    short = "public-claim-short"
    assert client.get(reverse(short, args=[team.workspace.slug, claim.pk])).status_code == 404
    enable_site(other_team)
    other = other_team.workspace.slug
    assert client.get(reverse("public-index", args=[other])).status_code == 200
    assert client.get(reverse(short, args=[other, fact_check.pk])).status_code == 404


def test_the_page_costs_a_fixed_number_of_queries(
    client, team, fact_check, django_assert_num_queries
):
    url = page_url(fact_check)
    first = client.get(url)
    # Site, freshness, the claim with its article and quote context, and one query each
    # for verdicts, evidence, the cited sources' captures and the retraction.
    with django_assert_num_queries(7):
        client.get(url)
    with django_assert_num_queries(2):  # site and freshness, then 304
        client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])


def test_the_signed_in_claim_page_links_to_the_public_page(client, team, fact_check, claim):
    client.force_login(team.viewer)
    html = client.get(reverse("claim-detail", args=[team.workspace.slug, fact_check.pk]))
    assert f"https://factcheck.example.org/fa/{fact_check.pk}-" in html.content.decode()
    unpublished = client.get(reverse("claim-detail", args=[team.workspace.slug, claim.pk]))
    assert "Public page" not in unpublished.content.decode()
