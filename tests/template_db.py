"""A migrated template database, so that each test process copies it instead of migrating.

Every test process (each xdist worker, each targeted run) used to create its test
database and migrate it from nothing, several seconds of CPU each. Now the first one to
need it migrates its database as before and copies it to `test_<name>_tpl_<key>`; the
others (and later runs) create theirs with `CREATE DATABASE … TEMPLATE` that copy, and
`migrate` then finds nothing to do (it still runs: a migration the copy lacks is
applied). `<key>` is a hash of every installed app's migration files and of the lock
file (requirements/dev.txt pins the libraries whose migrations are not files here, such
as Procrastinate's SQL), so a changed or added migration makes a new template; older
templates of this test database are dropped then.

A PostgreSQL advisory lock makes the processes that start together wait for the one
that migrates, instead of all migrating at once. Off with SANAD_TEST_TEMPLATE=0, with
`--no-migrations` and with `--reuse-db` (which keeps its own database anyway).
"""

import contextlib
import hashlib
import os
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
# pg_advisory_lock key: "sanad-test-template" folded into a bigint.
LOCK_KEY = int.from_bytes(hashlib.sha256(b"sanad-test-template").digest()[:8], "big", signed=True)


def enabled(use_migrations: bool, keepdb: bool) -> bool:
    return use_migrations and not keepdb and os.environ.get("SANAD_TEST_TEMPLATE", "1") != "0"


def migrations_key() -> str:
    """A hash of every migration file of every installed app, and of the lock file."""
    from django.apps import apps

    digest = hashlib.sha256()
    lock = ROOT / "requirements" / "dev.txt"
    if lock.is_file():
        digest.update(lock.read_bytes())
    for app in sorted(apps.get_app_configs(), key=lambda config: config.label):
        folder = Path(app.path) / "migrations"
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(f"{app.label}/{path.relative_to(folder)}\0".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _admin(settings_dict: dict) -> psycopg.Connection:
    """An autocommit connection as the connecting (owner) role to the maintenance database."""
    return psycopg.connect(
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def _exists(admin: psycopg.Connection, name: str) -> bool:
    return (
        admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
    )


class Template:
    """Chooses the template before the test database is made; makes it after, if missing."""

    def __init__(self, settings_dict: dict) -> None:
        self.settings_dict = settings_dict
        base = settings_dict["NAME"]
        self.prefix = f"test_{base}_tpl_"
        self.name = self.prefix + migrations_key()
        self.admin: psycopg.Connection | None = None

    def before_setup(self) -> None:
        """Point TEST["TEMPLATE"] at the template if it exists; else hold the lock, so
        that the others wait until this process has made it."""
        admin = _admin(self.settings_dict)
        admin.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        if _exists(admin, self.name):
            admin.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
            admin.close()
            self.settings_dict.setdefault("TEST", {})["TEMPLATE"] = self.name
            return
        self.admin = admin  # made after the set-up, lock held until then

    def after_setup(self, connection) -> None:
        """Copy the freshly migrated test database to the template (if this process had
        to migrate), then let the others go on."""
        admin, self.admin = self.admin, None
        if admin is None:
            return
        try:
            stale = admin.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                [self.prefix.replace("_", r"\_") + "%", self.name],
            ).fetchall()
            for (name,) in stale:
                # In use (another run copying it): left for the next new template.
                with contextlib.suppress(psycopg.Error):
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.close()  # CREATE DATABASE … TEMPLATE needs the source unused
            test_name = connection.settings_dict["NAME"]
            admin.execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{test_name}"')
        finally:
            admin.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
            admin.close()
