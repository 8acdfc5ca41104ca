"""`atomic_audited`: events queued inside the block are appended at its end, in its
transaction; nothing is appended for a block that fails, nothing changes when the
append fails."""

import hashlib
import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from app.audit import services
from app.audit.events import PendingEvent
from app.audit.models import GENESIS_HASH, AuditEvent
from app.audit.services import atomic_audited, audit_append
from app.workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def _event(number: int, **after) -> PendingEvent:
    return PendingEvent(
        action="test.recorded",
        object_type="workspace",
        object_id=number,
        after={"n": number, **after},
    )


def _events(workspace) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(workspace=workspace).order_by("seq"))


def _rename(workspace, name: str) -> None:
    Workspace.objects.filter(pk=workspace.pk).update(name=name)


def test_events_are_queued_and_appended_as_the_blocks_last_round_trip(team):
    before = len(_events(team.workspace))
    with CaptureQueriesContext(connection) as captured, atomic_audited():
        assert audit_append(workspace=team.workspace, actor=None, event=_event(1)) is None
        _rename(team.workspace, "Renamed")
        audit_append(workspace=team.workspace, actor=team.admin, event=_event(2))
        assert len(_events(team.workspace)) == before  # nothing appended yet
    statements = [query["sql"] for query in captured.captured_queries]
    assert "pg_advisory_xact_lock" in statements[-2]
    assert statements[-2].count("INSERT INTO audit_auditevent") == 2
    assert statements[-1].startswith("RELEASE SAVEPOINT")
    events = _events(team.workspace)
    assert [(e.object_id, e.after) for e in events[before:]] == [("1", {"n": 1}), ("2", {"n": 2})]
    assert events[-1].actor["username"] == team.admin.username


def test_sql_built_events_hash_and_chain_as_python_would(team):
    with atomic_audited():
        # Quotes, backslashes, percent signs, astral and right-to-left text in the payload.
        odd = {"text": 'گفت "x" \\ 100% 𝔸 \u200c', "float": 1.5, "none": None, "list": [3, 1]}
        audit_append(workspace=team.workspace, actor=team.admin, event=_event(7, **odd))
        audit_append(workspace=team.workspace, actor=None, event=_event(8))
    previous = GENESIS_HASH
    for event in _events(team.workspace):
        assert event.prev_hash == previous
        assert event.hash == hashlib.sha256(event.canonical.encode()).hexdigest()
        record = json.loads(event.canonical)
        assert record["seq"] == event.seq and record["prev_hash"] == previous
        assert event.canonical == json.dumps(
            record, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        previous = event.hash
    last = _events(team.workspace)[-2]
    assert last.after == {"n": 7, **odd}
    stored = AuditEvent.objects.filter(pk=last.pk).values("after", "at").get()
    assert stored["after"] == last.after and stored["at"] == last.at


def test_a_block_that_raises_appends_nothing(team):
    before = len(_events(team.workspace))
    with pytest.raises(ValueError), atomic_audited():
        _rename(team.workspace, "Never")
        audit_append(workspace=team.workspace, actor=None, event=_event(1))
        raise ValueError("changed my mind")
    assert len(_events(team.workspace)) == before
    team.workspace.refresh_from_db()
    assert team.workspace.name != "Never"


def test_a_failed_append_rolls_the_change_back(team, monkeypatch):
    before = len(_events(team.workspace))

    def broken_write(items):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1/0")

    monkeypatch.setattr(services, "_write", broken_write)
    with pytest.raises(DatabaseError), atomic_audited():
        _rename(team.workspace, "Unrecorded")
        audit_append(workspace=team.workspace, actor=None, event=_event(1))
    monkeypatch.undo()
    team.workspace.refresh_from_db()
    assert team.workspace.name != "Unrecorded"
    assert len(_events(team.workspace)) == before


def test_a_nested_block_rolled_back_drops_only_its_own_events(team):
    before = len(_events(team.workspace))
    with atomic_audited():
        audit_append(workspace=team.workspace, actor=None, event=_event(1))
        try:
            with atomic_audited():
                audit_append(workspace=team.workspace, actor=None, event=_event(2))
                raise ValueError
        except ValueError:
            pass
        with atomic_audited():
            audit_append(workspace=team.workspace, actor=None, event=_event(3))
    assert [e.object_id for e in _events(team.workspace)[before:]] == ["1", "3"]


def test_inside_a_plain_savepoint_the_event_goes_with_it(team):
    before = len(_events(team.workspace))
    with atomic_audited():
        audit_append(workspace=team.workspace, actor=None, event=_event(1))
        try:
            with transaction.atomic():
                # appended at once, so the savepoint's rollback takes it along
                assert audit_append(workspace=team.workspace, actor=None, event=_event(2))
                with atomic_audited():  # its own end, inside the plain savepoint
                    audit_append(workspace=team.workspace, actor=None, event=_event(3))
                raise ValueError
        except ValueError:
            pass
    assert [e.object_id for e in _events(team.workspace)[before:]] == ["1"]
    seqs = [e.seq for e in _events(team.workspace)]
    assert seqs == list(range(1, len(seqs) + 1))


def test_listeners_see_the_stored_event(team, monkeypatch):
    seen = []
    monkeypatch.setattr(services, "_listeners", [seen.append])
    with atomic_audited():
        audit_append(workspace=team.workspace, actor=team.admin, event=_event(5))
    stored = AuditEvent.objects.get(pk=seen[0].pk)
    assert (seen[0].seq, seen[0].hash, seen[0].after) == (stored.seq, stored.hash, {"n": 5})
    assert seen[0].actor_user_id == team.admin.pk
