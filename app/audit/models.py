import datetime as dt
import hashlib

import orjson
from django.db import models
from django.utils.translation import gettext_lazy as _

from app.workspaces.models import Workspace

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """One link of a workspace's hash chain; append-only (a trigger refuses changes).

    `canonical` is the exact RFC 8785 JSON text that was hashed into `hash`; the
    columns beside it are copies for querying, and verification reads `canonical`
    alone. A trigger refuses a row whose copies disagree with its canonical text, and
    an event loaded with its canonical text takes every shown field from that text
    (`from_db`), so what people are shown is what was hashed, even if a column was
    changed behind the triggers' back.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    # Copied out of `actor` for filtering; deliberately not a foreign key, so that no
    # change to users can ever reach back into the audit table.
    actor_user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor = models.JSONField()
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=128, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    canonical = models.TextField()

    class Meta:
        ordering = ["workspace_id", "seq"]
        indexes = [models.Index(fields=["workspace", "object_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "seq"], name="audit_unique_seq"),
            # Two events claiming the same predecessor would be a fork.
            models.UniqueConstraint(
                fields=["workspace", "prev_hash"], name="audit_unique_prev_hash"
            ),
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_seq_positive"),
            models.CheckConstraint(
                condition=models.Q(hash__regex=r"^[0-9a-f]{64}$")
                & models.Q(prev_hash__regex=r"^[0-9a-f]{64}$"),
                name="audit_hashes_hex",
            ),
            models.CheckConstraint(
                condition=~models.Q(seq=1) | models.Q(prev_hash=GENESIS_HASH),
                name="audit_first_event_links_to_genesis",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workspace_id}#{self.seq} {self.action}"

    @classmethod
    def from_db(cls, db, field_names, values):
        event = super().from_db(db, field_names, values)
        if "canonical" in event.__dict__ and event.canonical:
            event.take_fields_from_canonical()
        return event

    def take_fields_from_canonical(self) -> None:
        """Set every field people see from the canonical text and its hash."""
        record = orjson.loads(self.canonical)
        self.workspace_id = record["workspace"]
        self.seq = record["seq"]
        self.at = dt.datetime.strptime(record["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
        self.actor = record["actor"]
        self.actor_user_id = (
            record["actor"].get("id") if record["actor"].get("type") == "user" else None
        )
        self.action = record["action"]
        self.object_type = record["object"]["type"]
        self.object_id = record["object"]["id"]
        self.before = record["before"]
        self.after = record["after"]
        self.reason = record["reason"]
        self.request_id = record["request_id"]
        self.prev_hash = record["prev_hash"]
        self.hash = hashlib.sha256(self.canonical.encode("utf-8")).hexdigest()


class Checkpoint(models.Model):
    """A signed statement that a workspace's chain had `hash` at `seq` at time `at`.

    Published outside the database (downloads, the API), checkpoints are what make a
    wholesale rewrite of the chain detectable: the rewriter would need the private key.
    Append-only like the events themselves.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    # The exact text that was signed, so that it is never re-derived from a timestamp column.
    at = models.CharField(max_length=32)
    signature = models.CharField(max_length=128, help_text=_("Ed25519 signature, base64"))
    key_id = models.CharField(max_length=64, help_text=_("SHA-256 of the raw public key, hex"))
    public_key = models.CharField(max_length=64, help_text=_("raw Ed25519 public key, base64"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workspace_id", "-seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "seq"], name="audit_checkpoint_unique_seq"
            ),
            models.CheckConstraint(
                condition=models.Q(hash__regex=r"^[0-9a-f]{64}$"), name="audit_checkpoint_hash_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"checkpoint {self.workspace_id}#{self.seq}"

    def as_document(self) -> dict:
        """The checkpoint as published: what `verify_lines(checkpoint=...)` reads."""
        return {
            "workspace": self.workspace_id,
            "seq": self.seq,
            "hash": self.hash,
            "at": self.at,
            "signature": self.signature,
            "key_id": self.key_id,
            "public_key": self.public_key,
            "algorithm": "Ed25519",
        }


class PurgeRecord(models.Model):
    """The operator log of a purged workspace; outlives it, so it holds no foreign key.

    Keeps the final head of the chain and its signed checkpoint, so that anyone holding
    an export of the purged trail can still prove it complete.
    """

    workspace_id_purged = models.BigIntegerField()
    workspace_slug = models.CharField(max_length=100)
    workspace_name = models.CharField(max_length=200)
    event_count = models.PositiveBigIntegerField()
    head_seq = models.PositiveBigIntegerField(null=True)
    head_hash = models.CharField(max_length=64, blank=True)
    final_checkpoint = models.JSONField(null=True)
    rows_deleted = models.JSONField(default=dict)
    reason = models.TextField()
    operator = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"purge of {self.workspace_slug} at {self.at:%Y-%m-%d %H:%M}"
