"""The app's runtime role cannot rewrite history, whatever SQL it sends.

The whole suite runs as that role (tests/db_roles.py); these tests try, as an attacker
holding the app's own credentials would, every way around the trail's guarantees.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from app.audit.models import AuditEvent
from app.core.checks import check_runtime_role
from app.core.db_roles import connection_powers
from tests.db_roles import RUNTIME_ROLE, as_owner

pytestmark = pytest.mark.django_db


def _refused(sql: str, params=(), match="permission denied") -> None:
    with (
        pytest.raises(DatabaseError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, list(params))


def test_the_suite_runs_as_a_role_that_is_no_superuser_and_owns_nothing():
    assert connection_powers() == {"superuser": False, "owns_audit": False, "role": RUNTIME_ROLE}


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET reason = 'x' WHERE workspace_id = %s",
        "DELETE FROM audit_auditevent WHERE workspace_id = %s",
        "UPDATE audit_checkpoint SET hash = repeat('f', 64) WHERE workspace_id = %s",
        "DELETE FROM audit_checkpoint WHERE workspace_id = %s",
    ],
)
def test_the_runtime_role_may_not_change_or_remove_the_trail(claim, sql):
    _refused(sql, [claim.workspace_id])
    assert AuditEvent.objects.filter(workspace=claim.workspace, reason="x").count() == 0


@pytest.mark.parametrize("table", ["audit_auditevent", "audit_checkpoint", "claims_claim"])
def test_the_runtime_role_may_not_truncate(claim, table):
    _refused(f"TRUNCATE {table} CASCADE")


def test_the_runtime_role_may_not_switch_triggers_off(claim):
    _refused("ALTER TABLE audit_auditevent DISABLE TRIGGER USER", match="must be owner")
    _refused("ALTER TABLE claims_claim DISABLE TRIGGER ALL", match="must be owner")
    _refused("SET LOCAL session_replication_role = replica", match="permission denied")


def test_the_purge_guard_gives_the_runtime_role_nothing(claim):
    with (
        pytest.raises(DatabaseError, match="permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT set_config('sanad.purge_workspace', %s, true)", [str(claim.workspace_id)]
        )
        cursor.execute("DELETE FROM audit_auditevent WHERE workspace_id = %s", [claim.workspace_id])
    assert AuditEvent.objects.filter(workspace=claim.workspace).exists()


def test_even_the_owner_cannot_truncate_the_trail_without_opening_its_guard(claim):
    with as_owner():
        with connection.cursor() as cursor:  # the test's own deferred checks, done now
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _refused("TRUNCATE audit_auditevent CASCADE", match="append-only: TRUNCATE refused")
    assert AuditEvent.objects.filter(workspace=claim.workspace).exists()


def test_the_system_check_warns_when_the_app_connects_with_the_owners_powers(db):
    assert check_runtime_role(databases=["default"]) == []
    with as_owner():
        warnings = check_runtime_role(databases=["default"])
    assert [w.id for w in warnings] == ["sanad.W001"]


def test_db_grants_prints_what_a_dba_runs():
    out = StringIO()
    call_command("db_grants", "--role", "sanad_app", "--print", stdout=out)
    sql = out.getvalue()
    assert 'REVOKE UPDATE, DELETE ON audit_auditevent, audit_checkpoint FROM "sanad_app";' in sql
    grants = [line for line in sql.splitlines() if line.startswith("GRANT")]
    assert grants and not any("TRUNCATE" in line or "TRIGGER" in line for line in grants)


def test_the_check_is_quiet_in_the_owners_own_sessions(settings):
    settings.DATABASE_OWNER_URL = settings.DATABASE_URL = "postgresql://owner@db/sanad"
    with as_owner():
        assert check_runtime_role(databases=["default"]) == []
