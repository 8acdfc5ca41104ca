import pytest
from django.core.exceptions import ValidationError

from app.audit.models import AuditEvent
from app.claims.models import Rating
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.members.services import member_add, member_change_role, workspace_create
from app.workspaces.models import Membership, Role, Workspace
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_workspace_create_makes_creator_admin_and_default_scale():
    founder = UserFactory()

    workspace = workspace_create(name="  Desk فارسی ", creator=founder)

    assert workspace.name == "Desk فارسی"
    assert workspace.slug == "desk"
    membership = Membership.objects.get(workspace=workspace, user=founder)
    assert membership.role == Role.ADMIN
    labels = list(Rating.objects.filter(workspace=workspace).values_list("label", "value"))
    assert labels == [
        ("True", 6),
        ("Mostly true", 5),
        ("Mixed", 4),
        ("Misleading", 3),
        ("Mostly false", 2),
        ("False", 1),
        ("Unverifiable", None),
    ]
    actions = list(
        AuditEvent.objects.filter(workspace=workspace)
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[:2] == ["workspace.created", "member.added"]
    assert actions.count("rating.created") == 7


def test_workspace_create_gives_each_workspace_its_own_slug():
    founder = UserFactory()
    first = workspace_create(name="Newsroom", creator=founder)
    second = workspace_create(name="Newsroom", creator=founder)
    assert (first.slug, second.slug) == ("newsroom", "newsroom-2")


@pytest.mark.parametrize(
    ("name", "slug", "field"),
    [("   ", "", "name"), ("Desk", "Has Spaces", "slug"), ("Desk", "دسک", "slug")],
)
def test_workspace_create_refuses_bad_input_and_writes_nothing(name, slug, field):
    founder = UserFactory()
    with pytest.raises(ValidationError) as caught:
        workspace_create(name=name, slug=slug, creator=founder)
    assert field in caught.value.message_dict
    assert not Workspace.objects.exists()
    assert not AuditEvent.objects.exists()


def test_workspace_create_refuses_a_taken_slug():
    founder = UserFactory()
    workspace_create(name="One", slug="desk", creator=founder)
    with pytest.raises(ValidationError) as caught:
        workspace_create(name="Two", slug="desk", creator=founder)
    assert "slug" in caught.value.message_dict
    assert Workspace.objects.count() == 1


def test_member_add_by_admin_records_the_role(team):
    newcomer = UserFactory()

    membership = member_add(
        workspace=team.workspace, user=newcomer, role="reviewer", actor=team.admin
    )

    assert membership.role == Role.REVIEWER
    event = AuditEvent.objects.filter(workspace=team.workspace).latest("seq")
    assert event.action == "member.added"
    assert event.after["role"] == "reviewer"
    assert event.actor["username"] == team.admin.username


@pytest.mark.parametrize("role", ["editor", "reviewer", "viewer"])
def test_member_add_needs_an_admin(team, role):
    with pytest.raises(PermissionDenied):
        member_add(
            workspace=team.workspace, user=UserFactory(), role="viewer", actor=team.member(role)
        )


def test_member_add_by_an_outsider_is_not_found(team, other_team):
    with pytest.raises(NotFound):
        member_add(
            workspace=team.workspace, user=UserFactory(), role="viewer", actor=other_team.admin
        )


def test_member_add_refuses_unknown_role_and_duplicates(team):
    with pytest.raises(ValidationError) as caught:
        member_add(workspace=team.workspace, user=UserFactory(), role="owner", actor=team.admin)
    assert "role" in caught.value.message_dict
    with pytest.raises(Conflict):
        member_add(workspace=team.workspace, user=team.viewer, role="editor", actor=team.admin)


def test_member_change_role_records_before_and_after(team):
    membership = Membership.objects.get(workspace=team.workspace, user=team.viewer)

    member_change_role(membership=membership, role="editor", actor=team.admin)

    membership.refresh_from_db()
    assert membership.role == Role.EDITOR
    event = AuditEvent.objects.filter(workspace=team.workspace).latest("seq")
    assert (event.action, event.before, event.after) == (
        "member.role_changed",
        {"role": "viewer"},
        {"role": "editor"},
    )


def test_member_change_role_keeps_the_last_admin(team):
    membership = Membership.objects.get(workspace=team.workspace, user=team.admin)
    with pytest.raises(ValidationError) as caught:
        member_change_role(membership=membership, role="editor", actor=team.admin)
    assert "role" in caught.value.message_dict
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_member_change_role_needs_an_admin(team):
    membership = Membership.objects.get(workspace=team.workspace, user=team.viewer)
    with pytest.raises(PermissionDenied):
        member_change_role(membership=membership, role="admin", actor=team.editor)
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER
