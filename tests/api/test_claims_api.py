import pytest

from app.audit.models import AuditEvent
from app.claims.evidence import evidence_add_with_source
from app.claims.models import Claim
from app.claims.services import claim_create
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


def _selectors(start, end, exact=None, **quote):
    selectors = [{"type": "TextPositionSelector", "start": start, "end": end}]
    if exact is not None:
        selectors.append({"type": "TextQuoteSelector", "exact": exact, **quote})
    return selectors


def test_a_reviewer_creates_a_claim_with_both_selectors(as_member, ws_url, english_article):
    snapshot = english_article.snapshot
    response = as_member("reviewer").post(
        ws_url("claims/"),
        {
            "snapshot": snapshot.pk,
            "selectors": _selectors(4, 9, "mayor"),
            "claimant": "The mayor",
            "tags": ["transport", "Transport"],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert response["ETag"] == '"1"'
    assert body["selectors"] == [
        {"type": "TextPositionSelector", "start": 4, "end": 9},
        {
            "type": "TextQuoteSelector",
            "exact": "mayor",
            "prefix": "The ",
            "suffix": snapshot.text[9:41],
        },
    ]
    assert body["tags"] == ["transport"]
    assert "start-review" in body["available_actions"]


def test_a_quote_selector_alone_is_found_in_a_persian_text(as_member, ws_url, persian_article):
    text = persian_article.snapshot.text
    exact = "قرارداد"
    start = text.index(exact)

    response = as_member("reviewer").post(
        ws_url("claims/"),
        {
            "snapshot": persian_article.snapshot.pk,
            "selectors": [{"type": "TextQuoteSelector", "exact": exact, "prefix": "گفت:"}],
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["selectors"][0] == {
        "type": "TextPositionSelector",
        "start": start,
        "end": start + len(exact),
    }


def test_offsets_count_code_points_not_utf16_units(as_member, ws_url, english_article):
    text = english_article.snapshot.text
    start = text.index("🚇")
    client = as_member("reviewer")

    good = client.post(
        ws_url("claims/"),
        {"snapshot": english_article.snapshot.pk, "selectors": _selectors(start, start + 1, "🚇")},
    )
    # A client counting UTF-16 units would send end = start + 2 for the same emoji.
    bad = client.post(
        ws_url("claims/"),
        {"snapshot": english_article.snapshot.pk, "selectors": _selectors(start, start + 2, "🚇")},
    )

    assert good.status_code == 201
    assert_error(bad, 400, "invalid", fields=["exact"])


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"selectors": _selectors(0, 3)}, "snapshot"),
        ({"selectors": []}, "selectors"),
        ({"selectors": [{"type": "TextPositionSelector", "start": 0}]}, "selectors.0.end"),
        ({"selectors": [{"type": "FragmentSelector"}]}, "selectors.0.type"),
        ({"selectors": _selectors(5, 2)}, "end"),
        ({"selectors": _selectors(0, 9, "The mayoR")}, "exact"),
        ({"selectors": [{"type": "TextQuoteSelector", "exact": "absent words"}]}, "exact"),
        ({"selectors": _selectors(0, 3), "tags": ["x" * 65]}, "tags.0"),
    ],
)
def test_bad_claims_are_refused_field_by_field(as_member, ws_url, english_article, payload, field):
    body = {"snapshot": english_article.snapshot.pk, **payload}
    if field == "snapshot":
        body.pop("snapshot")

    response = as_member("reviewer").post(ws_url("claims/"), body)

    assert_error(response, 400, "invalid", fields=[field])
    assert not Claim.objects.exists()


def test_a_viewer_cannot_create_claims(as_member, ws_url, english_article):
    response = as_member("viewer").post(
        ws_url("claims/"), {"snapshot": english_article.snapshot.pk, "selectors": _selectors(0, 3)}
    )
    assert_error(response, 403, "permission_denied")


def test_a_snapshot_of_another_workspace_is_404(as_member, ws_url, other_team):
    from app.articles.services import article_import_text

    theirs = article_import_text(
        workspace=other_team.workspace, text="Their text.", actor=other_team.reviewer
    )
    response = as_member("reviewer").post(
        ws_url("claims/"), {"snapshot": theirs.snapshot.pk, "selectors": _selectors(0, 5)}
    )
    assert_error(response, 404, "not_found")


