"""Verify an exported audit trail offline, with nothing but the export (and a checkpoint).

This module deliberately imports neither Django nor a database driver: a journalist,
a court expert or a rival newsroom can copy it next to an export and run it. It needs
`rfc8785` (canonical JSON) and, for checkpoints only, `cryptography` (Ed25519).

Each line of an export is one event as RFC 8785 canonical JSON *including* its
`hash`, so every line is itself canonical. The hashed text is that line with the
top-level `,"hash":"…"` member cut out; see docs/audit.md for the full format.

    from app.audit.verify import verify_lines
    result = verify_lines("trail.jsonl", checkpoint="checkpoint.json", public_key="key.pem")
    print(result)  # "OK: 812 events ..." or "line 17: hash mismatch ..."
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import rfc8785

GENESIS_HASH = "0" * 64
_GENESIS_BYTES = GENESIS_HASH.encode("ascii")
# The member that follows `hash` at the top level of every event: keys are sorted, and
# no string in canonical JSON can hold an unescaped quote, so the last occurrence of
# this text is the top-level one.
_AFTER_HASH = ',"object":{"id":'
_HASH_KEY = b',"hash":"'
_HASH_MEMBER_LENGTH = len(_HASH_KEY) + 64 + 1
_HEAD = b'{"action":"'
_QUOTE = ord('"')
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX64_BYTES = re.compile(rb"[0-9a-f]{64}")
# Python's json and RFC 8785 agree on everything our events contain except number
# formatting and the order of keys holding characters beyond the BMP; lines with those
# are re-checked with the full RFC 8785 implementation.
_ASTRAL = re.compile(r"[\U00010000-\U0010ffff]")
_REQUIRED = {
    "workspace": int,
    "seq": int,
    "at": str,
    "actor": dict,
    "action": str,
    "object": dict,
    "reason": str,
    "request_id": str,
    "prev_hash": str,
    "hash": str,
}


class VerificationInputError(Exception):
    """The input cannot be read at all (missing file, not UTF-8, unusable key)."""


@dataclass(frozen=True)
class VerifyResult:
    """The outcome: either everything verified, or the first bad line and why."""

    ok: bool
    count: int
    workspace: int | None = None
    first_seq: int | None = None
    head_seq: int | None = None
    head_hash: str | None = None
    line: int | None = None
    reason: str = ""
    checkpoint_verified: bool = False

    def __str__(self) -> str:
        if not self.ok:
            where = f"line {self.line}" if self.line else "export"
            return f"FAILED at {where}: {self.reason}"
        if self.count == 0:
            return "OK: the export holds no events"
        checkpoint = "; checkpoint signature verified" if self.checkpoint_verified else ""
        return (
            f"OK: {self.count} events of workspace {self.workspace}, "
            f"seq {self.first_seq}..{self.head_seq}, head hash {self.head_hash}{checkpoint}"
        )


class _Bad(Exception):
    def __init__(self, line: int | None, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


def hashed_text(line: str) -> str:
    """Return the text whose SHA-256 is the event's hash: the line without its `hash` member.

    Raises `ValueError` when the line has no top-level hash member where canonical
    form puts it.
    """
    cut = line.rfind(_AFTER_HASH)
    start = cut - _HASH_MEMBER_LENGTH
    if cut < 0 or start < 0 or not line.startswith(',"hash":"', start):
        raise ValueError("no top-level hash member before object")
    return line[:start] + line[cut:]


def export_line(canonical: str, event_hash: str) -> str:
    """Build an export line from the stored canonical text and its hash (the inverse of
    `hashed_text`)."""
    cut = canonical.rfind(_AFTER_HASH)
    return f'{canonical[:cut]},"hash":"{event_hash}"{canonical[cut:]}'


def _is_canonical(line: str, event: dict, saw_float: bool) -> bool:
    fast = json.dumps(event, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if fast == line and not saw_float and not _ASTRAL.search(line):
        return True
    try:
        return rfc8785.dumps(event).decode("utf-8") == line
    except (rfc8785.CanonicalizationError, ValueError, TypeError, OverflowError):
        return False


def _lines(source: Iterable[str | bytes] | str | os.PathLike) -> Iterator[bytes]:
    """Yield the lines as UTF-8 bytes: hashing needs bytes, and decoding costs time."""
    if isinstance(source, str | os.PathLike):
        try:
            with open(source, "rb") as handle:
                yield from handle
        except OSError as error:
            raise VerificationInputError(f"cannot read {os.fspath(source)}: {error}") from error
        return
    for item in source:
        yield item if isinstance(item, bytes) else item.encode("utf-8", "surrogatepass")


def _parse_event(text: str, number: int) -> tuple[dict, bool]:
    saw_float = False

    def note_float(literal: str) -> float:
        nonlocal saw_float
        saw_float = True
        return float(literal)

    try:
        event = json.loads(text, parse_float=note_float)
    except (ValueError, RecursionError) as error:
        raise _Bad(number, f"not valid JSON ({error})") from None
    if not isinstance(event, dict):
        raise _Bad(number, "not a JSON object")
    for key, kind in _REQUIRED.items():
        value = event.get(key)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise _Bad(number, f"field {key!r} is missing or not a {kind.__name__}")
    for key in ("hash", "prev_hash"):
        if not _HEX64.fullmatch(event[key]):
            raise _Bad(number, f"field {key!r} is not 64 lowercase hex digits")
    return event, saw_float


def _decoded(raw: bytes, number: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _Bad(number, "not valid UTF-8") from None


def _diagnose(raw: bytes, number: int) -> _Bad:
    """Explain why a line failed the fast check, most specific reason first."""
    try:
        if not raw:
            return _Bad(number, "empty line")
        text = _decoded(raw, number)
        event, saw_float = _parse_event(text, number)
        if not _is_canonical(text, event, saw_float):
            return _Bad(number, "not in RFC 8785 canonical form")
        digest = hashlib.sha256(hashed_text(text).encode("utf-8")).hexdigest()
    except _Bad as bad:
        return bad
    except ValueError as error:
        return _Bad(number, f"not an event line ({error})")
    except UnicodeEncodeError:
        return _Bad(number, "holds text that is not valid Unicode")
    if digest != event["hash"]:
        return _Bad(number, f"hash mismatch: content hashes to {digest}, line says {event['hash']}")
    return _Bad(number, "not an event line")


def _verify_chain(
    lines: Iterable[bytes], *, expect_first_seq: int | None, watch_seqs: set[int], strict: bool
) -> dict:
    count = 0
    workspace = first_seq = head_seq = head_hash = None
    watched: dict[int, str] = {}
    sha256, unhex, after_hash = hashlib.sha256, binascii.unhexlify, _AFTER_HASH.encode("ascii")
    for number, raw in enumerate(lines, start=1):
        if raw.endswith(b"\n"):
            raw = raw[:-1]
        # The linking fields are the last top-level members (keys are sorted, and no
        # string in canonical JSON holds an unescaped quote), so search from the end.
        cut = raw.rfind(after_hash)
        start = cut - _HASH_MEMBER_LENGTH
        workspace_at = raw.rfind(b',"workspace":')
        seq_at = raw.rfind(b',"seq":', cut, workspace_at)
        prev_at = raw.rfind(b',"prev_hash":"', cut, seq_at)
        seq_text = raw[seq_at + 7 : workspace_at]
        workspace_text = raw[workspace_at + 13 : -1]
        if (
            start <= 0
            or prev_at < 0
            or not raw.startswith(_HEAD)
            or not raw.startswith(_HASH_KEY, start)
            or raw[cut - 1] != _QUOTE
            or not raw.endswith(b"}")
            or not raw.startswith(b'","reason":"', prev_at + 78)
            or not seq_text.isdigit()
            or not workspace_text.isdigit()
        ):
            raise _diagnose(raw, number)
        event_hash = raw[start + 9 : cut - 1]
        prev_hash = raw[prev_at + 14 : prev_at + 78]
        # unhexlify accepts upper case: without this an upper-case hash would verify
        # here and be blamed on the next line (or pass, on the last one).
        if not (_HEX64_BYTES.fullmatch(event_hash) and _HEX64_BYTES.fullmatch(prev_hash)):
            raise _diagnose(raw, number)
        try:
            matches = sha256(raw[:start] + raw[cut:]).digest() == unhex(event_hash)
        except binascii.Error:
            matches = False
        if not matches:
            raise _diagnose(raw, number)
        if strict:
            text = _decoded(raw, number)
            event, saw_float = _parse_event(text, number)
            if not _is_canonical(text, event, saw_float):
                raise _Bad(number, "not in RFC 8785 canonical form")
        seq, line_workspace = int(seq_text), int(workspace_text)
        if count == 0:
            workspace, first_seq = line_workspace, seq
            if expect_first_seq is not None and seq != expect_first_seq:
                raise _Bad(number, f"export starts at seq {seq}, expected {expect_first_seq}")
            if seq < 1:
                raise _Bad(number, f"seq {seq} is not positive")
            if seq == 1 and prev_hash != _GENESIS_BYTES:
                raise _Bad(number, "the first event of a chain must link to 64 zeros")
        else:
            if line_workspace != workspace:
                raise _Bad(
                    number, f"workspace {line_workspace} differs from the export's {workspace}"
                )
            if seq <= head_seq:
                raise _Bad(number, f"seq {seq} after seq {head_seq}: lines reordered or repeated")
            if seq != head_seq + 1:
                raise _Bad(number, f"gap: seq {seq} follows seq {head_seq}")
            if prev_hash != head_hash:
                raise _Bad(number, "prev_hash does not match the previous line's hash")
        count += 1
        head_seq, head_hash = seq, event_hash
        if seq in watch_seqs:
            watched[seq] = event_hash.decode("ascii")
    return {
        "count": count,
        "workspace": workspace,
        "first_seq": first_seq,
        "head_seq": head_seq,
        "head_hash": head_hash.decode("ascii") if head_hash else None,
        "watched": watched,
    }


def checkpoint_message(*, workspace: int, seq: int, event_hash: str, at: str) -> bytes:
    """The bytes a checkpoint signs: canonical JSON of workspace, seq, hash and at."""
    return rfc8785.dumps({"workspace": workspace, "seq": seq, "hash": event_hash, "at": at})


def key_fingerprint(raw_public_key: bytes) -> str:
    """Identify an Ed25519 public key: SHA-256 of its 32 raw bytes, hex."""
    return hashlib.sha256(raw_public_key).hexdigest()


def load_public_key(data: bytes | str) -> Any:
    """Read an Ed25519 public key given as PEM or as base64 of its 32 raw bytes.

    Raises `VerificationInputError` for anything else.
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = load_pem_public_key(text.encode("ascii"))
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, UnicodeEncodeError) as error:
        raise VerificationInputError(f"not an Ed25519 public key ({error})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise VerificationInputError("the public key is not an Ed25519 key")
    return key


def _read_json_file(source: Any, what: str) -> Any:
    if isinstance(source, dict | list):
        return source
    try:
        with open(source, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as error:
        raise VerificationInputError(f"cannot read the {what}: {error}") from error
    except ValueError as error:
        raise VerificationInputError(f"the {what} is not JSON ({error})") from error


def _key_of(public_key: Any) -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if isinstance(public_key, Ed25519PublicKey):
        return public_key
    if isinstance(public_key, bytes | str) and not os.path.exists(public_key):
        return load_public_key(public_key)
    try:
        with open(public_key, "rb") as handle:
            return load_public_key(handle.read())
    except OSError as error:
        raise VerificationInputError(f"cannot read the public key: {error}") from error


def _checkpoint_documents(checkpoint: Any) -> list[dict]:
    """The checkpoint(s) given: one document, or the list the browser offers for download."""
    data = _read_json_file(checkpoint, "checkpoint")
    documents = data if isinstance(data, list) else [data]
    if not documents or not all(isinstance(document, dict) for document in documents):
        raise VerificationInputError("the checkpoint file holds no checkpoint objects")
    for document in documents:
        try:
            int(document["workspace"]), int(document["seq"])
        except (KeyError, TypeError, ValueError) as error:
            raise VerificationInputError(f"the checkpoint is incomplete ({error})") from None
    return documents


def _signed_checkpoint(data: dict, public_key: Any) -> dict:
    """Check one checkpoint's signature; return its fields."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    try:
        workspace, seq = int(data["workspace"]), int(data["seq"])
        event_hash, at = str(data["hash"]), str(data["at"])
        signature = base64.b64decode(str(data["signature"]), validate=True)
    except (KeyError, TypeError, ValueError) as error:
        raise VerificationInputError(f"the checkpoint is incomplete ({error})") from None
    key = _key_of(public_key)
    try:
        key.verify(
            signature,
            checkpoint_message(workspace=workspace, seq=seq, event_hash=event_hash, at=at),
        )
    except InvalidSignature:
        fingerprint = key_fingerprint(key.public_bytes(Encoding.Raw, PublicFormat.Raw))
        raise _Bad(
            None, f"checkpoint signature is not valid for public key {fingerprint[:16]}…"
        ) from None
    return {"workspace": workspace, "seq": seq, "hash": event_hash}


def _pick_checkpoint(documents: list[dict], chain: dict) -> dict:
    """Of several checkpoints, the newest one inside the export (of its workspace).

    With none inside, the newest one is returned, so that the mismatch is reported.
    """
    inside = [
        document
        for document in documents
        if int(document["workspace"]) == chain["workspace"]
        and int(document["seq"]) in chain["watched"]
    ]
    return max(inside or documents, key=lambda document: int(document["seq"]))


def _match_checkpoint(signed: dict, chain: dict) -> None:
    workspace, seq, event_hash = signed["workspace"], signed["seq"], signed["hash"]
    if chain["count"] and workspace != chain["workspace"]:
        raise _Bad(
            None, f"checkpoint is for workspace {workspace}, export for {chain['workspace']}"
        )
    found = chain["watched"].get(seq)
    if found is None:
        raise _Bad(
            None,
            f"checkpoint covers seq {seq}, outside the export's seq "
            f"{chain['first_seq']}..{chain['head_seq']} (lines removed at the end?)",
        )
    if found != event_hash:
        raise _Bad(None, f"the export's event {seq} does not match the signed checkpoint hash")


def verify_lines(
    source: Iterable[str | bytes] | str | os.PathLike,
    checkpoint: Any = None,
    public_key: Any = None,
    *,
    expect_first_seq: int | None = None,
    strict: bool = False,
) -> VerifyResult:
    """Verify an export: a path, or an iterable of lines (str or bytes).

    Checks, line by line: the hash over the line's bytes, the link to the previous
    line, `seq` order without gaps, one workspace. A line whose hash matches is byte
    for byte what the server hashed, and the server only hashes canonical JSON, so
    parsing every line is left to `strict=True` (several times slower); a line that
    fails is always parsed to say why (bad JSON, not canonical, hash mismatch).
    A range export (first
    `seq` above 1) is checked from its first line's `prev_hash`; pass
    `expect_first_seq=1` to insist on a complete trail. With `checkpoint` (a path, a
    dict, or a list of them such as the downloaded checkpoints file, of which the newest
    inside the export is used) and `public_key` (a path, PEM/base64 text or key
    object), the checkpoint's signature is checked and the export's event at its
    `seq` must carry its hash.

    Returns a `VerifyResult`; raises `VerificationInputError` when a file cannot be
    read or the key is unusable.
    """
    if checkpoint is not None and public_key is None:
        raise VerificationInputError(
            "a checkpoint proves nothing without the signer's public key; pass public_key"
        )
    documents = _checkpoint_documents(checkpoint) if checkpoint is not None else []
    if documents:
        _key_of(public_key)  # an unusable key is an input error, before any work
    try:
        chain = _verify_chain(
            _lines(source),
            expect_first_seq=expect_first_seq,
            watch_seqs={int(document["seq"]) for document in documents},
            strict=strict,
        )
        if documents:
            signed = _signed_checkpoint(_pick_checkpoint(documents, chain), public_key)
            _match_checkpoint(signed, chain)
    except _Bad as bad:
        return VerifyResult(ok=False, count=0, line=bad.line, reason=bad.reason)
    return VerifyResult(
        ok=True,
        count=chain["count"],
        workspace=chain["workspace"],
        first_seq=chain["first_seq"],
        head_seq=chain["head_seq"],
        head_hash=chain["head_hash"],
        checkpoint_verified=checkpoint is not None,
    )


def main(argv: list[str] | None = None) -> int:
    """Command line: `python verify.py TRAIL.jsonl [--checkpoint FILE --public-key FILE]`.

    Exit 0 when the trail verifies, 1 when it does not, 2 on unusable input or arguments.
    """
    import argparse
    import sys

    parser = argparse.ArgumentParser(
        prog="verify.py", description="Verify an exported Sanad audit trail (JSON Lines)."
    )
    parser.add_argument("file", help="the exported trail")
    parser.add_argument("--checkpoint", help="a signed checkpoint, or the downloaded list")
    parser.add_argument("--public-key", help="the signer's public key (PEM or base64)")
    parser.add_argument("--whole", action="store_true", help="must start at the first event")
    parser.add_argument("--strict", action="store_true", help="also check canonical form")
    arguments = parser.parse_args(argv)  # exits 2 with a usage line on bad arguments
    if arguments.checkpoint and not arguments.public_key:
        parser.error("--checkpoint needs --public-key")
    try:
        result = verify_lines(
            arguments.file,
            checkpoint=arguments.checkpoint,
            public_key=arguments.public_key,
            expect_first_seq=1 if arguments.whole else None,
            strict=arguments.strict,
        )
    except VerificationInputError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    print(result, file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
