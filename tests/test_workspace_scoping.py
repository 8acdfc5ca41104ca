"""A member of one workspace gets nothing of another, from any selector or page."""

import pytest
from django.urls import reverse

from app.articles import selectors as article_selectors
from app.articles.services import article_import_text
from app.claims import selectors as claim_selectors
from app.claims.evidence import evidence_add
from app.claims.services import claim_create, comment_add
from app.core.errors import NotFound
from app.sources import selectors as source_selectors
from app.sources.services import source_add
from app.workspaces import selectors as workspace_selectors

pytestmark = pytest.mark.django_db


def _populate(team):
    imported = article_import_text(
        workspace=team.workspace, text="The minister said exports doubled.", actor=team.reviewer
    )
    claim = claim_create(
        workspace=team.workspace,
        snapshot=imported.snapshot,
        start=4,
        end=12,
        exact="minister",
        actor=team.reviewer,
    )
    source, _ = source_add(
        workspace=team.workspace, url="https://example.org/s", actor=team.reviewer
    )
    evidence_add(claim=claim, source=source, stance="refutes", actor=team.reviewer)
    comment_add(claim=claim, body="check", actor=team.reviewer)
    return imported, claim, source


@pytest.fixture
def two_desks(team, other_team):
    return (team, _populate(team)), (other_team, _populate(other_team))


@pytest.mark.parametrize("role", ["admin", "editor", "reviewer", "viewer"])
def test_selectors_give_a_member_nothing_of_another_workspace(two_desks, role):
    (mine, _), (theirs, (their_import, their_claim, their_source)) = two_desks
    user = mine.member(role)
    their_ws = theirs.workspace

    assert list(workspace_selectors.workspace_list(user=user)) == [mine.workspace]
    with pytest.raises(NotFound):
        workspace_selectors.workspace_get(user=user, slug=their_ws.slug)
    assert not workspace_selectors.member_list(user=user, workspace=their_ws).exists()
    assert not article_selectors.article_list(user=user, workspace=their_ws).exists()
    with pytest.raises(NotFound):
        article_selectors.article_get(user=user, workspace=their_ws, pk=their_import.article.pk)
    with pytest.raises(NotFound):
        article_selectors.snapshot_get(user=user, workspace=their_ws, pk=their_import.snapshot.pk)
    assert not claim_selectors.claim_list(user=user, workspace=their_ws).exists()
    with pytest.raises(NotFound):
        claim_selectors.claim_get(user=user, workspace=their_ws, pk=their_claim.pk)
    assert not claim_selectors.rating_list(user=user, workspace=their_ws).exists()
    assert not source_selectors.source_list(user=user, workspace=their_ws).exists()
    with pytest.raises(NotFound):
        source_selectors.source_get(user=user, workspace=their_ws, pk=their_source.pk)
    assert not claim_selectors.evidence_for_claim(user=user, claim=their_claim).exists()


def test_selectors_give_a_member_their_own_workspace(two_desks):
    (mine, (my_import, my_claim, my_source)), _ = two_desks
    user = mine.viewer
    assert list(article_selectors.article_list(user=user, workspace=mine.workspace)) == [
        my_import.article
    ]
    assert (
        claim_selectors.claim_get(user=user, workspace=mine.workspace, pk=my_claim.pk) == my_claim
    )
    assert (
        source_selectors.source_get(user=user, workspace=mine.workspace, pk=my_source.pk)
        == my_source
    )
    assert claim_selectors.rating_list(user=user, workspace=mine.workspace).count() == 7


def test_selectors_give_anonymous_users_nothing(two_desks):
    from django.contrib.auth.models import AnonymousUser

    (mine, _), _ = two_desks
    assert not workspace_selectors.workspace_list(user=AnonymousUser()).exists()
    assert not article_selectors.article_list(
        user=AnonymousUser(), workspace=mine.workspace
    ).exists()


def test_pages_of_another_workspace_are_not_found(client, two_desks):
    (mine, _), (theirs, (their_import, _, _)) = two_desks
    client.force_login(mine.admin)
    slug = theirs.workspace.slug
    membership = theirs.workspace.memberships.first()
    for url in [
        reverse("workspace-home", kwargs={"slug": slug}),
        reverse("workspace-members", kwargs={"slug": slug}),
        reverse("article-detail", kwargs={"slug": slug, "pk": their_import.article.pk}),
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert their_import.article.title.encode() not in response.content
    response = client.post(
        reverse("workspace-member-role", kwargs={"slug": slug, "membership_id": membership.pk}),
        {"role": "viewer"},
    )
    assert response.status_code == 404
    # An article of theirs under my workspace's address is not found either.
    response = client.get(
        reverse(
            "article-detail", kwargs={"slug": mine.workspace.slug, "pk": their_import.article.pk}
        )
    )
    assert response.status_code == 404
