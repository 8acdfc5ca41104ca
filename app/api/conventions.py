"""Helpers every API view uses: optimistic locking and input checking.

Resolving the URL's workspace needs the workspaces app: app/workspaces/api_conventions.py.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from app.api.errors import PreconditionFailed, PreconditionRequired

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag as last read, e.g. `"3"` (or `*` for whatever is current). '
    "A stale one gets 412; without the header the write is refused with 428.",
)


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
        raise PreconditionFailed(
            _("If-Match %(header)s is not an ETag of this resource.") % {"header": repr(header)}
        )
    return int(value)


def etag(version: int) -> str:
    return f'"{version}"'


def validated(serializer_class, request, **kwargs) -> dict:
    """The request body checked by `serializer_class` (400 with field messages if not)."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
