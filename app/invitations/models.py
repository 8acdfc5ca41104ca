from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from app.workspaces.models import Role, Workspace


class Invitation(models.Model):
    """An admin's invitation of one e-mail address into a workspace with a role.

    The link's secret is never stored: only its SHA-256 (`token_hash`), found by the
    public `key` that the link also carries. Accepted, revoked or past `expires_at`,
    the link no longer works.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices)
    key = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    # When a use of the expired link was first recorded, so that reopening it does
    # not write an event each time.
    expiry_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["workspace_id", "-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "email"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="invitation_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="invitation_accepted_or_revoked",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(accepted_by__isnull=False),
                name="invitation_accepted_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.workspace} as {self.role}"

    @property
    def state(self) -> "Invitation.State":
        if self.accepted_at is not None:
            return self.State.ACCEPTED
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    @property
    def role_enum(self) -> Role:
        return Role(self.role)
