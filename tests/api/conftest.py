"""API test helpers: clients authenticated by token (as scripts are) or by session."""

import pytest
from rest_framework.test import APIClient

from app.members.tokens import api_token_create


def issue_token(user, workspace, *, role: str = "", name: str = "test script") -> str:
    """Make a token through the service and return its secret."""
    return api_token_create(workspace=workspace, actor=user, name=name, role=role).secret


def token_client(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def as_member(team):
    """`as_member("editor")`: a client with a token of that member of `team`."""

    def make(role: str, *, token_role: str = "") -> APIClient:
        return token_client(issue_token(team.member(role), team.workspace, role=token_role))

    return make


@pytest.fixture
def ws_url(team):
    """`ws_url("claims/")` → the team workspace's API URL for that path."""

    def make(path: str = "", slug: str | None = None) -> str:
        return f"/api/v1/workspaces/{slug or team.workspace.slug}/{path}"

    return make


def assert_error(response, status: int, code: str | None = None, fields=()) -> dict:
    """Check the one error shape and return its body's `error`."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["status"] == status
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code
    for field in fields:
        assert field in error.get("fields", {}), error
    return error
