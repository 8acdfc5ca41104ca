"""The database, roles and extensions inside the running cluster."""

# ruff: noqa: S608

from __future__ import annotations

import os
import subprocess

from .binaries import Binaries
from .cluster import Cluster
from .config import (
    BOOTSTRAP_STAMP,
    BOOTSTRAP_VERSION,
    DB_NAME,
    EXTENSIONS,
    OWNER_ROLE,
    RUNTIME_ROLE,
    SUPERUSER,
    DevDbError,
    log,
)
from .server import PidFile

BOOTSTRAP_SQL = "\n".join(
    [
        "\\connect template1",
        *(f"CREATE EXTENSION IF NOT EXISTS {ext};" for ext in EXTENSIONS),
        "\\connect postgres",
        f"SELECT 'CREATE DATABASE {DB_NAME}' WHERE NOT EXISTS "
        f"(SELECT FROM pg_database WHERE datname = '{DB_NAME}') \\gexec",
        f"\\connect {DB_NAME}",
        *(f"CREATE EXTENSION IF NOT EXISTS {ext};" for ext in EXTENSIONS),
        # The owner role owns the database and everything the app's migrations made
        # (clusters bootstrapped before the roles existed had the superuser own them).
        *(
            f"SELECT 'CREATE ROLE {role} LOGIN{extra}' WHERE NOT EXISTS "
            f"(SELECT FROM pg_roles WHERE rolname = '{role}') \\gexec"
            for role, extra in ((OWNER_ROLE, " CREATEDB"), (RUNTIME_ROLE, ""))
        ),
        f"ALTER DATABASE {DB_NAME} OWNER TO {OWNER_ROLE};",
        f"ALTER SCHEMA public OWNER TO {OWNER_ROLE};",
        f"""DO $$
DECLARE item record;
BEGIN
    FOR item IN
        SELECT format('ALTER %s %s OWNER TO {OWNER_ROLE}',
                      CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'v' THEN 'VIEW'
                                     WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'SEQUENCE' END,
                      c.oid::regclass) AS sql
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'S')
           AND pg_get_userbyid(c.relowner) = '{SUPERUSER}'
           AND NOT EXISTS (SELECT FROM pg_depend d
                            WHERE d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
        UNION ALL
        SELECT format('ALTER FUNCTION %s OWNER TO {OWNER_ROLE}', p.oid::regprocedure)
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) = '{SUPERUSER}'
           AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE item.sql;
    END LOOP;
END $$;""",
        "",
    ]
)

CHECK_SQL = "SELECT count(*) FROM pg_extension WHERE extname IN ({});".format(
    ", ".join(f"'{ext}'" for ext in EXTENSIONS)
)


def psql(bins: Binaries, info: PidFile, database: str, sql: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(
        PGHOST=str(info.socket_dir),
        PGPORT=str(info.port),
        PGUSER=SUPERUSER,
        PGDATABASE=database,
        PGOPTIONS="-c client_min_messages=warning",
        PGAPPNAME="sanad-devdb",
        PGCONNECT_TIMEOUT="10",
    )
    return subprocess.run(
        [str(bins.psql), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-f", "-"],
        input=sql,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def bootstrap(cluster: Cluster, bins: Binaries, info: PidFile) -> None:
    """Database `sanad` with the extensions, also in template1 (for test databases)."""
    stamp = cluster.root / BOOTSTRAP_STAMP
    if stamp.is_file() and stamp.read_text() == BOOTSTRAP_VERSION:
        # Fast path: only look at the app database, never hold a connection to template1
        # (CREATE DATABASE ... TEMPLATE template1 fails while anybody is connected to it).
        check = psql(bins, info, DB_NAME, CHECK_SQL)
        if check.returncode == 0 and check.stdout.strip() == str(len(EXTENSIONS)):
            return
    result = psql(bins, info, "postgres", BOOTSTRAP_SQL)
    if result.returncode != 0:
        raise DevDbError(f"preparing database {DB_NAME!r} failed:\n{result.stderr.strip()}")
    stamp.write_text(BOOTSTRAP_VERSION)
    log(f"database {DB_NAME!r} ready with {', '.join(EXTENSIONS)} (also in template1)")
