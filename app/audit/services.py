"""Appending to a workspace's audit chain.

Every service that changes state calls `audit_append` inside its own transaction,
so the event exists exactly when the change does.
"""

import datetime as dt
import decimal
import hashlib
import uuid
from collections.abc import Mapping
from typing import Any

import rfc8785
from django.db import connection

from app.audit.models import GENESIS_HASH, AuditEvent
from app.core.request_context import current_request_id, current_token_scope
from app.workspaces.models import Workspace


def actor_record(actor: Any) -> dict:
    """Describe who acted, as it will be frozen into the event.

    `None` is the system itself (management commands, migrations). The username is
    copied because it may change later; the event must say who it was then. A person
    acting through an API token is named with the token, so a script's changes can
    be told from their own.
    """
    if actor is None:
        return {"type": "system"}
    audit_actor = getattr(actor, "audit_actor", None)
    if callable(audit_actor):
        return audit_actor()
    record = {"type": "user", "id": actor.pk, "username": actor.get_username()}
    scope = current_token_scope()
    if scope is not None and scope.user_id == actor.pk:
        record["token"] = {"id": scope.token_id, "name": scope.name}
    return record


def to_jsonable(value: Any) -> Any:
    """Convert model field values to the JSON types that RFC 8785 can canonicalize."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_jsonable(item) for item in value]
        return sorted(items) if isinstance(value, set | frozenset) else items
    if hasattr(value, "pk"):
        return value.pk
    raise TypeError(f"Cannot record {type(value).__name__} in an audit event")


def fields_of(instance: Any, fields: list[str]) -> dict:
    """Read `fields` of a model instance as audit-ready values (`<fk>_id` for relations)."""
    return {field: to_jsonable(getattr(instance, field)) for field in fields}


def _format_at(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _lock_chain(workspace_id: int) -> None:
    """Serialize appends to one workspace's chain until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"sanad.audit.{workspace_id}"],
        )


def audit_append(
    *,
    workspace: Workspace,
    actor: Any,
    action: str,
    object_type: str,
    object_id: Any,
    before: Mapping | None = None,
    after: Mapping | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to the workspace's chain and return it.

    Must run inside the caller's transaction (raises `RuntimeError` otherwise): an
    event committed apart from its change could record something that never happened.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_append must run inside the transaction of the change")
    _lock_chain(workspace.pk)
    head = (
        AuditEvent.objects.filter(workspace_id=workspace.pk)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    at = dt.datetime.now(dt.UTC)
    actor_json = actor_record(actor)
    payload = {
        "workspace": workspace.pk,
        "seq": seq,
        "at": _format_at(at),
        "actor": actor_json,
        "action": action,
        "object": {"type": object_type, "id": str(object_id)},
        "before": to_jsonable(dict(before)) if before is not None else None,
        "after": to_jsonable(dict(after)) if after is not None else None,
        "reason": reason,
        "request_id": current_request_id() or "",
        "prev_hash": prev_hash,
    }
    canonical = rfc8785.dumps(payload).decode("utf-8")
    return AuditEvent.objects.create(
        workspace_id=workspace.pk,
        seq=seq,
        at=at,
        actor_user_id=actor_json.get("id") if actor_json["type"] == "user" else None,
        actor=actor_json,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=payload["before"],
        after=payload["after"],
        reason=reason,
        request_id=payload["request_id"],
        prev_hash=prev_hash,
        hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        canonical=canonical,
    )
