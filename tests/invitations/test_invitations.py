"""Invitations: issued by admins, accepted once by a new or an existing person."""

import datetime as dt
import hashlib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from app.audit.models import AuditEvent
from app.core.errors import NotFound, PermissionDenied
from app.invitations.models import Invitation
from app.invitations.services import (
    InvitationUnusable,
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
)
from app.workspaces.models import Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _invite(team, email="newcomer@example.org", role="editor"):
    return invitation_create(workspace=team.workspace, email=email, role=role, actor=team.admin)


def _link(token: str) -> str:
    return reverse("invitation-accept", kwargs={"token": token})


def _actions(team) -> list[str]:
    return list(
        AuditEvent.objects.filter(workspace=team.workspace)
        .order_by("seq")
        .values_list("action", flat=True)
    )


def _sign_up(client, token, **overrides):
    data = {
        "username": "maryam",
        "display_name": "مریم",
        "password": "a long and unusual passphrase",
        "password_again": "a long and unusual passphrase",
        **overrides,
    }
    return client.post(_link(token), data)


def test_an_admin_invites_and_sees_the_link_once_and_it_is_emailed(client, team):
    client.force_login(team.admin)
    url = reverse("invitation-list", kwargs={"slug": team.workspace.slug})
    response = client.post(url, {"email": "newcomer@example.org", "role": "editor"})
    assert response.status_code == 200
    link = response.context["issued_link"]
    assert link.startswith("http://testserver/invite/")
    assert response.context["emailed"] is True
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newcomer@example.org"]
    assert team.workspace.name in message.subject
    assert link in message.body
    assert "a-admin" in message.body.lower() or "A-Admin" in message.body
    # Listed as pending, and the link is not shown again.
    again = client.get(url)
    assert "newcomer@example.org" in again.content.decode()
    assert link not in again.content.decode()


def test_without_email_configured_the_link_is_shown_and_nothing_sent(client, team, settings):
    settings.SANAD_EMAIL_ENABLED = False
    client.force_login(team.admin)
    url = reverse("invitation-list", kwargs={"slug": team.workspace.slug})
    response = client.post(url, {"email": "newcomer@example.org", "role": "viewer"})
    assert response.context["emailed"] is False
    assert "pass the link on yourself" in response.content.decode()
    assert mail.outbox == []


def test_the_token_is_stored_only_as_its_hash(team):
    issued = _invite(team)
    key, secret = issued.token.split(".")
    row = Invitation.objects.get(pk=issued.invitation.pk)
    assert row.key == key
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    events = AuditEvent.objects.filter(workspace=team.workspace)
    assert not any(secret in event.canonical for event in events)


def test_a_new_person_chooses_username_display_name_and_password_and_joins(client, team):
    issued = _invite(team)
    page = client.get(_link(issued.token))
    assert page.status_code == 200
    assert team.workspace.name in page.content.decode()
    response = _sign_up(client, issued.token)
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace-home", kwargs={"slug": team.workspace.slug})
    membership = Membership.objects.get(workspace=team.workspace, user__username="maryam")
    assert membership.role == "editor"
    assert membership.user.email == "newcomer@example.org"
    assert membership.user.display_name == "مریم"
    assert membership.user.check_password("a long and unusual passphrase")
    # Signed in at once.
    assert (
        client.get(reverse("workspace-home", kwargs={"slug": team.workspace.slug})).status_code
        == 200
    )
    assert _actions(team)[-3:] == ["invitation.created", "member.added", "invitation.accepted"]


def test_django_password_validators_apply_and_nothing_is_written(client, team):
    issued = _invite(team)
    response = _sign_up(client, issued.token, password="12345678", password_again="12345678")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "password" in errors
    assert not Membership.objects.filter(user__username="maryam").exists()
    assert Invitation.objects.get(pk=issued.invitation.pk).accepted_at is None


def test_a_taken_username_is_a_field_error(client, team):
    issued = _invite(team)
    response = _sign_up(client, issued.token, username=team.viewer.username.upper())
    assert response.status_code == 400
    assert "username" in response.context["form"].errors


def test_an_existing_user_signs_in_and_joins(client, team):
    issued = _invite(team, email="someone@example.org", role="reviewer")
    person = UserFactory(username="outsider")
    page = client.get(_link(issued.token))
    assert f"/accounts/login/?next={_link(issued.token)}" in page.content.decode()
    client.force_login(person)
    response = client.post(_link(issued.token))
    assert response.status_code == 302
    assert Membership.objects.get(workspace=team.workspace, user=person).role == "reviewer"
    event = AuditEvent.objects.filter(workspace=team.workspace).order_by("-seq").first()
    assert event.action == "invitation.accepted"
    assert event.actor["username"] == "outsider"


def test_a_used_link_cannot_be_used_again(client, team):
    issued = _invite(team)
    _sign_up(client, issued.token)
    client.logout()
    assert client.get(_link(issued.token)).status_code == 410
    second = UserFactory(username="second")
    with pytest.raises(InvitationUnusable):
        invitation_accept(token=issued.token, user=second)
    assert not Membership.objects.filter(user=second).exists()


