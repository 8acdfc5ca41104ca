from django.db import models

from app.workspaces.models import Workspace

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """One link of a workspace's hash chain; append-only (a trigger refuses changes).

    `canonical` is the exact RFC 8785 JSON text that was hashed into `hash`; the
    columns beside it are copies for querying, and verification reads `canonical`
    alone.
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
