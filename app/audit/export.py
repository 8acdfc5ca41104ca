"""Stream a recorded export range as JSON Lines or CSV, in constant memory.

The browser view, the API and `manage.py export_audit` all call these generators
after `audit_export_record` has fixed the range. Rows come through a server-side
cursor in chunks, and JSON Lines read only `canonical` and `hash`: a line is built by
splicing the hash into the stored canonical text, never by re-serializing columns.
"""

import csv
import io
import json
from collections.abc import Iterator

from django.db.models import QuerySet

from app.audit.describe import describe
from app.audit.models import AuditEvent
from app.audit.services import ExportRange
from app.audit.verify import export_line

CHUNK_ROWS = 2000
CSV_HEADER = ["at", "seq", "actor", "action", "object", "reason", "summary"]


def _events(export: ExportRange) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(workspace_id=export.workspace_id)
    if export.from_seq is not None:
        events = events.filter(seq__gte=export.from_seq)
    if export.to_seq is not None:
        events = events.filter(seq__lte=export.to_seq)
    if export.since is not None:
        events = events.filter(at__gte=export.since)
    if export.until is not None:
        events = events.filter(at__lt=export.until)
    return events.order_by("seq")


def jsonl_chunks(export: ExportRange, chunk_rows: int = CHUNK_ROWS) -> Iterator[bytes]:
    """Yield the export as UTF-8 JSON Lines, about `chunk_rows` lines per chunk."""
    rows = _events(export).values_list("canonical", "hash").iterator(chunk_size=chunk_rows)
    batch: list[str] = []
    for canonical, event_hash in rows:
        batch.append(export_line(canonical, event_hash))
        if len(batch) >= chunk_rows:
            batch.append("")
            yield "\n".join(batch).encode("utf-8")
            batch = []
    if batch:
        batch.append("")
        yield "\n".join(batch).encode("utf-8")


def _actor_label(actor: dict) -> str:
    if actor.get("type") == "user":
        return actor.get("username") or f"user {actor.get('id')}"
    if actor.get("type") == "token":
        return f"token {actor.get('id')}"
    return actor.get("type", "")


def csv_chunks(export: ExportRange, chunk_rows: int = CHUNK_ROWS) -> Iterator[str]:
    """Yield the export as CSV text for people: one row per event with a summary in words."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    # Every cell comes from the hashed text (`AuditEvent.from_db`), never from the copies.
    events = _events(export).only("canonical")
    for count, event in enumerate(events.iterator(chunk_size=chunk_rows), start=1):
        writer.writerow(
            [
                event.at.isoformat(),
                event.seq,
                _actor_label(event.actor),
                event.action,
                f"{event.object_type} {event.object_id}",
                event.reason,
                describe(event),
            ]
        )
        if count % chunk_rows == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def export_filename(export: ExportRange, slug: str, fmt: str) -> str:
    upper = export.to_seq if export.to_seq is not None else "head"
    lower = export.from_seq or 1
    return f"sanad-audit-{slug}-{lower}-{upper}.{fmt}"


def checkpoint_json(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
