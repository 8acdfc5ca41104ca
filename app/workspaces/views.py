"""What every browser view of a workspace starts with: entering it."""

from django.http import HttpRequest

from app.accounts.locale import apply_workspace_default
from app.workspaces.access import membership_of, require_role
from app.workspaces.models import Role, Workspace
from app.workspaces.selectors import workspace_get

SESSION_WORKSPACE_KEY = "sanad_workspace"


def enter_workspace(request: HttpRequest, slug: str, role: Role | None = None) -> Workspace:
    """Resolve the URL's workspace for the signed-in user and remember it as current.

    Raises `NotFound` when the user is not a member, and `PermissionDenied` when
    `role` is given and the member's role is lower: a view that writes names its role
    here, so it refuses before it reads any input.
    """
    workspace = workspace_get(user=request.user, slug=slug)
    if role is not None:
        require_role(workspace=workspace, actor=request.user, role=role)
    request.workspace = workspace
    apply_workspace_default(request, workspace.default_language)
    request.membership = membership_of(request.user, workspace)
    if request.session.get(SESSION_WORKSPACE_KEY) != workspace.slug:
        request.session[SESSION_WORKSPACE_KEY] = workspace.slug
    return workspace
