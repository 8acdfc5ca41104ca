"""My work: what waits for one person in one workspace, on a page and in the API."""

import pytest
from django.urls import reverse

from app.claims.evidence import evidence_add_with_source
from app.claims.models import Rating
from app.claims.workflow import claim_assign, claim_start_review, verdict_propose, verdict_return
from app.notifications.selectors import my_work, my_work_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(claim, team):
    evidence_add_with_source(
        claim=claim, url="https://example.org/s", stance="refutes", actor=team.reviewer
    )
    claim.refresh_from_db()
    claim = claim_start_review(claim=claim, version=claim.version, actor=team.reviewer)
    verdict_propose(
        claim=claim,
        version=claim.version,
        rating=Rating.objects.get(workspace=team.workspace, label="False"),
        summary="No.",
        actor=team.reviewer,
    )
    claim.refresh_from_db()
    return claim


def test_proposals_by_others_await_editors_only(proposed, team):
    assert [
        v.claim_id for v in my_work(user=team.editor, workspace=team.workspace).awaiting_approval
    ] == [proposed.pk]
    assert my_work(user=team.reviewer, workspace=team.workspace).awaiting_approval == []
    assert my_work(user=team.viewer, workspace=team.workspace).awaiting_approval == []


def test_assigned_claims_are_grouped_by_state_until_published(proposed, team):
    work = my_work(user=team.reviewer, workspace=team.workspace)  # start_review assigned them
    assert [(label, [c.pk for c in claims]) for label, claims in work.assigned_by_status] == [
        ("Verdict proposed", [proposed.pk])
    ]


def test_a_returned_proposal_comes_back_with_its_reason_until_proposed_again(proposed, team):
    verdict_return(
        claim=proposed, version=proposed.version, reason="Cite the ministry.", actor=team.editor
    )
    work = my_work(user=team.reviewer, workspace=team.workspace)
    assert [v.return_reason for v in work.returned] == ["Cite the ministry."]
    proposed.refresh_from_db()
    verdict_propose(
        claim=proposed,
        version=proposed.version,
        rating=Rating.objects.get(workspace=team.workspace, label="False"),
        summary="No, says the ministry.",
        actor=team.reviewer,
    )
    assert my_work(user=team.reviewer, workspace=team.workspace).returned == []


def test_outsiders_get_nothing(proposed, other_team, team):
    assert my_work(user=other_team.admin, workspace=team.workspace).total == 0
    assert my_work_count(user=other_team.admin, workspace=team.workspace) == 0


def test_the_page_lists_each_section(client, proposed, team):
    claim_assign(claim=proposed, version=proposed.version, assignee=team.editor, actor=team.admin)
    client.force_login(team.editor)
    page = client.get(reverse("my-work", kwargs={"slug": team.workspace.slug}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Proposals awaiting my approval" in html
    assert f"/claims/{proposed.pk}/" in html
    assert len(page.context["work"].assigned) == 1
    assert my_work_count(user=team.editor, workspace=team.workspace) == 2


def test_the_api_returns_the_same_lists(client, proposed, team):
    client.force_login(team.editor)
    body = client.get(f"/api/v1/workspaces/{team.workspace.slug}/my-work/").json()
    assert [v["claim"]["id"] for v in body["awaiting_approval"]] == [proposed.pk]
    assert body["awaiting_approval"][0]["proposed_by"]["username"] == team.reviewer.username
    assert body["assigned"] == [] and body["returned"] == []


@pytest.mark.parametrize("claims", [1, 40])
def test_my_work_and_the_header_counts_cost_the_same_queries_whatever_the_rows(
    client, team, english_article, django_assert_num_queries, claims
):
    from app.claims.models import Claim

    snapshot = english_article.snapshot
    Claim.objects.bulk_create(
        Claim(
            workspace=team.workspace,
            article_id=snapshot.article_id,
            snapshot=snapshot,
            start=4,
            end=9,
            exact="mayor",
            status="in_review",
            assignee=team.editor,
        )
        for _ in range(claims)
    )
    client.force_login(team.editor)
    page = reverse("my-work", kwargs={"slug": team.workspace.slug})
    counts = reverse("header-counts", kwargs={"slug": team.workspace.slug})
    client.get(page)  # the session settles on the first visit
    # session, user, workspace, membership (read once per request), the four lists
    # (their related rows joined), the header's workspace switcher; none per row
    with django_assert_num_queries(9):
        assert len(client.get(page).context["work"].assigned) == claims
    # session, user, workspace, membership (once per request), unread, the three counts
    with django_assert_num_queries(8):
        assert client.get(counts).json()["my_work"] == claims


def test_following_a_claim_lists_it_under_my_work(client, claim, team, other_team):
    client.force_login(team.viewer)
    detail = reverse("claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk})
    follow = reverse("claim-follow", kwargs={"slug": team.workspace.slug, "pk": claim.pk})
    assert "Follow in My work" in client.get(detail).content.decode()
    client.post(follow, {"follow": "1"})
    assert "Stop following" in client.get(detail).content.decode()
    assert [c.pk for c in my_work(user=team.viewer, workspace=team.workspace).following] == [
        claim.pk
    ]
    body = client.get(f"/api/v1/workspaces/{team.workspace.slug}/my-work/").json()
    assert [c["id"] for c in body["following"]] == [claim.pk]
    client.post(follow, {"follow": "0"})
    assert my_work(user=team.viewer, workspace=team.workspace).following == []
    # Another workspace's member cannot follow it.
    client.force_login(other_team.admin)
    other = reverse("claim-follow", kwargs={"slug": other_team.workspace.slug, "pk": claim.pk})
    assert client.post(other, {"follow": "1"}).status_code == 404
