from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from app.articles.models import Article, Snapshot
from app.sources.models import Source
from app.workspaces.models import Workspace

# Context kept on each side of a quote (W3C TextQuoteSelector prefix/suffix).
QUOTE_CONTEXT_LENGTH = 32
STANCES = ["supports", "refutes", "context"]


class Rating(models.Model):
    """One step of a workspace's verdict scale."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="ratings")
    label = models.CharField(max_length=80)
    # ClaimReview's ratingValue; null for labels outside the scale ("Unverifiable").
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(help_text=_("Display order within the scale."))
    colour = models.CharField(max_length=7, default="#777777")
    description = models.TextField(blank=True)
    retired = models.BooleanField(default=False)
    # Labels the rating had before a rename, oldest first ("renamed from …").
    former_labels = ArrayField(models.CharField(max_length=80), default=list, blank=True)

    class Meta:
        ordering = ["workspace_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "id"], name="rating_workspace_id_key"),
            models.UniqueConstraint(fields=["workspace", "label"], name="rating_unique_label"),
            models.UniqueConstraint(
                fields=["workspace", "position"],
                name="rating_unique_position",
                deferrable=models.Deferrable.DEFERRED,  # reordering swaps positions
            ),
            models.CheckConstraint(condition=~models.Q(label=""), name="rating_label_not_empty"),
            models.CheckConstraint(
                condition=models.Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="rating_colour_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ClaimStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_REVIEW = "in_review", _("In review")
    VERDICT_PROPOSED = "verdict_proposed", _("Verdict proposed")
    PUBLISHED = "published", _("Published")
    CORRECTED = "corrected", _("Corrected")
    # Withdrawn from the public after publication; its words stay frozen for good.
    RETRACTED = "retracted", _("Retracted")


# From publication on, a claim's public words change only through a correction.
PUBLISHED_STATES = (ClaimStatus.PUBLISHED, ClaimStatus.CORRECTED)


class ClaimantType(models.TextChoices):
    """What ClaimReview calls the claim's author: a person or an organization."""

    PERSON = "Person", _("Person")
    ORGANIZATION = "Organization", _("Organization")


@dataclass(frozen=True)
class RatingWords:
    """A rating as a verdict was given it: what it said then, whatever the scale says now."""

    label: str
    value: int | None
    colour: str
    best: int | None
    worst: int | None

    @classmethod
    def of(cls, rating: "Rating") -> "RatingWords":
        """The rating's current words, with its scale's best and worst values."""
        bounds = Rating.objects.filter(workspace_id=rating.workspace_id, value__isnull=False)
        values = bounds.aggregate(best=models.Max("value"), worst=models.Min("value"))
        return cls(rating.label, rating.value, rating.colour, values["best"], values["worst"])

    def as_fields(self, prefix: str, scale_prefix: str) -> dict:
        return {
            f"{prefix}label": self.label,
            f"{prefix}value": self.value,
            f"{prefix}colour": self.colour,
            f"{scale_prefix}best": self.best,
            f"{scale_prefix}worst": self.worst,
        }


class AnchorState(models.TextChoices):
    ANCHORED = "anchored", _("Anchored")
    FUZZY = "fuzzy", _("Re-anchored by quote")
    ORPHANED = "orphaned", _("Orphaned")


class Claim(models.Model):
    """A checkable passage of one snapshot, with its review state and verdict.

    The anchor is stored as both W3C selectors: `start`/`end` (code points, end
    exclusive) and `exact`/`prefix`/`suffix`. A trigger checks that `exact` is the
    snapshot's text at `start:end`.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="claims")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="claims")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    exact = models.TextField()
    prefix = models.CharField(max_length=QUOTE_CONTEXT_LENGTH, blank=True)
    suffix = models.CharField(max_length=QUOTE_CONTEXT_LENGTH, blank=True)
    anchor_state = models.CharField(
        max_length=16, choices=AnchorState.choices, default=AnchorState.ANCHORED
    )
    restatement = models.TextField(blank=True)
    claimant = models.CharField(max_length=300, blank=True)
    claimant_type = models.CharField(
        max_length=16, choices=ClaimantType.choices, default=ClaimantType.PERSON
    )
    status = models.CharField(max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.OPEN)
    rating = models.ForeignKey(
        Rating, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    verdict_summary = models.TextField(blank=True)
    # The published verdict's rating in the words it was approved with; `rating` only
    # says which step of the scale it was, and that step may be renamed later.
    rating_label = models.CharField(max_length=80, blank=True)
    rating_value = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_colour = models.CharField(max_length=7, blank=True)
    rating_best = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_worst = models.PositiveSmallIntegerField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_claims",
    )
    tags = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article_id", "start", "id"]
        indexes = [
            models.Index(fields=["workspace", "status"]),
            models.Index(fields=["workspace", "assignee"]),
            models.Index(fields=["workspace", "rating"]),
            models.Index(fields=["workspace", "-updated_at"]),
            models.Index(fields=["snapshot", "start"]),
            GinIndex(fields=["tags"], name="claim_tags_gin"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "id"], name="claim_workspace_id_key"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="claim_span_not_empty"
            ),
            models.CheckConstraint(
                condition=models.Q(end=models.F("start") + Length("exact")),
                name="claim_exact_length_matches_span",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ClaimStatus]),
                name="claim_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(anchor_state__in=[s.value for s in AnchorState]),
                name="claim_anchor_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="claim_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.exact[:80]

    @property
    def is_published(self) -> bool:
        return self.status in PUBLISHED_STATES

    @property
    def verdict_rating(self) -> "RatingWords | None":
        """The published verdict's rating as it was approved, or None before publication."""
        if not self.rating_label:
            return None
        return RatingWords(
            self.rating_label,
            self.rating_value,
            self.rating_colour,
            self.rating_best,
            self.rating_worst,
        )

    @property
    def selectors(self) -> list[dict]:
        """The anchor as W3C Web Annotation selectors."""
        return [
            {"type": "TextPositionSelector", "start": self.start, "end": self.end},
            {
                "type": "TextQuoteSelector",
                "exact": self.exact,
                "prefix": self.prefix,
                "suffix": self.suffix,
            },
        ]


class Verdict(models.Model):
    """One verdict a claim was given or proposed: the claim's published history.

    A proposal waits for an editor other than its proposer (the database refuses a
    row decided by its own proposer). Publishing supersedes the verdict published
    before; a correction is a proposal with a mandatory note.
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded by a correction")
        RETURNED = "returned", _("Returned for more work")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="verdicts")
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="+")
    # The rating's words when the verdict was proposed, refreshed when it was approved;
    # never changed afterwards (a trigger refuses it), whatever happens to the scale.
    rating_label = models.CharField(max_length=80)
    rating_value = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_colour = models.CharField(max_length=7)
    scale_best = models.PositiveSmallIntegerField(null=True, blank=True)
    scale_worst = models.PositiveSmallIntegerField(null=True, blank=True)
    # The claim as this verdict judges it: a correction may reword it.
    restatement = models.TextField(blank=True)
    claimant = models.CharField(max_length=300, blank=True)
    summary = models.TextField()
    correction_note = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["claim_id", "proposed_at", "id"]
        indexes = [models.Index(fields=["workspace", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=models.Q(state="proposed"),
                name="verdict_one_pending_per_claim",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["proposed", "published", "superseded", "returned"]),
                name="verdict_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | ~models.Q(decided_by=models.F("proposed_by"))
                | models.Q(state="returned"),
                name="verdict_four_eyes",
            ),
            models.CheckConstraint(
                condition=~models.Q(summary=""), name="verdict_summary_not_empty"
            ),
            models.CheckConstraint(
                condition=~models.Q(rating_label=""), name="verdict_rating_label_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating_label} ({self.state})"

    @property
    def is_correction(self) -> bool:
        return bool(self.correction_note)

    @property
    def words(self) -> RatingWords:
        return RatingWords(
            self.rating_label,
            self.rating_value,
            self.rating_colour,
            self.scale_best,
            self.scale_worst,
        )


class Retraction(models.Model):
    """Withdrawing a published fact-check: an editor proposes it with a public reason,
    another editor approves it (as a verdict). The approved row is the tombstone's text.
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="retractions")
    reason = models.TextField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["claim_id", "proposed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=models.Q(state="proposed"),
                name="retraction_one_pending_per_claim",
            ),
            models.UniqueConstraint(
                fields=["claim"],
                condition=models.Q(state="approved"),
                name="retraction_once_per_claim",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["proposed", "approved", "returned"]),
                name="retraction_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | ~models.Q(decided_by=models.F("proposed_by"))
                | models.Q(state="returned"),
                name="retraction_four_eyes",
            ),
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="retraction_reason_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"retraction of {self.claim_id} ({self.state})"


class Comment(models.Model):
    """Discussion on a claim, in Markdown (rendered sanitized)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="comment_body_not_empty"),
        ]

    def __str__(self) -> str:
        return self.body[:80]


class ClaimRelation(models.Model):
    """Two claims of one workspace that say the same thing ("already checked").

    Symmetric: stored once, with the smaller id in `claim`, so that a pair cannot be
    linked twice in opposite directions; composite foreign keys keep both claims in
    the relation's workspace.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    related = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim_id", "related_id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "related"], name="claim_relation_unique"),
            models.CheckConstraint(
                condition=models.Q(claim__lt=models.F("related")),
                name="claim_relation_ordered_pair",
            ),
        ]
        indexes = [models.Index(fields=["related"], name="claim_relation_related")]

    def __str__(self) -> str:
        return f"{self.claim_id} ~ {self.related_id}"


class Evidence(models.Model):
    """The link of a source to a claim, with the source's stance on it.

    It lives beside the claims it serves (the workflow asks for it before a verdict);
    its table kept the name it had in `sources`.
    """

    class Stance(models.TextChoices):
        SUPPORTS = "supports", _("Supports")
        REFUTES = "refutes", _("Refutes")
        CONTEXT = "context", _("Context")

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
        db_table = "sources_evidence"
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


class ReaderVersion(models.Model):
    """How many times the workspace's claims changed: the reader's cache key.

    Bumped in the same round trip as the audit event of every change to a claim (see
    `app.claims.reader_api`), so it commits exactly when the change does.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="reader_version_one_per_workspace")
        ]

    def __str__(self) -> str:
        return f"claims of workspace {self.workspace_id}: version {self.version}"


class ArticleClaimsVersion(models.Model):
    """How many times the claims of one article changed: the reader page's panel key.

    Bumped beside `ReaderVersion`, in the same round trip as the audit event of every
    change to a claim (see `app.claims.reader_api.version_bumps`), so it commits exactly
    when the change does; a claim change on one article leaves every other article's
    cached panel valid. No row: version 0.
    """

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="+")
    # The article's workspace: its rows are the workspace's (purge, backup, restore).
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"claims of article {self.article_id}: version {self.version}"
