"""The reader page on the server: text laid out with offsets, claims, snapshots."""

import json
import re

import pytest
from django.urls import reverse

from app.articles.reading import paragraphs
from app.articles.services import article_import_text
from app.claims.models import Claim
from app.claims.services import claim_create

pytestmark = pytest.mark.django_db


def test_paragraphs_keep_code_point_offsets_of_each_line():
    text = "🚇 خط اول\n\n\u00a0\nسطر دوم گفتوگو\nthird 𝒜 line"
    result = paragraphs(text)
    assert [p.text for p in result] == ["🚇 خط اول", "سطر دوم گفتوگو", "third 𝒜 line"]
    for paragraph in result:
        assert text[paragraph.start : paragraph.end] == paragraph.text


def _reader(client, team, article, **params):
    url = reverse("article-detail", kwargs={"slug": team.workspace.slug, "pk": article.pk})
    return client.get(url, params)


def test_reader_lays_out_the_text_with_offsets_and_claim_data(client, team, persian_article):
    snapshot = persian_article.snapshot
    quote = "۱۸ ژوئن ۲۰۲۴"
    start = snapshot.text.index(quote)
    claim = claim_create(
        workspace=team.workspace,
        snapshot=snapshot,
        start=start,
        end=start + len(quote),
        exact=quote,
        actor=team.reviewer,
    )
    client.force_login(team.viewer)
    response = _reader(client, team, persian_article.article)
    page = response.content.decode()
    assert 'lang="fa" dir="rtl"' in page
    for paragraph in paragraphs(snapshot.text):
        assert f'<p data-start="{paragraph.start}" data-end="{paragraph.end}">' in page
    data = json.loads(
        re.search(r'<script id="claims-data" type="application/json">(.*?)</script>', page)[1]
    )
    assert data == [
        {
            "id": claim.pk,
            "start": start,
            "end": start + len(quote),
            "exact": quote,
            "status": "open",
            "rating": None,
            "url": reverse("claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk}),
            "label": quote,
        }
    ]
    assert 'id="claims-data"' in page and 'id="snapshot-text"' in page
    assert 'id="claim-dialog"' not in page  # viewers cannot annotate


def test_reader_escapes_article_text(client, team):
    result = article_import_text(
        workspace=team.workspace,
        text="<script>window.__pwned=1</script> & <b>bold</b>",
        actor=team.reviewer,
    )
    client.force_login(team.reviewer)
    page = _reader(client, team, result.article).content.decode()
    assert "<script>window.__pwned" not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert 'id="claim-dialog"' in page


def test_reader_switches_snapshots_and_marks_older_ones(client, team):
    url = "https://example.org/a"
    first = article_import_text(
        workspace=team.workspace, text="One.\nTwo.", url=url, actor=team.reviewer
    )
    article_import_text(
        workspace=team.workspace, text="One.\nTwo!\nThree.", url=url, actor=team.reviewer
    )
    client.force_login(team.reviewer)
    latest = _reader(client, team, first.article).content.decode()
    assert "Three." in latest and "older version" not in latest
    older = _reader(client, team, first.article, snapshot=1).content.decode()
    assert "Three." not in older and "You are reading snapshot #1" in older


def test_creating_a_claim_from_the_reader_checks_the_quote(client, team, english_article):
    snapshot = english_article.snapshot
    client.force_login(team.reviewer)
    url = reverse(
        "claim-create",
        kwargs={"slug": team.workspace.slug, "article_pk": english_article.article.pk},
    )
    quote = "drew 4,000 replies"
    start = snapshot.text.index(quote)
    bad = client.post(
        url,
        {
            "snapshot": snapshot.pk,
            "start": start + 1,
            "end": start + 1 + len(quote),
            "exact": quote,
        },
        follow=True,
    )
    assert "Claim not saved" in bad.content.decode() and not Claim.objects.exists()
    good = client.post(
        url,
        {
            "snapshot": snapshot.pk,
            "start": start,
            "end": start + len(quote),
            "exact": quote,
            "restatement": "4,000 replies",
            "tags": "social، numbers",
        },
        follow=True,
    )
    claim = Claim.objects.get()
    assert (claim.start, claim.exact, claim.tags) == (start, quote, ["social", "numbers"])
    assert "Claim saved." in good.content.decode()
    assert good.redirect_chain[-1][0].endswith(f"claim={claim.pk}#claim-{claim.pk}")


def test_a_quote_across_paragraphs_survives_the_forms_crlf(client, team, english_article):
    """The reader's hidden quote field is submitted with CRLF line breaks."""
    snapshot = english_article.snapshot
    client.force_login(team.reviewer)
    url = reverse(
        "claim-create",
        kwargs={"slug": team.workspace.slug, "article_pk": english_article.article.pk},
    )
    paragraph_break = snapshot.text.index("\n\n")
    start, end = paragraph_break - 5, paragraph_break + 6
    quote = snapshot.text[start:end]
    wrong = quote.replace("\n", "\r\n").replace(quote[0], "#", 1)
    for exact in (wrong, quote.replace("\n", "\r\n")):
        client.post(url, {"snapshot": snapshot.pk, "start": start, "end": end, "exact": exact})
    claim = Claim.objects.get()  # the altered quote was refused, the CRLF one saved
    assert claim.exact == quote and "\r" not in claim.exact


def test_viewers_cannot_create_claims_from_the_reader(client, team, english_article):
    client.force_login(team.viewer)
    url = reverse(
        "claim-create",
        kwargs={"slug": team.workspace.slug, "article_pk": english_article.article.pk},
    )
    response = client.post(
        url, {"snapshot": english_article.snapshot.pk, "start": 0, "end": 3, "exact": "The"}
    )
    assert response.status_code == 403 and not Claim.objects.exists()


def test_claim_page_shows_quote_in_context_and_history(client, team, claim):
    client.force_login(team.viewer)
    response = client.get(
        reverse("claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk})
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<mark>The mayor</mark>" in page
    assert "claim.created" in page


def test_a_stale_edit_is_refused_with_a_reload_offer_and_keeps_the_typed_text(client, team, claim):
    client.force_login(team.reviewer)
    url = reverse("claim-edit", kwargs={"slug": team.workspace.slug, "pk": claim.pk})
    first = client.post(url, {"version": 1, "claimant": "The mayor", "restatement": "", "tags": ""})
    assert first.status_code == 302
    second = client.post(
        url, {"version": 1, "claimant": "My unsaved text", "restatement": "", "tags": ""}
    )
    page = second.content.decode()
    assert second.status_code == 409
    assert "changed since you opened it" in page and "Reload" in page
    assert 'value="My unsaved text"' in page
    claim.refresh_from_db()
    assert claim.claimant == "The mayor"


def _article_with_claims(team, count):
    words = " ".join(f"word{n}" for n in range(2000))
    text = "\n".join(words[i : i + 500] for i in range(0, len(words), 500))
    result = article_import_text(workspace=team.workspace, text=text, actor=team.reviewer)
    rating = team.workspace.ratings.first()
    for n in range(count):
        quote = f"word{n * 20}"
        start = text.index(quote + " ")
        claim = claim_create(
            workspace=team.workspace,
            snapshot=result.snapshot,
            start=start,
            end=start + len(quote),
            exact=quote,
            actor=team.reviewer,
        )
        if n % 2:
            Claim.objects.filter(pk=claim.pk).update(rating=rating)
    return result.article


READER_QUERIES = (
    # session, user, workspace, membership, article, snapshots (with the claims version),
    # text, the claim panel from the cache (a query with the database cache, none with
    # Redis), switcher, the article's audit history, its captures
    11
)


@pytest.mark.parametrize("claims", [1, 60])
def test_reader_runs_a_fixed_number_of_queries_whatever_the_claims(
    client, team, django_assert_num_queries, claims
):
    article = _article_with_claims(team, claims)
    client.force_login(team.reviewer)
    _reader(client, team, article)  # the session settles on the first visit
    with django_assert_num_queries(READER_QUERIES):
        response = _reader(client, team, article)
    assert response.content.decode().count("data-claim-id=") == claims
