from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from app.workspaces.models import Workspace


class Kind(models.TextChoices):
    ARTICLE = "article", _("Article")
    CLAIM = "claim", _("Claim")
    SOURCE = "source", _("Source")
    COMMENT = "comment", _("Comment")


class SearchEntry(models.Model):
    """One searchable thing (article, claim, source or comment), written only by triggers.

    Database triggers on the four tables keep these rows current (see migration
    0002_triggers), so bulk loads, admin edits and services are all indexed alike and
    the immutable snapshot table gets no extra columns. One table for all kinds lets a
    single GIN scan rank a title hit against a comment hit and paginate across kinds.

    `document` holds every field twice, through the 'english' configuration (stemming)
    and the 'simple' one (no stemming, no stop words; Persian and prefix matching),
    weighted A (titles), B (the claim's quote and restatement), C (claimant, tags,
    verdict summary, publisher, URL), D (comments); an article's text is in
    `body_document`. `fuzzy` is the folded short text
    (titles, claims, sources, comments; not article bodies) for trigram matching of
    fragments and misspellings; for a claim it is the quote and `fuzzy_alt` the
    restatement.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.BigIntegerField()
    article_id = models.BigIntegerField(null=True)
    claim_id = models.BigIntegerField(null=True)
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=20, blank=True)
    rating_id = models.BigIntegerField(null=True)
    occurred_on = models.DateField(null=True)
    direction = models.CharField(max_length=3, default="ltr")
    document = SearchVectorField()
    # An article's text (and outlet, author) apart from `document`: matched through its
    # own GIN index but never ranked, so that a common word does not detoast and rank
    # thousands of long vectors; a text hit counts as one C-weight hit.
    body_document = SearchVectorField(null=True)
    fuzzy = models.TextField(blank=True)
    # A claim's restatement, folded apart from its quote so each is compared whole.
    fuzzy_alt = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "search entries"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in Kind]), name="search_kind_valid"
            ),
        ]
        indexes = [
            GinIndex(fields=["document"], name="search_document_gin"),
            GinIndex(fields=["body_document"], name="search_body_document_gin"),
            GinIndex(OpClass(F("fuzzy"), name="gin_trgm_ops"), name="search_fuzzy_trgm"),
            GinIndex(OpClass(F("fuzzy_alt"), name="gin_trgm_ops"), name="search_fuzzy_alt_trgm"),
            models.Index(fields=["workspace", "kind"], name="search_workspace_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
