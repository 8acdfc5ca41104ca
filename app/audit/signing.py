"""The server's Ed25519 key for checkpoints: created on first use, kept outside git.

The private key is `settings.SANAD_SIGNING_KEY` (PKCS#8 PEM text from the environment:
every web node and worker then signs with the same key, with no file to share) or else
lives in `settings.SANAD_SIGNING_KEY_PATH` (PKCS#8 PEM, mode 0600).
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
_cache: dict[Path | str, Ed25519PrivateKey] = {}


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
    """Load the configured private key, or the file's, generating the file on first use.

    Raises `OSError` when the path cannot be read or written, and `ValueError` when
    the configured text or the file is not an Ed25519 private key.
    """
    configured = settings.SANAD_SIGNING_KEY.strip()
    source: Path | str = configured or _key_path()
    with _lock:
        if source not in _cache:
            if configured:
                pem, where = configured.encode(), "SANAD_SIGNING_KEY"
            else:
                if not source.exists():
                    _create(source)
                pem, where = source.read_bytes(), str(source)
            key = serialization.load_pem_private_key(pem, password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{where} does not hold an Ed25519 private key")
            _cache[source] = key
        return _cache[source]


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
