from django.contrib.postgres.fields import ArrayField
from django.db import models

from app.workspaces.models import Workspace


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
