"""Notifications: who hears of what, derived from audit events in the same transaction."""

import pytest
from django.db import transaction
from django.urls import reverse

from app.claims.evidence import evidence_add_with_source
from app.claims.models import Rating
from app.claims.services import comment_add
from app.claims.workflow import (
    claim_assign,
    claim_start_review,
    verdict_approve,
    verdict_correct,
    verdict_propose,
    verdict_return,
)
from app.invitations.services import invitation_accept, invitation_create
from app.notifications.events import mentioned_usernames
from app.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _kinds(user, team=None) -> list[str]:
    rows = Notification.objects.filter(recipient=user)
    if team is not None:
        rows = rows.filter(workspace=team.workspace)
    return list(rows.order_by("id").values_list("kind", flat=True))


def _rating(team):
    return Rating.objects.get(workspace=team.workspace, label="False")


@pytest.fixture
def proposed(claim, team):
    evidence_add_with_source(
        claim=claim, url="https://example.org/s", stance="refutes", actor=team.reviewer
    )
    claim.refresh_from_db()
    claim = claim_start_review(claim=claim, version=claim.version, actor=team.reviewer)
    verdict_propose(
        claim=claim, version=claim.version, rating=_rating(team), summary="No.", actor=team.reviewer
    )
    claim.refresh_from_db()
    return claim


def test_an_assignment_tells_the_assignee_but_not_someone_assigning_themselves(claim, team):
    claim = claim_assign(claim=claim, version=claim.version, assignee=team.editor, actor=team.admin)
    assert _kinds(team.editor) == ["assigned"]
    note = Notification.objects.get(recipient=team.editor)
    assert note.claim_id == claim.pk
    assert note.actor == team.admin
    claim_assign(claim=claim, version=claim.version, assignee=team.admin, actor=team.admin)
    assert _kinds(team.admin) == []


def test_a_proposal_tells_every_editor_except_the_proposer(proposed, team):
    assert _kinds(team.editor) == ["approval_waiting"]
    assert _kinds(team.admin) == ["approval_waiting"]
    assert _kinds(team.reviewer) == []
    assert _kinds(team.viewer) == []


def test_an_editors_own_proposal_does_not_wait_for_themselves(claim, team):
    evidence_add_with_source(
        claim=claim, url="https://example.org/s", stance="refutes", actor=team.editor
    )
    claim.refresh_from_db()
    claim = claim_start_review(claim=claim, version=claim.version, actor=team.editor)
    verdict_propose(
        claim=claim, version=claim.version, rating=_rating(team), summary="No.", actor=team.editor
    )
    assert _kinds(team.editor) == []
    assert _kinds(team.admin) == ["approval_waiting"]


def test_approval_tells_the_proposer(proposed, team):
    verdict_approve(claim=proposed, version=proposed.version, actor=team.editor)
    assert _kinds(team.reviewer) == ["verdict_published"]


def test_a_return_tells_the_proposer_with_the_reason(proposed, team):
    verdict_return(
        claim=proposed, version=proposed.version, reason="Needs a second source.", actor=team.editor
    )
    note = Notification.objects.get(recipient=team.reviewer)
    assert note.kind == "verdict_returned"
    assert note.detail == "Needs a second source."


def test_a_correction_tells_those_who_worked_on_the_claim(proposed, team):
    verdict_approve(claim=proposed, version=proposed.version, actor=team.editor)
    proposed.refresh_from_db()
    Notification.objects.all().delete()
    verdict_correct(
        claim=proposed,
        version=proposed.version,
        rating=_rating(team),
        summary="Still no.",
        correction_note="The date was wrong.",
        actor=team.admin,
    )
    assert _kinds(team.reviewer) == ["correction_proposed"]  # proposed and was assigned
    assert _kinds(team.editor) == ["approval_waiting"]  # approved it before; may approve again
    assert _kinds(team.admin) == []  # the one correcting


