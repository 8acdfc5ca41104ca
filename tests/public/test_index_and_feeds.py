"""The public index (search, filters, pages), the Atom feed, the sitemap and robots.txt."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from app.claims.services import claim_create
from app.public import selectors
from app.public.services import public_site_update
from tests.public.conftest import publish

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def english_claim(team, article, words, **fields):
    text = article.snapshot.text
    start = text.index(words)
    return claim_create(
        workspace=team.workspace,
        snapshot=article.snapshot,
        start=start,
        end=start + len(words),
        exact=words,
        actor=team.reviewer,
        **fields,
    )


@pytest.fixture
def two_published(team, english_article, site):
    from app.claims.evidence import evidence_add_with_source

    claims = []
    for words, label, tags in (
        ("ridership rose 12%", "False", ["transit"]),
        ("drew 4,000 replies", "True", ["social"]),
    ):
        claim = english_claim(
            team, english_article, words, restatement=f"It is said that {words}", tags=tags
        )
        evidence_add_with_source(
            claim=claim,
            url=f"https://e.example/{len(claims)}",
            stance="refutes",
            actor=team.reviewer,
        )
        claims.append(publish(claim, team, label=label, summary=f"Checked: {words}"))
    return claims


def index(client, team, **query):
    return client.get(reverse("public-index", args=[team.workspace.slug]), query)


def test_the_index_lists_published_fact_checks_newest_first(
    client, team, english_article, two_published
):
    unpublished = english_claim(
        team, english_article, "The mayor", restatement="It is said that the mayor"
    )
    html = index(client, team).content.decode()
    ridership, replies = (f"/{c.pk}-" for c in two_published)
    assert html.index(replies) < html.index(ridership)
    assert f"/{unpublished.pk}-" not in html
    assert not index(client, team).cookies


def test_the_index_searches_published_claims_only(client, team, english_article, two_published):
    english_claim(team, english_article, "The mayor", restatement="ridership of the mayor")
    html = index(client, team, q="ridership").content.decode()
    assert f"/{two_published[0].pk}-" in html
    assert f"/{two_published[1].pk}-" not in html
    assert "ridership of the mayor" not in html


def test_the_index_filters_by_rating_and_tag(client, team, two_published):
    by_rating = index(client, team, rating="True").content.decode()
    assert f"/{two_published[1].pk}-" in by_rating and f"/{two_published[0].pk}-" not in by_rating
    by_tag = index(client, team, tag="transit").content.decode()
    assert f"/{two_published[0].pk}-" in by_tag and f"/{two_published[1].pk}-" not in by_tag


def test_each_rating_and_tag_is_offered_once(client, team, english_article, two_published):
    third = english_claim(
        team, english_article, "The mayor", restatement="The mayor", tags=["transit"]
    )
    from app.claims.evidence import evidence_add_with_source

    evidence_add_with_source(
        claim=third, url="https://e.example/3", stance="refutes", actor=team.reviewer
    )
    publish(third, team, label="False")
    html = index(client, team).content.decode()
    assert html.count('<option value="False"') == 1
    assert html.count('<option value="transit"') == 1


def test_the_index_pages(client, team, two_published, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)
    first = index(client, team).content.decode()
    second = index(client, team, page=2).content.decode()
    assert f"/{two_published[1].pk}-" in first and f"/{two_published[0].pk}-" not in first
    assert f"/{two_published[0].pk}-" in second
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_the_feed_is_atom_with_every_published_fact_check(client, team, two_published):
    response = client.get(reverse("public-feed", args=[team.workspace.slug]))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - our own output
    entries = feed.findall(f"{ATOM}entry")
    links = [entry.find(f"{ATOM}link").get("href") for entry in entries]
    assert links[0].startswith("https://factcheck.example.org/fa/")
    assert [f"/{c.pk}-" in link for c, link in zip(reversed(two_published), links, strict=True)]
    assert "Checked: drew 4,000 replies" in response.content.decode()
    assert response["ETag"] and response["Last-Modified"]
    cached = client.get(
        reverse("public-feed", args=[team.workspace.slug]), HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert cached.status_code == 304


def test_the_sitemap_lists_every_page_with_its_last_change(client, team, two_published):
    response = client.get(reverse("public-sitemap", args=[team.workspace.slug]))
    urls = ET.fromstring(response.content).findall(f"{SITEMAP}url")  # noqa: S314
    locations = [url.find(f"{SITEMAP}loc").text for url in urls]
    assert locations[0] == "https://factcheck.example.org/fa/"
    assert len(locations) == 3 and all(
        url.find(f"{SITEMAP}lastmod") is not None for url in urls[1:]
    )


def test_robots_point_crawlers_at_the_public_pages(client, team, site):
    own = client.get(reverse("public-robots", args=[team.workspace.slug])).content.decode()
    assert "Sitemap: https://factcheck.example.org/fa/sitemap.xml" in own
    app_wide = client.get("/robots.txt").content.decode()
    assert "Allow: /p/" in app_wide and "Disallow: /" in app_wide


def test_without_a_base_url_pages_name_this_server(client, team, two_published):
    public_site_update(workspace=team.workspace, actor=team.admin, base_url="")
    feed = client.get(reverse("public-feed", args=[team.workspace.slug])).content.decode()
    assert f"http://testserver/p/{team.workspace.slug}/{two_published[1].pk}-" in feed
