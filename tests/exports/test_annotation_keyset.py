"""Web Annotation pages addressed by the claim they follow, and the whole collection in one."""

import json

import pytest
from django.urls import reverse

from app.articles.services import article_import_text
from app.claims.services import claim_create
from app.exports import streams
from tests.conftest import ENGLISH_SAMPLE
from tests.exports.conftest import body
from tests.exports.test_annotation_standards import ANNOTATION, COLLECTION, PAGE, failures

pytestmark = pytest.mark.django_db


def _claims(team, title):
    """Five claims on a new article, made back to front so that id order is not text order."""
    article = article_import_text(
        workspace=team.workspace,
        text=ENGLISH_SAMPLE,
        title=title,
        url=f"https://example.org/{title}",
        language="en",
        actor=team.reviewer,
    )
    text = article.snapshot.text
    starts = [0, 7, 14, 21, 28]
    return [
        claim_create(
            workspace=team.workspace,
            snapshot=article.snapshot,
            start=start,
            end=start + 3,
            exact=text[start : start + 3],
            restatement=f"{title} {start}",
            actor=team.reviewer,
        )
        for start in reversed(starts)
    ]


@pytest.fixture
def claims(team):
    return _claims(team, "first") + _claims(team, "second")


def _get(client, team, **params):
    client.force_login(team.viewer)
    return client.get(
        reverse("exports-api-annotations"), {"workspace": team.workspace.slug, **params}
    )


def _document(client, team, **params) -> tuple[bytes, dict]:
    response = _get(client, team, **params)
    assert response.status_code == 200, response.content
    raw = body(response)
    return raw, json.loads(raw)


def _query(url: str) -> dict:
    return dict(pair.split("=", 1) for pair in url.split("?", 1)[1].split("&"))


def _in_text_order(claims):
    ordered = sorted(claims, key=lambda c: (c.article_id, c.start, c.pk))
    return [f"http://testserver/w/{c.workspace.slug}/claims/{c.pk}/" for c in ordered]


def test_a_keyset_page_holds_the_same_bytes_as_the_numbered_page(client, team, claims, monkeypatch):
    monkeypatch.setattr(streams, "ANNOTATION_PAGE_SIZE", 3)
    for number in range(4):
        numbered_raw, numbered = _document(client, team, page=number)
        if number == 0:
            after = 0
        else:
            previous = _document(client, team, page=number - 1)[1]
            after = int(previous["items"][-1]["id"].rstrip("/").rsplit("/", 1)[1])
        keyset_raw, keyset = _document(client, team, after=after)
        items = b',"items":'
        assert keyset_raw.split(items, 1)[1] == numbered_raw.split(items, 1)[1]
        for key in ("@context", "type", "partOf", "startIndex"):
            assert keyset[key] == numbered[key]
        assert ("next" in keyset, "prev" in keyset) == ("next" in numbered, "prev" in numbered)
        assert _query(keyset["id"])["after"] == str(after)


def test_next_and_prev_walk_every_annotation_once(client, team, claims, monkeypatch):
    monkeypatch.setattr(streams, "ANNOTATION_PAGE_SIZE", 4)
    client.force_login(team.viewer)
    seen, pages, url = [], [], None
    _raw, page = _document(client, team, after=0)
    while True:
        pages.append(page)
        seen += [item["id"] for item in page["items"]]
        assert len(page["items"]) <= 4
        if "next" not in page:
            break
        assert "after=" in page["next"] and "page=" not in page["next"]
        url = page["next"]
        page = json.loads(body(client.get(url)))
    assert len(pages) == 3  # 10 claims, 4 a page
    assert seen == _in_text_order(claims)
    # And back: each prev is the page before, byte for byte.
    back = []
    page = pages[-1]
    while "prev" in page:
        page = json.loads(body(client.get(page["prev"])))
        back.append(page)
    assert back == pages[-2::-1]


def test_the_whole_collection_streams_as_one_valid_document(client, team, claims, monkeypatch):
    monkeypatch.setattr(streams, "ANNOTATION_PAGE_SIZE", 2)
    monkeypatch.setattr(streams, "FLUSH_BYTES", 512)
    response = _get(client, team, page="all")
    assert response.status_code == 200
    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) > 1  # written as it is read, not built whole
    document = json.loads(b"".join(chunks))
    assert document["total"] == len(claims) == len(document["first"]["items"])
    assert "next" not in document["first"]
    assert [item["id"] for item in document["first"]["items"]] == _in_text_order(claims)
    problems = failures(document, COLLECTION, "collection")
    for item in document["first"]["items"]:
        problems += failures({"@context": document["@context"], **item}, ANNOTATION, item["id"])
    assert problems == [], "\n".join(problems)


def test_a_keyset_page_passes_the_w3c_page_schemas(client, team, claims, monkeypatch):
    monkeypatch.setattr(streams, "ANNOTATION_PAGE_SIZE", 3)
    first = _document(client, team, after=0)[1]
    second = json.loads(body(client.get(first["next"])))
    problems = failures(first, PAGE, "first") + failures(second, PAGE, "second")
    assert problems == [], "\n".join(problems)
    assert second["startIndex"] == 3


@pytest.mark.parametrize(
    "params",
    [
        {"after": "x"},
        {"after": "-1"},
        {"after": str(2**64)},
        {"after": "1", "page": "0"},
        {"after": "0", "page": "all"},
    ],
)
def test_a_bad_cursor_is_a_400_in_the_error_shape(client, team, claims, params):
    response = _get(client, team, **params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["status"], list(error["fields"])) == (400, ["after"])


def test_another_workspaces_claims_never_appear(client, team, other_team, claims, monkeypatch):
    monkeypatch.setattr(streams, "ANNOTATION_PAGE_SIZE", 3)
    theirs = _claims(other_team, "theirs")
    # Their claim as a cursor: refused, not used as a position.
    response = _get(client, team, after=theirs[0].pk)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["after"]
    seen = []
    page = _document(client, team, after=0)[1]
    while True:
        seen += [item["id"] for item in page["items"]]
        if "next" not in page:
            break
        page = json.loads(body(client.get(page["next"])))
    whole = _document(client, team, page="all")[1]
    assert seen == [item["id"] for item in whole["first"]["items"]] == _in_text_order(claims)
    assert not {f"/claims/{c.pk}/" for c in theirs} & {s[s.index("/claims/") :] for s in seen}