def test_claims_of_another_workspace_are_404(as_member, ws_url, other_team):
    from app.articles.services import article_import_text

    theirs = article_import_text(
        workspace=other_team.workspace, text="Their text.", actor=other_team.reviewer
    )
    claim = claim_create(
        workspace=other_team.workspace,
        snapshot=theirs.snapshot,
        start=0,
        end=5,
        exact="Their",
        actor=other_team.reviewer,
    )
    client = as_member("admin")
    assert_error(client.get(ws_url(f"claims/{claim.pk}/")), 404)
    assert_error(client.get(ws_url(f"claims/{claim.pk}/", slug=other_team.workspace.slug)), 404)
    assert_error(
        client.patch(ws_url(f"claims/{claim.pk}/"), {"restatement": "x"}, HTTP_IF_MATCH='"1"'),
        404,
    )


def test_claim_detail_carries_its_version_as_etag(as_member, ws_url, claim):
    response = as_member("viewer").get(ws_url(f"claims/{claim.pk}/"))
    assert response.status_code == 200
    assert response["ETag"] == f'"{claim.version}"'
    assert response.json()["available_actions"] == []


def test_patch_with_the_current_etag_updates_and_returns_the_next(as_member, ws_url, claim):
    response = as_member("reviewer").patch(
        ws_url(f"claims/{claim.pk}/"),
        {"restatement": "Ridership rose 12%.", "tags": ["transit"]},
        HTTP_IF_MATCH=f'"{claim.version}"',
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"{claim.version + 1}"'
    assert response.json()["restatement"] == "Ridership rose 12%."


def test_a_stale_etag_gets_412_and_changes_nothing(as_member, ws_url, claim):
    client = as_member("reviewer")
    client.patch(ws_url(f"claims/{claim.pk}/"), {"claimant": "A"}, HTTP_IF_MATCH='"1"')

    stale = client.patch(ws_url(f"claims/{claim.pk}/"), {"claimant": "B"}, HTTP_IF_MATCH='"1"')

    assert_error(stale, 412, "stale_version")
    claim.refresh_from_db()
    assert (claim.claimant, claim.version) == ("A", 2)


def test_a_write_without_if_match_gets_428(as_member, ws_url, claim):
    response = as_member("reviewer").patch(ws_url(f"claims/{claim.pk}/"), {"claimant": "B"})
    assert_error(response, 428, "precondition_required")


def test_a_garbled_if_match_gets_412(as_member, ws_url, claim):
    response = as_member("reviewer").post(
        ws_url(f"claims/{claim.pk}/start-review/"), HTTP_IF_MATCH="W/abc"
    )
    assert_error(response, 412)


def test_a_viewer_cannot_edit_a_claim(as_member, ws_url, claim):
    response = as_member("viewer").patch(
        ws_url(f"claims/{claim.pk}/"), {"claimant": "B"}, HTTP_IF_MATCH='"1"'
    )
    assert_error(response, 403, "permission_denied")


def test_the_whole_workflow_runs_through_the_api_with_four_eyes(team, as_member, ws_url, claim):
    reviewer, editor = as_member("reviewer"), as_member("editor")
    url = ws_url(f"claims/{claim.pk}/")
    false = team.workspace.ratings.get(label="False")

    def act(client, action, version, body=None):
        return client.post(f"{url}{action}/", body or {}, HTTP_IF_MATCH=f'"{version}"')

    started = act(reviewer, "start-review", 1)
    assert started.json()["status"] == "in_review"
    no_evidence = act(reviewer, "propose", 2, {"rating": false.pk, "summary": "Wrong."})
    assert_error(no_evidence, 400, "invalid", fields=["evidence"])
    evidence_add_with_source(
        claim=claim, url="https://stats.example.org/t", stance="refutes", actor=team.reviewer
    )
    proposed = act(editor, "propose", 2, {"rating": false.pk, "summary": "Wrong."})
    assert proposed.json()["status"] == "verdict_proposed"
    own = act(editor, "approve", 3)
    assert_error(own, 403, "permission_denied")
    not_editor = act(reviewer, "approve", 3)
    assert_error(not_editor, 403)
    published = as_member("admin").post(f"{url}approve/", HTTP_IF_MATCH='"3"')
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    assert published.json()["rating"]["label"] == "False"
    assert published["ETag"] == '"4"'

    not_editor = act(reviewer, "correct", 4, {"rating": false.pk, "summary": "Still wrong."})
    assert_error(not_editor, 403, "permission_denied")
    missing_note = act(editor, "correct", 4, {"rating": false.pk, "summary": "Still wrong."})
    assert_error(missing_note, 400, "invalid", fields=["correction_note"])
    corrected = act(
        editor,
        "correct",
        4,
        {"rating": false.pk, "summary": "Still wrong.", "correction_note": "New figures."},
    )
    assert corrected.status_code == 200
    returned = act(as_member("admin"), "return", 5, {"reason": "Cite the new figures."})
    assert returned.json()["status"] == "published"
    assert_error(act(editor, "return", 6, {}), 400, fields=["reason"])
    actions = [e.action for e in AuditEvent.objects.filter(object_type="claim").order_by("seq")]
    assert actions[-1] == "claim.verdict_returned"


def test_correct_on_an_unpublished_claim_is_409(team, as_member, ws_url, claim):
    false = team.workspace.ratings.get(label="False")
    response = as_member("editor").post(
        ws_url(f"claims/{claim.pk}/correct/"),
        {"rating": false.pk, "summary": "x", "correction_note": "y"},
        HTTP_IF_MATCH='"1"',
    )
    assert_error(response, 409, "conflict")


def test_a_transition_from_the_wrong_state_is_409(as_member, ws_url, claim):
    response = as_member("editor").post(ws_url(f"claims/{claim.pk}/approve/"), HTTP_IF_MATCH='"1"')
    assert_error(response, 409, "conflict")


def test_assign_takes_a_reviewer_and_refuses_a_viewer_or_stranger(
    team, other_team, as_member, ws_url, claim
):
    client = as_member("editor")
    url = ws_url(f"claims/{claim.pk}/assign/")

    viewer = client.post(url, {"assignee": team.viewer.pk}, HTTP_IF_MATCH='"1"')
    stranger = client.post(url, {"assignee": other_team.admin.pk}, HTTP_IF_MATCH='"1"')
    assigned = client.post(url, {"assignee": team.reviewer.pk}, HTTP_IF_MATCH='"1"')
    unassigned = client.post(url, {"assignee": None}, HTTP_IF_MATCH='"2"')

    assert_error(viewer, 400, fields=["assignee"])
    assert_error(stranger, 400, fields=["assignee"])
    assert assigned.json()["assignee"]["id"] == team.reviewer.pk
    assert unassigned.json()["assignee"] is None


def test_claims_filter_by_status_tag_assignee_verdict_and_dates(
    team, as_member, ws_url, claim, english_article
):
    from app.claims.services import claim_update
    from app.claims.workflow import claim_start_review

    other = claim_create(
        workspace=team.workspace,
        snapshot=english_article.snapshot,
        start=10,
        end=14,
        exact="said",
        tags=["budget"],
        actor=team.reviewer,
    )
    claim_start_review(claim=claim, version=1, actor=team.editor)
    claim_update(claim=claim, version=2, tags=["transport"], actor=team.reviewer)
    client = as_member("viewer")

    def ids(query):
        response = client.get(ws_url("claims/") + query)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids("") == [other.pk, claim.pk]
    assert ids("?status=in_review") == [claim.pk]
    assert ids("?tag=budget") == [other.pk]
    assert ids(f"?assignee={team.editor.pk}") == [claim.pk]
    assert ids(f"?article={english_article.article.pk}&status=open") == [other.pk]
    assert ids("?verdict=false") == []
    assert ids("?created_after=2000-01-01T00:00:00Z") == [other.pk, claim.pk]
    assert ids("?updated_before=2000-01-01T00:00:00Z") == []
    assert_error(client.get(ws_url("claims/?status=nonsense")), 400, fields=["status"])
    assert_error(
        client.get(ws_url("claims/?created_after=yesterday")), 400, fields=["created_after"]
    )


def test_comments_are_listed_and_added_with_sanitized_html(as_member, ws_url, claim):
    client = as_member("reviewer")
    url = ws_url(f"claims/{claim.pk}/comments/")

    added = client.post(url, {"body": "**نه** <script>alert(1)</script>"})
    listed = client.get(url)

    assert added.status_code == 201
    assert "<script>" not in added.json()["body_html"]
    assert "<strong>نه</strong>" in added.json()["body_html"]
    assert [c["id"] for c in listed.json()["results"]] == [added.json()["id"]]
    assert_error(client.post(url, {"body": "   "}), 400, fields=["body"])
    assert_error(as_member("viewer").post(url, {"body": "hi"}), 403)
