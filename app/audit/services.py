"""Appending to a workspace's audit chain.

Every service that changes state calls `audit_append` inside its own transaction,
so the event exists exactly when the change does.
"""

import datetime as dt
import decimal
import hashlib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import rfc8785
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from app.audit import events, signing
from app.audit.events import PendingEvent
from app.audit.models import GENESIS_HASH, AuditEvent, Checkpoint
from app.audit.verify import checkpoint_message
from app.core.errors import Conflict
from app.core.request_context import current_request_id, current_token_scope
from app.workspaces.access import require_role
from app.workspaces.models import Role, Workspace


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


def _lock_chain_and_read_head(workspace_id: int) -> tuple[int, str] | None:
    """Take the chain's lock, then read its head: two statements in one round trip.

    Sent as one simple-protocol query (no parameters; the id is an int), whose second
    statement takes its own snapshot after the first has waited for the lock, so it
    sees the head the previous holder committed.
    """
    workspace_id = int(workspace_id)  # the only value written into the text
    with connection.cursor() as cursor:
        w = workspace_id
        lock = f"SELECT pg_advisory_xact_lock(hashtextextended('sanad.audit.{w}', 0))"
        head = f"SELECT seq, hash FROM audit_auditevent WHERE workspace_id = {w}"  # noqa: S608
        cursor.execute(f"{lock}; {head} ORDER BY seq DESC LIMIT 1")
        cursor.nextset()
        return cursor.fetchone()


