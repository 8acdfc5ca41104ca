from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

# The interface languages (settings.LANGUAGES names the same two); "" = follow the browser.
LANGUAGE_CHOICES = [("", _("As my browser asks")), ("fa", "فارسی"), ("en", "English")]


class User(AbstractUser):
    """A person who signs in; their rights come from memberships in workspaces."""

    class Calendar(models.TextChoices):
        GREGORIAN = "gregorian", _("Gregorian")
        JALALI = "jalali", _("Solar Hijri (Jalali)")

    display_name = models.CharField(max_length=150, blank=True)
    preferred_calendar = models.CharField(
        max_length=16, choices=Calendar.choices, default=Calendar.GREGORIAN
    )
    # The interface language this person chose; empty: their browser's, then the workspace's.
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, blank=True, default="")
    # When the person opened a verification link sent to `email` (the link names the
    # address, so it fails once the address differs). Sanad never changes an address
    # itself; whoever does (Django's admin) should clear this. Digests need it set.
    email_verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(preferred_calendar__in=["gregorian", "jalali"]),
                name="user_preferred_calendar_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=["", "fa", "en"]), name="user_language_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username


class SecurityEvent(models.Model):
    """Something that happened to one person's account, for them to review.

    Account-level, not a workspace's: it lives outside the workspaces' audit chains.
    """

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", _("Signed in")
        SIGNED_IN_NEW_DEVICE = "signed_in_new_device", _("Signed in from a new browser or device")
        SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
        LOCKED_OUT = "locked_out", _("Sign-in locked after repeated failures")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset through a link")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=[
                        "signed_in",
                        "signed_in_new_device",
                        "sign_in_failed",
                        "locked_out",
                        "password_changed",
                        "password_reset",
                    ]
                ),
                name="security_event_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} at {self.at:%Y-%m-%d %H:%M}"
