"""The current request's id and API token, known to services without passing them around.

The audit trail records the id on every event so that one browser or API action can be
followed across its events and the server logs; the token scope caps what a script
may do (see `app.workspaces.access`).
"""

import contextvars
import re
import uuid
from dataclasses import dataclass

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "sanad_request_id", default=None
)

# Accept a caller's id only if it is short and plain, so it cannot smuggle markup or
# newlines into logs and exports.
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def new_request_id(candidate: str | None = None) -> str:
    """Return `candidate` if it is an acceptable id, else a fresh UUID4."""
    if candidate and _ACCEPTABLE_ID.match(candidate):
        return candidate
    return str(uuid.uuid4())


def current_request_id() -> str | None:
    return _request_id.get()


def set_request_id(value: str | None) -> contextvars.Token:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)


@dataclass(frozen=True)
class TokenScope:
    """The API token a request authenticated with: whose it is and how far it reaches.

    While one is set, `app.workspaces.access` confines its user to `workspace_id` and
    to at most `role` there, and the audit trail names the token on their events.
    """

    token_id: int
    name: str
    user_id: int
    workspace_id: int
    role: str


_token_scope: contextvars.ContextVar[TokenScope | None] = contextvars.ContextVar(
    "sanad_token_scope", default=None
)


def current_token_scope() -> TokenScope | None:
    return _token_scope.get()


def set_token_scope(value: TokenScope | None) -> contextvars.Token:
    return _token_scope.set(value)


def reset_token_scope(token: contextvars.Token) -> None:
    _token_scope.reset(token)


# What one request has already read and may read again (a member's role in a
# workspace is checked by the view, the service and the response): None outside a
# request, so services called from commands and tests always read afresh.
_request_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "sanad_request_memo", default=None
)


def request_memo() -> dict | None:
    return _request_memo.get()


def start_request_memo() -> contextvars.Token:
    return _request_memo.set({})


def reset_request_memo(token: contextvars.Token) -> None:
    _request_memo.reset(token)


def forget_request_memo() -> None:
    """Drop everything remembered so far (a write made it stale)."""
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()
