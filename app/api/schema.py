"""OpenAPI details shared by every endpoint: the error shape and which errors can happen."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter

SLUG = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description="The workspace's address, e.g. `desk-a`."
)

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every API error has this shape; `fields` lists bad input by field.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "status": {"type": "integer", "example": 400},
                "code": {"type": "string", "example": "invalid"},
                "message": {"type": "string", "example": "Some fields are invalid; see `fields`."},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    "example": {"end": ["End must be greater than start."]},
                },
            },
            "required": ["status", "code", "message"],
        }
    },
    "required": ["error"],
}

_ERRORS = {
    "400": "Bad input or query parameters (`invalid`), with field-level messages.",
    "401": "No credentials, or an unknown, revoked or expired token.",
    "403": "Your role (or your token's) does not allow this, or a missing CSRF token.",
    "404": "No such object in your workspaces (objects of other workspaces are 404 too).",
    "429": "Too many requests with this token; see Retry-After.",
}
_WRITE_ERRORS = {"409": "The action conflicts with the object's current state."}
_LOCKED_WRITE_ERRORS = {
    "412": "If-Match does not name the current version (`stale_version`).",
    "428": "If-Match is missing (`precondition_required`).",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: document the error shape on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = dict(_ERRORS)
            if method != "get":
                errors.update(_WRITE_ERRORS)
            if any(p.get("name") == "If-Match" for p in operation.get("parameters", [])):
                errors.update(_LOCKED_WRITE_ERRORS)
            for code, description in errors.items():
                operation["responses"].setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result


def example(name: str, value, *, request: bool = False, status: int = 200, summary: str = ""):
    """An OpenApiExample for a request body (`request=True`) or a response."""
    return OpenApiExample(
        name,
        value=value,
        summary=summary or name,
        request_only=request,
        response_only=not request,
        status_codes=None if request else [str(status)],
    )


def page_of(*items) -> dict:
    """A cursor page's example body."""
    return {
        "next": "https://sanad.example/api/v1/…?cursor=cD0yMDI1LTA2LTE4",
        "previous": None,
        "results": list(items),
    }
