import base64
import json
import stat
from contextlib import nullcontext

import pytest
from django.db import DatabaseError, connection, transaction

from app.audit import signing
from app.audit.export import jsonl_chunks
from app.audit.models import AuditEvent, Checkpoint
from app.audit.services import ExportRange, checkpoint_create
from app.audit.verify import verify_lines
from app.core.errors import NotFound, PermissionDenied
from tests.db_roles import as_owner

pytestmark = pytest.mark.django_db


def export_of(workspace) -> list[bytes]:
    blob = b"".join(jsonl_chunks(ExportRange(workspace_id=workspace.pk), chunk_rows=3))
    return blob.splitlines(keepends=True)


def test_the_key_is_generated_on_first_use_readable_by_the_owner_only(team, signing_key_path):
    assert not signing_key_path.exists()
    checkpoint_create(workspace=team.workspace, actor=team.editor)
    assert stat.S_IMODE(signing_key_path.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in signing_key_path.read_bytes()
    again = checkpoint_create(workspace=team.workspace, actor=team.editor)
    assert again.key_id == signing.key_id()


def test_a_key_given_by_configuration_signs_on_every_node_and_no_file_is_made(
    team, settings, signing_key_path
):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    settings.SANAD_SIGNING_KEY = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    checkpoint = checkpoint_create(workspace=team.workspace, actor=team.editor)

    assert signing.public_key_raw() == raw
    assert checkpoint.key_id == signing.key_id()
    assert not signing_key_path.exists()


def test_a_configured_key_that_is_not_ed25519_is_refused(settings):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    other = ec.generate_private_key(ec.SECP256R1())
    settings.SANAD_SIGNING_KEY = other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    with pytest.raises(ValueError, match="SANAD_SIGNING_KEY"):
        signing.signing_key()


def test_a_checkpoint_signs_the_head_before_its_own_event(team, claim):
    head = AuditEvent.objects.filter(workspace=team.workspace).order_by("-seq").first()
    checkpoint = checkpoint_create(workspace=team.workspace, actor=team.editor)
    assert (checkpoint.seq, checkpoint.hash) == (head.seq, head.hash)
    event = AuditEvent.objects.get(workspace=team.workspace, seq=head.seq + 1)
    assert event.action == "audit.checkpoint_created"
    assert event.after["signature"] == checkpoint.signature
    assert event.actor["username"] == "a-editor"


def test_an_export_verifies_against_a_checkpoint_and_the_served_public_key(team, claim):
    checkpoint = checkpoint_create(workspace=team.workspace, actor=team.editor)
    result = verify_lines(
        export_of(team.workspace),
        checkpoint=checkpoint.as_document(),
        public_key=signing.public_key_pem(),
        expect_first_seq=1,
    )
    assert result.ok and result.checkpoint_verified, result
    assert result.head_seq == checkpoint.seq + 1


def test_a_tampered_signature_or_a_different_key_fails(team, claim, settings, tmp_path):
    checkpoint = checkpoint_create(workspace=team.workspace, actor=team.editor)
    document = checkpoint.as_document()
    signature = bytearray(base64.b64decode(document["signature"]))
    signature[-1] ^= 0x40
    forged = {**document, "signature": base64.b64encode(bytes(signature)).decode()}
    lines = export_of(team.workspace)
    result = verify_lines(lines, checkpoint=forged, public_key=signing.public_key_base64())
    assert not result.ok and "signature" in result.reason

    settings.SANAD_SIGNING_KEY_PATH = tmp_path / "other-key.pem"
    wrong_key = signing.public_key_pem()
    result = verify_lines(lines, checkpoint=document, public_key=wrong_key)
    assert not result.ok and "signature" in result.reason


def test_viewers_and_reviewers_cannot_sign_and_outsiders_see_nothing(team, other_team):
    for role in ("viewer", "reviewer"):
        with pytest.raises(PermissionDenied):
            checkpoint_create(workspace=team.workspace, actor=team.member(role))
    with pytest.raises(NotFound):
        checkpoint_create(workspace=team.workspace, actor=other_team.admin)
    assert not Checkpoint.objects.exists()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_checkpoint SET hash = repeat('f', 64) WHERE workspace_id = %s",
        "DELETE FROM audit_checkpoint WHERE workspace_id = %s",
    ],
)
@pytest.mark.parametrize(
    "role, refusal",
    [("runtime", "permission denied"), ("owner", "append-only")],
)
def test_database_refuses_to_change_or_remove_checkpoints(team, statement, role, refusal):
    checkpoint = checkpoint_create(workspace=team.workspace, actor=team.admin)
    with (
        as_owner() if role == "owner" else nullcontext(),
        pytest.raises(DatabaseError, match=refusal),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [team.workspace.pk])
    checkpoint.refresh_from_db()
    assert json.dumps(checkpoint.as_document())
    assert Checkpoint.objects.filter(hash=checkpoint.hash).exists()
