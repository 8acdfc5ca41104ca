"""W3C Web Annotation export, its pages, and the round trip back into claims."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from app.articles.services import article_import_text
from app.audit.models import AuditEvent
from app.claims.models import Claim
from app.claims.services import claim_create
from app.exports import streams
from app.exports.records import TEXT_SHA256_KEY
from app.exports.services import annotations_import
from app.members.services import workspace_create
from tests.conftest import PERSIAN_SAMPLE
from tests.exports.conftest import body
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Astral characters (two UTF-16 units, one code point), ZWNJ inside words, NBSP.
ASTRAL_PERSIAN = PERSIAN_SAMPLE + (
    "مترو 🚇 در تهران؛ نماد 𝒜 در گزارش‌ها\u00a0آمد و می‌گویند ۱۲٪ رشد داشت.\n"
    "🚇🚇 پایان 𝒜𝒜 گزارش\u200cنامه.\n"
)
SPANS = ["🚇 در تهران", "𝒜 در گزارش‌ها\u00a0آمد", "می‌گویند ۱۲٪", "🚇🚇 پایان 𝒜𝒜", "«پیمان»"]


def _annotations(client, user, workspace, **params):
    client.force_login(user)
    response = client.get(
        reverse("exports-api-annotations"), {"workspace": workspace.slug, **params}
    )
    assert response.status_code == 200, response.content
    return json.loads(body(response))


@pytest.fixture
def astral_article(team):
    return article_import_text(
        workspace=team.workspace,
        text=ASTRAL_PERSIAN,
        title="مترو و گزارش",
        url="https://example.org/fa/metro",
        language="fa",
        actor=team.reviewer,
    )


@pytest.fixture
def astral_claims(astral_article, team):
    text = astral_article.snapshot.text
    claims = []
    for number, span in enumerate(SPANS):
        start = text.index(span)
        claims.append(
            claim_create(
                workspace=team.workspace,
                snapshot=astral_article.snapshot,
                start=start,
                end=start + len(span),
                exact=span,
                restatement=f"ادعای شماره {number} 🚇",
                tags=["مترو", f"t{number}"],
                actor=team.reviewer,
            )
        )
    return claims


def test_the_collection_embeds_its_first_page_of_annotations(client, team, astral_claims):
    document = _annotations(client, team.viewer, team.workspace)
    assert document["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert document["type"] == "AnnotationCollection"
    assert document["total"] == len(SPANS)
    assert document["id"].startswith("http://testserver/api/v1/exports/annotations/?")
    page = document["first"]
    assert page["type"] == "AnnotationPage"
    assert page["startIndex"] == 0
    assert "next" not in page
    assert len(page["items"]) == len(SPANS)
    metro = astral_claims[0]
    (item,) = [i for i in page["items"] if i["id"].endswith(f"/claims/{metro.pk}/")]
    assert item["type"] == "Annotation"
    assert item["motivation"] == "assessing"
    assert item["created"].endswith("Z") and item["modified"].endswith("Z")
    assert item["creator"]["nickname"] == team.reviewer.username
    assert item["body"][0] == {
        "type": "TextualBody",
        "value": "ادعای شماره 0 🚇",
        "purpose": "describing",
        "language": "fa",
    }
    assert {"type": "TextualBody", "value": "مترو", "purpose": "tagging"} in item["body"]
    target = item["target"]
    assert target["source"] == "https://example.org/fa/metro"
    position, quote = target["selector"]
    claim = astral_claims[0]
    assert position == {"type": "TextPositionSelector", "start": claim.start, "end": claim.end}
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": "🚇 در تهران",
        "prefix": claim.prefix,
        "suffix": claim.suffix,
    }
    assert target[TEXT_SHA256_KEY] == claim.snapshot.sha256


def test_a_published_claim_carries_its_verdict_as_an_assessing_body(client, team, published_claim):
    document = _annotations(client, team.viewer, team.workspace)
    (item,) = document["first"]["items"]
    assert {"type": "TextualBody", "value": "False", "purpose": "assessing"} in item["body"]


def test_pages_have_a_fixed_size_and_link_to_each_other(client, team, astral_claims, monkeypatch):
    monkeypatch.setattr(streams, "ANNOTATION_PAGE_SIZE", 2)
    collection = _annotations(client, team.viewer, team.workspace)
    assert [len(collection["first"]["items"]), collection["total"]] == [2, 5]
    assert collection["last"].endswith("page=2")
    seen = [i["id"] for i in collection["first"]["items"]]
    page = _annotations(client, team.viewer, team.workspace, page=1)
    assert page["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert page["partOf"] == collection["id"]  # the collection (with its total) is there
    assert page["startIndex"] == 2
    assert page["prev"].endswith("page=0") and page["next"].endswith("page=2")
    seen += [i["id"] for i in page["items"]]
    last = _annotations(client, team.viewer, team.workspace, page=2)
    assert "next" not in last
    seen += [i["id"] for i in last["items"]]
    in_text_order = sorted(astral_claims, key=lambda claim: claim.start)
    assert seen == [_claim_url(team, claim) for claim in in_text_order]


def _claim_url(team, claim):
    return f"http://testserver/w/{team.workspace.slug}/claims/{claim.pk}/"


def test_a_page_past_the_last_is_404(client, team, astral_claims):
    client.force_login(team.viewer)
    response = client.get(
        reverse("exports-api-annotations"), {"workspace": team.workspace.slug, "page": 1}
    )
    assert response.status_code == 404


def test_an_empty_collection_has_a_total_and_no_pages(client, team):
    document = _annotations(client, team.viewer, team.workspace)
    assert (document["total"], "first" in document) == (0, False)


def _anchors(claims):
    return sorted((c.start, c.end, c.exact, c.prefix, c.suffix) for c in claims)


def test_the_export_imported_into_an_empty_workspace_recreates_the_same_anchors(
    client, team, other_team, astral_claims
):
    document = _annotations(client, team.viewer, team.workspace)
    copy = article_import_text(
        workspace=other_team.workspace,
        text=ASTRAL_PERSIAN,
        title="رونوشت",
        actor=other_team.reviewer,
    )
    client.force_login(other_team.reviewer)
    response = client.post(
        f"{reverse('exports-api-annotations-import')}?workspace={other_team.workspace.slug}",
        {"document": document},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert (len(response.json()["created"]), response.json()["skipped"]) == (5, 0)
    imported = Claim.objects.filter(workspace=other_team.workspace)
    assert {c.snapshot_id for c in imported} == {copy.snapshot.pk}
    assert _anchors(imported) == _anchors(astral_claims)
    assert sorted(c.restatement for c in imported) == sorted(c.restatement for c in astral_claims)
    assert sorted(tuple(c.tags) for c in imported) == sorted(tuple(c.tags) for c in astral_claims)
    # What the reader counts (code points) is what the other side counted.
    for claim in imported:
        assert copy.snapshot.text[claim.start : claim.end] == claim.exact


def test_matching_by_source_url_finds_the_quote_in_a_changed_text(team, other_team, astral_claims):
    changed = "یک خط تازه در آغاز.\n" + ASTRAL_PERSIAN
    copy = article_import_text(
        workspace=other_team.workspace,
        text=changed,
        url="https://example.org/fa/metro",
        actor=other_team.reviewer,
    )
    annotation = _export_one(team, astral_claims[0])
    result = annotations_import(
        workspace=other_team.workspace, document=annotation, actor=other_team.reviewer
    )
    (claim,) = result.created
    shift = len("یک خط تازه در آغاز.\n")
    assert (claim.snapshot_id, claim.start) == (copy.snapshot.pk, astral_claims[0].start + shift)
    assert claim.exact == "🚇 در تهران"


def _export_one(team, claim):
    from app.exports.records import ExportContext, annotation

    context = ExportContext(
        workspace_slug=team.workspace.slug,
        workspace_name=team.workspace.name,
        base_url="https://sanad.example",
    )
    return annotation(
        Claim.objects.select_related("article", "snapshot", "rating", "created_by").get(
            pk=claim.pk
        ),
        context,
    )


def test_importing_twice_skips_the_claims_already_there(team, other_team, astral_claims):
    article_import_text(
        workspace=other_team.workspace, text=ASTRAL_PERSIAN, actor=other_team.reviewer
    )
    page = {"type": "AnnotationPage", "items": [_export_one(team, c) for c in astral_claims]}
    annotations_import(workspace=other_team.workspace, document=page, actor=other_team.reviewer)
    again = annotations_import(
        workspace=other_team.workspace, document=page, actor=other_team.reviewer
    )
    assert (again.created, again.skipped) == ([], 5)
    assert Claim.objects.filter(workspace=other_team.workspace).count() == 5


def test_one_annotation_that_does_not_fit_writes_nothing(team, other_team, astral_claims):
    article_import_text(
        workspace=other_team.workspace, text=ASTRAL_PERSIAN, actor=other_team.reviewer
    )
    good = _export_one(team, astral_claims[0])
    bad = json.loads(json.dumps(good))
    bad["target"]["selector"][1]["exact"] = "متنی که در مقاله نیست"
    events_before = AuditEvent.objects.filter(workspace=other_team.workspace).count()
    with pytest.raises(ValidationError) as raised:
        annotations_import(
            workspace=other_team.workspace, document=[good, bad], actor=other_team.reviewer
        )
    assert list(raised.value.message_dict) == ["items[1]"]
    assert not Claim.objects.filter(workspace=other_team.workspace).exists()
    assert AuditEvent.objects.filter(workspace=other_team.workspace).count() == events_before


def test_an_annotation_for_an_article_not_in_the_workspace_is_refused(client, team, astral_claims):
    stranger = UserFactory(username="stranger")
    empty = workspace_create(name="Empty desk", creator=stranger)
    client.force_login(stranger)
    response = client.post(
        f"{reverse('exports-api-annotations-import')}?workspace={empty.slug}",
        {"document": _export_one(team, astral_claims[0])},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "items[0]" in json.dumps(response.json())


def test_viewers_cannot_import_and_strangers_get_404(client, team, other_team, astral_claims):
    document = {"type": "Annotation"}
    client.force_login(team.viewer)
    url = reverse("exports-api-annotations-import")
    response = client.post(
        f"{url}?workspace={team.workspace.slug}", {"document": document}, "application/json"
    )
    assert response.status_code == 403
    response = client.post(
        f"{url}?workspace={other_team.workspace.slug}", {"document": document}, "application/json"
    )
    assert response.status_code == 404
