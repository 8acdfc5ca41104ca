"""State changes of claims, ratings and comments."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from app.articles.models import Snapshot
from app.audit import events
from app.audit.services import atomic_audited, audit_append, save_versioned_change
from app.claims.anchors import anchor_from_offsets, anchor_from_selectors
from app.claims.models import (
    AnchorState,
    Claim,
    ClaimantType,
    ClaimStatus,
    Comment,
    Rating,
    Retraction,
    Verdict,
)
from app.claims.reanchor import reanchor_many
from app.core.errors import Conflict, NotFound
from app.core.text import validate_one_line_fields
from app.core.versioning import changed_values, lock_version
from app.workspaces.access import require_role
from app.workspaces.models import Role, Workspace

# (label, ClaimReview ratingValue, colour, description); best = highest value.
DEFAULT_RATING_SCALE = [
    ("True", 6, "#1a7f37", "Accurate, with nothing significant missing."),
    ("Mostly true", 5, "#4d9a2a", "Accurate but needs clarification or extra context."),
    ("Mixed", 4, "#b08800", "Partly accurate, partly not."),
    ("Misleading", 3, "#c2620a", "Contains accurate facts arranged to mislead."),
    ("Mostly false", 2, "#cf4a24", "Some accurate elements, but the core is wrong."),
    ("False", 1, "#b3261e", "Not accurate."),
    ("Unverifiable", None, "#6e7781", "The available evidence can neither confirm nor refute it."),
]

TAG_MAX_LENGTH = 64
# What creating a claim reads of its snapshot (not the original document's bytes): an
# interface reading the snapshot for `claim_create…` may read only these.
SNAPSHOT_FIELDS_FOR_ANCHORING = ("id", "workspace_id", "article_id", "text")
# What a `claim.created` event records (reconciliation replays exactly these).
AUDITED_CLAIM_FIELDS = events.CLAIM_FIELDS


def rating_scale_create_default(*, workspace: Workspace, actor: Any) -> list[Rating]:
    """Create the default verdict scale of a new workspace (inside its transaction)."""
    ratings = []
    for position, (label, value, colour, description) in enumerate(DEFAULT_RATING_SCALE, 1):
        rating = Rating.objects.create(
            workspace=workspace,
            label=label,
            value=value,
            position=position,
            colour=colour,
            description=description,
        )
        audit_append(
            workspace=workspace,
            actor=actor,
            event=events.rating_created(rating=rating, default_scale=True),
        )
        ratings.append(rating)
    return ratings


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Trim, drop empties and duplicates (case-insensitively), keep the first spelling."""
    cleaned: list[str] = []
    seen: set[str] = set()
    for raw in tags:
        tag = " ".join(str(raw).split())
        if not tag:
            continue
        if len(tag) > TAG_MAX_LENGTH:
            raise ValidationError(
                {
                    "tags": _("A tag may have at most %(tag_max_length)s characters.")
                    % {"tag_max_length": TAG_MAX_LENGTH}
                }
            )
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            cleaned.append(tag)
    return cleaned


@atomic_audited
def claim_create(
    *,
    workspace: Workspace,
    snapshot: Snapshot,
    start: int,
    end: int,
    exact: str,
    actor: Any,
    restatement: str = "",
    claimant: str = "",
    tags: Iterable[str] = (),
) -> Claim:
    """Anchor a new claim to `snapshot[start:end]`; reviewers and above may.

    Raises `ValidationError` when the offsets or the quote do not fit the snapshot's
    text, `NotFound` when the snapshot is not the workspace's, `PermissionDenied`.
    """
    _check_creator(workspace, snapshot, actor)
    validate_one_line_fields(claimant=claimant)
    anchor = anchor_from_offsets(snapshot.text, start, end, exact)
    return _claim_insert(workspace, snapshot, anchor, actor, restatement, claimant, tags)


@atomic_audited
def claim_create_from_selectors(
    *,
    workspace: Workspace,
    snapshot: Snapshot,
    selectors: list[dict],
    actor: Any,
    restatement: str = "",
    claimant: str = "",
    tags: Iterable[str] = (),
) -> Claim:
    """Anchor a new claim by W3C selectors, as a Web Annotation client sends them.

    A quote without a position is looked up in the snapshot's text (see
    `anchors.anchor_from_selectors`). Raises what `claim_create` raises, and
    `ValidationError` on `selectors` or `exact` for selectors that name no passage.
    """
    _check_creator(workspace, snapshot, actor)
    # The offsets `anchor_from_selectors` found are checked again as `claim_create`
    # checks them, without a second role check or savepoint.
    found = anchor_from_selectors(snapshot.text, selectors)
    validate_one_line_fields(claimant=claimant)
    anchor = anchor_from_offsets(snapshot.text, found.start, found.end, found.exact)
    return _claim_insert(workspace, snapshot, anchor, actor, restatement, claimant, tags)


