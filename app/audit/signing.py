"""The server's Ed25519 key for checkpoints: created on first use, kept outside git.

The private key lives in `settings.SANAD_SIGNING_KEY_PATH` (PKCS#8 PEM, mode 0600).
Losing it does not invalidate old checkpoints (their public key stays published with
them); a new key simply starts signing new ones, under a new key id.
"""

import base64
import os
import threading
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from app.audit.verify import key_fingerprint

_lock = threading.Lock()
_cache: dict[Path, Ed25519PrivateKey] = {}


def _key_path() -> Path:
    return Path(settings.SANAD_SIGNING_KEY_PATH)


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # O_EXCL: when two processes start at once, the second keeps the first one's key.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)


def signing_key() -> Ed25519PrivateKey:
    """Load the private key, generating it on first use.

    Raises `OSError` when the path cannot be read or written, and `ValueError` when
    the file there is not an Ed25519 private key.
    """
    path = _key_path()
    with _lock:
        if path not in _cache:
            if not path.exists():
                _create(path)
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{path} does not hold an Ed25519 private key")
            _cache[path] = key
        return _cache[path]


def public_key_raw() -> bytes:
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def public_key_base64() -> str:
    return base64.b64encode(public_key_raw()).decode("ascii")


def public_key_pem() -> str:
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def key_id() -> str:
    return key_fingerprint(public_key_raw())


def sign(message: bytes) -> str:
    """Sign `message`; return the signature as base64."""
    return base64.b64encode(signing_key().sign(message)).decode("ascii")
