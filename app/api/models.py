from django.conf import settings
from django.db import models
from django.utils import timezone

from app.workspaces.models import Role, Workspace


class ApiToken(models.Model):
    """A secret a script presents to act for one user in one workspace.

    Only the SHA-256 of the secret is stored; the secret is shown once, when the
    token is made. `prefix` is the public start of the secret, used to find the row
    without comparing hashes across the table. `role` is the most the token may do;
    the user's current role in the workspace caps it further at every request.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_tokens")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_sha256 = models.CharField(max_length=64)
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "user"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="api_token_name_not_empty"),
            models.CheckConstraint(
                condition=models.Q(secret_sha256__regex=r"^[0-9a-f]{64}$"),  # noqa: S106
                name="api_token_sha256_hex",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="api_token_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired
