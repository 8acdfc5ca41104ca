"""Job files (uploaded imports, finished exports): where every web node and worker finds them.

By default the shared storage folder (`SANAD_STORAGE_DIR`); with `SANAD_S3_BUCKET` set, the
bucket's `jobs/` prefix, through django-storages (`STORAGES["jobs"]` in settings). Callers
name files by a relative name and go through these functions only, so neither a path nor a
bucket is assumed anywhere else.
"""

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

# A file above this size is spooled to disk before an upload to object storage.
_SPOOL_BYTES = 8 * 1024 * 1024


def job_files() -> Storage:
    """The configured job storage; the storage folder unless settings name another."""
    if "jobs" in settings.STORAGES:
        return storages["jobs"]
    # Built per call (cheap): tests and tools point SANAD_STORAGE_DIR elsewhere at run time.
    return FileSystemStorage(location=settings.SANAD_STORAGE_DIR)


def storage_root() -> Path:
    return Path(settings.SANAD_STORAGE_DIR)


def storage_path(relative: str) -> Path:
    """The absolute path of a file in the storage folder; refuses names that would leave it."""
    root = storage_root().resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ValueError(f"not inside the storage folder: {relative!r}")
    return path


def write_atomically(relative: str, chunks: Iterable[bytes]) -> int:
    """Write `chunks` under `relative`, replacing what was there; returns bytes written.

    In the folder: a temporary file renamed into place, so a worker killed half-way leaves
    at most a `.part` file, never a truncated result, and a retried job writes the same
    name again. In object storage an upload is all or nothing by itself.
    """
    storage = job_files()
    if isinstance(storage, FileSystemStorage):
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
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
        size = 0
        for chunk in chunks:
            spool.write(chunk)
            size += len(chunk)
        spool.seek(0)
        if storage.exists(relative):
            storage.delete(relative)
        saved = storage.save(relative, File(spool, name=relative))
    if saved != relative:  # a storage that renames instead of replacing would lose the name
        raise RuntimeError(f"job storage saved {relative!r} as {saved!r}")
    return size


def file_exists(relative: str) -> bool:
    return job_files().exists(relative)


def open_file(relative: str):
    """The stored file, opened for reading in binary."""
    return job_files().open(relative, "rb")


def delete_file(relative: str) -> None:
    """Remove a stored file (nothing when it is already gone) and, in the folder, its folder
    once empty."""
    storage = job_files()
    storage.delete(relative)
    if isinstance(storage, FileSystemStorage):
        with contextlib.suppress(OSError, ValueError):
            storage_path(relative).parent.rmdir()


@contextlib.contextmanager
def local_copy(relative: str) -> Iterator[Path]:
    """A path on this machine holding the stored file (itself, in the folder)."""
    storage = job_files()
    if isinstance(storage, FileSystemStorage):
        yield storage_path(relative)
        return
    with tempfile.TemporaryDirectory(prefix="sanad-job-") as folder:
        path = Path(folder) / Path(relative).name
        with storage.open(relative, "rb") as source, open(path, "wb") as target:
            shutil.copyfileobj(source, target)
        yield path
