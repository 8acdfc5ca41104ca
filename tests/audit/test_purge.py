import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from app.articles.models import Article
from app.audit.export import jsonl_chunks
from app.audit.models import AuditEvent, Checkpoint, PurgeRecord
from app.audit.services import ExportRange
from app.audit.verify import verify_lines
from app.claims.models import Claim
from app.workspaces.models import Membership, Workspace
from tests.db_roles import as_owner

pytestmark = pytest.mark.django_db


def open_purge_for(cursor, workspace):
    cursor.execute("SELECT set_config('sanad.purge_workspace', %s, true)", [str(workspace.pk)])


def test_purge_removes_the_workspace_and_everything_it_owns_and_logs_it(team, other_team, claim):
    workspace_id = team.workspace.pk
    events = AuditEvent.objects.filter(workspace_id=workspace_id).count()
    with pytest.raises(CommandError, match="owns the tables"):
        call_command(
            "purge_workspace", team.workspace.slug, confirm=team.workspace.slug, reason="x"
        )
    with as_owner():
        call_command(
            "purge_workspace",
            team.workspace.slug,
            confirm=team.workspace.slug,
            reason="Court order 2026/17",
            operator="ops-1",
        )
    assert not Workspace.objects.filter(pk=workspace_id).exists()
    for model in (AuditEvent, Checkpoint, Claim, Article, Membership):
        assert not model.objects.filter(workspace_id=workspace_id).exists(), model
    record = PurgeRecord.objects.get()
    assert record.reason == "Court order 2026/17" and record.operator == "ops-1"
    # The final checkpoint's own event is the last one the workspace ever had.
    assert record.event_count == events + 1
    assert record.final_checkpoint["seq"] == events
    assert record.rows_deleted["audit.AuditEvent"] == events + 1
    # The other workspace is untouched and its chain still verifies.
    other = ExportRange(workspace_id=other_team.workspace.pk)
    lines = b"".join(jsonl_chunks(other)).splitlines()
    assert verify_lines(lines, expect_first_seq=1).ok


def test_purge_needs_the_slug_repeated_and_a_reason(team):
    with pytest.raises(CommandError, match="Type the workspace's slug"):
        call_command("purge_workspace", team.workspace.slug, confirm="nope", reason="x")
    with pytest.raises(CommandError, match="Say why"):
        call_command(
            "purge_workspace", team.workspace.slug, confirm=team.workspace.slug, reason=" "
        )
    assert Workspace.objects.filter(pk=team.workspace.pk).exists()
    assert not PurgeRecord.objects.exists()


def test_the_purge_setting_opens_only_the_named_workspace(team, other_team):
    with (
        as_owner(),
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        open_purge_for(cursor, team.workspace)
        cursor.execute(
            "DELETE FROM audit_auditevent WHERE workspace_id = %s", [other_team.workspace.pk]
        )
    assert AuditEvent.objects.filter(workspace=other_team.workspace).exists()


def test_updates_stay_refused_even_with_the_purge_setting(team):
    with (
        as_owner(),
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        open_purge_for(cursor, team.workspace)
        cursor.execute(
            "UPDATE audit_auditevent SET reason = 'x' WHERE workspace_id = %s", [team.workspace.pk]
        )


@pytest.mark.django_db(transaction=True)
def test_the_purge_setting_lasts_only_for_its_transaction(team):
    with transaction.atomic(), connection.cursor() as cursor:
        open_purge_for(cursor, team.workspace)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('sanad.purge_workspace', true)")
        assert cursor.fetchone()[0] in ("", None)
