"""The one lookup of a member by id and of a person by username (browser and API share them)."""

from app.accounts.selectors import user_by_username
from app.workspaces.selectors import member_user


def test_a_member_is_found_by_id(team):
    found = member_user(user=team.admin, workspace=team.workspace, user_id=team.reviewer.pk)

    assert found == team.reviewer


def test_someone_of_another_workspace_is_no_member(team, other_team):
    found = member_user(user=team.admin, workspace=team.workspace, user_id=other_team.editor.pk)

    assert found is None


def test_an_outsider_cannot_look_into_the_workspace(team, other_team):
    found = member_user(user=other_team.admin, workspace=team.workspace, user_id=team.editor.pk)

    assert found is None


def test_a_username_is_matched_exactly(team):
    assert user_by_username(team.editor.username) == team.editor
    assert user_by_username(team.editor.username + "x") is None
