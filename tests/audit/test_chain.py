import hashlib
import json
from contextlib import nullcontext

import pytest
from django.db import DatabaseError, connection, transaction

from app.audit.events import PendingEvent
from app.audit.models import GENESIS_HASH, AuditEvent
from app.audit.services import audit_append
from app.core.request_context import reset_request_id, set_request_id
from tests.db_roles import as_owner

pytestmark = pytest.mark.django_db


def test_each_workspace_has_a_gapless_chain_of_hashed_events(team, other_team):
    for workspace in (team.workspace, other_team.workspace):
        events = list(AuditEvent.objects.filter(workspace=workspace).order_by("seq"))
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        previous = GENESIS_HASH
        for event in events:
            assert event.prev_hash == previous
            assert event.hash == hashlib.sha256(event.canonical.encode()).hexdigest()
            payload = json.loads(event.canonical)
            assert payload["seq"] == event.seq and payload["prev_hash"] == previous
            assert "hash" not in payload
            previous = event.hash


def test_canonical_text_is_sorted_compact_utf8(team):
    with transaction.atomic():
        event = audit_append(
            workspace=team.workspace,
            actor=team.admin,
            event=PendingEvent(
                action="test.recorded",
                object_type="workspace",
                object_id=team.workspace.pk,
                after={"zeta": "گفت‌وگو ۱۸", "alpha": 1},
                reason="why",
            ),
        )
    assert '"after":{"alpha":1,"zeta":"گفت‌وگو ۱۸"}' in event.canonical
    assert ", " not in event.canonical and ": " not in event.canonical
    assert list(json.loads(event.canonical)) == sorted(json.loads(event.canonical))
    assert json.loads(event.canonical)["at"].endswith("Z")


def test_events_carry_the_request_id(team):
    token = set_request_id("req-12345678")
    try:
        with transaction.atomic():
            event = audit_append(
                workspace=team.workspace,
                actor=None,
                event=PendingEvent(action="test.recorded", object_type="workspace", object_id=1),
            )
    finally:
        reset_request_id(token)
    assert event.request_id == "req-12345678"
    assert event.actor == {"type": "system"}


@pytest.mark.django_db(transaction=True)
def test_audit_append_outside_a_transaction_is_refused(team):
    with pytest.raises(RuntimeError):
        audit_append(
            workspace=team.workspace,
            actor=None,
            event=PendingEvent(action="test.recorded", object_type="workspace", object_id=1),
        )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET reason = 'edited' WHERE workspace_id = %s",
        "DELETE FROM audit_auditevent WHERE workspace_id = %s",
    ],
)
@pytest.mark.parametrize(
    "role, refusal",
    [("runtime", "permission denied"), ("owner", "append-only")],
)
def test_database_refuses_to_change_or_remove_events(team, statement, role, refusal):
    count = AuditEvent.objects.filter(workspace=team.workspace).count()
    with (
        as_owner() if role == "owner" else nullcontext(),
        pytest.raises(DatabaseError, match=refusal),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [team.workspace.pk])
    assert AuditEvent.objects.filter(workspace=team.workspace).count() == count
    assert not AuditEvent.objects.filter(reason="edited").exists()
