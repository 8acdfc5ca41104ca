#!/usr/bin/env python3
"""Print what the set-up found and chose, one part per line, each with OK or what to do.

Run by `./sanad doctor` inside the project's virtualenv, after ./sanad has tried to start the
private PostgreSQL cluster: DATABASE_URL is set unless that failed, and SANAD_DB_SOURCE says
whether it came from the environment or from the private cluster. Settings are read as
`./sanad run` reads them (SANAD_ENV=development unless set). Exit status 1 when a part needs
something done.
"""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import devdb  # scripts/ is sys.path[0]

REPO = Path(__file__).resolve().parent.parent
MIN_PYTHON = (3, 11)
CHROMIUM = Path("/usr/bin/chromium")
OK, TODO = "OK", "TODO"


@dataclass
class Finding:
    part: str
    status: str  # OK, TODO, or an honest "none yet" / "not configured"
    detail: str
    todo: str = ""


def check_python() -> Finding:
    version = ".".join(map(str, sys.version_info[:3]))
    venv = Path(sys.prefix)
    where = venv.relative_to(REPO) if venv.is_relative_to(REPO) else venv
    installer = (
        (venv / ".sanad-installer").read_text().strip()
        if (venv / ".sanad-installer").is_file()
        else "unknown installer"
    )
    detail = (
        f"{platform.python_implementation()} {version} ({sys._base_executable}); "
        f"virtualenv {where}, installed from requirements/dev.txt with {installer}"
    )
    if sys.version_info[:2] < MIN_PYTHON:
        return Finding("Python", TODO, detail, "Sanad needs CPython 3.11 or newer")
    return Finding("Python", OK, detail)


def database_source() -> tuple[Finding | None, str]:
    """Where the database comes from: a finding for it, and a description for the next ones."""
    url = os.environ.get("DATABASE_URL", "")
    if os.environ.get("SANAD_DB_SOURCE") == "environment":
        parts = urlsplit(url)
        host = unquote(parts.hostname or "") or "local socket"
        return None, f"DATABASE_URL from the environment ({host}{parts.path})"
    try:
        cluster = devdb.select_cluster(for_start=False)
        bins = devdb.binaries(cluster, install=False)
    except devdb.DevDbError as error:
        return Finding("PostgreSQL", TODO, str(error), "see scripts/devdb.py's notes"), ""
    where = cluster.root.relative_to(REPO)
    source = f"private cluster in {where} ({cluster.backend} binaries in {bins.bindir})"
    if not url:
        log = REPO / ".local" / "doctor-devdb.log"
        return Finding("PostgreSQL", TODO, f"{source}, not running", f"see {log}"), source
    return None, source


def check_database() -> list[Finding]:
    problem, source = database_source()
    if problem is not None:
        return [problem]
    import psycopg

    try:
        with psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=5) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
            installed = dict(conn.execute("SELECT extname, extversion FROM pg_extension"))
            available = {row[0] for row in conn.execute("SELECT name FROM pg_available_extensions")}
            me, superuser, createdb = conn.execute(
                "SELECT rolname, rolsuper, rolcreatedb FROM pg_roles WHERE rolname = current_user"
            ).fetchone()
            others = [
                row[0]
                for row in conn.execute(
                    "SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' "
                    "AND rolname <> current_user ORDER BY rolname"
                )
            ]
            database = conn.info.dbname
    except psycopg.Error as error:
        first_line = str(error).strip().splitlines()[0]
        return [Finding("PostgreSQL", TODO, f"{source}: {first_line}", "./sanad db starts it")]

    findings = [Finding("PostgreSQL", OK, f"{version}, {source}")]
    wanted = devdb.EXTENSIONS
    have = [f"{name} {installed[name]}" for name in wanted if name in installed]
    missing = [name for name in wanted if name not in installed]
    if not missing:
        findings.append(Finding("Extensions", OK, f"{', '.join(have)} in database {database}"))
    elif all(name in available for name in missing):
        findings.append(
            Finding(
                "Extensions",
                TODO,
                f"{', '.join(missing)} not created in {database}",
                "the first migration creates them: ./sanad manage migrate",
            )
        )
    else:
        findings.append(
            Finding(
                "Extensions",
                TODO,
                f"{', '.join(n for n in missing if n not in available)} not available",
                "install PostgreSQL's contrib modules (Debian: postgresql-contrib)",
            )
        )

    rights = "superuser" if superuser else ("may create databases" if createdb else "no CREATEDB")
    roles = f"connects as {me} ({rights}); other roles: {', '.join(others) or 'none'}"
    split = {devdb.OWNER_ROLE, devdb.RUNTIME_ROLE} <= set(others) | {me}
    if split:
        roles += (
            f"; the app serves as {devdb.RUNTIME_ROLE} and migrates as {devdb.OWNER_ROLE} "
            "(./sanad run)"
        )
    if not (superuser or createdb):
        findings.append(
            Finding("Roles", TODO, roles, f"tests create test_{database}: ALTER ROLE {me} CREATEDB")
        )
    elif not split and not os.environ.get("DATABASE_OWNER_URL"):
        findings.append(
            Finding(
                "Roles",
                TODO,
                roles,
                "run the app as a runtime role (DATABASE_URL) and migrate as the owner "
                "(DATABASE_OWNER_URL); see docs/security.md",
            )
        )
    else:
        findings.append(Finding("Roles", OK, roles))
    findings.append(check_migrations())
    return findings


