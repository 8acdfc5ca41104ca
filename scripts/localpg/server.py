"""The server's state: its postmaster.pid, whether it runs and answers, its socket and URL."""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .cluster import Cluster
from .config import DB_NAME, PORT, START_TIMEOUT, SUPERUSER, DevDbError, log
from .osuser import owner_name


@dataclass(frozen=True)
class PidFile:
    """postmaster.pid, or a socket's .lock file (same layout)."""

    pid: int
    data_dir: Path | None
    start_time: int | None
    port: int | None
    socket_dir: Path | None
    status: str


def parse_lock_file(text: str) -> PidFile:
    lines = [line.strip() for line in text.splitlines()]

    def line(number: int) -> str:
        return lines[number - 1] if len(lines) >= number else ""

    if not line(1).lstrip("-").isdigit():
        return PidFile(0, None, None, None, None, "")  # being written, or garbage
    socket_dirs = line(5)
    return PidFile(
        pid=abs(int(line(1))),
        data_dir=Path(line(2)) if line(2) else None,
        start_time=int(line(3)) if line(3).isdigit() else None,
        port=int(line(4)) if line(4).isdigit() else None,
        socket_dir=Path(socket_dirs.split(",")[0].strip()) if socket_dirs else None,
        status=line(8),
    )


def read_pidfile(cluster: Cluster) -> PidFile | None:
    path = cluster.data / "postmaster.pid"
    try:
        return parse_lock_file(path.read_text())
    except FileNotFoundError:
        return None
    except PermissionError:
        raise DevDbError(
            f"cannot read {path} (the cluster belongs to {owner_name(cluster.data)})"
        ) from None


def socket_file(info: PidFile) -> Path | None:
    if info.socket_dir is None or info.port is None:
        return None
    return info.socket_dir / f".s.PGSQL.{info.port}"


def _accepts_connections(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        try:
            sock.connect(str(path))
        except OSError:
            return False
    return True


def _process_identity(pid: int) -> tuple[str, float] | None:
    """(command name, start time) of a process from Linux /proc, None when unknown."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
        boot = next(
            int(entry.split()[1])
            for entry in Path("/proc/stat").read_text().splitlines()
            if entry.startswith("btime ")
        )
    except (OSError, StopIteration, ValueError):
        return None
    name = stat_line[stat_line.find("(") + 1 : stat_line.rfind(")")]
    fields = stat_line[stat_line.rfind(")") + 1 :].split()
    return name, boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")


def is_live_postmaster(info: PidFile) -> bool:
    """Is the pid in postmaster.pid still that postmaster (not a pid reused after a reboot)?"""
    if info.pid <= 0:
        return False
    try:
        os.kill(info.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, owned by another user
    identity = _process_identity(info.pid)
    if identity is None:
        return True  # no /proc: trust the pid, like pg_ctl does
    name, started = identity
    if name not in ("postgres", "postmaster"):
        return False
    return info.start_time is None or abs(started - info.start_time) < 5


def probe(cluster: Cluster) -> tuple[str, PidFile | None]:
    """("running" | "busy" | "stale" | "stopped", postmaster.pid contents)."""
    info = read_pidfile(cluster)
    if info is None:
        return "stopped", None
    sock = socket_file(info)
    if info.status == "ready" and sock is not None and _accepts_connections(sock):
        return "running", info
    if is_live_postmaster(info):
        return "busy", info  # starting up, shutting down, or not answering
    return "stale", info


def wait_until_settled(cluster: Cluster) -> tuple[str, PidFile | None]:
    deadline = time.monotonic() + START_TIMEOUT
    state, info = probe(cluster)
    announced = False
    while state == "busy" and time.monotonic() < deadline:
        if not announced:
            log(f"the server (pid {info.pid}) is starting or stopping; waiting")
            announced = True
        time.sleep(0.2)
        state, info = probe(cluster)
    return state, info


def remove_stale_pidfile(cluster: Cluster, info: PidFile) -> None:
    log(f"removing stale {cluster.data / 'postmaster.pid'} (pid {info.pid} is not its server)")
    (cluster.data / "postmaster.pid").unlink(missing_ok=True)


def wait_for_exit(pid: int, timeout: float = START_TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def stop_orphans(cluster: Cluster) -> None:
    """Stop postmasters still running on this data directory path without a postmaster.pid.

    That happens when the data directory is deleted or replaced while its server runs. Such an
    orphan must be gone before a new cluster is created there: it writes pg_control by absolute
    path, so it would corrupt the new cluster when it shuts down. (Linux: found through /proc.)
    """
    target = str(cluster.data)
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if (entry / "comm").read_text().strip() not in ("postgres", "postmaster"):
                continue
            args = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if not any(a == "-D" and b == target for a, b in itertools.pairwise(args)):
            continue
        pid = int(entry.name)
        log(
            f"stopping an orphaned server (pid {pid}) of {target}, deleted or replaced while it ran"
        )
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)
        if not wait_for_exit(pid):
            raise DevDbError(f"the orphaned server (pid {pid}) did not stop")


def clear_socket(cluster: Cluster, socket_dir: Path) -> None:
    """Before a start: deal with a socket lock left by a dead or orphaned server.

    PostgreSQL refuses to start if the pid in the lock is alive, which after a reboot can be an
    unrelated process. A live postmaster of this very data directory path whose postmaster.pid
    is gone is an orphan (its data directory was deleted or replaced while it ran): stop it.
    """
    lock = socket_dir / f".s.PGSQL.{PORT}.lock"
    try:
        holder = parse_lock_file(lock.read_text())
    except FileNotFoundError:
        return
    if not is_live_postmaster(holder):
        log(f"removing stale {lock} (pid {holder.pid} is not its server)")
        lock.unlink(missing_ok=True)
        (socket_dir / f".s.PGSQL.{PORT}").unlink(missing_ok=True)
        return
    if holder.data_dir != cluster.data:
        raise DevDbError(
            f"{socket_dir} is used by another PostgreSQL server (pid {holder.pid}, "
            f"data directory {holder.data_dir})"
        )
    log(
        f"stopping an orphaned server (pid {holder.pid}) whose data directory "
        f"{cluster.data} was deleted or replaced while it ran"
    )
    os.kill(holder.pid, signal.SIGINT)
    if not wait_for_exit(holder.pid):
        raise DevDbError(f"the orphaned server (pid {holder.pid}) did not stop")


def connection_url(info: PidFile, role: str = SUPERUSER) -> str:
    assert info.socket_dir is not None and info.port is not None
    host = quote(str(info.socket_dir), safe="")
    return f"postgresql://{role}@{host}:{info.port}/{DB_NAME}"
