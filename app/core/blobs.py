"""Content-addressed files in Django's default storage (the storage folder, or object storage).

A file is stored under its own SHA-256 (`captures/ab/<sha256>.<ext>`), so two captures of
the same bytes share one file, a name can be checked against its bytes at any time, and
a write is idempotent: writing the same bytes twice leaves one file. Only
`default_storage` is used, so whatever backend the settings configure (a local folder,
django-storages' S3) holds them.
"""

from __future__ import annotations

import hashlib
import re

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

PREFIX = "captures"
NAME_RE = re.compile(r"^captures/([0-9a-f]{2})/([0-9a-f]{64})\.([a-z0-9.]{1,12})$")


class BlobError(Exception):
    """A stored file is missing or its bytes no longer match the hash in its name."""


def blob_name(sha256: str, ext: str) -> str:
    return f"{PREFIX}/{sha256[:2]}/{sha256}.{ext}"


def blob_hash(name: str) -> str:
    """The SHA-256 a stored file's name promises; raises `BlobError` for any other name."""
    match = NAME_RE.match(name)
    if match is None or match.group(1) != match.group(2)[:2]:
        raise BlobError(f"not a content-addressed file name: {name!r}")
    return match.group(2)


def blob_save(data: bytes, ext: str) -> tuple[str, str]:
    """Store `data` under its hash; returns (name, sha256). Existing identical files stay."""
    digest = hashlib.sha256(data).hexdigest()
    name = blob_name(digest, ext)
    if default_storage.exists(name):
        try:
            if blob_read(name) == data:
                return name, digest
        except BlobError:
            pass  # a damaged copy: replaced by the good bytes below
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:  # a backend that renames on conflict: the name must be the hash
        default_storage.delete(saved)
        raise BlobError(f"storage stored {name!r} as {saved!r}")
    return name, digest


def blob_read(name: str) -> bytes:
    """The stored bytes, checked against the hash in the name; raises `BlobError`."""
    expected = blob_hash(name)
    try:
        with default_storage.open(name, "rb") as stored:
            data = stored.read()
    except (FileNotFoundError, OSError) as error:
        raise BlobError(f"stored file {name!r} is missing: {error}") from None
    if hashlib.sha256(data).hexdigest() != expected:
        raise BlobError(f"stored file {name!r} does not match its SHA-256")
    return data


def blob_delete(name: str) -> None:
    if name and default_storage.exists(name):
        default_storage.delete(name)
