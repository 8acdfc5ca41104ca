"""Which cluster: its directory, its backend (system or embedded binaries), its marker."""

# ruff: noqa: S108

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .bindirs import system_bindirs
from .config import BACKENDS, LOCAL, PORT, SOCKET_PATH_LIMIT, URL_SAFE_DIR, DevDbError, log


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
