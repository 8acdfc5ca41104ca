from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from app.core.errors import NotFound
from app.workspaces.access import remember_membership, workspace_ids_for
from app.workspaces.models import Membership, Workspace


def workspace_list(*, user: Any) -> QuerySet[Workspace]:
    """The workspaces the user belongs to."""
    return Workspace.objects.filter(pk__in=workspace_ids_for(user)).order_by("name")


def workspace_get(*, user: Any, slug: str) -> Workspace:
    """Return the user's workspace with this slug; raises `NotFound` otherwise."""
    workspace = workspace_list(user=user).filter(slug=slug).first()
    if workspace is None:
        raise NotFound(_("No such workspace."))
    return workspace


def workspace_get_as_member(*, user: Any, slug: str) -> Workspace:
    """`workspace_get` in one query with the user's membership, which the request remembers.

    The role checks that follow (`access.membership_of`) then read nothing. Raises
    `NotFound` as `workspace_get` does.
    """
    membership = None
    if user is not None and getattr(user, "is_authenticated", False):
        membership = (
            Membership.objects.select_related("workspace")
            .filter(workspace_id__in=workspace_ids_for(user), user_id=user.pk, workspace__slug=slug)
            .first()
        )
    if membership is None:
        raise NotFound(_("No such workspace."))
    remember_membership(membership)
    return membership.workspace


def member_list(*, user: Any, workspace: Workspace) -> QuerySet[Membership]:
    """Members of a workspace the user belongs to, with their users."""
    return (
        Membership.objects.filter(workspace_id__in=workspace_ids_for(user))
        .filter(workspace=workspace)
        .select_related("user")
        .order_by("user__username")
    )


def member_user(*, user: Any, workspace: Workspace, user_id: int) -> Any | None:
    """The person `user_id` when they are a member of `workspace`, else None.

    `user` must belong to the workspace too (as in `member_list`). The browser and the API
    resolve an assignee this way; who may be assigned is the workflow's rule.
    """
    membership = member_list(user=user, workspace=workspace).filter(user_id=user_id).first()
    return membership.user if membership is not None else None
