"""The suite runs as the app's runtime role, as production does.

The test database is created and migrated by the connecting (owner) role; then the
runtime role gets exactly its grants (`app.core.db_roles`) and every connection of the
`default` alias switches to it (`OPTIONS["assume_role"]`, i.e. `SET ROLE`). Tests that
act as the owner on purpose (a purge, an attacker holding the owner's credentials) use
`as_owner()`; the flush between transactional tests runs as the owner too, with the
trail's TRUNCATE guard opened for that one statement.
"""

# Table names below come from Django's own list of its tables, quoted.
# ruff: noqa: S608

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

# Rows that only Django's post_migrate handlers write (content types, permissions): a
# flush empties them and then makes them again, which is most of its Python time.
POST_MIGRATE_TABLES = ("django_content_type", "auth_permission")
_post_migrate_rows: dict[str, str] = {}


def _post_migrate_fingerprint(cursor) -> str:
    parts = []
    for table in POST_MIGRATE_TABLES:
        cursor.execute(
            f"SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM {table} t"
        )
        parts.append(cursor.fetchone()[0])
    return "/".join(parts)


def _delete_all_rows(alias: str) -> bool:
    """Empty every table Django's flush would empty, by DELETE, and keep the rows
    post_migrate makes when they are still as migrations left them.

    Django's flush TRUNCATEs all ~100 tables (a new file for each table and index) and
    then runs post_migrate (content types, permissions): 0.2-0.5 s per transactional
    test. Here only the tables holding rows are touched, with triggers and foreign-key
    checks off for the statement (`session_replication_role`, a superuser's setting:
    every table ends empty, so no reference is left dangling). Returns False where this
    role may not do that, or the post_migrate rows changed: Django's flush then runs.
    """
    connection_ = connections[alias]
    tables = sorted(connection_.introspection.django_table_names(only_existing=True))
    if not tables:
        return True  # an alias nothing migrates to (a replica): Django's flush does nothing
    quote = connection_.ops.quote_name
    with transaction.atomic(using=alias), connection_.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            return False
        if _post_migrate_fingerprint(cursor) != _post_migrate_rows.get(alias):
            return False
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT %s WHERE EXISTS (SELECT FROM {quote(table)})" for table in tables
            ),
            tables,
        )
        holding = [row[0] for row in cursor.fetchall() if row[0] not in POST_MIGRATE_TABLES]
        if holding:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("; ".join(f"DELETE FROM {quote(table)}" for table in holding))
    return True


def _flush_as_owner(self):
    aliases = list(self._databases_names(include_mirrors=False))
    for alias in aliases:
        with connections[alias].cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute("SELECT set_config('sanad.truncate_audit', 'on', false)")
    try:
        if not all([_delete_all_rows(alias) for alias in aliases]):
            _flush(self)
            _remember_post_migrate_rows(aliases)
    finally:
        for alias in aliases:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT set_config('sanad.truncate_audit', '', false)")
                if "assume_role" in (connections[alias].settings_dict.get("OPTIONS") or {}):
                    cursor.execute(f"SET ROLE {quote_role(RUNTIME_ROLE)}")


def _remember_post_migrate_rows(aliases) -> None:
    for alias in aliases:
        with connections[alias].cursor() as cursor:
            _post_migrate_rows[alias] = _post_migrate_fingerprint(cursor)


def install_owner_flush() -> None:
    """Called once the test database is migrated, as the owner."""
    _remember_post_migrate_rows(["default"])
    TransactionTestCase._fixture_teardown = _flush_as_owner
