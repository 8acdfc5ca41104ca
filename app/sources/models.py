from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from app.workspaces.models import Workspace

SOURCE_KINDS = ["official_document", "statement", "news_report", "dataset", "expert", "other"]


class LinkStatus(models.TextChoices):
    UNCHECKED = "", _("Not checked")
    OK = "ok", _("Live, unchanged")
    CHANGED = "changed", _("Changed since the capture")
    GONE = "gone", _("Gone")


class Source(models.Model):
    """Something citable; one source serves many claims of its workspace."""

    class Kind(models.TextChoices):
        OFFICIAL_DOCUMENT = "official_document", _("Official document")
        STATEMENT = "statement", _("Statement")
        NEWS_REPORT = "news_report", _("News report")
        DATASET = "dataset", _("Dataset")
        EXPERT = "expert", _("Expert")
        OTHER = "other", _("Other")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="sources")
    url = models.URLField(max_length=2000)
    normalized_url = models.CharField(max_length=2000)
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    published_on = models.DateField(null=True, blank=True)
    archived_url = models.URLField(max_length=2000, blank=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.OTHER)
    # The last link check (app/sources/captures.py `source_link_check`).
    link_status = models.CharField(max_length=8, choices=LinkStatus.choices, blank=True, default="")
    link_checked_at = models.DateTimeField(null=True, blank=True)
    link_detail = models.CharField(max_length=300, blank=True)
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
            models.CheckConstraint(
                condition=models.Q(link_status__in=["", "ok", "changed", "gone"]),
                name="source_link_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class Capture(models.Model):
    """A preserved copy of a source or article page at one moment, with its hashes.

    Immutable (a trigger refuses UPDATE) and checked on INSERT: each stored file's
    SHA-256 must be the hash of its bytes. A fetch keeps the exchange as a WARC file
    and the extracted text; an upload keeps the file as given (WARC, PDF or image).
    """

    class Kind(models.TextChoices):
        FETCH = "fetch", _("Fetched by Sanad")
        UPLOAD = "upload", _("Uploaded")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, null=True, blank=True, related_name="captures"
    )
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # DO_NOTHING: a capture is immutable, so no SET_NULL; snapshots only go with their
    # article, whose captures go with it.
    snapshot = models.ForeignKey(
        "articles.Snapshot", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    url = models.URLField(max_length=2000, blank=True)
    final_url = models.URLField(max_length=2000, blank=True)
    captured_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    media_type = models.CharField(max_length=100, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    # The response body as transmitted, hashed; the same digest is in the WARC record.
    payload_sha256 = models.CharField(max_length=64, blank=True)
    warc = models.BinaryField(null=True, blank=True, editable=False)
    warc_sha256 = models.CharField(max_length=64, blank=True)
    # An uploaded file (WARC, PDF or image) as given.
    file = models.BinaryField(null=True, blank=True, editable=False)
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    screenshot = models.BinaryField(null=True, blank=True, editable=False)
    screenshot_sha256 = models.CharField(max_length=64, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # Why there is no screenshot/PDF (e.g. Chromium not installed); empty when there is.
    render_note = models.CharField(max_length=300, blank=True)
    # The page's main text, shown escaped as plain text: the raw HTML is never rendered.
    text = models.TextField(blank=True)
    text_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-captured_at", "-id"]
        indexes = [
            models.Index(fields=["source", "-captured_at"]),
            models.Index(fields=["article", "-captured_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(source__isnull=False, article__isnull=True)
                    | models.Q(source__isnull=True, article__isnull=False)
                ),
                name="capture_of_source_or_article",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["fetch", "upload"]), name="capture_kind_valid"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="upload", file__isnull=False)
                    | models.Q(kind="fetch", warc__isnull=False)
                ),
                name="capture_keeps_its_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.url or self.file_name} @ {self.captured_at:%Y-%m-%d %H:%M}"

    @property
    def hashes(self) -> dict:
        names = ("payload", "warc", "file", "screenshot", "pdf", "text")
        return {
            name: getattr(self, f"{name}_sha256")
            for name in names
            if getattr(self, f"{name}_sha256")
        }
