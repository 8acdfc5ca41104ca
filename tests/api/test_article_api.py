"""The article API: details corrected with If-Match, imports that say what changed."""

import pytest

from app.articles.services import article_import_text
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

REVISED = (
    "The mayor said ridership rose 12% in 2025.\n\n"
    "A post read: “Best commute ever 🚇” and drew 5,000 replies.\n"
)


def _patch(client, url, data, if_match=None):
    headers = {} if if_match is None else {"HTTP_IF_MATCH": if_match}
    return client.patch(url, data, format="json", **headers)


def test_the_api_patch_needs_if_match_and_answers_412_field_errors_and_the_new_etag(
    as_member, ws_url, persian_article
):
    url = ws_url(f"articles/{persian_article.article.pk}/")
    reviewer = as_member("reviewer")
    read = reviewer.get(url)
    assert read["ETag"] == '"1"'
    assert_error(_patch(reviewer, url, {"title": "x"}), 428)
    assert_error(_patch(reviewer, url, {"title": "x"}, '"7"'), 412)
    bad = _patch(reviewer, url, {"title": "", "published_on": "not a date"}, '"1"')
    assert_error(bad, 400, "invalid", fields=["title", "published_on"])
    done = _patch(reviewer, url, {"published_on": "۲۹ خرداد ۱۴۰۳", "author": "مریم"}, '"1"')
    assert done.status_code == 200, done.content
    assert (done.json()["published_on"], done.json()["author"]) == ("2024-06-18", "مریم")
    assert done["ETag"] == '"2"'
    assert_error(_patch(as_member("viewer"), url, {"title": "x"}, '"2"'), 403)


def test_the_schema_names_the_actions_the_claims_return(client, as_member, ws_url, claim):
    from app.claims import workflow
    from app.claims.api_urls import _ACTIONS

    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    field = schema["components"]["schemas"]["ClaimDetail"]["properties"]["available_actions"]
    enum_name = field["items"]["$ref"].rsplit("/", 1)[1]
    listed = set(schema["components"]["schemas"][enum_name]["enum"])
    assert listed == set(workflow.ACTIONS) == set(_ACTIONS)
    returned = as_member("editor").get(ws_url(f"claims/{claim.pk}/")).json()["available_actions"]
    assert returned and set(returned) <= listed


def test_the_api_import_answers_what_a_changed_reimport_changed(as_member, ws_url, team):
    _import(team, "The mayor said ridership rose 12% in 2025.\n")
    response = as_member("reviewer").post(
        ws_url("articles/"),
        {"text": REVISED, "url": "https://example.org/ridership"},
        format="json",
    )
    assert response.status_code == 201, response.content
    changes = response.json()["changes"]
    assert changes["previous_snapshot"] == 1
    assert {
        "kind": "added",
        "line": "A post read: “Best commute ever 🚇” and drew 5,000 replies.",
    } in changes["diff"]


def _import(team, text):
    return article_import_text(
        workspace=team.workspace,
        text=text,
        title="Ridership",
        url="https://example.org/ridership",
        actor=team.reviewer,
    )
