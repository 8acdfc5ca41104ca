"""The Web Annotation export against the W3C annotation-model test schemas.

The schemas are web-platform-tests' own JSON Schema definitions (test data beside the
repository, with their licence; see tests/standards.py). Each check names the
definition the W3C conformance tests use for that feature; an export that fails one
would fail the W3C test of it.
"""

import json

import pytest
from django.urls import reverse
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from app.exports import streams
from tests.exports.conftest import body
from tests.standards import standards_file

pytestmark = pytest.mark.django_db
BASE = "https://w3c.example/annotation-model/definitions/"

# (definition, the part of the document it is about), as the W3C tests apply them.
ANNOTATION = [
    ("annotations.json#/definitions/contextValueFound", lambda a: a["@context"]),
    ("annotations.json#/definitions/annotationTypeValueFound", lambda a: a),
    ("annotations.json#/definitions/motivationRecognizedIfPresent", lambda a: a),
    ("id.json#/definitions/idValueFound", lambda a: a),
    ("bodyTarget.json#/definitions/targetResourcesFound", lambda a: a["target"]),
    ("specificResource.json#/definitions/specificeResourceDetected", lambda a: a["target"]),
    ("specificResource.json#/definitions/sourceDetected", lambda a: a["target"]),
    (
        "specificResource.json#/definitions/textPositionSelectorDetected",
        lambda a: a["target"]["selector"][0],
    ),
    (
        "specificResource.json#/definitions/textQuoteSelectorDetected",
        lambda a: a["target"]["selector"][1],
    ),
    ("specificResource.json#/definitions/timeStateDetected", lambda a: a["target"]["state"]),
    ("specificResource.json#/definitions/cachedPropertyFound", lambda a: a["target"]["state"]),
]
BODY = "bodyTarget.json#/definitions/bodyResourcesFound"
COLLECTION = [
    ("collections.json#/definitions/contextValueFound", lambda c: c["@context"]),
    ("collections.json#/definitions/annotationCollectionTypeValueFound", lambda c: c),
    ("id.json#/definitions/idValueFound", lambda c: c),
    ("collections.json#/definitions/labelFound", lambda c: c),
    ("collections.json#/definitions/totalFound", lambda c: c),
    ("collections.json#/definitions/firstFound", lambda c: c),
    ("collections.json#/definitions/lastFound", lambda c: c),
    ("collections.json#/definitions/annotationPageTypeValueFound", lambda c: c["first"]),
    ("collections.json#/definitions/startIndexFound", lambda c: c["first"]),
    ("collections.json#/definitions/itemsFound", lambda c: c["first"]),
]
PAGE = [
    ("collections.json#/definitions/contextValueFound", lambda p: p["@context"]),
    ("collections.json#/definitions/annotationPageTypeValueFound", lambda p: p),
    ("collections.json#/definitions/partOfFound", lambda p: p),
    ("collections.json#/definitions/startIndexFound", lambda p: p),
    ("collections.json#/definitions/itemsFound", lambda p: p),
    ("collections.json#/definitions/nextValidIfPresent", lambda p: p),
    ("collections.json#/definitions/prevValidIfPresent", lambda p: p),
]


def registry() -> Registry:
    folder = standards_file("w3c-annotation-model", "definitions")
    resources = []
    for path in sorted(folder.glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(contents, default_specification=DRAFT4)
        resources.append((BASE + path.name, resource))
    return Registry().with_resources(resources)


def failures(document: dict, checks: list, where: str) -> list[str]:
    found = []
    schemas = registry()
    for definition, part in checks:
        validator = Draft4Validator(
            {"$ref": BASE + definition}, registry=schemas, format_checker=FormatChecker()
        )
        errors = [e.message for e in validator.iter_errors(part(document))]
        if errors:
            found.append(f"{where}: {definition}: {errors[-1][-300:]}")
    return found


def annotations(client, user, workspace, **params):
    client.force_login(user)
    response = client.get(
        reverse("exports-api-annotations"), {"workspace": workspace.slug, **params}
    )
    assert response.status_code == 200
    return json.loads(body(response))


def test_the_schemas_themselves_reject_what_they_should():
    assert failures({"type": "AnnotationPage", "partOf": {"id": "x"}}, PAGE[2:3], "bad")
    assert failures({"@context": "https://schema.org"}, ANNOTATION[:1], "wrong context")
    target = {"target": {"source": "https://a.example/", "state": {"type": "TimeState"}}}
    assert failures(target, ANNOTATION[-2:-1], "a time state without its date")


def test_the_collection_its_pages_and_every_annotation_pass_the_w3c_schemas(
    client, team, published_claim, claim, monkeypatch
):
    monkeypatch.setattr(streams, "ANNOTATION_PAGE_SIZE", 1)
    collection = annotations(client, team.viewer, team.workspace)
    problems = failures(collection, COLLECTION, "collection")
    page = annotations(client, team.viewer, team.workspace, page=1)
    problems += failures(page, PAGE, "page 1")
    items = collection["first"]["items"] + page["items"]
    assert len(items) == 2
    for item in items:
        document = {"@context": "http://www.w3.org/ns/anno.jsonld", **item}
        problems += failures(document, ANNOTATION, item["id"])
        for number, _body in enumerate(item.get("body", [])):
            check = (BODY, lambda a, n=number: a["body"][n])
            problems += failures(document, [check], f"{item['id']} body {number}")
    assert problems == [], "\n".join(problems)
    # partOf names the collection, and the collection's details are there.
    assert page["partOf"] == collection["id"]
    client.force_login(team.viewer)
    assert json.loads(body(client.get(page["partOf"])))["total"] == 2


def test_each_target_says_which_capture_its_offsets_count_in(client, team, claim):
    (item,) = annotations(client, team.viewer, team.workspace)["first"]["items"]
    state = item["target"]["state"]
    assert state["type"] == "TimeState"
    assert state["sourceDate"].startswith(str(claim.snapshot.created_at.year))
    client.force_login(team.viewer)
    snapshot = client.get(state["cached"]).json()
    assert snapshot["text"][claim.start : claim.end] == claim.exact
