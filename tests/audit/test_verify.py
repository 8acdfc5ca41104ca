"""The offline verifier, on chains built without Django: any tampering is found."""

import base64
import hashlib
import json

import pytest
import rfc8785
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.audit.verify import (
    GENESIS_HASH,
    checkpoint_message,
    export_line,
    hashed_text,
    verify_lines,
)

# Seven properties of 150 examples each: seconds together.
pytestmark = pytest.mark.slow

KEY = Ed25519PrivateKey.generate()
PUBLIC_PEM = (
    KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)

text = st.text(alphabet=st.sampled_from(list('ab "\\\n\t/é‌گفتوگو۱۸٢🚇\u2028')), max_size=12)
values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=6,
)
event_bodies = st.fixed_dictionaries(
    {
        "action": st.sampled_from(["claim.created", "evidence.added", "claim.verdict_proposed"]),
        "actor": st.fixed_dictionaries({"type": st.just("user"), "id": st.integers(1, 9)}),
        "object": st.fixed_dictionaries(
            {"type": st.sampled_from(["claim", "object"]), "id": st.integers(1, 99).map(str)}
        ),
        "before": st.none() | st.dictionaries(text, values, max_size=3),
        "after": st.none() | st.dictionaries(text | st.just("hash"), values, max_size=3),
        "reason": text,
        "request_id": st.just("req-0001"),
    }
)


def build_chain(bodies: list[dict], workspace: int = 7, first_seq: int = 1) -> list[str]:
    """Export lines (with newlines) of a chain, exactly as the server writes them."""
    lines, previous = [], GENESIS_HASH if first_seq == 1 else "ab" * 32
    for offset, body in enumerate(bodies):
        payload = {
            **body,
            "workspace": workspace,
            "seq": first_seq + offset,
            "at": "2026-05-01T10:00:00.000001Z",
            "prev_hash": previous,
        }
        canonical = rfc8785.dumps(payload).decode()
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        lines.append(export_line(canonical, digest) + "\n")
        previous = digest
    return lines


def checkpoint_for(lines: list[str], key=KEY) -> dict:
    head = json.loads(lines[-1])
    at = "2026-05-02T00:00:00.000000Z"
    message = checkpoint_message(
        workspace=head["workspace"], seq=head["seq"], event_hash=head["hash"], at=at
    )
    return {
        "workspace": head["workspace"],
        "seq": head["seq"],
        "hash": head["hash"],
        "at": at,
        "signature": base64.b64encode(key.sign(message)).decode(),
    }


def verify_whole(lines: list, checkpoint: dict):
    return verify_lines(lines, checkpoint=checkpoint, public_key=PUBLIC_PEM, expect_first_seq=1)


chains = st.lists(event_bodies, min_size=1, max_size=8).map(build_chain)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(chains)
def test_an_untouched_export_verifies_with_and_without_its_checkpoint(lines):
    result = verify_lines(lines)
    assert result.ok, result
    assert result.count == len(lines) and result.head_seq == len(lines)
    assert result.head_hash == json.loads(lines[-1])["hash"]
    assert verify_whole(lines, checkpoint_for(lines)).ok
    assert verify_lines(lines, strict=True).ok


@PROPERTY
@given(chains)
def test_every_line_is_itself_canonical_and_hashes_without_its_hash_member(lines):
    for line in lines:
        event = json.loads(line)
        assert rfc8785.dumps(event).decode() + "\n" == line
        body = {key: value for key, value in event.items() if key != "hash"}
        assert hashed_text(line[:-1]) == rfc8785.dumps(body).decode()


@PROPERTY
@given(chains, st.data())
def test_any_single_byte_change_is_detected(lines, data):
    blob = bytearray("".join(lines).encode())
    position = data.draw(st.integers(0, len(blob) - 1))
    replacement = data.draw(st.integers(0, 255).filter(lambda b: b != blob[position]))
    blob[position] = replacement
    tampered = bytes(blob).splitlines(keepends=True)
    assert not verify_whole(tampered, checkpoint_for(lines)).ok


@PROPERTY
@given(chains, st.data())
def test_a_deleted_line_is_detected(lines, data):
    index = data.draw(st.integers(0, len(lines) - 1))
    tampered = lines[:index] + lines[index + 1 :]
    assert not verify_whole(tampered, checkpoint_for(lines)).ok


@PROPERTY
@given(chains, event_bodies, st.data())
def test_an_inserted_line_is_detected(lines, body, data):
    # A well-formed event with a correct hash of its own, linked to the line before it;
    # (one added after the last line is no tampering, just a newer event.)
    index = data.draw(st.integers(0, len(lines) - 1))
    previous = json.loads(lines[index - 1]) if index else None
    forged = build_chain([body], first_seq=(previous["seq"] + 1) if previous else 1)[0]
    if previous is not None:
        event = json.loads(forged)
        event["prev_hash"] = previous["hash"]
        del event["hash"]
        canonical = rfc8785.dumps(event).decode()
        forged = export_line(canonical, hashlib.sha256(canonical.encode()).hexdigest()) + "\n"
    tampered = [*lines[:index], forged, *lines[index:]]
    assert not verify_whole(tampered, checkpoint_for(lines)).ok
    assert not verify_lines(tampered).ok


