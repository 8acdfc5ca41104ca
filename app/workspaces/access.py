"""Who may do what in a workspace: the one place that answers it.

Services call `require_role`; selectors scope reads through `workspace_ids_for`.
"""

from typing import Any

from django.db.models import QuerySet

from app.core.errors import NotFound, PermissionDenied
from app.workspaces.models import Membership, Role, Workspace


def membership_of(user: Any, workspace: Workspace | int) -> Membership | None:
    """Return the user's membership in the workspace, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    workspace_id = workspace.pk if isinstance(workspace, Workspace) else workspace
    return Membership.objects.filter(user_id=user.pk, workspace_id=workspace_id).first()


def require_role(*, workspace: Workspace, actor: Any, role: Role) -> Membership | None:
    """Check that `actor` holds at least `role` in `workspace`.

    `actor=None` is the system (management commands) and is always allowed.
    Raises `NotFound` for a non-member (the workspace's existence is not disclosed)
    and `PermissionDenied` for a member whose role is too low.
    """
    if actor is None:
        return None
    membership = membership_of(actor, workspace)
    if membership is None:
        raise NotFound("No such workspace.")
    if not membership.role_enum.includes(role):
        raise PermissionDenied(
            f"This needs the {Role(role).label.lower()} role or higher in {workspace.name}; "
            f"you are a {membership.role_enum.label.lower()}."
        )
    return membership


def workspace_ids_for(user: Any) -> QuerySet | list:
    """Ids of the workspaces the user belongs to (empty for anonymous users).

    A lazy subquery, so that `filter(workspace_id__in=...)` scopes a read without a
    round trip of its own.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return Membership.objects.filter(user_id=user.pk).values("workspace_id")
