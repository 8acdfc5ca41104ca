from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from app.claims.models import Claim
from app.workspaces.models import Workspace


class Notification(models.Model):
    """Something that waits for one person in one workspace, derived from an audit event."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned to you")
        APPROVAL_WAITING = "approval_waiting", _("A proposal awaits approval")
        VERDICT_PUBLISHED = "verdict_published", _("Your verdict was approved")
        VERDICT_RETURNED = "verdict_returned", _("Your verdict was returned")
        CORRECTION_PROPOSED = "correction_proposed", _("A correction was proposed")
        MENTIONED = "mentioned", _("You were mentioned")
        INVITATION_ACCEPTED = "invitation_accepted", _("An invitation was accepted")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, null=True, related_name="+")
    # The return reason, the comment's text, or the new member's name.
    detail = models.TextField(blank=True)
    # The audit event this came from (its `seq` in the workspace's chain).
    event_seq = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "workspace", "read_at"]),
            models.Index(fields=["emailed_at", "recipient"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=[
                        "assigned",
                        "approval_waiting",
                        "verdict_published",
                        "verdict_returned",
                        "correction_proposed",
                        "mentioned",
                        "invitation_accepted",
                    ]
                ),
                name="notification_kind_valid",
            ),
            models.UniqueConstraint(
                fields=["workspace", "event_seq", "recipient"],
                name="notification_one_per_event_and_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}"


class NotificationPreference(models.Model):
    """How often a person wants their unread notifications by e-mail."""

    class Digest(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately")
        DAILY = "daily", _("Daily")
        NEVER = "never", _("Never")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    digest = models.CharField(max_length=16, choices=Digest.choices, default=Digest.NEVER)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(digest__in=["immediately", "daily", "never"]),
                name="notification_digest_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.digest}"


class ClaimFollow(models.Model):
    """A person keeps a claim in their "My work" list under "Claims I follow"."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "user"], name="claim_follow_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows claim {self.claim_id}"
