from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from app.core.errors import NotFound
from app.invitations.models import Invitation
from app.workspaces.access import workspace_ids_for
from app.workspaces.models import Workspace


def invitation_list(*, user: Any, workspace: Workspace) -> QuerySet[Invitation]:
    """Invitations of a workspace the user belongs to that are neither accepted nor
    revoked (expired ones included, so that they can be resent)."""
    return (
        Invitation.objects.filter(workspace_id__in=workspace_ids_for(user))
        .filter(workspace=workspace, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at", "-id")
    )


def invitation_get(*, user: Any, workspace: Workspace, pk: int) -> Invitation:
    """One invitation of the user's workspace; raises `NotFound` otherwise."""
    found = (
        Invitation.objects.filter(workspace_id__in=workspace_ids_for(user))
        .filter(workspace=workspace, pk=pk)
        .select_related("workspace")
        .first()
    )
    if found is None:
        raise NotFound(_("No such invitation."))
    return found