def _check_creator(workspace: Workspace, snapshot: Snapshot, actor: Any) -> None:
    require_role(workspace=workspace, actor=actor, role=Role.REVIEWER)
    if snapshot.workspace_id != workspace.pk:
        raise NotFound(_("No such snapshot."))


def _claim_insert(workspace, snapshot, anchor, actor, restatement, claimant, tags) -> Claim:
    """The INSERT and its audit event: two statements and the chain's lock, no re-reads."""
    claim = Claim.objects.create(
        workspace=workspace,
        article_id=snapshot.article_id,
        snapshot=snapshot,
        start=anchor.start,
        end=anchor.end,
        exact=anchor.exact,
        prefix=anchor.prefix,
        suffix=anchor.suffix,
        restatement=restatement.strip(),
        claimant=claimant.strip(),
        tags=clean_tags(tags),
        created_by=actor,
    )
    audit_append(workspace=workspace, actor=actor, event=events.claim_created(claim=claim))
    return claim


def lock_claim(claim: Claim, version: int, *, with_pending: bool = False) -> Claim:
    """Lock the claim's row for this transaction and check it is still at `version`.

    Every write to a claim goes through here (see `app.core.versioning`). The claim's
    workspace row is locked with it, as it always was; the assignee comes along unlocked,
    so that the claim returned can be shown without reading anything again. With
    `with_pending`, `has_pending_verdict` and `has_pending_retraction` say in the same
    statement whether a proposal waits (at most one of each, by constraint), so the
    workflow reads one only when there is one.
    """
    claims = Claim.objects.select_related("workspace", "assignee")
    if with_pending:
        claims = claims.annotate(
            has_pending_verdict=Exists(
                Verdict.objects.filter(claim=OuterRef("pk"), state=Verdict.State.PROPOSED)
            ),
            has_pending_retraction=Exists(
                Retraction.objects.filter(claim=OuterRef("pk"), state=Retraction.State.PROPOSED)
            ),
        )
    return lock_version(claims, claim.pk, version, noun="claim", of=("self", "workspace"))


