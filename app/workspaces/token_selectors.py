from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from app.core.errors import NotFound
from app.workspaces.access import membership_of
from app.workspaces.models import ApiToken, Role, Workspace


def api_token_list(*, user: Any, workspace: Workspace) -> QuerySet[ApiToken]:
    """The workspace's tokens the user may see: their own, or all of them for an admin."""
    membership = membership_of(user, workspace)
    if membership is None:
        return ApiToken.objects.none()
    tokens = ApiToken.objects.filter(workspace=workspace).select_related("user")
    if not membership.role_enum.includes(Role.ADMIN):
        tokens = tokens.filter(user_id=user.pk)
    return tokens.order_by("-created_at", "-id")


def api_token_get(*, user: Any, workspace: Workspace, pk: int) -> ApiToken:
    token = api_token_list(user=user, workspace=workspace).filter(pk=pk).first()
    if token is None:
        raise NotFound(_("No such token."))
    return token