def test_an_expired_link_is_refused_and_recorded_once(client, team):
    issued = _invite(team)
    Invitation.objects.filter(pk=issued.invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get(_link(issued.token)).status_code == 410
    assert _sign_up(client, issued.token).status_code == 410
    assert _actions(team).count("invitation.expired_on_use") == 1
    assert not Membership.objects.filter(user__username="maryam").exists()


def test_the_expiry_is_configurable(team, settings):
    settings.SANAD_INVITATION_DAYS = 2
    issued = _invite(team)
    lifetime = issued.invitation.expires_at - issued.invitation.created_at
    assert dt.timedelta(days=2) - dt.timedelta(minutes=1) < lifetime <= dt.timedelta(days=2)


def test_a_revoked_link_is_refused(client, team):
    issued = _invite(team)
    invitation_revoke(invitation=issued.invitation, actor=team.admin)
    assert client.get(_link(issued.token)).status_code == 410
    assert "invitation.revoked" in _actions(team)


def test_resending_makes_a_new_link_and_kills_the_old(client, team):
    issued = _invite(team)
    resent = invitation_resend(invitation=issued.invitation, actor=team.admin)
    assert resent.token != issued.token
    assert client.get(_link(issued.token)).status_code == 404
    assert client.get(_link(resent.token)).status_code == 200
    assert "invitation.resent" in _actions(team)


def test_a_tampered_or_unknown_link_is_404(client, team):
    issued = _invite(team)
    key, secret = issued.token.split(".")
    assert client.get(_link(f"{key}.{secret[:-1]}x")).status_code == 404
    assert client.get(_link("nonsense")).status_code == 404
    assert client.get(_link(f"{'a' * 12}.{secret}")).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "reviewer", "editor"])
def test_only_admins_invite(client, team, role):
    with pytest.raises(PermissionDenied):
        invitation_create(
            workspace=team.workspace, email="x@example.org", role="viewer", actor=team.member(role)
        )
    client.force_login(team.member(role))
    url = reverse("invitation-list", kwargs={"slug": team.workspace.slug})
    assert client.post(url, {"email": "x@example.org", "role": "viewer"}).status_code == 403
    assert not Invitation.objects.exists()


def test_another_workspace_cannot_see_or_touch_an_invitation(client, team, other_team):
    issued = _invite(team)
    with pytest.raises(NotFound):
        invitation_revoke(invitation=issued.invitation, actor=other_team.admin)
    client.force_login(other_team.admin)
    url = reverse(
        "invitation-revoke",
        kwargs={"slug": other_team.workspace.slug, "invitation_id": issued.invitation.pk},
    )
    assert client.post(url).status_code == 404
    assert Invitation.objects.get(pk=issued.invitation.pk).revoked_at is None


def test_an_invitation_names_only_its_own_workspace(client, team, other_team):
    """The page and the e-mail say nothing of the invitee's or inviter's other workspaces."""
    from app.members.services import member_add

    member_add(
        workspace=other_team.workspace, user=team.admin, role="viewer", actor=other_team.admin
    )
    client.force_login(team.admin)
    client.post(
        reverse("invitation-list", kwargs={"slug": team.workspace.slug}),
        {"email": other_team.editor.email, "role": "viewer"},
    )
    token = mail.outbox[0].body.split("/invite/")[1].split("/")[0]
    assert other_team.workspace.name not in mail.outbox[0].body
    client.force_login(other_team.editor)
    page = client.get(_link(token)).content.decode()
    assert team.workspace.name in page
    # The header lists the visitor's own workspaces; the invitation adds none of the inviter's.
    assert page.count(other_team.workspace.name) == page.count(f">{other_team.workspace.name}<")


def test_bad_input_is_a_field_error(team):
    with pytest.raises(ValidationError) as error:
        invitation_create(
            workspace=team.workspace, email="not an address", role="boss", actor=team.admin
        )
    assert set(error.value.message_dict) == {"email", "role"}


def test_a_pending_address_or_a_member_cannot_be_invited_twice(team):
    _invite(team)
    with pytest.raises(ValidationError):
        _invite(team)
    with pytest.raises(ValidationError):
        _invite(team, email=team.viewer.email)


def test_an_existing_member_opening_a_link_is_told_and_nothing_changes(client, team):
    issued = _invite(team, email="spare@example.org")
    client.force_login(team.viewer)
    response = client.post(_link(issued.token))
    assert response.status_code == 302
    assert Membership.objects.get(workspace=team.workspace, user=team.viewer).role == "viewer"
    assert Invitation.objects.get(pk=issued.invitation.pk).accepted_at is None


def test_the_hourly_cleanup_removes_only_invitations_long_expired_and_records_each(team, settings):
    from app.invitations.services import invitation_remove_expired

    settings.SANAD_INVITATION_KEEP_DAYS = 30
    stale = _invite(team, email="stale@example.org").invitation
    recent = _invite(team, email="recent@example.org").invitation
    used = _invite(team, email="used@example.org")
    invitation_accept(token=used.token, user=UserFactory())
    long_ago = timezone.now() - dt.timedelta(days=31)
    Invitation.objects.filter(pk__in=[stale.pk, used.invitation.pk]).update(expires_at=long_ago)
    Invitation.objects.filter(pk=recent.pk).update(expires_at=timezone.now() - dt.timedelta(days=2))

    assert invitation_remove_expired() == 1
    assert invitation_remove_expired() == 0  # run again (a retry): nothing more

    assert set(Invitation.objects.values_list("email", flat=True)) == {
        "recent@example.org",
        "used@example.org",
    }
    event = AuditEvent.objects.get(workspace=team.workspace, action="invitation.expired_removed")
    assert (event.object_id, event.before["email"]) == (str(stale.pk), "stale@example.org")
    assert event.actor_user_id is None