@contextmanager
def published_claim_writes() -> Iterator[None]:
    """Let the enclosed statements change a published claim's public words.

    Outside these blocks the database refuses such a change (the trigger of
    `claims.0005_verdict_words`), so only the workflow's approval of a correction and
    re-anchoring onto a new snapshot can make it. The setting is transaction-local;
    when the block fails the transaction (or savepoint) is rolled back, taking it along.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('sanad.claim_workflow', 'on', true)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('sanad.claim_workflow', '', true)")


# What the public reads of a claim; frozen from the first proposal of a verdict on.
PUBLIC_WORDS = ("restatement", "claimant", "claimant_type")


def words_frozen_because(claim: Claim) -> str:
    """Why the claim's public words cannot be edited now, or "" when they can.

    The one rule: frozen from the first proposal of a verdict on (a published claim is
    changed by a correction, a retracted one never). The browser asks it to choose its
    form; `claim_update` refuses with it.
    """
    if claim.status == ClaimStatus.RETRACTED:
        return _("This fact-check was retracted: its words stay as they were published.")
    if claim.status in (ClaimStatus.PUBLISHED, ClaimStatus.CORRECTED):
        return _(
            "This claim is published: its restatement and claimant change "
            "only through a correction that an editor proposes and "
            "another editor approves."
        )
    if Verdict.objects.filter(claim=claim, state=Verdict.State.PROPOSED).exists():
        return _(
            "A verdict on this claim is waiting for approval: its "
            "restatement and claimant are what was proposed. Send the "
            "proposal back to change them."
        )
    return ""


def _refuse_frozen_edit(claim: Claim, changed: Iterable[str]) -> None:
    if any(field in PUBLIC_WORDS for field in changed):
        reason = words_frozen_because(claim)
        if reason:
            raise Conflict(reason)


@atomic_audited
def claim_update(
    *,
    claim: Claim,
    version: int,
    actor: Any,
    restatement: str | None = None,
    claimant: str | None = None,
    tags: Iterable[str] | None = None,
    claimant_type: str | None = None,
) -> Claim:
    """Change a claim's restatement, claimant, claimant type or tags, if still at `version`.

    The claim's row is locked while its version is compared, so of two editors saving
    at once exactly one wins and the other gets `StaleVersion`. Reviewers and above may
    edit. Tags stay free; the restatement and claimant are frozen while a verdict is
    proposed and once one is published (a correction changes them). Raises
    `StaleVersion` when the claim has moved on, `Conflict` for a frozen field,
    `PermissionDenied`, `ValidationError`.
    """
    require_role(workspace=claim.workspace, actor=actor, role=Role.REVIEWER)
    current = lock_claim(claim, version)
    changes: dict[str, Any] = {}
    if restatement is not None:
        changes["restatement"] = restatement.strip()
    if claimant is not None:
        validate_one_line_fields(claimant=claimant)
        changes["claimant"] = claimant.strip()
    if tags is not None:
        changes["tags"] = clean_tags(tags)
    if claimant_type is not None:
        if claimant_type not in ClaimantType.values:
            raise ValidationError({"claimant_type": _("Choose Person or Organization.")})
        changes["claimant_type"] = claimant_type
    changed = changed_values(current, changes)
    if not changed:
        return current
    _refuse_frozen_edit(current, changed)
    save_versioned_change(
        instance=current,
        changed=changed,
        version=version,
        actor=actor,
        record=partial(events.claim_updated, claim=current),
    )
    return current


@atomic_audited
def comment_add(*, claim: Claim, body: str, actor: Any) -> Comment:
    """Add a comment to a claim; reviewers and above may.

    Raises `ValidationError` for an empty body, `PermissionDenied`.
    """
    workspace = claim.workspace
    require_role(workspace=workspace, actor=actor, role=Role.REVIEWER)
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("A comment cannot be empty.")})
    comment = Comment.objects.create(workspace=workspace, claim=claim, author=actor, body=body)
    audit_append(workspace=workspace, actor=actor, event=events.comment_added(comment=comment))
    return comment


def claims_reanchor(*, previous: Snapshot, snapshot: Snapshot, actor: Any) -> dict:
    """Move the claims of `previous` onto the article's new `snapshot`.

    Each claim lands where its quote still is (anchored), where a changed version of
    it is (fuzzy: its quote becomes the new text there, the old one stays in the audit
    event), or nowhere (orphaned: it stays on `previous`, where its anchor is still
    true, and is shown as orphaned). No claim is dropped. Runs inside the import's
    transaction; returns how many claims ended in each state.
    """
    counts = {state.value: 0 for state in AnchorState}
    claims = list(
        Claim.objects.select_for_update().filter(snapshot=previous).order_by("start", "id")
    )
    # One diff of the two texts serves every claim.
    relocations = reanchor_many(snapshot.text, claims, old_text=previous.text)
    # A published claim follows its article's text too: the move is audited and its
    # old quote stays in the event, so this is no silent change of what was published.
    with published_claim_writes():
        _reanchor_each(claims, relocations, snapshot, actor, counts)
    return counts


def claims_reanchor_preview(*, previous: Snapshot, text: str) -> tuple[dict, int]:
    """Where the claims of `previous` would land on `text`, writing nothing.

    Returns how many would end in each state, and how many published claims would
    move (orphaned, fuzzy, or a quote that changes).
    """
    claims = list(Claim.objects.filter(snapshot=previous).order_by("start", "id"))
    landing = reanchor_many(text, claims, old_text=previous.text)
    counts = {state.value: 0 for state in AnchorState}
    published_affected = 0
    for claim, found in zip(claims, landing, strict=True):
        counts[found.state] += 1
        moved = found.state != AnchorState.ANCHORED or found.exact != claim.exact
        published_affected += int(claim.is_published and moved)
    return counts, published_affected


def _reanchor_each(claims, relocations, snapshot: Snapshot, actor: Any, counts: dict) -> None:
    for claim, found in zip(claims, relocations, strict=True):
        before = events.anchor_of(claim)
        if found.state == AnchorState.ORPHANED:
            claim.anchor_state = AnchorState.ORPHANED
        else:
            claim.snapshot = snapshot
            claim.start, claim.end, claim.exact = found.start, found.end, found.exact
            claim.prefix, claim.suffix = found.prefix, found.suffix
            claim.anchor_state = found.state
        claim.version += 1
        claim.save()
        counts[found.state] += 1
        audit_append(
            workspace=snapshot.workspace,
            actor=actor,
            event=events.claim_reanchored(
                claim=claim, before=before, method=found.method, score=found.score
            ),
        )
