"""Workspaces, members, articles, snapshots, sources, evidence and ratings over the API."""

import pytest

from app.articles.models import Article, Snapshot
from app.claims.models import Evidence, Rating
from app.sources.models import Source
from app.workspaces.models import Membership
from tests.api.conftest import assert_error
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# Workspaces and members


def test_workspaces_lists_the_callers_workspaces_with_their_role(team, other_team, client):
    client.force_login(team.editor)
    response = client.get("/api/v1/workspaces/")
    assert [(w["slug"], w["role"]) for w in response.json()["results"]] == [
        (team.workspace.slug, "editor")
    ]


def test_an_unknown_workspace_and_someone_elses_are_both_404(as_member, ws_url, other_team):
    client = as_member("admin")
    assert_error(client.get(ws_url("", slug="no-such-desk")), 404, "not_found")
    assert_error(client.get(ws_url("", slug=other_team.workspace.slug)), 404, "not_found")


def test_members_are_listed_for_every_role(team, as_member, ws_url):
    response = as_member("viewer").get(ws_url("members/"))
    usernames = {m["user"]["username"] for m in response.json()["results"]}
    assert usernames == {u.username for u in (team.admin, team.editor, team.reviewer, team.viewer)}


def test_an_admin_adds_a_member_and_changes_a_role(team, as_member, ws_url):
    newcomer = UserFactory(username="newcomer")
    client = as_member("admin")

    added = client.post(ws_url("members/"), {"username": "newcomer", "role": "reviewer"})
    changed = client.patch(ws_url(f"members/{added.json()['id']}/"), {"role": "editor"})

    assert added.status_code == 201
    assert changed.json()["role"] == "editor"
    assert Membership.objects.get(user=newcomer).role == "editor"


def test_member_changes_refuse_bad_input_and_non_admins(team, as_member, ws_url):
    admin_row = Membership.objects.get(workspace=team.workspace, user=team.admin)
    client = as_member("admin")
    assert_error(
        client.post(ws_url("members/"), {"username": "ghost", "role": "viewer"}),
        400,
        fields=["username"],
    )
    assert_error(
        client.patch(ws_url(f"members/{admin_row.pk}/"), {"role": "boss"}), 400, fields=["role"]
    )
    last_admin = client.patch(ws_url(f"members/{admin_row.pk}/"), {"role": "viewer"})
    assert_error(last_admin, 400, fields=["role"])
    editor = as_member("editor")
    assert_error(editor.patch(ws_url(f"members/{admin_row.pk}/"), {"role": "viewer"}), 403)


def test_an_admin_token_capped_at_editor_cannot_manage_members(team, as_member, ws_url):
    row = Membership.objects.get(workspace=team.workspace, user=team.viewer)
    client = as_member("admin", token_role="editor")
    assert_error(client.patch(ws_url(f"members/{row.pk}/"), {"role": "reviewer"}), 403)


def test_a_member_of_another_workspace_is_404(as_member, ws_url, other_team):
    theirs = Membership.objects.filter(workspace=other_team.workspace).first()
    assert_error(as_member("admin").get(ws_url(f"members/{theirs.pk}/")), 404)


# Articles and snapshots


def test_a_reviewer_imports_text_and_the_same_text_again_adds_nothing(as_member, ws_url):
    client = as_member("reviewer")
    body = {
        "text": "وزیر گفت: قرارداد امضا شد.\n\n",
        "title": "قرارداد",
        "url": "https://example.org/fa/a",
    }

    first = client.post(ws_url("articles/"), body)
    second = client.post(ws_url("articles/"), body)

    assert first.status_code == 201, first.content
    assert first.json()["article"]["direction"] == "rtl"
    assert first.json()["created_snapshot"] is True
    assert second.status_code == 200
    assert second.json()["created_snapshot"] is False
    snapshot = Snapshot.objects.get()
    assert snapshot.text == body["text"]  # kept exactly, trailing whitespace included


def test_an_html_page_is_imported_through_extraction(as_member, ws_url):
    html = (
        "<html><head><title>Transit</title></head><body><article>"
        + "<p>The mayor said ridership rose twelve percent in 2025 across the city.</p>" * 5
        + "</article></body></html>"
    )
    response = as_member("reviewer").post(ws_url("articles/"), {"html": html})
    assert response.status_code == 201, response.content
    assert Snapshot.objects.get().origin == "html"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["text", "html"]),
        ({"text": "a", "html": "<p>a</p>"}, ["text", "html"]),
        ({"text": "   "}, ["text"]),
        ({"text": "Some text", "url": "ftp://example.org/x"}, ["url"]),
        ({"text": "Some text", "published_on": "next Tuesday"}, ["published_on"]),
        ({"html": "<p>x</p>", "trim": True}, ["trim"]),
    ],
)
def test_bad_imports_are_refused_and_write_nothing(as_member, ws_url, body, fields):
    response = as_member("reviewer").post(ws_url("articles/"), body)
    assert_error(response, 400, "invalid", fields=fields)
    assert not Article.objects.exists()


def test_a_viewer_cannot_import(as_member, ws_url):
    assert_error(as_member("viewer").post(ws_url("articles/"), {"text": "x y z"}), 403)


def test_articles_list_detail_and_snapshot_text(as_member, ws_url, english_article):
    client = as_member("viewer")
    article = english_article.article

    listing = client.get(ws_url("articles/"))
    detail = client.get(ws_url(f"articles/{article.pk}/"))
    snapshot = client.get(ws_url(f"snapshots/{english_article.snapshot.pk}/"))

    assert [a["id"] for a in listing.json()["results"]] == [article.pk]
    assert [s["number"] for s in detail.json()["snapshots"]] == [1]
    assert snapshot.json()["text"] == english_article.snapshot.text
    assert snapshot.json()["characters"] == len(english_article.snapshot.text)


