from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from app.workspaces.models import Workspace


class Direction(models.TextChoices):
    LTR = "ltr", _("Left to right")
    RTL = "rtl", _("Right to left")


class Article(models.Model):
    """The logical article; its text lives in immutable snapshots."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="articles")
    url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=500)
    outlet = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=300, blank=True)
    published_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.LTR)
    # Optimistic locking of detail edits, as for claims (the API's ETag).
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-created_at"])]
        constraints = [
            # Target of the composite foreign keys that keep snapshots in one workspace.
            models.UniqueConstraint(fields=["workspace", "id"], name="article_workspace_id_key"),
            models.UniqueConstraint(
                fields=["workspace", "url"],
                condition=~models.Q(url=""),
                name="article_unique_url_per_workspace",
            ),
            models.CheckConstraint(condition=~models.Q(title=""), name="article_title_not_empty"),
            models.CheckConstraint(
                condition=models.Q(direction__in=["ltr", "rtl"]), name="article_direction_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="article_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Snapshot(models.Model):
    """One immutable capture of an article's clean text.

    The database refuses to change `text`, `sha256`, `original` and the provenance
    fields once written, and checks that `sha256` is the hash of `text` (see the
    migration that installs the trigger).
    """

    class Origin(models.TextChoices):
        TEXT = "text", _("Pasted text")
        HTML = "html", _("HTML upload")
        URL_HTML = "url_html", _("URL and saved HTML")
        URL = "url", _("Fetched from its URL")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="snapshots")
    number = models.PositiveIntegerField(help_text=_("1 for the first capture of the article."))
    text = models.TextField()
    sha256 = models.CharField(max_length=64)
    origin = models.CharField(max_length=16, choices=Origin.choices)
    # What came in, kept as evidence and never rendered; empty for pasted text.
    original = models.BinaryField(null=True, blank=True, editable=False)
    original_media_type = models.CharField(max_length=100, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article_id", "number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="snapshot_unique_number"),
            models.UniqueConstraint(
                fields=["workspace", "article", "id"], name="snapshot_workspace_article_id_key"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="snapshot_number_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"), name="snapshot_sha256_hex"
            ),
            models.CheckConstraint(
                condition=models.Q(origin__in=["text", "html", "url_html", "url"]),
                name="snapshot_origin_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} #{self.number}"