def check_migrations() -> Finding:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        return Finding(
            "Migrations",
            TODO,
            f"{len(pending)} not applied",
            "./sanad manage migrate (or ./sanad run)",
        )
    return Finding("Migrations", OK, "all applied")


def check_chromium() -> Finding:
    try:
        playwright = f"Playwright {metadata.version('playwright')}"
    except metadata.PackageNotFoundError:
        playwright = "Playwright not installed"
    if not os.access(CHROMIUM, os.X_OK):
        return Finding(
            "Chromium",
            TODO,
            f"{CHROMIUM} missing; {playwright}",
            "apt-get install chromium (the browser tests drive it; ./sanad test --fast skips them)",
        )
    try:
        result = subprocess.run(
            [str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError) as error:
        return Finding("Chromium", TODO, f"{CHROMIUM} does not run: {error}", "reinstall chromium")
    return Finding("Chromium", OK, f"{result.stdout.strip()} at {CHROMIUM}; {playwright}")


def check_cache(settings) -> Finding:
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return Finding(
            "Cache",
            OK,
            "Django's per-process memory cache (no CACHES configured): nothing to run; API "
            "token throttling therefore counts per server process",
        )
    return Finding("Cache", OK, backend)


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def check_email(settings) -> Finding:
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    if backend == "smtp":
        server = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
        state = "answers" if reachable(settings.EMAIL_HOST, settings.EMAIL_PORT) else "no answer"
        where = f"Django's default SMTP backend, {server} ({state})"
    else:
        where = f"{settings.EMAIL_BACKEND}"
    if backend == "smtp":
        return Finding("E-mail", OK, f"invitations, password resets and digests go out by {where}")
    return Finding(
        "E-mail",
        "not sending",
        f"{where}: invitation and reset links are shown to the admin to pass on",
        "set EMAIL_URL (e.g. smtp://user:password@mail.example:587/?tls=True) to send mail",
    )


def check_job_worker(had_url: bool) -> Finding:
    """Workers announce themselves in the queue's own table with a heartbeat."""
    start = "./sanad worker (./sanad run starts one beside the server)"
    if not had_url:
        return Finding("Job worker", "none running", "no database to ask", start)
    import psycopg

    try:
        with psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=5) as conn:
            alive = conn.execute(
                "SELECT count(*) FROM procrastinate_workers "
                "WHERE last_heartbeat > now() - interval '1 minute'"
            ).fetchone()[0]
            waiting = conn.execute(
                "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'"
            ).fetchone()[0]
    except psycopg.errors.UndefinedTable:
        return Finding(
            "Job worker", "none running", "the queue's tables are not migrated yet", start
        )
    except psycopg.Error as error:
        return Finding("Job worker", TODO, f"the queue's tables: {error}".strip(), start)
    if not alive:
        return Finding(
            "Job worker", "none running", f"procrastinate; {waiting} job(s) waiting", start
        )
    return Finding("Job worker", OK, f"{alive} procrastinate worker(s) alive; {waiting} waiting")


def django_settings():
    os.environ.setdefault("SANAD_ENV", "development")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")
    # Settings refuse to load without a URL; the database findings already say what is wrong.
    os.environ.setdefault("DATABASE_URL", "postgresql://unavailable/sanad")
    sys.path.insert(0, str(REPO))
    import django
    from django.conf import settings

    django.setup()
    return settings


def main() -> int:
    had_url = bool(os.environ.get("DATABASE_URL"))
    settings = django_settings()
    findings = [check_python()]
    if had_url:
        findings += check_database()
    else:
        problem, _ = database_source()
        findings.append(problem or Finding("PostgreSQL", TODO, "no DATABASE_URL", "./sanad db"))
    findings += [
        check_chromium(),
        check_cache(settings),
        check_email(settings),
        check_job_worker(had_url),
    ]
    width = max(len(f.part) for f in findings) + 2
    status_width = max(len(f.status) for f in findings) + 2
    for finding in findings:
        print(f"{finding.part:<{width}}{finding.status:<{status_width}}{finding.detail}")
        if finding.todo:
            print(f"{'':<{width + status_width}}-> {finding.todo}")
    return 1 if any(f.status == TODO for f in findings) else 0


if __name__ == "__main__":
    sys.exit(main())
