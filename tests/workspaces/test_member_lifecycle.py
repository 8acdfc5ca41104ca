"""Members: deactivated, removed or leaving, their access ends at the next request."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from app.audit.models import AuditEvent
from app.core.errors import Conflict, PermissionDenied
from app.members.services import (
    member_add,
    member_change_role,
    member_deactivate,
    member_leave,
    member_password_reset_issue,
    member_reactivate,
    member_remove,
)
from app.members.tokens import api_token_create
from app.workspaces.models import ApiToken, Membership

pytestmark = pytest.mark.django_db


def _membership(team, user):
    return Membership.objects.get(workspace=team.workspace, user=user)


def _home(team):
    return reverse("workspace-home", kwargs={"slug": team.workspace.slug})


def _api(team):
    return f"/api/v1/workspaces/{team.workspace.slug}/claims/"


@pytest.fixture
def signed_in_editor(client, team):
    """The editor with an open session and a token, both working."""
    client.force_login(team.editor)
    secret = api_token_create(workspace=team.workspace, actor=team.editor, name="script").secret
    assert client.get(_home(team)).status_code == 200
    assert client.get(_api(team), HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    return secret


def _assert_cut_off(client, team, secret):
    assert client.get(_home(team)).status_code == 404
    client.logout()
    assert client.get(_api(team), HTTP_AUTHORIZATION=f"Bearer {secret}").status_code in (401, 403)


def test_deactivation_ends_session_access_and_tokens_at_once(client, team, signed_in_editor):
    member_deactivate(membership=_membership(team, team.editor), actor=team.admin)
    assert ApiToken.objects.get(user=team.editor).revoked_at is not None
    _assert_cut_off(client, team, signed_in_editor)


def test_reactivation_lets_the_member_back_with_their_role(client, team):
    membership = member_deactivate(membership=_membership(team, team.editor), actor=team.admin)
    member_reactivate(membership=membership, actor=team.admin)
    client.force_login(team.editor)
    assert client.get(_home(team)).status_code == 200
    with pytest.raises(Conflict):
        member_reactivate(membership=membership, actor=team.admin)


def test_removal_ends_session_access_and_tokens_at_once(client, team, signed_in_editor):
    member_remove(membership=_membership(team, team.editor), actor=team.admin)
    assert not Membership.objects.filter(workspace=team.workspace, user=team.editor).exists()
    _assert_cut_off(client, team, signed_in_editor)
    event = AuditEvent.objects.filter(workspace=team.workspace).order_by("-seq").first()
    assert event.action == "member.removed"
    assert event.before["tokens_revoked"] == 1


def test_a_role_change_applies_to_open_sessions_and_tokens_at_once(client, team, signed_in_editor):
    member_change_role(membership=_membership(team, team.editor), role="viewer", actor=team.admin)
    import_url = reverse("article-import", kwargs={"slug": team.workspace.slug})
    assert client.get(import_url).status_code == 403
    client.logout()
    response = client.post(
        f"/api/v1/workspaces/{team.workspace.slug}/articles/",
        {"text": "Hello.", "title": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {signed_in_editor}",
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "act",
    [
        lambda team, m: member_remove(membership=m, actor=team.admin),
        lambda team, m: member_deactivate(membership=m, actor=team.admin),
        lambda team, m: member_change_role(membership=m, role="editor", actor=team.admin),
        lambda team, m: member_leave(workspace=team.workspace, actor=team.admin),
    ],
    ids=["remove", "deactivate", "demote", "leave"],
)
def test_the_last_active_admin_stays(team, act):
    with pytest.raises(ValidationError):
        act(team, _membership(team, team.admin))
    assert _membership(team, team.admin).role == "admin"
    assert _membership(team, team.admin).is_active


def test_a_deactivated_admin_does_not_count_as_the_other_admin(team):
    member_change_role(membership=_membership(team, team.editor), role="admin", actor=team.admin)
    member_deactivate(membership=_membership(team, team.editor), actor=team.admin)
    with pytest.raises(ValidationError):
        member_remove(membership=_membership(team, team.admin), actor=team.admin)


def test_with_a_second_admin_one_may_go(team):
    member_change_role(membership=_membership(team, team.editor), role="admin", actor=team.admin)
    member_leave(workspace=team.workspace, actor=team.admin)
    assert not Membership.objects.filter(workspace=team.workspace, user=team.admin).exists()


def test_a_member_leaves_through_the_page(client, team):
    client.force_login(team.viewer)
    url = reverse("workspace-member-leave", kwargs={"slug": team.workspace.slug})
    client.post(url)  # not confirmed: nothing happens
    assert client.get(_home(team)).status_code == 200
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert client.get(_home(team)).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "reviewer", "editor"])
def test_only_admins_manage_members(team, role):
    with pytest.raises(PermissionDenied):
        member_remove(membership=_membership(team, team.viewer), actor=team.member(role))


def test_the_members_page_deactivates_and_removes(client, team):
    client.force_login(team.admin)
    membership = _membership(team, team.viewer)
    url = reverse(
        "workspace-member-action",
        kwargs={
            "slug": team.workspace.slug,
            "membership_id": membership.pk,
            "action": "deactivate",
        },
    )
    assert client.post(url).status_code == 302
    assert not _membership(team, team.viewer).is_active
    page = client.get(reverse("workspace-members", kwargs={"slug": team.workspace.slug}))
    assert "deactivated" in page.content.decode()
    url = url.replace("/deactivate/", "/remove/")
    client.post(url)
    assert not Membership.objects.filter(workspace=team.workspace, user=team.viewer).exists()
    bogus = url.replace("/remove/", "/promote/")
    assert client.post(bogus).status_code == 404


def test_an_admin_issues_a_password_reset_link_shown_once(client, team):
    client.force_login(team.admin)
    membership = _membership(team, team.reviewer)
    url = reverse(
        "workspace-member-password-reset",
        kwargs={"slug": team.workspace.slug, "membership_id": membership.pk},
    )
    response = client.post(url)
    link = response.context["link"]
    assert "/accounts/reset/" in link
    client.logout()
    form = client.get(link, follow=True)  # Django swaps the token for a session marker
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert done.status_code == 302
    team.reviewer.refresh_from_db()
    assert team.reviewer.check_password("a brand new passphrase")
    actions = AuditEvent.objects.filter(workspace=team.workspace).values_list("action", flat=True)
    assert "member.password_reset_issued" in actions


def test_no_reset_link_for_someone_who_also_belongs_elsewhere(team, other_team):
    member_add(
        workspace=other_team.workspace, user=team.reviewer, role="viewer", actor=other_team.admin
    )
    with pytest.raises(PermissionDenied):
        member_password_reset_issue(membership=_membership(team, team.reviewer), actor=team.admin)