@PROPERTY
@given(chains, st.data())
def test_a_duplicated_line_is_detected(lines, data):
    index = data.draw(st.integers(0, len(lines) - 1))
    tampered = [*lines[: index + 1], lines[index], *lines[index + 1 :]]
    result = verify_lines(tampered)
    assert not result.ok
    assert result.line == index + 2
    assert "reordered or repeated" in result.reason


@PROPERTY
@given(st.lists(event_bodies, min_size=2, max_size=8).map(build_chain), st.data())
def test_two_swapped_lines_are_detected(lines, data):
    first = data.draw(st.integers(0, len(lines) - 2))
    second = data.draw(st.integers(first + 1, len(lines) - 1))
    tampered = list(lines)
    tampered[first], tampered[second] = tampered[second], tampered[first]
    assert not verify_lines(tampered).ok


def test_a_range_export_verifies_from_its_first_lines_prev_hash():
    lines = build_chain([{"action": "claim.created"} | BODY] * 5)
    assert verify_lines(lines[2:]).ok
    assert verify_lines(lines[2:]).first_seq == 3
    result = verify_lines(lines[2:], expect_first_seq=1)
    assert not result.ok and "expected 1" in result.reason


BODY = {
    "actor": {"type": "system"},
    "object": {"type": "claim", "id": "1"},
    "before": None,
    "after": {"exact": "وزیر گفت"},
    "reason": "",
    "request_id": "",
}


def events(count: int = 3, **overrides) -> list[str]:
    return build_chain([{"action": "claim.created", **BODY, **overrides}] * count)


def reline(line: str, **changes) -> str:
    """Re-hash an event after changing it, as a forger would."""
    event = json.loads(line)
    del event["hash"]
    event.update(changes)
    canonical = rfc8785.dumps(event).decode()
    return export_line(canonical, hashlib.sha256(canonical.encode()).hexdigest()) + "\n"


def test_each_failure_names_the_first_bad_line_and_why():
    lines = events(4)
    cases = {
        "not valid JSON": [*lines[:2], "{not json\n", *lines[3:]],
        "canonical": [*lines[:2], lines[2].replace('{"action"', '{ "action"'), *lines[3:]],
        "hash mismatch": [*lines[:2], lines[2].replace("وزیر", "وزیـر"), *lines[3:]],
        "prev_hash": [*lines[:2], reline(lines[2], prev_hash="0" * 64), *lines[3:]],
        "gap": [*lines[:2], reline(lines[2], seq=9), *lines[3:]],
        "workspace 8": [*lines[:2], reline(lines[2], workspace=8), *lines[3:]],
        "empty line": [*lines[:2], "\n", *lines[3:]],
    }
    for reason, tampered in cases.items():
        result = verify_lines(tampered)
        assert not result.ok
        assert result.line == 3, (reason, result)
        assert reason in result.reason, (reason, result.reason)


def test_duplicate_keys_are_not_canonical_even_with_a_matching_hash():
    line = events(1)[0]
    event = json.loads(line)
    body = rfc8785.dumps({k: v for k, v in event.items() if k != "hash"}).decode()
    sneaky_body = body.replace(
        '{"action":"claim.created"', '{"action":"claim.created","action":"x"'
    )
    digest = hashlib.sha256(sneaky_body.encode()).hexdigest()
    sneaky = export_line(sneaky_body, digest) + "\n"
    result = verify_lines([sneaky], strict=True)
    assert not result.ok and "canonical" in result.reason


def test_a_checkpoint_with_a_tampered_signature_or_another_key_fails():
    lines = events(3)
    checkpoint = checkpoint_for(lines)
    assert verify_whole(lines, checkpoint).checkpoint_verified

    signature = bytearray(base64.b64decode(checkpoint["signature"]))
    signature[0] ^= 1
    tampered = {**checkpoint, "signature": base64.b64encode(bytes(signature)).decode()}
    result = verify_whole(lines, tampered)
    assert not result.ok and "signature is not valid" in result.reason

    other = checkpoint_for(lines, key=Ed25519PrivateKey.generate())
    assert not verify_whole(lines, other).ok

    moved = {**checkpoint, "seq": 2}
    assert "signature is not valid" in verify_whole(lines, moved).reason


def test_a_checkpoint_must_match_the_exports_event_at_its_seq():
    lines = events(3)
    rewritten = events(3, reason="rewritten")
    result = verify_whole(rewritten, checkpoint_for(lines))
    assert not result.ok and "does not match the signed checkpoint" in result.reason
    truncated = verify_whole(lines[:2], checkpoint_for(lines))
    assert not truncated.ok and "outside the export" in truncated.reason


def test_the_public_key_can_be_raw_base64(tmp_path):
    lines = events(2)
    raw = KEY.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key_file = tmp_path / "key.b64"
    key_file.write_text(base64.b64encode(raw).decode())
    export = tmp_path / "trail.jsonl"
    export.write_text("".join(lines), encoding="utf-8")
    checkpoint = tmp_path / "checkpoint.json"
    checkpoint.write_text(json.dumps(checkpoint_for(lines)))
    result = verify_lines(export, checkpoint=checkpoint, public_key=key_file)
    assert result.ok and result.checkpoint_verified and result.count == 2


def test_the_verifier_module_imports_neither_django_nor_a_database_driver():
    import subprocess
    import sys

    probe = (
        "import sys, app.audit.verify; "
        "bad = [m for m in sys.modules if m.split('.')[0] in {'django', 'psycopg', 'psycopg2'}]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr
