"""Helpers every API view uses: resolving the URL's workspace and optimistic locking."""

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import SAFE_METHODS

from app.api.errors import PreconditionFailed, PreconditionRequired
from app.workspaces.access import require_role
from app.workspaces.models import Role, Workspace
from app.workspaces.selectors import workspace_get, workspace_list

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag as last read, e.g. `"3"` (or `*` for whatever is current). '
    "A stale one gets 412; without the header the write is refused with 428.",
)


WORKSPACE_QUERY = OpenApiParameter(
    "workspace", OpenApiTypes.STR, required=True, description="Slug of one of your workspaces."
)
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


def workspace_from_query(request, role: Role = Role.VIEWER) -> Workspace:
    """The workspace named by `?workspace=<slug>`, for endpoints outside `/workspaces/<slug>/`.

    400 when it is missing, 404 when the caller is not a member (or the slug is not
    well-formed: only such a slug reaches the database), 403 below `role`.
    """
    slug = request.query_params.get("workspace", "")
    if not slug:
        raise ValidationError({"workspace": ["Name the workspace by its slug."]})
    found = (
        workspace_list(user=request.user).filter(slug=slug).first()
        if _SLUG.fullmatch(slug)
        else None
    )
    if found is None:
        raise NotFound("No such workspace.")
    require_role(workspace=found, actor=request.user, role=role)
    return found


def if_match_version(request, current_version: int) -> int:
    """The version the client last read, from `If-Match`, for a service's version check.

    The service compares it under a row lock, so a change that lands between this
    read and the write is still caught there (and answered 412 too).
    """
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise PreconditionRequired()
    value = header.strip()
    if value == "*":
        return current_version
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not value.isdigit() or not value.isascii():
        raise PreconditionFailed(f"If-Match {header!r} is not an ETag of this resource.")
    return int(value)


def etag(version: int) -> str:
    return f'"{version}"'


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
            self._workspace = workspace_get(user=self.request.user, slug=self.kwargs["slug"])
        return self._workspace


def validated(serializer_class, request, **kwargs) -> dict:
    """The request body checked by `serializer_class` (400 with field messages if not)."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
