"""Concurrent appends through audit_append never fork or skip a chain."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from app.audit.events import PendingEvent
from app.audit.export import jsonl_chunks
from app.audit.models import AuditEvent
from app.audit.services import ExportRange, audit_append
from app.audit.verify import verify_lines

THREADS, APPENDS = 8, 100


def append_many(workspace, barrier, errors, count=APPENDS):
    try:
        barrier.wait()
        for number in range(count):
            with transaction.atomic():
                audit_append(
                    workspace=workspace,
                    actor=None,
                    event=PendingEvent(
                        action="test.appended",
                        object_type="workspace",
                        object_id=workspace.pk,
                        after={"thread": threading.get_ident(), "n": number},
                    ),
                )
    except Exception as error:
        errors.append(error)
    finally:
        connection.close()


def run_threads(targets):
    barrier, errors = threading.Barrier(len(targets)), []
    threads = [threading.Thread(target=append_many, args=(w, barrier, errors)) for w in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    assert errors == []


def assert_chain_is_whole(workspace, expected: int):
    seqs = list(AuditEvent.objects.filter(workspace=workspace).values_list("seq", flat=True))
    assert sorted(seqs) == list(range(1, expected + 1))
    lines = b"".join(jsonl_chunks(ExportRange(workspace_id=workspace.pk))).splitlines()
    result = verify_lines(lines, expect_first_seq=1)
    assert result.ok and result.count == expected, result


@pytest.mark.django_db(transaction=True)
def test_eight_threads_appending_to_one_chain_leave_it_gapless_and_verifiable(team):
    before = AuditEvent.objects.filter(workspace=team.workspace).count()
    run_threads([team.workspace] * THREADS)
    assert_chain_is_whole(team.workspace, before + THREADS * APPENDS)


@pytest.mark.django_db(transaction=True)
def test_two_workspaces_append_concurrently_without_mixing(team, other_team):
    counts = {
        w.pk: AuditEvent.objects.filter(workspace=w).count()
        for w in (team.workspace, other_team.workspace)
    }
    run_threads([team.workspace, other_team.workspace] * (THREADS // 2))
    for workspace in (team.workspace, other_team.workspace):
        assert_chain_is_whole(workspace, counts[workspace.pk] + THREADS // 2 * APPENDS)
