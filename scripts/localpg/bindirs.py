"""Where the machine keeps PostgreSQL server binaries: PATH, or Debian's versioned layout."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

SERVER_TOOLS = ("initdb", "pg_ctl", "postgres")
# Debian and Ubuntu install each major version side by side, in <root>/<version>/bin.
DEBIAN_ROOT = Path("/usr/lib/postgresql")


def has_server_tools(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in SERVER_TOOLS)


def system_bindirs() -> list[tuple[int | None, Path]]:
    """Directories with system server binaries, as (major version if known, dir)."""
    found: dict[Path, int | None] = {}
    on_path = shutil.which("pg_ctl")
    if on_path:
        bindir = Path(on_path).resolve().parent
        if has_server_tools(bindir):
            found[bindir] = None
    for candidate in DEBIAN_ROOT.glob("*/bin"):
        version = candidate.parent.name
        if version.isdigit() and has_server_tools(candidate):
            found[candidate.resolve()] = int(version)
    return [(version, bindir) for bindir, version in found.items()]
