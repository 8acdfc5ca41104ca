"""Every ClaimReview, exported or embedded in a public page, against schema.org itself.

The vocabulary is schema.org's own release file (test data beside the repository, see
tests/standards.py): every type must exist, every property must exist and be used on a
type in its domain (or a subtype of one), and every value must fit the property's
range. On top of the vocabulary, the fields Google's Fact Check tools read are checked
for presence and form.
"""

import datetime as dt
import json
import re
from functools import cache

import pytest
from django.urls import reverse

from app.claims.evidence import evidence_add_with_source
from app.claims.models import Rating
from app.claims.services import claim_create, claim_update
from app.workspaces.publishing import claim_slug
from tests.public.conftest import publish
from tests.standards import standards_file

pytestmark = pytest.mark.django_db

DATA_TYPES = {
    "schema:Text": str,
    "schema:URL": str,
    "schema:Date": str,
    "schema:DateTime": str,
    "schema:Number": (int, float),
    "schema:Integer": int,
    "schema:Boolean": bool,
}


def _ids(value) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [item["@id"] for item in items]


@cache
def vocabulary() -> tuple[dict, dict]:
    """(classes: id → direct superclasses, properties: id → (domains, ranges))."""
    path = standards_file("schemaorg", "schemaorg-current-https.jsonld")
    graph = json.loads(path.read_text(encoding="utf-8"))["@graph"]
    classes, properties = {}, {}
    for node in graph:
        kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        if "rdfs:Class" in kinds:
            classes[node["@id"]] = set(_ids(node.get("rdfs:subClassOf")))
        if "rdf:Property" in kinds:
            properties[node["@id"]] = (
                set(_ids(node.get("schema:domainIncludes"))),
                set(_ids(node.get("schema:rangeIncludes"))),
            )
    return classes, properties


def ancestors(type_id: str) -> set[str]:
    classes, _ = vocabulary()
    seen, todo = set(), [type_id]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(classes.get(current, ()))
    return seen


def check_node(node: dict, where: str, problems: list[str]) -> None:
    classes, properties = vocabulary()
    type_id = "schema:" + node["@type"]
    if type_id not in classes:
        problems.append(f"{where}: no type {type_id}")
        return
    lineage = ancestors(type_id)
    for key, value in node.items():
        if key in ("@context", "@type"):
            continue
        prop = "schema:" + key
        if prop not in properties:
            problems.append(f"{where}.{key}: no property {prop}")
            continue
        domains, ranges = properties[prop]
        if not domains & lineage:
            problems.append(f"{where}.{key}: not a property of {type_id}")
        for item in value if isinstance(value, list) else [value]:
            check_value(item, ranges, f"{where}.{key}", problems)


def check_value(value, ranges: set[str], where: str, problems: list[str]) -> None:
    if isinstance(value, dict):
        inner = "schema:" + value.get("@type", "")
        if not ancestors(inner) & ranges:
            problems.append(f"{where}: {inner} is not in the range {sorted(ranges)}")
        check_node(value, where, problems)
        return
    fitting = [t for t in ranges if t in DATA_TYPES and isinstance(value, DATA_TYPES[t])]
    # Text ranges accept URLs and dates written as text; anything else must fit a type.
    if not fitting and not ("schema:Text" in ranges and isinstance(value, str)):
        problems.append(f"{where}: {value!r} fits none of {sorted(ranges)}")


