"""Token authentication for scripts: `Authorization: Bearer sanad_…`."""

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from app.api.throttling import ApiTokenRateThrottle
from app.core.request_context import TokenScope, set_token_scope
from app.members.tokens import TokenRejected, api_token_authenticate


def _count_window(request) -> dt.datetime | None:
    """Where the view's token throttle counts in PostgreSQL, for the token's own statement."""
    view = (getattr(request, "parser_context", None) or {}).get("view")
    for throttle in view.get_throttles() if view is not None else ():
        if isinstance(throttle, ApiTokenRateThrottle):
            return throttle.fixed_window()
    return None


class ApiTokenAuthentication(BaseAuthentication):
    """Authenticate with an API token and confine the request to the token's reach.

    On success the token's scope is set for the rest of the request (reset by
    `TokenScopeMiddleware`), so every role check and scoped read in the services and
    selectors sees the token's limits without being told. A request without a
    Bearer header falls through to the next authenticator (the session).
    """

    keyword = b"bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise AuthenticationFailed(_("Send the header as “Authorization: Bearer <token>”."))
        try:
            secret = header[1].decode("ascii")
            token = api_token_authenticate(secret, count_window=_count_window(request))
        except (UnicodeDecodeError, TokenRejected) as error:
            message = str(error) if isinstance(error, TokenRejected) else "Malformed token."
            raise AuthenticationFailed(message) from None
        set_token_scope(
            TokenScope(
                token_id=token.pk,
                name=token.name,
                user_id=token.user_id,
                workspace_id=token.workspace_id,
                role=token.role,
            )
        )
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class ApiTokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token made on the workspace's Tokens page "
            "(`sanad_<prefix>_<secret>`); it acts for its user in its workspace only, "
            "with at most the lower of the token's and the user's current role.",
        }
