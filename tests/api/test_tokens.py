import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from app.audit.models import AuditEvent
from app.core.errors import PermissionDenied
from app.core.request_context import current_token_scope
from app.members.services import member_add, member_change_role
from app.members.tokens import api_token_create, api_token_revoke
from app.workspaces.models import ApiToken, Membership
from tests.api.conftest import assert_error, issue_token, token_client

pytestmark = pytest.mark.django_db


def test_the_tokens_page_shows_a_new_secret_once_and_stores_only_its_hash(client, team):
    client.force_login(team.reviewer)
    url = f"/w/{team.workspace.slug}/tokens/"

    created = client.post(url, {"name": "CMS import", "role": "reviewer"})

    assert created.status_code == 201
    token = ApiToken.objects.get(name="CMS import")
    secret = created.context["issued"].secret
    assert secret.encode() in created.content
    assert created["Cache-Control"] == "no-store"
    assert token.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.prefix, token.secret_sha256, token.name}
    again = client.get(url)
    assert secret.encode() not in again.content
    assert f"sanad_{token.prefix}_".encode() in again.content


def test_the_workspace_nav_links_to_the_tokens_page(client, team):
    client.force_login(team.viewer)
    page = client.get(f"/w/{team.workspace.slug}/")
    assert f'href="/w/{team.workspace.slug}/tokens/"'.encode() in page.content


def test_a_token_authenticates_its_user_in_its_workspace(team):
    client = token_client(issue_token(team.reviewer, team.workspace))
    response = client.get(f"/api/v1/workspaces/{team.workspace.slug}/")
    assert response.status_code == 200
    assert response.json()["role"] == "reviewer"


def test_a_token_cannot_reach_another_workspace_of_its_user(team, other_team):
    member_add(
        workspace=other_team.workspace, user=team.reviewer, role="editor", actor=other_team.admin
    )
    client = token_client(issue_token(team.reviewer, team.workspace))

    listing = client.get("/api/v1/workspaces/")
    other = client.get(f"/api/v1/workspaces/{other_team.workspace.slug}/claims/")

    assert [w["slug"] for w in listing.json()["results"]] == [team.workspace.slug]
    assert_error(other, 404, "not_found")


def test_a_token_is_capped_by_the_role_it_was_given(team, english_article):
    client = token_client(issue_token(team.editor, team.workspace, role="viewer"))
    url = f"/api/v1/workspaces/{team.workspace.slug}/sources/"

    assert client.get(url).status_code == 200
    assert_error(client.post(url, {"url": "https://example.org/a"}), 403, "permission_denied")
    assert client.get(f"/api/v1/workspaces/{team.workspace.slug}/").json()["role"] == "viewer"


def test_a_token_loses_rights_when_its_user_is_demoted(team):
    client = token_client(issue_token(team.reviewer, team.workspace))
    url = f"/api/v1/workspaces/{team.workspace.slug}/sources/"
    membership = Membership.objects.get(workspace=team.workspace, user=team.reviewer)
    member_change_role(membership=membership, role="viewer", actor=team.admin)

    assert_error(client.post(url, {"url": "https://example.org/a"}), 403, "permission_denied")


def test_a_token_of_someone_who_left_the_workspace_is_refused(team):
    client = token_client(issue_token(team.reviewer, team.workspace))
    Membership.objects.filter(workspace=team.workspace, user=team.reviewer).delete()

    assert_error(client.get("/api/v1/workspaces/"), 401, "authentication_failed")


def test_a_token_cannot_be_made_above_its_users_role(team):
    with pytest.raises(ValidationError) as error:
        api_token_create(workspace=team.workspace, actor=team.reviewer, name="x", role="admin")
    assert "role" in error.value.message_dict


