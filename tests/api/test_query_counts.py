"""Statements per API write, pinned so that they cannot grow unnoticed (issue 17).

Counted inside the test's transaction, so each service's atomic block shows as a
SAVEPOINT and its RELEASE; in production those two are the BEGIN and COMMIT that
Django does not log. The lists name the statements a change would add to.
"""

import pytest
from rest_framework.test import APIClient

from app.audit.models import GENESIS_HASH, AuditEvent
from app.claims.models import Claim, Rating
from app.core.request_context import reset_request_memo, start_request_memo
from app.members.services import member_change_role
from app.workspaces.access import membership_of
from app.workspaces.models import Role
from tests.exports.conftest import cite

pytestmark = pytest.mark.django_db

# Every token request: one statement reads the token with its user, its workspace and the
# membership there, and counts the request in the throttle's window (a CTE upsert, see
# `api_token_authenticate` and app/api/throttling.py); nothing reads those rows again.
TOKEN_REQUEST = 1
CREATE_QUERIES = TOKEN_REQUEST + len(
    ["snapshot", "SAVEPOINT", "INSERT claim", "chain lock + INSERT event", "RELEASE"]
)
# A workflow action: the claim (404 and If-Match before the body is read), SAVEPOINT, the
# claim locked (with its assignee and whether a verdict or retraction waits), UPDATE, the
# chain lock + INSERT event, RELEASE. The response is the locked claim as changed, with
# what the service knows is pending now: nothing is read back.
ACTION_QUERIES = TOKEN_REQUEST + 6


def _append_is_last(statements: list[str]) -> None:
    """The chain's lock and the event's INSERT: one round trip, the block's last."""
    appends = [n for n, sql in enumerate(statements) if "pg_advisory_xact_lock" in sql]
    assert len(appends) == 1
    sql = statements[appends[0]]
    assert "INSERT INTO audit_auditevent" in sql and "INSERT" not in sql.split(";")[0]
    assert statements[appends[0] + 1].startswith("RELEASE SAVEPOINT")


def _chain_is_whole(workspace) -> None:
    previous = GENESIS_HASH
    for number, (seq, prev_hash, event_hash) in enumerate(
        AuditEvent.objects.filter(workspace=workspace)
        .order_by("seq")
        .values_list("seq", "prev_hash", "hash"),
        1,
    ):
        assert (seq, prev_hash) == (number, previous)
        previous = event_hash


def _quote(text, words):
    start = text.index(words)
    return [
        {"type": "TextPositionSelector", "start": start, "end": start + len(words)},
        {"type": "TextQuoteSelector", "exact": words},
    ]


def test_creating_a_claim_takes_a_fixed_handful_of_statements(
    as_member, ws_url, english_article, team, django_assert_num_queries
):
    client = as_member("reviewer")
    snapshot = english_article.snapshot
    client.post(  # the token's first use records when it was used: one UPDATE more
        ws_url("claims/"),
        {"snapshot": snapshot.pk, "selectors": _quote(snapshot.text, "The mayor")},
        format="json",
    )

    with django_assert_num_queries(CREATE_QUERIES) as captured:
        response = client.post(
            ws_url("claims/"),
            {"snapshot": snapshot.pk, "selectors": _quote(snapshot.text, "ridership")},
            format="json",
        )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["available_actions"] == ["assign", "start-review"]
    statements = [query["sql"] for query in captured.captured_queries]
    assert not any(sql.startswith('SELECT "workspaces_membership"') for sql in statements)
    assert not any(sql.startswith('SELECT "workspaces_workspace"') for sql in statements)
    token_statement = statements[0]
    assert "workspaces_membership" in token_statement and "api_tokenusage" in token_statement
    assert not any("claims_verdict" in sql for sql in statements)
    _append_is_last(statements)
    assert Claim.objects.filter(pk=body["id"], exact="ridership").exists()
    event = AuditEvent.objects.filter(workspace=team.workspace).order_by("-seq").first()
    assert (event.action, event.object_id) == ("claim.created", str(body["id"]))
    _chain_is_whole(team.workspace)


def _post(client, url, data=None, version=1):
    response = client.post(url, data or {}, format="json", HTTP_IF_MATCH=f'"{version}"')
    assert response.status_code == 200, response.content
    return response.json()


