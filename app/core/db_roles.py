"""Two database roles: an owner that migrates, and the runtime role the app works as.

The runtime role may read and write the domain's tables but only read and append to
the audit trail: no UPDATE, DELETE or TRUNCATE there, no TRIGGER anywhere, and it owns
nothing, so it cannot switch a trigger off (`ALTER TABLE … DISABLE TRIGGER` needs the
owner) or set `session_replication_role` (superusers only). Purging a workspace and
restoring sequences are the owner's. These are the statements a DBA runs; `manage.py
db_grants` prints or applies them, and `./sanad` applies them after each migration.
"""

from django.db import connection

# Tables the runtime role may only read and append to.
APPEND_ONLY_TABLES = ("audit_auditevent", "audit_checkpoint")
# Tables the runtime role may only read (the purge, run by the owner, writes them).
READ_ONLY_TABLES = ("audit_purgerecord",)


def quote_role(role: str) -> str:
    if not role or not role.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"not a plain role name: {role!r}")
    return f'"{role}"'


def runtime_grants(role: str) -> list[str]:
    """The GRANT and REVOKE statements that make `role` the app's runtime role."""
    who = quote_role(role)
    append_only = ", ".join(APPEND_ONLY_TABLES)
    read_only = ", ".join(READ_ONLY_TABLES)
    return [
        f"GRANT USAGE ON SCHEMA public TO {who}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {who}",
        f"REVOKE UPDATE, DELETE ON {append_only} FROM {who}",
        f"REVOKE INSERT, UPDATE, DELETE ON {read_only} FROM {who}",
    ]


def apply_runtime_grants(role: str, *, using=None) -> None:
    """Run `runtime_grants(role)` on the connection (which must be the owner's)."""
    conn = using or connection
    with conn.cursor() as cursor:
        for statement in runtime_grants(role):
            cursor.execute(statement)


def connection_powers(using=None) -> dict:
    """What the connection's current role can do that the runtime role must not."""
    conn = using or connection
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT r.rolsuper, pg_has_role(current_user, t.tableowner, 'USAGE'), current_user "
            "FROM pg_roles r, pg_tables t "
            "WHERE r.rolname = current_user AND t.tablename = 'audit_auditevent' "
            "AND t.schemaname = 'public'"
        )
        row = cursor.fetchone()
    if row is None:  # not migrated yet
        return {"superuser": False, "owns_audit": False, "role": ""}
    return {"superuser": bool(row[0]), "owns_audit": bool(row[1]), "role": row[2]}
