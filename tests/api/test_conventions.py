"""Conventions every endpoint shares: pages, errors, the schema and its docs."""

import io

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from app.api import views
from app.claims.services import claim_create
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_claims(team, english_article):
    text = english_article.snapshot.text
    return [
        claim_create(
            workspace=team.workspace,
            snapshot=english_article.snapshot,
            start=index,
            end=index + 1,
            exact=text[index],
            actor=team.reviewer,
        )
        for index in range(7)
        if text[index].strip()
    ]


def test_cursor_pages_walk_every_row_once(as_member, ws_url, many_claims):
    client = as_member("viewer")
    seen, url = [], ws_url("claims/?page_size=2")
    while url:
        page = client.get(url).json()
        assert len(page["results"]) <= 2
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == sorted((c.pk for c in many_claims), reverse=True)


@pytest.mark.parametrize("query", ["page_size=0", "page_size=201", "page_size=ten"])
def test_a_bad_page_size_is_400(as_member, ws_url, query):
    assert_error(as_member("viewer").get(ws_url(f"claims/?{query}")), 400, fields=["page_size"])


def test_a_bad_cursor_is_400(as_member, ws_url):
    assert_error(as_member("viewer").get(ws_url("claims/?cursor=bogus")), 400, fields=["cursor"])


def test_the_largest_page_is_200(as_member, ws_url):
    assert as_member("viewer").get(ws_url("claims/?page_size=200")).status_code == 200


def test_a_far_time_zone_offset_is_taken_in_utc_not_a_server_error(as_member, ws_url, claim):
    response = as_member("viewer").get(
        ws_url("claims/"), {"created_after": "0586-07-26T05:06:34+16:48"}
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [claim.pk]


def test_unknown_api_paths_answer_404_in_the_error_shape(as_member):
    assert_error(as_member("viewer").get("/api/v1/no/such/thing/"), 404, "not_found")


def test_a_wrong_method_is_405_in_the_error_shape(as_member, ws_url, claim):
    response = as_member("editor").get(ws_url(f"claims/{claim.pk}/approve/"))
    assert_error(response, 405, "method_not_allowed")


def test_malformed_json_is_400_in_the_error_shape(as_member, ws_url):
    response = as_member("reviewer").generic(
        "POST", ws_url("sources/"), "{not json", content_type="application/json"
    )
    assert_error(response, 400, "parse_error")


def test_the_root_links_to_workspaces_schema_and_docs(client):
    links = client.get("/api/v1/").json()
    assert links["schema"].endswith("/api/v1/schema/")
    assert links["docs"].endswith("/api/v1/docs/")


def test_the_schema_validates_without_warnings():
    """What `./manage.py spectacular --validate --fail-on-warn` checks."""
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = yaml.safe_load(out.getvalue())
    assert schema["openapi"].startswith("3.")
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_every_operation_has_an_example_and_the_error_shape():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    ours = {
        path: item
        for path, item in schema["paths"].items()
        if path == "/api/v1/" or path.startswith("/api/v1/workspaces/")
    }
    assert len(ours) >= 20
    for path, item in ours.items():
        for method, operation in item.items():
            contents = [
                content
                for response in operation["responses"].values()
                for content in response.get("content", {}).values()
            ]
            assert any("examples" in c for c in contents), f"{method} {path} has no example"
            errors = operation["responses"]["404"]["content"]["application/json"]["schema"]
            assert errors == {"$ref": "#/components/schemas/Error"}


def test_the_schema_is_served_as_json_and_yaml(client):
    assert client.get("/api/v1/schema/?format=json").json()["info"]["title"] == "Sanad API"
    assert b"openapi:" in client.get("/api/v1/schema/").content


def test_the_schema_is_made_once_per_language(client, monkeypatch):
    made = []
    get_schema = SchemaGenerator.get_schema

    def counted(self, **kwargs):
        made.append(kwargs)
        return get_schema(self, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    views._SCHEMAS.clear()
    first = client.get("/api/v1/schema/?format=json").content
    assert client.get("/api/v1/schema/?format=json").content == first
    assert b"openapi:" in client.get("/api/v1/schema/").content
    assert len(made) == 1
    persian = client.get("/api/v1/schema/?format=json&lang=fa").content
    assert len(made) == 2 and persian != first
    assert client.get("/api/v1/schema/?format=json&lang=fa").content == persian
    assert len(made) == 2


def test_the_docs_are_served_from_this_server_with_no_inline_script(client):
    page = client.get("/api/v1/docs/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "swagger-ui-bundle.js" in html
    assert "//cdn" not in html and "https://" not in html
    assert "<script>" not in html
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "/api/v1/schema/" in script.content.decode()
