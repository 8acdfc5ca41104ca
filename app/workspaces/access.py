"""Who may do what in a workspace: the one place that answers it.

Services call `require_role`; selectors scope reads through `workspace_ids_for`.
A request made with an API token is held here too: while its scope is set
(`app.core.request_context`), the token's user reaches only the token's workspace and
acts there with the lower of their current role and the token's role. Sessions and
other users are unaffected.
"""

import copy
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from app.core.errors import NotFound, PermissionDenied
from app.core.request_context import TokenScope, current_token_scope, request_memo
from app.workspaces.models import Membership, Role, Workspace


def membership_of(user: Any, workspace: Workspace | int) -> Membership | None:
    """Return the user's active membership in the workspace, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    workspace_id = workspace.pk if isinstance(workspace, Workspace) else workspace
    scope = _token_scope_of(user)
    if scope is not None and scope.workspace_id != workspace_id:
        return None
    # The token check, the view, the service and the response each ask within one
    # request: read the row once. Any membership write forgets it (`Membership.save`).
    memo = request_memo()
    key = ("membership", user.pk, workspace_id)
    if memo is not None and key in memo:
        membership = memo[key]
    else:
        membership = Membership.objects.filter(
            user_id=user.pk, workspace_id=workspace_id, deactivated_at__isnull=True
        ).first()
        if memo is not None:
            memo[key] = membership
    if membership is not None and scope is not None:
        # Capped in memory only, on a copy (the remembered row stays as stored): callers
        # read the role, none saves this row.
        membership = copy.copy(membership)
        capped = min(membership.role_enum, Role(scope.role), key=lambda role: role.rank)
        membership.role = capped.value
    return membership


def remember_membership(membership: Membership) -> None:
    """Let the rest of this request use an active membership read along with something else.

    API token authentication reads the token's membership in the same statement as the
    token; with this, `membership_of` does not read the row again.
    """
    memo = request_memo()
    if memo is not None:
        memo[("membership", membership.user_id, membership.workspace_id)] = membership


def _token_scope_of(user: Any) -> TokenScope | None:
    """The current token's scope if `user` is the one acting through it."""
    scope = current_token_scope()
    if scope is not None and scope.user_id == user.pk:
        return scope
    return None


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
        raise NotFound(_("No such workspace."))
    if not membership.role_enum.includes(role):
        raise PermissionDenied(
            _("This needs the %(role)s role or higher in %(name)s; you are a %(yours)s.")
            % {
                "role": Role(role).label.lower(),
                "name": workspace.name,
                "yours": membership.role_enum.label.lower(),
            }
        )
    return membership


def workspace_ids_for(user: Any) -> QuerySet | list:
    """Ids of the workspaces the user belongs to (empty for anonymous users).

    A lazy subquery, so that `filter(workspace_id__in=...)` scopes a read without a
    round trip of its own.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    memberships = Membership.objects.filter(user_id=user.pk, deactivated_at__isnull=True)
    scope = _token_scope_of(user)
    if scope is not None:
        memberships = memberships.filter(workspace_id=scope.workspace_id)
    return memberships.values("workspace_id")