def iso_moment(value: str) -> bool:
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def google_problems(review: dict) -> list[str]:
    """Google's required and recommended ClaimReview fields (and the issue's list)."""
    problems = []
    for key in ("url", "claimReviewed", "reviewRating", "author", "itemReviewed"):
        if not review.get(key):
            problems.append(f"missing {key}")
    if not re.match(r"https?://", review.get("url", "")):
        problems.append("url is not absolute")
    for key in ("datePublished", "dateModified"):
        if not iso_moment(review.get(key, "")):
            problems.append(f"{key} is not an ISO 8601 moment")
    if not review.get("inLanguage"):
        problems.append("missing inLanguage")
    author = review.get("author", {})
    if author.get("@type") != "Organization" or not author.get("name") or not author.get("url"):
        problems.append("author must be an Organization with name and url")
    rating = review.get("reviewRating", {})
    if not rating.get("alternateName") or not rating.get("name"):
        problems.append("reviewRating needs alternateName and name")
    if "ratingValue" in rating:
        best, worst, value = (
            rating.get("bestRating"),
            rating.get("worstRating"),
            rating["ratingValue"],
        )
        if best is None or worst is None or not worst <= value <= best:
            problems.append("ratingValue needs bestRating/worstRating around it")
    item = review.get("itemReviewed", {})
    if item.get("@type") != "Claim":
        problems.append("itemReviewed must be a Claim")
    if item.get("author", {}).get("@type") not in ("Person", "Organization"):
        problems.append("itemReviewed.author must be a Person or an Organization")
    if not iso_moment(item.get("datePublished", "")):
        problems.append("itemReviewed.datePublished missing")
    appearance = item.get("appearance") or item.get("firstAppearance") or {}
    if appearance.get("@type") != "CreativeWork" or not all(
        appearance.get(key) for key in ("url", "headline", "datePublished")
    ):
        problems.append("appearance must be a CreativeWork with url, headline, datePublished")
    return problems


def all_problems(review: dict) -> list[str]:
    problems: list[str] = []
    check_node(review, "ClaimReview", problems)
    return problems + google_problems(review)


@pytest.fixture
def reviews_of_both_kinds(team, persian_article, fact_check):
    """The Persian fact-check (a Person claimant) and one by an Organization, unrated."""
    text = persian_article.snapshot.text
    words = "این گفتوگو"
    start = text.index(words)
    claim = claim_create(
        workspace=team.workspace,
        snapshot=persian_article.snapshot,
        start=start,
        end=start + len(words),
        exact=words,
        restatement="گفتگو طولانی‌ترین بود",
        claimant="خبرگزاری رسمی",
        actor=team.reviewer,
    )
    claim = claim_update(
        claim=claim, version=claim.version, actor=team.reviewer, claimant_type="Organization"
    )
    evidence_add_with_source(
        claim=claim, url="https://x.example/record", stance="context", actor=team.reviewer
    )
    unverifiable = Rating.objects.get(workspace=team.workspace, label="Unverifiable")
    return [fact_check, publish(claim, team, label=unverifiable.label)]


@pytest.fixture(autouse=True)
def article_date(persian_article):
    from app.articles.models import Article

    Article.objects.filter(pk=persian_article.article.pk).update(published_on=dt.date(2024, 6, 18))


def test_the_vocabulary_check_itself_catches_mistakes():
    problems: list[str] = []
    check_node(
        {
            "@type": "ClaimReview",
            "claimReviewed": "x",
            "ratingValue": 3,  # a Rating's property, not a review's
            "noSuchThing": 1,
            "itemReviewed": {"@type": "Claim", "appearance": {"@type": "Rating"}},
        },
        "test",
        problems,
    )
    assert any("ratingValue: not a property" in p for p in problems)
    assert any("no property schema:noSuchThing" in p for p in problems)
    assert any("appearance: schema:Rating is not in the range" in p for p in problems)
    assert google_problems({"@type": "ClaimReview"})


def test_every_exported_claimreview_fits_schema_org_and_google(client, team, reviews_of_both_kinds):
    client.force_login(team.viewer)
    response = client.get(reverse("exports-api-claimreview"), {"workspace": team.workspace.slug})
    reviews = json.loads(b"".join(response.streaming_content))
    assert len(reviews) == 2
    for review in reviews:
        assert all_problems(review) == [], review["url"]
    authors = {review["itemReviewed"]["author"]["@type"] for review in reviews}
    assert authors == {"Person", "Organization"}
    organization = reviews[0]["author"]
    assert organization["logo"] == {
        "@type": "ImageObject",
        "url": "https://desk.example.org/logo.png",
    }
    assert organization["sameAs"] == ["https://social.example/@desk"]


def test_every_page_s_claimreview_fits_schema_org_and_google(client, team, reviews_of_both_kinds):
    for claim in reviews_of_both_kinds:
        url = reverse("public-claim", args=[team.workspace.slug, claim.pk, claim_slug(claim)])
        html = client.get(url).content.decode()
        found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        review = json.loads(found.group(1))
        assert all_problems(review) == []
        assert review["url"].endswith(f"/{claim.pk}-{claim_slug(claim)}/")
        assert f'<link rel="canonical" href="{review["url"]}">' in html