def test_articles_and_snapshots_of_another_workspace_are_404(as_member, ws_url, other_team):
    from app.articles.services import article_import_text

    theirs = article_import_text(
        workspace=other_team.workspace, text="Their text.", actor=other_team.reviewer
    )
    client = as_member("admin")
    assert_error(client.get(ws_url(f"articles/{theirs.article.pk}/")), 404)
    assert_error(client.get(ws_url(f"snapshots/{theirs.snapshot.pk}/")), 404)


# Sources and evidence


def test_sources_are_created_once_per_normalized_url(as_member, ws_url):
    client = as_member("reviewer")
    first = client.post(ws_url("sources/"), {"url": "https://stats.example.org/t?utm_source=x"})
    again = client.post(ws_url("sources/"), {"url": "https://stats.example.org/t"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert client.get(ws_url(f"sources/{first.json()['id']}/")).status_code == 200


def test_bad_sources_are_refused_field_by_field(as_member, ws_url):
    client = as_member("reviewer")
    assert_error(
        client.post(ws_url("sources/"), {"url": "javascript:alert(1)"}), 400, fields=["url"]
    )
    assert_error(
        client.post(ws_url("sources/"), {"url": "https://a.org", "kind": "rumour"}),
        400,
        fields=["kind"],
    )
    assert_error(as_member("viewer").post(ws_url("sources/"), {"url": "https://a.org"}), 403)
    assert not Source.objects.exists()


def test_evidence_by_url_or_by_source_and_a_second_link_is_409(as_member, ws_url, claim):
    client = as_member("reviewer")
    url = ws_url(f"claims/{claim.pk}/evidence/")

    by_url = client.post(url, {"url": "https://stats.example.org/t", "stance": "refutes"})
    source_id = by_url.json()["source"]["id"]
    again = client.post(url, {"source": source_id, "stance": "context"})
    listed = client.get(url)

    assert by_url.status_code == 201, by_url.content
    assert_error(again, 409, "conflict")
    assert [e["stance"] for e in listed.json()["results"]] == ["refutes"]


def test_bad_evidence_leaves_no_source_behind(as_member, ws_url, claim):
    client = as_member("reviewer")
    url = ws_url(f"claims/{claim.pk}/evidence/")
    assert_error(
        client.post(url, {"url": "https://a.org/x", "stance": "maybe"}), 400, fields=["stance"]
    )
    assert_error(client.post(url, {"stance": "supports"}), 400, fields=["source", "url"])
    assert not Source.objects.exists()


def test_a_source_of_another_workspace_cannot_be_cited(as_member, ws_url, claim, other_team):
    from app.sources.services import source_add

    theirs, _ = source_add(
        workspace=other_team.workspace, url="https://b.org/x", actor=other_team.reviewer
    )
    response = as_member("reviewer").post(
        ws_url(f"claims/{claim.pk}/evidence/"), {"source": theirs.pk, "stance": "supports"}
    )
    assert_error(response, 404)
    assert not Evidence.objects.exists()


# Ratings


def test_every_member_reads_the_scale_in_order(as_member, ws_url):
    labels = [r["label"] for r in as_member("viewer").get(ws_url("ratings/")).json()["results"]]
    assert labels[0] == "True" and labels[-1] == "Unverifiable"


def test_an_admin_adds_edits_retires_and_reorders_ratings(team, as_member, ws_url):
    client = as_member("admin")

    added = client.post(ws_url("ratings/"), {"label": "Satire", "value": None, "colour": "#123456"})
    rating_id = added.json()["id"]
    edited = client.patch(ws_url(f"ratings/{rating_id}/"), {"colour": "#ABCDEF", "value": 3})
    retired = client.post(ws_url(f"ratings/{rating_id}/retire/"))
    restored = client.post(ws_url(f"ratings/{rating_id}/restore/"))
    order = list(
        Rating.objects.filter(workspace=team.workspace)
        .order_by("-position")
        .values_list("pk", flat=True)
    )
    reordered = client.post(ws_url("ratings/reorder/"), {"ordered_ids": order})

    assert added.status_code == 201
    assert (edited.json()["colour"], edited.json()["value"]) == ("#abcdef", 3)
    assert retired.json()["retired"] is True
    assert restored.json()["retired"] is False
    assert [r["id"] for r in reordered.json()] == order


def test_rating_changes_refuse_bad_input_and_non_admins(team, as_member, ws_url):
    client = as_member("admin")
    bad = client.post(ws_url("ratings/"), {"label": "True", "value": 500, "colour": "red"})
    error = assert_error(bad, 400, "invalid", fields=["label", "value", "colour"])
    assert len(error["fields"]) == 3
    rating = Rating.objects.filter(workspace=team.workspace).first()
    assert_error(as_member("editor").patch(ws_url(f"ratings/{rating.pk}/"), {"label": "x"}), 403)
    assert_error(
        client.post(ws_url("ratings/reorder/"), {"ordered_ids": [rating.pk]}),
        400,
        fields=["ordered_ids"],
    )


def test_ratings_of_another_workspace_are_404(as_member, ws_url, other_team):
    theirs = Rating.objects.filter(workspace=other_team.workspace).first()
    assert_error(as_member("admin").get(ws_url(f"ratings/{theirs.pk}/")), 404)
    assert_error(as_member("admin").post(ws_url(f"ratings/{theirs.pk}/retire/")), 404)