def test_the_tokens_page_refuses_a_role_above_the_users_own(client, team):
    client.force_login(team.viewer)
    response = client.post(f"/w/{team.workspace.slug}/tokens/", {"name": "x", "role": "editor"})
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_a_revoked_token_gets_401(client, team):
    secret = issue_token(team.reviewer, team.workspace)
    token = ApiToken.objects.get()
    client.force_login(team.reviewer)

    client.post(f"/w/{team.workspace.slug}/tokens/{token.pk}/revoke/")

    token.refresh_from_db()
    assert token.revoked_at is not None
    response = token_client(secret).get("/api/v1/workspaces/")
    error = assert_error(response, 401, "authentication_failed")
    assert "revoked" in error["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_gets_401(team):
    secret = issue_token(team.reviewer, team.workspace)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    error = assert_error(token_client(secret).get("/api/v1/workspaces/"), 401)
    assert "expired" in error["message"]


def test_an_unknown_or_malformed_token_gets_401(team):
    secret = issue_token(team.reviewer, team.workspace)
    forged = secret[:-4] + ("aaaa" if not secret.endswith("aaaa") else "bbbb")
    for bad in (forged, "sanad_short_x", "nonsense"):
        assert_error(token_client(bad).get("/api/v1/workspaces/"), 401)


def test_no_credentials_get_401_with_a_bearer_challenge():
    response = token_client("x").__class__().get("/api/v1/workspaces/")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_last_used_is_noted_at_most_once_a_minute(team):
    client = token_client(issue_token(team.reviewer, team.workspace))
    token = ApiToken.objects.get()
    assert token.last_used_at is None

    client.get("/api/v1/workspaces/")
    token.refresh_from_db()
    first = token.last_used_at
    client.get("/api/v1/workspaces/")
    token.refresh_from_db()

    assert first is not None
    assert token.last_used_at == first
    ApiToken.objects.update(last_used_at=first - dt.timedelta(minutes=2))
    client.get("/api/v1/workspaces/")
    token.refresh_from_db()
    assert token.last_used_at > first - dt.timedelta(minutes=2)


def test_audit_events_name_the_token_that_made_the_change(team):
    secret = issue_token(team.reviewer, team.workspace, name="newsroom sync")
    token = ApiToken.objects.get()
    client = token_client(secret)

    client.post(
        f"/api/v1/workspaces/{team.workspace.slug}/sources/", {"url": "https://example.org/a"}
    )

    event = AuditEvent.objects.filter(action="source.created").get()
    assert event.actor == {
        "type": "user",
        "id": team.reviewer.pk,
        "username": team.reviewer.username,
        "token": {"id": token.pk, "name": "newsroom sync"},
    }
    assert current_token_scope() is None  # the request's scope did not outlive it


def test_creating_and_revoking_tokens_are_audited(team):
    issued = api_token_create(workspace=team.workspace, actor=team.editor, name="feed")
    api_token_revoke(token=issued.token, actor=team.admin)

    created, revoked = AuditEvent.objects.filter(object_type="api_token").order_by("seq")
    assert created.action == "api_token.created"
    assert created.after["prefix"] == issued.token.prefix
    assert issued.secret not in created.canonical
    assert issued.token.secret_sha256 not in created.canonical
    assert revoked.action == "api_token.revoked"
    assert revoked.actor["id"] == team.admin.pk


def test_only_the_owner_or_an_admin_may_revoke(team):
    issued = api_token_create(workspace=team.workspace, actor=team.reviewer, name="feed")
    with pytest.raises(PermissionDenied):
        api_token_revoke(token=issued.token, actor=team.editor)


def test_admins_see_every_token_of_the_workspace_and_others_only_their_own(client, team):
    issue_token(team.reviewer, team.workspace, name="reviewer script")
    issue_token(team.editor, team.workspace, name="editor script")

    client.force_login(team.admin)
    assert len(client.get(f"/w/{team.workspace.slug}/tokens/").context["tokens"]) == 2
    client.force_login(team.editor)
    tokens = client.get(f"/w/{team.workspace.slug}/tokens/").context["tokens"]
    assert [t.name for t in tokens] == ["editor script"]


def test_the_tokens_page_of_another_workspace_is_404(client, team, other_team):
    client.force_login(team.admin)
    assert client.get(f"/w/{other_team.workspace.slug}/tokens/").status_code == 404


@override_settings(SANAD_API_TOKEN_RATE="3/minute")
def test_a_token_is_throttled_on_its_own(team):
    client = token_client(issue_token(team.reviewer, team.workspace))
    other = token_client(issue_token(team.reviewer, team.workspace, name="second"))
    for _ in range(3):
        assert client.get("/api/v1/workspaces/").status_code == 200

    response = client.get("/api/v1/workspaces/")

    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert other.get("/api/v1/workspaces/").status_code == 200


def test_the_browser_session_still_works_on_the_api_and_needs_csrf(team):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(team.reviewer)
    url = f"/api/v1/workspaces/{team.workspace.slug}/sources/"

    assert client.get(url).status_code == 200
    assert_error(client.post(url, {"url": "https://example.org/a"}), 403, "permission_denied")


def test_a_secret_whose_random_part_holds_underscores_still_works(team, monkeypatch):
    monkeypatch.setattr("app.members.tokens.secrets.token_urlsafe", lambda n: "a_b_" + "c" * 40)
    secret = issue_token(team.reviewer, team.workspace)
    assert secret.count("_") > 2
    assert token_client(secret).get("/api/v1/workspaces/").status_code == 200
