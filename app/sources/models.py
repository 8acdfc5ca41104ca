from django.conf import settings
from django.db import models

from app.claims.models import Claim
from app.workspaces.models import Workspace

SOURCE_KINDS = ["official_document", "statement", "news_report", "dataset", "expert", "other"]
STANCES = ["supports", "refutes", "context"]


class Source(models.Model):
    """Something citable; one source serves many claims of its workspace."""

    class Kind(models.TextChoices):
        OFFICIAL_DOCUMENT = "official_document", "Official document"
        STATEMENT = "statement", "Statement"
        NEWS_REPORT = "news_report", "News report"
        DATASET = "dataset", "Dataset"
        EXPERT = "expert", "Expert"
        OTHER = "other", "Other"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="sources")
    url = models.URLField(max_length=2000)
    normalized_url = models.CharField(max_length=2000)
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    published_on = models.DateField(null=True, blank=True)
    archived_url = models.URLField(max_length=2000, blank=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.OTHER)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "id"], name="source_workspace_id_key"),
            models.UniqueConstraint(
                fields=["workspace", "normalized_url"], name="source_unique_normalized_url"
            ),
            models.CheckConstraint(
                condition=models.Q(url__regex=r"^https?://"), name="source_url_http"
            ),
            models.CheckConstraint(
                condition=models.Q(archived_url="") | models.Q(archived_url__regex=r"^https?://"),
                name="source_archived_url_http",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=SOURCE_KINDS), name="source_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class Evidence(models.Model):
    """The link of a source to a claim, with the source's stance on it."""

    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        REFUTES = "refutes", "Refutes"
        CONTEXT = "context", "Context"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    stance = models.CharField(max_length=16, choices=Stance.choices)
    quote = models.TextField(blank=True)
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source"], name="evidence_unique_source_per_claim"
            ),
            models.CheckConstraint(
                condition=models.Q(stance__in=STANCES), name="evidence_stance_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.stance} {self.claim}"
