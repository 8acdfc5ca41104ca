"""Every API error in one JSON shape, mapped here once.

    {"error": {"status": 400, "code": "invalid", "message": "…",
               "fields": {"field": ["message", …]}}}

`fields` is present for bad input only; nested fields are named by dotted paths
(`selectors.0.start`). Domain errors keep their own code and status, except that a
stale claim version (the services' `StaleVersion`, a 409 in the browser) is 412
here: to an API client it is the same failed `If-Match` precondition whether the
change happened before the request or while it waited for the row lock.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from app.core.errors import DomainError, StaleVersion


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale_version"
    default_detail = _("The resource changed since you read it; fetch it again.")


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = _("Send If-Match with the ETag you read, so a newer change is not lost.")


def error_body(status_code: int, code: str, message: str, fields: dict | None = None) -> dict:
    body = {"status": status_code, "code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def _flatten(detail, path: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"dotted.path": [messages]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            # A nested serializer's own errors belong to the field that holds it.
            if key == "non_field_errors" and path:
                flat.update(_flatten(value, path))
            else:
                flat.update(_flatten(value, f"{path}.{key}" if path else str(key)))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, value in enumerate(detail):
            flat.update(_flatten(value, f"{path}.{index}" if path else str(index)))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {path or "non_field_errors": [str(message) for message in messages if message]}


def _validation_message(fields: dict[str, list[str]]) -> str:
    if len(fields) == 1:
        ((name, messages),) = fields.items()
        if name == "non_field_errors" and messages:
            return messages[0]
    return _("Some fields are invalid; see `fields`.")


def api_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: the one place API errors get their shape."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, StaleVersion):
        exc = PreconditionFailed(exc.message)
    elif isinstance(exc, DomainError):
        set_rollback()
        return Response(error_body(exc.status, exc.code, exc.message), status=exc.status)

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        response.data = error_body(
            response.status_code, "invalid", _validation_message(fields), fields
        )
        return response
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.APIException) and isinstance(exc.detail, str):
        code = getattr(exc.detail, "code", None) or code
        message = str(exc.detail)
    else:
        message = str(getattr(exc, "detail", exc))
    response.data = error_body(response.status_code, code, message)
    return response