def test_mentions_resolve_only_to_members_of_the_workspace(claim, team, other_team):
    comment_add(
        claim=claim,
        body=f"@{team.editor.username} and @{other_team.editor.username}, see "
        f"mail@{team.viewer.username} — and @nobody.",
        actor=team.reviewer,
    )
    assert _kinds(team.editor) == ["mentioned"]
    assert Notification.objects.get(recipient=team.editor).detail.startswith("@a-editor")
    assert _kinds(other_team.editor) == []
    assert _kinds(team.viewer) == []  # inside an e-mail address, not a mention


def test_mention_parsing():
    assert mentioned_usernames("@maryam, ask @reza.") >= {"maryam", "reza"}
    assert mentioned_usernames("x@maryam.org") == set()
    assert mentioned_usernames("") == set()


def test_an_accepted_invitation_tells_the_inviter(team):
    issued = invitation_create(
        workspace=team.workspace, email="n@example.org", role="viewer", actor=team.admin
    )
    newcomer = UserFactory(username="newcomer")
    invitation_accept(token=issued.token, user=newcomer)
    note = Notification.objects.get(recipient=team.admin)
    assert note.kind == "invitation_accepted"
    assert note.detail == "newcomer"


def test_notifications_exist_only_if_their_change_does(claim, team):
    with pytest.raises(RuntimeError), transaction.atomic():
        claim_assign(claim=claim, version=claim.version, assignee=team.editor, actor=team.admin)
        raise RuntimeError("the request failed after the service")
    assert _kinds(team.editor) == []


def test_the_list_shows_one_workspaces_notifications_and_marks_them_read(
    client, proposed, team, other_team
):
    from app.members.services import member_add

    member_add(
        workspace=other_team.workspace, user=team.editor, role="editor", actor=other_team.admin
    )
    client.force_login(team.editor)
    url = reverse("notification-list", kwargs={"slug": team.workspace.slug})
    page = client.get(url)
    assert [n.kind for n in page.context["page"]] == ["approval_waiting"]
    assert "proposed a verdict that awaits approval" in page.content.decode()
    counts = reverse("header-counts", kwargs={"slug": team.workspace.slug})
    assert client.get(counts).json() == {"notifications": 1, "my_work": 1}
    other_counts = reverse("header-counts", kwargs={"slug": other_team.workspace.slug})
    assert client.get(other_counts).json() == {"notifications": 0, "my_work": 0}
    response = client.post(reverse("notification-read", kwargs={"slug": team.workspace.slug}))
    assert response.status_code == 302
    assert client.get(counts).json()["notifications"] == 0
    assert not Notification.objects.filter(recipient=team.editor, read_at__isnull=True).exists()


def test_marking_one_read_leaves_the_others(client, proposed, team):
    claim_assign(claim=proposed, version=proposed.version, assignee=team.editor, actor=team.admin)
    first = Notification.objects.filter(recipient=team.editor).order_by("id").first()
    client.force_login(team.editor)
    client.post(
        reverse("notification-read", kwargs={"slug": team.workspace.slug}), {"id": first.pk}
    )
    unread = Notification.objects.filter(recipient=team.editor, read_at__isnull=True)
    assert [n.kind for n in unread] == ["assigned"]


def test_the_api_lists_and_marks_read(client, proposed, team):
    client.force_login(team.admin)
    base = f"/api/v1/workspaces/{team.workspace.slug}/notifications/"
    body = client.get(base).json()
    assert [n["kind"] for n in body["results"]] == ["approval_waiting"]
    assert body["results"][0]["read"] is False
    assert body["results"][0]["actor"]["username"] == team.reviewer.username
    response = client.post(f"{base}read/", {"ids": ["x"]}, content_type="application/json")
    assert response.status_code == 400
    assert "ids.0" in response.json()["error"]["fields"]
    response = client.post(f"{base}read/", {}, content_type="application/json")
    assert response.json() == {"marked": 1}
    assert client.get(base).json()["results"][0]["read"] is True
