"""Appending to a workspace's audit chain.

Every service that changes state calls `audit_append` inside its own transaction,
so the event exists exactly when the change does.
"""

import datetime as dt
import decimal
import threading
import uuid
from collections.abc import Callable, Mapping
from contextlib import ContextDecorator
from dataclasses import dataclass
from typing import Any

import orjson
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


# The keys of an event's canonical text in RFC 8785 order (all ASCII, so plain sort
# order). PostgreSQL fills in `at`, `prev_hash` and `seq` once it holds the chain's lock;
# Python sends the text between them.
_SQL_FILLED = ("at", "prev_hash", "seq")
_KEYS = (
    "action",
    "actor",
    "after",
    "at",
    "before",
    "object",
    "prev_hash",
    "reason",
    "request_id",
    "seq",
    "workspace",
)

# One INSERT that reads the chain's head, stamps the time, builds the canonical text and
# hashes it (sha256 in PostgreSQL equals hashlib's on the same UTF-8 bytes). It runs
# after the lock statement in the same round trip, so it takes its snapshot after the
# lock was granted and sees the head the previous holder committed.
_INSERT = """
INSERT INTO audit_auditevent (workspace_id, seq, at, actor_user_id, actor, action,
    object_type, object_id, before, after, reason, request_id, prev_hash, hash, canonical)
SELECT %(w)s, n.seq, n.ts, %(actor_user_id)s, %(actor)s::jsonb, %(action)s,
    %(object_type)s, %(object_id)s, %(before)s::jsonb, %(after)s::jsonb, %(reason)s,
    %(request_id)s, n.prev_hash, encode(sha256(convert_to(c.text, 'UTF8')), 'hex'), c.text
FROM (
    SELECT COALESCE(h.seq, 0) + 1 AS seq, COALESCE(h.hash, %(genesis)s) AS prev_hash,
        clock_timestamp() AS ts
    FROM (SELECT 1) one LEFT JOIN (
        SELECT seq, hash FROM audit_auditevent WHERE workspace_id = %(w)s
        ORDER BY seq DESC LIMIT 1
    ) h ON true
) n
CROSS JOIN LATERAL (
    SELECT %(p0)s || to_char(n.ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
        || %(p1)s || n.prev_hash || %(p2)s || n.seq::text || %(p3)s AS text
) c
RETURNING id, seq, at, prev_hash, hash, canonical"""


def _lock_statement(workspace_id: int) -> str:
    w = int(workspace_id)  # the only value written into the text
    return f"SELECT pg_advisory_xact_lock(hashtextextended('sanad.audit.{w}', 0))"


@dataclass(frozen=True)
class _Queued:
    workspace_id: int
    actor_json: dict
    event: PendingEvent
    request_id: str


def _canonical_pieces(payload: dict) -> list[str]:
    """The canonical text of `payload` cut around the values PostgreSQL fills in.

    Four pieces: before `at`'s value, before `prev_hash`'s, before `seq`'s, and after
    it. `at` and `prev_hash` are strings, so their quotes stay in the pieces.
    """
    pieces, current = [], "{"
    for number, key in enumerate(_KEYS):
        current += ("," if number else "") + rfc8785.dumps(key).decode("utf-8") + ":"
        if key in _SQL_FILLED:
            quoted = key != "seq"
            pieces.append(current + ('"' if quoted else ""))
            current = '"' if quoted else ""
        else:
            current += rfc8785.dumps(payload[key]).decode("utf-8")
    pieces.append(current + "}")
    return pieces


def _insert_params(item: _Queued) -> dict:
    event = item.event
    before = to_jsonable(dict(event.before)) if event.before is not None else None
    after = to_jsonable(dict(event.after)) if event.after is not None else None
    payload = {
        "workspace": item.workspace_id,
        "actor": item.actor_json,
        "action": str(event.action),
        "object": {"type": event.object_type, "id": str(event.object_id)},
        "before": before,
        "after": after,
        "reason": event.reason,
        "request_id": item.request_id,
    }
    p0, p1, p2, p3 = _canonical_pieces(payload)
    actor_json = item.actor_json
    return {
        "w": item.workspace_id,
        "actor_user_id": actor_json.get("id") if actor_json["type"] == "user" else None,
        "actor": orjson.dumps(actor_json).decode("utf-8"),
        "action": payload["action"],
        "object_type": event.object_type,
        "object_id": payload["object"]["id"],
        "before": None if before is None else orjson.dumps(before).decode("utf-8"),
        "after": None if after is None else orjson.dumps(after).decode("utf-8"),
        "reason": event.reason,
        "request_id": item.request_id,
        "genesis": GENESIS_HASH,
        "p0": p0,
        "p1": p1,
        "p2": p2,
        "p3": p3,
    }