def test_each_workflow_action_takes_a_fixed_number_of_statements(
    as_member, ws_url, claim, team, django_assert_num_queries
):
    reviewer, editor = as_member("reviewer"), as_member("editor")
    url = ws_url(f"claims/{claim.pk}/")
    rating = Rating.objects.get(workspace=team.workspace, label="False")
    cite(claim, team, "https://stats.example.org/ridership", "refutes")
    _post(reviewer, url + "assign/", {"assignee": team.reviewer.pk})  # token first used
    editor.get(url)  # the editor's token, first used

    with django_assert_num_queries(ACTION_QUERIES) as captured:
        body = _post(reviewer, url + "start-review/", version=2)
    assert body["status"] == "in_review"
    _append_is_last([query["sql"] for query in captured.captured_queries])

    # + the rating, whether evidence exists, the scale's bounds, INSERT verdict, the
    # editors to tell, INSERT their notifications
    with django_assert_num_queries(ACTION_QUERIES + 6):
        body = _post(reviewer, url + "propose/", {"rating": rating.pk, "summary": "No."}, version=3)
    assert body["status"] == "verdict_proposed"

    # + the pending verdict itself (one waits), the rating, the scale's bounds, any
    # published verdict superseded, UPDATE verdict, the published-claim guard on and off,
    # the proposer still a member?, INSERT their notification.
    with django_assert_num_queries(ACTION_QUERIES + 9):
        body = _post(editor, url + "approve/", version=4)
    assert body["status"] == "published"
    _chain_is_whole(team.workspace)


def test_a_role_changed_during_a_request_is_read_again(team):
    memo = start_request_memo()
    try:
        assert membership_of(team.reviewer, team.workspace).role == Role.REVIEWER
        member_change_role(
            membership=membership_of(team.reviewer, team.workspace),
            role=Role.VIEWER,
            actor=team.admin,
        )
        assert membership_of(team.reviewer, team.workspace).role == Role.VIEWER
    finally:
        reset_request_memo(memo)


def test_a_session_request_reads_the_workspace_with_the_membership(
    ws_url, english_article, team, django_assert_num_queries
):
    client = APIClient()
    client.force_login(team.reviewer)
    snapshot = english_article.snapshot

    # The session, its user, the workspace with the membership, the snapshot, SAVEPOINT,
    # INSERT claim, the chain lock + INSERT event, RELEASE.
    with django_assert_num_queries(8) as captured:
        response = client.post(
            ws_url("claims/"),
            {"snapshot": snapshot.pk, "selectors": _quote(snapshot.text, "The mayor")},
            format="json",
        )

    assert response.status_code == 201, response.content
    statements = [query["sql"] for query in captured.captured_queries]
    assert not any(sql.startswith('SELECT "workspaces_workspace"') for sql in statements)
    memberships = [sql for sql in statements if sql.startswith('SELECT "workspaces_membership"')]
    assert len(memberships) == 1 and '"workspaces_workspace"."slug"' in memberships[0]


# Citing a new URL: the claim, SAVEPOINT, the source looked up by its address, INSERT
# source, whether the link exists, INSERT evidence, the chain lock + both events, RELEASE.
EVIDENCE_QUERIES = TOKEN_REQUEST + 8
# A comment: the claim (its workspace is the request's, not read again), SAVEPOINT,
# INSERT comment, the chain lock + INSERT event, RELEASE.
COMMENT_QUERIES = TOKEN_REQUEST + 5


def test_citing_a_new_url_and_commenting_take_a_fixed_handful_of_statements(
    as_member, ws_url, claim, team, django_assert_num_queries
):
    client = as_member("reviewer")
    client.get(ws_url("claims/"))  # the token's first use records when it was used

    with django_assert_num_queries(EVIDENCE_QUERIES) as captured:
        response = client.post(
            ws_url(f"claims/{claim.pk}/evidence/"),
            {"url": "https://stats.example.org/new", "stance": "context"},
            format="json",
        )
    assert response.status_code == 201, response.content
    statements = [query["sql"] for query in captured.captured_queries]
    assert sum(sql.startswith("SAVEPOINT") for sql in statements) == 1  # none nested
    _append_is_last(statements)
    appended = next(sql for sql in statements if "pg_advisory_xact_lock" in sql)
    assert appended.count("INSERT INTO audit_auditevent") == 2

    with django_assert_num_queries(COMMENT_QUERIES) as captured:
        response = client.post(
            ws_url(f"claims/{claim.pk}/comments/"), {"body": "Checked."}, format="json"
        )
    assert response.status_code == 201, response.content
    _append_is_last([query["sql"] for query in captured.captured_queries])
    actions = AuditEvent.objects.filter(workspace=team.workspace).order_by("-seq")
    assert list(actions.values_list("action", flat=True)[:3]) == [
        "comment.added",
        "evidence.added",
        "source.created",
    ]
    _chain_is_whole(team.workspace)