def audit_append(
    *,
    workspace: Workspace,
    actor: Any,
    event: PendingEvent,
) -> AuditEvent:
    """Append `event`, made by its constructor in `app.audit.events`, to the workspace's
    chain and return the stored event.

    Must run inside the caller's transaction (raises `RuntimeError` otherwise): an
    event committed apart from its change could record something that never happened.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_append must run inside the transaction of the change")
    head = _lock_chain_and_read_head(workspace.pk)
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    at = dt.datetime.now(dt.UTC)
    actor_json = actor_record(actor)
    action, object_id = str(event.action), str(event.object_id)
    before, after, reason = event.before, event.after, event.reason
    payload = {
        "workspace": workspace.pk,
        "seq": seq,
        "at": _format_at(at),
        "actor": actor_json,
        "action": action,
        "object": {"type": event.object_type, "id": object_id},
        "before": to_jsonable(dict(before)) if before is not None else None,
        "after": to_jsonable(dict(after)) if after is not None else None,
        "reason": reason,
        "request_id": current_request_id() or "",
        "prev_hash": prev_hash,
    }
    canonical = rfc8785.dumps(payload).decode("utf-8")
    stored = AuditEvent.objects.create(
        workspace_id=workspace.pk,
        seq=seq,
        at=at,
        actor_user_id=actor_json.get("id") if actor_json["type"] == "user" else None,
        actor=actor_json,
        action=action,
        object_type=event.object_type,
        object_id=object_id,
        before=payload["before"],
        after=payload["after"],
        reason=reason,
        request_id=payload["request_id"],
        prev_hash=prev_hash,
        hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        canonical=canonical,
    )
    for listener in _listeners:
        listener(stored)
    return stored


# Called with each new event inside its transaction (e.g. notifications: the people an
# event concerns are told from the event itself, so no service can forget them). Apps
# above the trail register here, so the trail imports none of them.
_listeners: list[Callable[[AuditEvent], Any]] = []


def on_event_appended(listener: Callable[[AuditEvent], Any]) -> None:
    """Register `listener` (once) to run with every appended event, in its transaction."""
    if listener not in _listeners:
        _listeners.append(listener)


def save_versioned_change(
    *,
    instance: Any,
    changed: dict,
    version: int,
    actor: Any,
    record: Callable[..., PendingEvent],
) -> None:
    """Apply `changed` to a locked, versioned row, bump its version and record one event.

    `record` is the row's update constructor with the row bound (e.g.
    `partial(events.claim_updated, claim=row)`); it gets `before` and `after`, which hold
    exactly the changed fields and the versions, as the row had them (relations as ids).
    """
    before = fields_of(instance, list(changed))
    for name, value in changed.items():
        setattr(instance, name, value)
    instance.version = version + 1
    instance.save(update_fields=[*changed, "version", "updated_at"])
    audit_append(
        workspace=instance.workspace,
        actor=actor,
        event=record(
            before={**before, "version": version},
            after={**fields_of(instance, list(changed)), "version": instance.version},
        ),
    )


@dataclass(frozen=True)
class ExportRange:
    """Which events of one workspace an export holds: `seq` and `at` bounds, all optional.

    `since` is inclusive and `until` exclusive; `to_seq` is always set once the export
    is recorded, so that the stream ends where the record says it does.
    """

    workspace_id: int
    from_seq: int | None = None
    to_seq: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


EXPORT_FORMATS = ("jsonl", "csv")


@transaction.atomic
def checkpoint_create(*, workspace: Workspace, actor: Any) -> Checkpoint:
    """Sign the chain's current head and record that in the chain; editors and above may.

    The checkpoint covers the head *before* its own `audit.checkpoint_created` event,
    and that event carries the signature, so an export holds every checkpoint ever
    made and the next checkpoint covers this one's event. Raises `PermissionDenied`,
    `NotFound`.
    """
    require_role(workspace=workspace, actor=actor, role=Role.EDITOR)
    _lock_chain(workspace.pk)
    head = (
        AuditEvent.objects.filter(workspace_id=workspace.pk)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    if head is None:
        raise Conflict(_("The workspace's audit trail is empty; there is nothing to sign."))
    seq, head_hash = head
    at = _format_at(dt.datetime.now(dt.UTC))
    checkpoint = Checkpoint.objects.create(
        workspace_id=workspace.pk,
        seq=seq,
        hash=head_hash,
        at=at,
        signature=signing.sign(
            checkpoint_message(workspace=workspace.pk, seq=seq, event_hash=head_hash, at=at)
        ),
        key_id=signing.key_id(),
        public_key=signing.public_key_base64(),
    )
    audit_append(
        workspace=workspace,
        actor=actor,
        event=events.audit_checkpoint_created(checkpoint=checkpoint),
    )
    return checkpoint


# The largest integer RFC 8785 (I-JSON) can hash: the export event records the range.
SEQ_MAX = 2**53 - 1


def _check_range(
    from_seq: int | None, to_seq: int | None, since: Any, until: Any
) -> dict[str, str]:
    errors = {}
    for name, value in (("from_seq", from_seq), ("to_seq", to_seq)):
        if value is not None and value < 1:
            errors[name] = "Sequence numbers start at 1."
        elif value is not None and value > SEQ_MAX:
            errors[name] = f"Sequence numbers end at {SEQ_MAX:,}."
    if from_seq is not None and to_seq is not None and to_seq < from_seq:
        errors["to_seq"] = "The last event must not come before the first."
    if since is not None and until is not None and until <= since:
        errors["until"] = "The end of the period must come after its start."
    return errors


@transaction.atomic
def audit_export_record(
    *,
    workspace: Workspace,
    actor: Any,
    fmt: str = "jsonl",
    from_seq: int | None = None,
    to_seq: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> ExportRange:
    """Record an export in the trail before any of it is streamed; viewers and above may.

    The `audit.exported` event commits first and fixes the export's upper bound: an
    open-ended export ends with that very event, so the file names its own export and
    later events cannot slip into a half-sent stream. Raises `ValidationError` (bad
    range or format), `PermissionDenied`, `NotFound`.
    """
    require_role(workspace=workspace, actor=actor, role=Role.VIEWER)
    errors = _check_range(from_seq, to_seq, since, until)
    if fmt not in EXPORT_FORMATS:
        errors["format"] = f"Choose one of {', '.join(EXPORT_FORMATS)}."
    if errors:
        raise ValidationError(errors)
    event = audit_append(
        workspace=workspace,
        actor=actor,
        event=events.audit_exported(
            workspace=workspace, fmt=fmt, from_seq=from_seq, to_seq=to_seq, since=since, until=until
        ),
    )
    bound = event.seq if to_seq is None else min(to_seq, event.seq)
    return ExportRange(
        workspace_id=workspace.pk, from_seq=from_seq, to_seq=bound, since=since, until=until
    )