def _write(items: list[_Queued]) -> list[AuditEvent]:
    """Append `items` in order: the chains' locks and every INSERT in one round trip."""
    workspaces = sorted({item.workspace_id for item in items})  # one lock order: no deadlock
    with connection.cursor() as cursor:
        statements = [_lock_statement(w) for w in workspaces]
        for contributor in _statements_with_append:
            statements += contributor([(item.workspace_id, item.event) for item in items])
        # Client-side binding merges the parameters into the text, so the statements go
        # as one simple query; each takes its own snapshot in turn.
        statements += [cursor.mogrify(_INSERT, _insert_params(item)) for item in items]
        cursor.execute(";\n".join(statements))
        stored = []
        for item in items:
            while cursor.description is None or len(cursor.description) != 6:
                cursor.nextset()
            pk, seq, at, prev_hash, event_hash, canonical = cursor.fetchone()
            stored.append(_stored(item, pk, seq, at, prev_hash, event_hash, canonical))
            cursor.nextset()
    for event in stored:
        for listener in _listeners:
            listener(event)
    return stored


def _stored(item, pk, seq, at, prev_hash, event_hash, canonical) -> AuditEvent:
    event = item.event
    actor_json = item.actor_json
    stored = AuditEvent(
        id=pk,
        workspace_id=item.workspace_id,
        seq=seq,
        at=at,
        actor_user_id=actor_json.get("id") if actor_json["type"] == "user" else None,
        actor=actor_json,
        action=str(event.action),
        object_type=event.object_type,
        object_id=str(event.object_id),
        prev_hash=prev_hash,
        hash=event_hash,
        canonical=canonical,
        reason=event.reason,
        request_id=item.request_id,
    )
    # What was hashed is what the event says (as a row read back from the table would).
    stored.take_fields_from_canonical()
    stored._state.adding = False
    stored._state.db = connection.alias
    return stored


class _Buffer:
    """The events of one outermost `atomic_audited` block, waiting for its end."""

    def __init__(self, depth: int, outer: "_Buffer | None") -> None:
        self.items: list[_Queued] = []
        self.innermost = depth  # len(connection.atomic_blocks) in the innermost audited block
        self.outer = outer  # the buffer of an audited block around a plain atomic one


_local = threading.local()


def _buffer() -> _Buffer | None:
    return getattr(_local, "buffer", None)


class _AtomicAudited(ContextDecorator):
    def _recreate_cm(self):
        return type(self)()  # each call its own state: the decorated function may recurse

    def __enter__(self):
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        depth = len(connection.atomic_blocks)
        buffer = _buffer()
        # A plain atomic block between this one and the enclosing audited block could roll
        # back on its own: then this block appends its events itself, at its end.
        self._own = buffer is None or depth != buffer.innermost + 1
        if self._own:
            _local.buffer = buffer = _Buffer(depth, buffer)
        self._mark, self._previous = len(buffer.items), buffer.innermost
        buffer.innermost = depth
        return self

    def __exit__(self, exc_type, exc, tb):
        buffer = _buffer()
        buffer.innermost = self._previous
        if exc_type is not None:
            del buffer.items[self._mark :]
        if self._own:
            _local.buffer = buffer.outer
            if exc_type is None and buffer.items and not connection.needs_rollback:
                try:
                    _write(buffer.items)
                except BaseException as error:
                    self._atomic.__exit__(type(error), error, error.__traceback__)
                    raise
        return self._atomic.__exit__(exc_type, exc, tb)


def atomic_audited(func: Callable | None = None):
    """`transaction.atomic` whose audit events are appended at its very end.

    Inside the block `audit_append` queues its event; when the outermost such block ends
    without an exception, the queued events are appended in one round trip (the chain's
    lock, then one INSERT each) as the last statements of the block, so the lock is held
    from there to the commit rather than while the change is worked out. If the block
    raises, its events are dropped with its changes; if the append fails, the changes
    roll back with it. A nested audited block that rolls back drops the events it queued.
    Used as `@atomic_audited` or `with atomic_audited():`.
    """
    if func is not None:
        return _AtomicAudited()(func)
    return _AtomicAudited()


def audit_append(
    *,
    workspace: Workspace,
    actor: Any,
    event: PendingEvent,
) -> AuditEvent | None:
    """Append `event`, made by its constructor in `app.audit.events`, to the workspace's
    chain.

    Must run inside the caller's transaction (raises `RuntimeError` otherwise): an
    event committed apart from its change could record something that never happened.
    Directly inside an `atomic_audited` block the event is queued for the block's end and
    `None` is returned; elsewhere it is appended now and the stored event returned.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_append must run inside the transaction of the change")
    item = _Queued(
        workspace_id=workspace.pk,
        actor_json=actor_record(actor),
        event=event,
        request_id=current_request_id() or "",
    )
    buffer = _buffer()
    # Only when no plain atomic block is open inside the audited one: a savepoint that
    # rolled back could otherwise leave its event queued after its change was undone.
    if buffer is not None and len(connection.atomic_blocks) == buffer.innermost:
        buffer.items.append(item)
        return None
    return _write([item])[0]


# Called with the (workspace id, event) pairs about to be appended; each returns SQL
# statements (no parameters: values written in must be ints) sent in the append's round
# trip, after the chain's lock and before the INSERTs. For bookkeeping that must commit
# exactly with the events, at no extra round trip (e.g. the reader's claims version).
_statements_with_append: list[Callable[[list[tuple[int, PendingEvent]]], list[str]]] = []


def on_append_statements(contributor: Callable[[list[tuple[int, PendingEvent]]], list[str]]):
    """Register `contributor` (once) to add statements to every append's round trip."""
    if contributor not in _statements_with_append:
        _statements_with_append.append(contributor)


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
