from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from app.core.request_context import forget_request_memo


class Role(models.TextChoices):
    """Roles in rising order of rights; each includes the rights of those before it."""

    VIEWER = "viewer", _("Viewer")
    REVIEWER = "reviewer", _("Reviewer")
    EDITOR = "editor", _("Editor")
    ADMIN = "admin", _("Admin")

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def includes(self, other: "Role") -> bool:
        return self.rank >= Role(other).rank


class Workspace(models.Model):
    """One fact-checking team; it owns every other domain row."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The interface language for members who chose none and whose browser asks for
    # neither of Sanad's languages.
    default_language = models.CharField(
        max_length=8, choices=[("en", "English"), ("fa", "فارسی")], default="en"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="workspace_name_not_empty"),
            models.CheckConstraint(
                condition=models.Q(slug__regex=r"^[a-z0-9][a-z0-9-]*$"),
                name="workspace_slug_format",
            ),
            models.CheckConstraint(
                condition=models.Q(default_language__in=["en", "fa"]),
                name="workspace_default_language_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in one workspace."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # A deactivated member keeps their row (and history) but reaches nothing of the
    # workspace, by session or token, until an admin reactivates them.
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["workspace_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique_user"),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} as {self.role}"

    # A request remembers the roles it has read (`access.membership_of`); a role that
    # changes under it must be read again.
    def save(self, *args, **kwargs):
        forget_request_memo()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        forget_request_memo()
        return super().delete(*args, **kwargs)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None


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
        # The table kept the name it had in the `api` app.
        db_table = "api_apitoken"
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


class PublicSite(models.Model):
    """How a workspace publishes its fact-checks to the public (admins set it).

    Off by default: until an admin turns it on, every public URL of the workspace
    answers 404. `base_url` is the address readers and search engines use (a CDN or
    proxy in front of `/p/<slug>/`); left empty, pages name the server's own host.
    """

    # A foreign key with a unique constraint rather than a one-to-one field: workspace
    # backups carry every row with a many-to-one link to its workspace.
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    enabled = models.BooleanField(default=False)
    base_url = models.URLField(max_length=500, blank=True)
    organization_name = models.CharField(max_length=200, blank=True)
    organization_url = models.URLField(max_length=500, blank=True)
    logo_url = models.URLField(max_length=500, blank=True)
    same_as = ArrayField(models.URLField(max_length=500), default=list, blank=True)
    # About, methodology and corrections policy: Markdown, rendered sanitized.
    about = models.TextField(blank=True)
    default_language = models.CharField(max_length=16, default="en")
    show_reviewer_names = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The table kept the name it had in the `public` app.
        db_table = "public_publicsite"
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="public_site_one_per_workspace"),
            models.CheckConstraint(
                condition=~models.Q(default_language=""), name="public_site_language_set"
            ),
        ]

    def __str__(self) -> str:
        return f"public site of {self.workspace_id}"

    @property
    def name(self) -> str:
        return self.organization_name or self.workspace.name
