"""The suite runs as the app's runtime role, as production does.

The test database is created and migrated by the connecting (owner) role; then the
runtime role gets exactly its grants (`app.core.db_roles`) and every connection of the
`default` alias switches to it (`OPTIONS["assume_role"]`, i.e. `SET ROLE`). Tests that
act as the owner on purpose (a purge, an attacker holding the owner's credentials) use
`as_owner()`; the flush between transactional tests runs as the owner too, with the
trail's TRUNCATE guard opened for that one statement.
"""

from contextlib import contextmanager

from django.db import DatabaseError, connection, connections, transaction
from django.test import TransactionTestCase

from app.core.db_roles import apply_runtime_grants, quote_role

RUNTIME_ROLE = "sanad_test_runtime"


def make_runtime_role() -> None:
    """Create the (cluster-wide) role if missing and grant it its privileges here."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [RUNTIME_ROLE])
        if cursor.fetchone() is None:
            try:
                with transaction.atomic():
                    cursor.execute(f"CREATE ROLE {quote_role(RUNTIME_ROLE)} NOLOGIN")
            except DatabaseError:
                pass  # another test process made it first
        # The connecting role may become the runtime role (SET ROLE needs membership).
        # Test processes started together may grant it at once: one of them wins.
        try:
            with transaction.atomic():
                cursor.execute(f"GRANT {quote_role(RUNTIME_ROLE)} TO CURRENT_USER")
        except DatabaseError:
            pass
    apply_runtime_grants(RUNTIME_ROLE)


def switch_default_to_runtime(on: bool) -> None:
    conn = connections["default"]
    options = dict(conn.settings_dict.get("OPTIONS") or {})
    if on:
        options["assume_role"] = RUNTIME_ROLE
    else:
        options.pop("assume_role", None)
    conn.settings_dict["OPTIONS"] = options
    conn.close()


@contextmanager
def as_owner():
    """Act as the connecting (owner) role inside the current transaction."""
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    try:
        yield
    finally:
        if not connection.needs_rollback and connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute(f"SET ROLE {quote_role(RUNTIME_ROLE)}")


_flush = TransactionTestCase._fixture_teardown


def _flush_as_owner(self):
    for alias in self._databases_names(include_mirrors=False):
        with connections[alias].cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute("SELECT set_config('sanad.truncate_audit', 'on', false)")
    try:
        _flush(self)
    finally:
        for alias in self._databases_names(include_mirrors=False):
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT set_config('sanad.truncate_audit', '', false)")
                if "assume_role" in (connections[alias].settings_dict.get("OPTIONS") or {}):
                    cursor.execute(f"SET ROLE {quote_role(RUNTIME_ROLE)}")


def install_owner_flush() -> None:
    TransactionTestCase._fixture_teardown = _flush_as_owner
