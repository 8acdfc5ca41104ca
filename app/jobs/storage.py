"""The shared storage folder: files every web node and worker can reach by name."""

import os
from pathlib import Path

from django.conf import settings


def storage_root() -> Path:
    return Path(settings.SANAD_STORAGE_DIR)


def storage_path(relative: str) -> Path:
    """The absolute path of a stored file; refuses names that would leave the folder."""
    root = storage_root().resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ValueError(f"not inside the storage folder: {relative!r}")
    return path


def write_atomically(relative: str, chunks) -> int:
    """Write `chunks` to a temporary file, then rename it into place; returns bytes written.

    A worker killed half-way leaves at most a `.part` file, never a truncated result, and
    a retried job simply writes the same name again.
    """
    path = storage_path(relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    size = 0
    with open(part, "wb") as out:
        for chunk in chunks:
            out.write(chunk)
            size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    os.replace(part, path)
    return size
