"""Creating, configuring, starting and stopping the cluster."""

from __future__ import annotations

import contextlib
import locale
import os
import signal
import stat
import subprocess
import time
from pathlib import Path

from .binaries import Binaries
from .cluster import Cluster, write_marker
from .config import (
    CONF_FILE,
    CONF_INCLUDE,
    LOCALES,
    PORT,
    START_TIMEOUT,
    SUPERUSER,
    DevDbError,
    log,
)
from .osuser import OsUser, check_access, chown_to, ensure_traversable
from .server import (
    clear_socket,
    is_live_postmaster,
    read_pidfile,
    remove_stale_pidfile,
    wait_until_settled,
)


def pick_locale() -> str:
    saved = locale.setlocale(locale.LC_CTYPE)
    try:
        for name in LOCALES:
            try:
                locale.setlocale(locale.LC_CTYPE, name)
            except locale.Error:
                continue
            return name
    finally:
        locale.setlocale(locale.LC_CTYPE, saved)
    log("no UTF-8 locale found; using C (pg_trgm will ignore non-ASCII letters)")
    return "C"


def run_tool(args: list[str], user: OsUser, what: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(LC_MESSAGES="C", LANGUAGE="")
    result = subprocess.run(
        args,
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
        env=env,
        **user.subprocess_kwargs(),
    )
    if result.returncode != 0:
        details = (result.stdout + result.stderr).strip()
        raise DevDbError(f"{what} failed (exit {result.returncode}):\n{details}")


def initialize(cluster: Cluster, bins: Binaries, user: OsUser) -> None:
    cluster.root.mkdir(parents=True, exist_ok=True)
    cluster.data.mkdir(mode=0o700, exist_ok=True)
    if any(cluster.data.iterdir()):
        raise DevDbError(
            f"{cluster.data} is not empty but holds no cluster (no PG_VERSION); "
            f"delete {cluster.root} and retry"
        )
    chown_to(cluster.data, user)
    ensure_traversable(cluster.root, user)
    ensure_traversable(bins.bindir, user)
    check_access(user, cluster.data)
    check_access(user, bins.bindir)

    log(
        f"creating a PostgreSQL {bins.major_version()} cluster ({cluster.backend} binaries "
        f"in {bins.bindir}) in {cluster.data}"
    )
    started = time.monotonic()
    run_tool(
        [
            bins.tool("initdb"),
            "-D",
            str(cluster.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            f"--locale={pick_locale()}",
            "--no-instructions",
        ],
        user,
        "initdb",
    )
    with (cluster.data / "postgresql.conf").open("a") as conf:
        conf.write(f"\n# Development settings written by scripts/devdb.py\n{CONF_INCLUDE}\n")
    extra = {"bindir": str(bins.bindir)} if cluster.backend == "system" else {}
    write_marker(cluster, **extra)
    log(f"initdb took {time.monotonic() - started:.1f}s")


def quote_conf(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def prepare_socket_dir(cluster: Cluster, path: Path, user: OsUser) -> None:
    if path == cluster.data:
        return
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700)
    chown_to(path, user)
    st = path.lstat()
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != user.uid:
        raise DevDbError(f"{path} exists but is not a directory owned by {user.name}")


def write_settings(cluster: Cluster, socket_dir: Path, user: OsUser) -> None:
    settings = {
        "listen_addresses": "''",
        "port": str(PORT),
        "unix_socket_directories": quote_conf(str(socket_dir)),
        "unix_socket_permissions": "0700",
        "shared_buffers": "'64MB'",
        "synchronous_commit": "off",
        "fsync": "on",
        "full_page_writes": "on",
        "jit": "off",
        "timezone": "'UTC'",
        "log_timezone": "'UTC'",
    }
    text = "# Rewritten by scripts/devdb.py at every start.\n" + "".join(
        f"{key} = {value}\n" for key, value in settings.items()
    )
    path = cluster.data / CONF_FILE
    path.write_text(text)
    chown_to(path, user)
    main_conf = cluster.data / "postgresql.conf"
    if CONF_INCLUDE not in main_conf.read_text():
        with main_conf.open("a") as conf:
            conf.write(f"\n{CONF_INCLUDE}\n")


def start(cluster: Cluster, bins: Binaries, user: OsUser) -> None:
    version = bins.major_version()
    if version != cluster.pg_version():
        raise DevDbError(
            f"{cluster.data} needs PostgreSQL {cluster.pg_version()} but the {cluster.backend} "
            f"binaries in {bins.bindir} are version {version}"
        )
    socket_dir = cluster.default_socket_dir()
    prepare_socket_dir(cluster, socket_dir, user)
    clear_socket(cluster, socket_dir)
    ensure_traversable(cluster.data, user)
    ensure_traversable(bins.bindir, user)
    write_settings(cluster, socket_dir, user)
    log(f"starting PostgreSQL {version} ({cluster.backend}) on socket {socket_dir}/.s.PGSQL.{PORT}")
    started = time.monotonic()
    try:
        run_tool(
            [
                bins.tool("pg_ctl"),
                "start",
                "-D",
                str(cluster.data),
                "-l",
                str(cluster.log_file),
                "-w",
                "-t",
                str(START_TIMEOUT),
                "-s",
            ],
            user,
            "pg_ctl start",
        )
    except DevDbError as error:
        raise DevDbError(
            f"{error}\n--- end of {cluster.log_file} ---\n{_log_tail(cluster)}"
        ) from None
    log(f"server started in {time.monotonic() - started:.1f}s")


def _log_tail(cluster: Cluster, lines: int = 20) -> str:
    try:
        return "\n".join(cluster.log_file.read_text(errors="replace").splitlines()[-lines:])
    except OSError as error:
        return f"(cannot read the log: {error})"


def stop_cluster(cluster: Cluster) -> bool:
    """Stop the server (fast shutdown). True if it was running."""
    state, info = wait_until_settled(cluster)
    if state == "stopped":
        return False
    assert info is not None
    if state == "stale":
        remove_stale_pidfile(cluster, info)
        return False
    if state == "busy":
        raise DevDbError(f"the server (pid {info.pid}) does not settle; see {cluster.log_file}")
    log(f"stopping the server in {cluster.data} (pid {info.pid})")
    os.kill(info.pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if read_pidfile(cluster) is None or not is_live_postmaster(info):
            return True
        time.sleep(0.1)
    raise DevDbError(f"the server (pid {info.pid}) did not stop within {START_TIMEOUT}s")
