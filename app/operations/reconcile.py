"""Reconciliation: replay a workspace's audit trail and compare it with the live rows.

The chain proves the trail was not edited; it cannot see a live row changed behind the
services' back (say, `UPDATE claims_claim SET rating_id = …` by someone holding the
table owner's credentials). Replaying every event of a claim, a piece of evidence, an
article or a snapshot gives the state the trail says it has; any live field that
differs is drift, named with the trail's value, the live value and the last event that
spoke of that object.

Objects are checked in id batches (each batch: one query for the live rows, one for
their events by the `(workspace, object_type, object_id)` index), so memory stays flat
whatever the size of the workspace.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import orjson
from django.db import connection
from django.db.models import Model

from app.articles.models import Article, Snapshot
from app.audit.models import AuditEvent
from app.claims.models import Claim, Evidence
from app.claims.services import AUDITED_CLAIM_FIELDS
from app.workspaces.models import Workspace

BATCH = 2_000
# A field whose value the trail does not know (events written before it was recorded).
UNKNOWN: Any = object()


@dataclass(frozen=True)
class Drift:
    """One field of one object whose live value is not what the trail says."""

    object_type: str
    object_id: str
    field: str
    trail: Any
    live: Any
    last_seq: int | None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    workspace: str
    checked: dict[str, int] = field(default_factory=dict)
    events: int = 0
    drift: list[Drift] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.drift

    def as_dict(self) -> dict:
        return {
            "workspace": self.workspace,
            "ok": self.ok,
            "checked": self.checked,
            "events": self.events,
            "drift": [d.as_dict() for d in self.drift],
        }


def _claim_state(events: Iterable[tuple[str, dict]]) -> dict:
    state: dict[str, Any] = {
        "anchor_state": "anchored",
        "assignee_id": None,
        "rating_id": None,
        "rating_label": "",
        "rating_value": None,
        "verdict_summary": "",
    }
    for action, after in events:
        if action == "claim.created":
            for name in AUDITED_CLAIM_FIELDS:
                state[name] = after.get(name, UNKNOWN)
        elif action == "claim.updated":
            state.update(
                {k: v for k, v in after.items() if k in ("restatement", "claimant", "tags")}
            )
        elif action == "claim.assigned":
            state["assignee_id"] = after.get("assignee")
        elif action in (
            "claim.status_changed",
            "claim.verdict_proposed",
            "claim.correction_proposed",
            "claim.verdict_returned",
        ):
            state["status"] = after.get("status", state.get("status"))
            if "assignee" in after:
                state["assignee_id"] = after["assignee"]
        elif action == "claim.verdict_published":
            state["status"] = after.get("status")
            state["verdict_summary"] = after.get("summary", "")
            rating = after.get("rating")
            if isinstance(rating, dict):
                state["rating_id"] = rating.get("id")
                state["rating_label"] = rating.get("label", UNKNOWN)
                state["rating_value"] = rating.get("value", UNKNOWN)
            else:  # events before verdicts kept their words named the rating by id only
                state["rating_id"] = rating
                state["rating_label"] = state["rating_value"] = UNKNOWN
            for name in ("restatement", "claimant"):
                if name in after:
                    state[name] = after[name]
        elif action == "claim.reanchored":
            for name in ("snapshot_id", "start", "end", "exact", "anchor_state"):
                state[name] = after.get(name, UNKNOWN)
            # The move's event does not record the new context; it follows the text.
            state["prefix"] = state["suffix"] = UNKNOWN
    return state


def _evidence_state(events: Iterable[tuple[str, dict]]) -> dict:
    state: dict[str, Any] = {}
    for action, after in events:
        if action == "evidence.added":
            state = {
                "claim_id": after.get("claim"),
                "source_id": after.get("source"),
                "stance": after.get("stance"),
                "quote": after.get("quote", UNKNOWN),
                "note": after.get("note", UNKNOWN),
            }
    return state


_ARTICLE_FIELDS = ("url", "title", "outlet", "author", "published_on", "language", "direction")


def _article_state(events: Iterable[tuple[str, dict]]) -> dict:
    state: dict[str, Any] = {}
    for action, after in events:
        if action in ("article.created", "article.updated"):
            state.update({k: v for k, v in after.items() if k in _ARTICLE_FIELDS})
    return state


def _snapshot_state(events: Iterable[tuple[str, dict]]) -> dict:
    state: dict[str, Any] = {}
    for action, after in events:
        if action == "article.snapshot_added":
            state = {
                "article_id": after.get("article"),
                "number": after.get("number"),
                "sha256": after.get("sha256"),
            }
    return state


@dataclass(frozen=True)
class _Kind:
    object_type: str
    model: type[Model]
    replay: Callable[[Iterable[tuple[str, dict]]], dict]


KINDS = (
    _Kind("claim", Claim, _claim_state),
    _Kind("evidence", Evidence, _evidence_state),
    _Kind("article", Article, _article_state),
    _Kind("snapshot", Snapshot, _snapshot_state),
)


def _live_value(row: Model, name: str) -> Any:
    value = getattr(row, name)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return list(value) if isinstance(value, tuple) else value


def _events_of(workspace_id: int, object_type: str, ids: list[str]) -> dict[str, list]:
    grouped: dict[str, list] = {oid: [] for oid in ids}
    rows = (
        AuditEvent.objects.filter(
            workspace_id=workspace_id, object_type=object_type, object_id__in=ids
        )
        .order_by("seq")
        .values_list("object_id", "canonical")
    )
    for object_id, canonical in rows.iterator(chunk_size=BATCH * 4):
        # The hashed text, never the copies in the columns: the replay trusts what the
        # chain's verification covers.
        record = orjson.loads(canonical)
        grouped[object_id].append((record["seq"], record["action"], record["after"] or {}))
    return grouped


def _check_kind(workspace: Workspace, kind: _Kind, report: Report) -> None:
    live_rows = kind.model.objects.filter(workspace_id=workspace.pk).order_by("pk")
    if kind.model is Snapshot:
        live_rows = live_rows.defer("text", "original")
    checked = 0
    last_pk = 0
    while True:
        batch = list(live_rows.filter(pk__gt=last_pk)[:BATCH])
        if not batch:
            break
        last_pk = batch[-1].pk
        events = _events_of(workspace.pk, kind.object_type, [str(row.pk) for row in batch])
        for row in batch:
            checked += 1
            trail = events[str(row.pk)]
            report.events += len(trail)
            if not trail:
                report.drift.append(
                    Drift(kind.object_type, str(row.pk), "(row)", None, "exists", None)
                )
                continue
            expected = kind.replay((action, after) for _, action, after in trail)
            last_seq = trail[-1][0]
            for name, value in expected.items():
                if value is UNKNOWN:
                    continue
                live = _live_value(row, name)
                if live != value:
                    report.drift.append(
                        Drift(kind.object_type, str(row.pk), name, value, live, last_seq)
                    )
    report.checked[kind.object_type] = checked
    # Objects the trail knows whose live row is gone: an anti-join in the database, so
    # no set of every id is held here.
    table = kind.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT DISTINCT e.object_id FROM audit_auditevent e
            WHERE e.workspace_id = %s AND e.object_type = %s
              AND NOT EXISTS (SELECT 1 FROM "{table}" t
                              WHERE t.workspace_id = %s AND t.id::text = e.object_id)
            """,  # noqa: S608 - the table name comes from the model, values are parameters
            [workspace.pk, kind.object_type, workspace.pk],
        )
        missing = [row[0] for row in cursor.fetchall()]
    for object_id in sorted(missing, key=lambda oid: (len(oid), oid)):
        report.drift.append(Drift(kind.object_type, object_id, "(row)", "exists", None, None))


def workspace_reconcile(*, workspace: Workspace) -> Report:
    """Replay the workspace's trail and report every live field that differs from it."""
    report = Report(workspace=workspace.slug)
    for kind in KINDS:
        _check_kind(workspace, kind, report)
    return report


def drift_lines(report: Report) -> Iterator[str]:
    for d in report.drift:
        yield (
            f"{d.object_type} {d.object_id}: {d.field}: trail {d.trail!r}, live {d.live!r}"
            + (f" (last event #{d.last_seq})" if d.last_seq else "")
        )
