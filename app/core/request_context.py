"""The current request's id, available to services without passing it through every call.

The audit trail records it on every event so that one browser or API action can be
followed across its events and the server logs.
"""

import contextvars
import re
import uuid

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
