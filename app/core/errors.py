"""Domain errors raised by services, each with a stable code and an HTTP status.

Interfaces map them once (the browser to messages and status codes, the API in its
exception handler); services never return HTTP responses themselves. Bad field input
is Django's `ValidationError` with a dict of field names to messages.
"""


class DomainError(Exception):
    """A request that the domain refuses; `code` is stable and machine-readable."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFound(DomainError):
    """The object does not exist or lies outside the caller's workspaces.

    The two cases are deliberately indistinguishable, so that a member of one
    workspace learns nothing about another.
    """

    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    """The caller belongs to the workspace but their role does not allow the action."""

    code = "permission_denied"
    status = 403


class Conflict(DomainError):
    """The action collides with the current state (a stale version, a duplicate)."""

    code = "conflict"
    status = 409


class StaleVersion(Conflict):
    """The object changed after the caller read it; their edit would overwrite that change.

    The API answers it 412 (the `If-Match` precondition failed), the browser 409.
    """

    code = "stale_version"
    status = 409
