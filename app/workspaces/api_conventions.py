"""What every API view under a workspace shares: resolving the workspace, by URL or query."""

import re

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import SAFE_METHODS

from app.workspaces.access import require_role
from app.workspaces.models import ApiToken, Role, Workspace
from app.workspaces.selectors import workspace_get_as_member, workspace_list

WORKSPACE_QUERY = OpenApiParameter(
    "workspace", OpenApiTypes.STR, required=True, description="Slug of one of your workspaces."
)
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


def token_workspace(request, slug: str) -> Workspace | None:
    """The workspace read with the request's API token, if the URL names that one.

    Token authentication has read the token's workspace and checked the membership
    there in its one statement (`api_token_authenticate`); a token reaches no other
    workspace, so any other slug is left to `workspace_get` (which answers 404).
    """
    auth = getattr(request, "auth", None)
    if (
        isinstance(auth, ApiToken)
        and ApiToken.workspace.is_cached(auth)
        and auth.workspace.slug == slug
    ):
        return auth.workspace
    return None


def workspace_from_query(request, role: Role = Role.VIEWER) -> Workspace:
    """The workspace named by `?workspace=<slug>`, for endpoints outside `/workspaces/<slug>/`.

    400 when it is missing, 404 when the caller is not a member (or the slug is not
    well-formed: only such a slug reaches the database), 403 below `role`.
    """
    slug = request.query_params.get("workspace", "")
    if not slug:
        raise ValidationError({"workspace": [_("Name the workspace by its slug.")]})
    found = token_workspace(request, slug) or (
        workspace_list(user=request.user).filter(slug=slug).first()
        if _SLUG.fullmatch(slug)
        else None
    )
    if found is None:
        raise NotFound(_("No such workspace."))
    require_role(workspace=found, actor=request.user, role=role)
    return found


class WorkspaceView(GenericAPIView):
    """An API view under `/workspaces/<slug>/`: the workspace is the caller's or a 404.

    Lists implement `scoped_queryset`; their class-level `queryset` (`.none()`) only
    tells the schema generator the model, which it needs without a request.
    """

    _workspace: Workspace | None = None
    # The least role a write (any unsafe method) needs here. Checked with the
    # workspace before the body is read, so an outsider gets 404 and a member with
    # too low a role 403, never a 400 that would show the endpoint exists for them;
    # the services check the finer rules again.
    write_role: Role = Role.REVIEWER

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if getattr(self, "swagger_fake_view", False) or "slug" not in self.kwargs:
            return
        workspace = self.workspace
        if request.method not in SAFE_METHODS:
            require_role(workspace=workspace, actor=request.user, role=self.write_role)
            # A write under an object's URL: another workspace's object is 404
            # before the body is read.
            for getter in ("claim", "article"):
                if callable(getattr(self, getter, None)):
                    getattr(self, getter)()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return self.scoped_queryset()

    def scoped_queryset(self):
        raise NotImplementedError

    @property
    def workspace(self) -> Workspace:
        if self._workspace is None:
            slug = self.kwargs["slug"]
            self._workspace = token_workspace(self.request, slug) or workspace_get_as_member(
                user=self.request.user, slug=slug
            )
        return self._workspace
