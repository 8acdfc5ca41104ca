"""Every kind of audit event, defined once: its action name, its shape and its words.

A service never spells an action or builds a `before`/`after` dict itself: it calls the
constructor of its action here with the object and what changed, and hands the
`PendingEvent` to `audit_append`. The constructor fixes the event's shape; the action's
description reads that shape to say in words what happened, for the timelines, the API
and the audit CSV.

The stored events are hashed into the workspace's chain (docs/audit.md), so a
constructor's output is a contract: renaming a key or changing a value's form
changes what new events look like, and the descriptions must keep reading old ones.

Constructors take rows duck-typed (`Row`): the trail sits below the domain apps and
imports none of them.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Action(StrEnum):
    """Every action the trail records, named `<object>.<what happened>`."""

    WORKSPACE_CREATED = "workspace.created"
    WORKSPACE_LANGUAGE_CHANGED = "workspace.language_changed"
    MEMBER_ADDED = "member.added"
    MEMBER_ROLE_CHANGED = "member.role_changed"
    MEMBER_DEACTIVATED = "member.deactivated"
    MEMBER_REACTIVATED = "member.reactivated"
    MEMBER_REMOVED = "member.removed"
    MEMBER_LEFT = "member.left"
    MEMBER_PASSWORD_RESET_ISSUED = "member.password_reset_issued"  # noqa: S105 (a name)
    ARTICLE_CREATED = "article.created"
    ARTICLE_SNAPSHOT_ADDED = "article.snapshot_added"
    ARTICLE_UPDATED = "article.updated"
    CLAIM_CREATED = "claim.created"
    CLAIM_UPDATED = "claim.updated"
    CLAIM_REANCHORED = "claim.reanchored"
    CLAIM_STATUS_CHANGED = "claim.status_changed"
    CLAIM_VERDICT_PROPOSED = "claim.verdict_proposed"
    CLAIM_CORRECTION_PROPOSED = "claim.correction_proposed"
    CLAIM_VERDICT_PUBLISHED = "claim.verdict_published"
    CLAIM_VERDICT_RETURNED = "claim.verdict_returned"
    CLAIM_ASSIGNED = "claim.assigned"
    CLAIM_RETRACTION_PROPOSED = "claim.retraction_proposed"
    CLAIM_RETRACTED = "claim.retracted"
    CLAIM_RETRACTION_RETURNED = "claim.retraction_returned"
    CLAIM_RELATED_LINKED = "claim.related_linked"
    CLAIM_RELATED_UNLINKED = "claim.related_unlinked"
    COMMENT_ADDED = "comment.added"
    RATING_CREATED = "rating.created"
    RATING_UPDATED = "rating.updated"
    RATING_RETIRED = "rating.retired"
    RATING_RESTORED = "rating.restored"
    RATING_REORDERED = "rating.reordered"
    SOURCE_CREATED = "source.created"
    SOURCE_LINK_CHECKED = "source.link_checked"
    EVIDENCE_ADDED = "evidence.added"
    CAPTURE_CREATED = "capture.created"
    INVITATION_CREATED = "invitation.created"
    INVITATION_RESENT = "invitation.resent"
    INVITATION_REVOKED = "invitation.revoked"
    INVITATION_EXPIRED_ON_USE = "invitation.expired_on_use"
    INVITATION_ACCEPTED = "invitation.accepted"
    EXPORT_CREATED = "export.created"
    ANNOTATIONS_IMPORTED = "annotations.imported"
    API_TOKEN_CREATED = "api_token.created"  # noqa: S105 (a name)
    API_TOKEN_REVOKED = "api_token.revoked"  # noqa: S105 (a name)
    AUDIT_CHECKPOINT_CREATED = "audit.checkpoint_created"
    AUDIT_EXPORTED = "audit.exported"
    JOB_QUEUED = "job.queued"
    JOB_FINISHED = "job.finished"
    JOB_FAILED = "job.failed"
    PUBLIC_SITE_UPDATED = "public_site.updated"


@dataclass(frozen=True, kw_only=True)
class PendingEvent:
    """An event made by a constructor, not yet in the chain (`audit_append` adds it)."""

    action: Action
    object_type: str
    object_id: Any
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    reason: str = ""


class Row(Protocol):
    """Any model instance: constructors read its primary key and named fields."""

    pk: Any


# action -> the one function that makes its events; filled by `_makes` below.
CONSTRUCTORS: dict[Action, Callable[..., PendingEvent]] = {}


def _makes(action: Action) -> Callable[[Callable[..., PendingEvent]], Callable[..., PendingEvent]]:
    def register(constructor: Callable[..., PendingEvent]) -> Callable[..., PendingEvent]:
        if action in CONSTRUCTORS:
            raise RuntimeError(f"{action} has two constructors")
        CONSTRUCTORS[action] = constructor
        return constructor

    return register


def _fields(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    # Raw values: `audit_append` turns them into JSON (relations as ids, dates as text).
    return {name: getattr(row, name) for name in names}


# What the creation events record of their rows (reconciliation replays claims' fields).
ARTICLE_FIELDS = ("url", "title", "outlet", "author", "published_on", "language", "direction")
CLAIM_FIELDS = (
    "article_id",
    "snapshot_id",
    "start",
    "end",
    "exact",
    "prefix",
    "suffix",
    "restatement",
    "claimant",
    "status",
    "tags",
)
RATING_FIELDS = ("label", "value", "position", "colour", "description", "retired")
SOURCE_FIELDS = (
    "url",
    "normalized_url",
    "title",
    "publisher",
    "published_on",
    "archived_url",
    "kind",
)
ANCHOR_FIELDS = ("snapshot_id", "start", "end", "exact", "anchor_state")


# Workspaces and members


@_makes(Action.WORKSPACE_CREATED)
def workspace_created(*, workspace: Row) -> PendingEvent:
    return PendingEvent(
        action=Action.WORKSPACE_CREATED,
        object_type="workspace",
        object_id=workspace.pk,
        after={"name": workspace.name, "slug": workspace.slug},
    )


@_makes(Action.WORKSPACE_LANGUAGE_CHANGED)
def workspace_language_changed(*, workspace: Row, old_language: str) -> PendingEvent:
    return PendingEvent(
        action=Action.WORKSPACE_LANGUAGE_CHANGED,
        object_type="workspace",
        object_id=workspace.pk,
        before={"default_language": old_language},
        after={"default_language": workspace.default_language},
    )


def _member(user: Any) -> dict[str, Any]:
    return {"user": user.pk, "username": user.get_username()}


@_makes(Action.MEMBER_ADDED)
def member_added(*, membership: Row, user: Any, role: str) -> PendingEvent:
    return PendingEvent(
        action=Action.MEMBER_ADDED,
        object_type="membership",
        object_id=membership.pk,
        after={**_member(user), "role": str(role)},
    )


@_makes(Action.MEMBER_ROLE_CHANGED)
def member_role_changed(*, membership: Row, old_role: str, new_role: str) -> PendingEvent:
    return PendingEvent(
        action=Action.MEMBER_ROLE_CHANGED,
        object_type="membership",
        object_id=membership.pk,
        before={"role": old_role},
        after={"role": str(new_role)},
    )


@_makes(Action.MEMBER_DEACTIVATED)
def member_deactivated(*, membership: Row, tokens_revoked: int) -> PendingEvent:
    """`before` names the tokens revoked with the membership, only when there were any."""
    return PendingEvent(
        action=Action.MEMBER_DEACTIVATED,
        object_type="membership",
        object_id=membership.pk,
        before={"tokens_revoked": tokens_revoked} if tokens_revoked else None,
        after=_member(membership.user),
    )


@_makes(Action.MEMBER_REACTIVATED)
def member_reactivated(*, membership: Row) -> PendingEvent:
    return PendingEvent(
        action=Action.MEMBER_REACTIVATED,
        object_type="membership",
        object_id=membership.pk,
        after=_member(membership.user),
    )


def _gone_member(action: Action, membership: Any, tokens_revoked: int) -> PendingEvent:
    """Made before the row is deleted (its id goes with it); `before` is what was lost."""
    return PendingEvent(
        action=action,
        object_type="membership",
        object_id=membership.pk,
        before={
            **_member(membership.user),
            "role": membership.role,
            "tokens_revoked": tokens_revoked,
        },
    )


@_makes(Action.MEMBER_REMOVED)
def member_removed(*, membership: Row, tokens_revoked: int) -> PendingEvent:
    return _gone_member(Action.MEMBER_REMOVED, membership, tokens_revoked)


@_makes(Action.MEMBER_LEFT)
def member_left(*, membership: Row, tokens_revoked: int) -> PendingEvent:
    return _gone_member(Action.MEMBER_LEFT, membership, tokens_revoked)


@_makes(Action.MEMBER_PASSWORD_RESET_ISSUED)
def member_password_reset_issued(*, membership: Row) -> PendingEvent:
    return PendingEvent(
        action=Action.MEMBER_PASSWORD_RESET_ISSUED,
        object_type="membership",
        object_id=membership.pk,
        after=_member(membership.user),
    )


# Articles


@_makes(Action.ARTICLE_CREATED)
def article_created(*, article: Row) -> PendingEvent:
    return PendingEvent(
        action=Action.ARTICLE_CREATED,
        object_type="article",
        object_id=article.pk,
        after=_fields(article, ARTICLE_FIELDS),
    )


@_makes(Action.ARTICLE_SNAPSHOT_ADDED)
def article_snapshot_added(*, snapshot: Row, original: bytes | None) -> PendingEvent:
    return PendingEvent(
        action=Action.ARTICLE_SNAPSHOT_ADDED,
        object_type="snapshot",
        object_id=snapshot.pk,
        after={
            "article": snapshot.article_id,
            "number": snapshot.number,
            "sha256": snapshot.sha256,
            "origin": snapshot.origin,
            "characters": len(snapshot.text),
            "original_bytes": len(original) if original is not None else 0,
        },
    )


@_makes(Action.ARTICLE_UPDATED)
def article_updated(*, article: Row, before: Mapping, after: Mapping) -> PendingEvent:
    """`before` and `after` hold the changed fields and the versions."""
    return PendingEvent(
        action=Action.ARTICLE_UPDATED,
        object_type="article",
        object_id=article.pk,
        before=before,
        after=after,
    )


# Claims


@_makes(Action.CLAIM_CREATED)
def claim_created(*, claim: Row) -> PendingEvent:
    return PendingEvent(
        action=Action.CLAIM_CREATED,
        object_type="claim",
        object_id=claim.pk,
        after=_fields(claim, CLAIM_FIELDS),
    )


@_makes(Action.CLAIM_UPDATED)
def claim_updated(*, claim: Row, before: Mapping, after: Mapping) -> PendingEvent:
    """`before` and `after` hold the changed fields and the versions."""
    return PendingEvent(
        action=Action.CLAIM_UPDATED,
        object_type="claim",
        object_id=claim.pk,
        before=before,
        after=after,
    )


def anchor_of(claim: Any) -> dict[str, Any]:
    """A claim's anchor as `claim.reanchored` records it; read before it moves."""
    return _fields(claim, ANCHOR_FIELDS)


@_makes(Action.CLAIM_REANCHORED)
def claim_reanchored(*, claim: Row, before: Mapping, method: str, score: float) -> PendingEvent:
    """`before` is `anchor_of(claim)` read before the move; the old quote stays in it."""
    return PendingEvent(
        action=Action.CLAIM_REANCHORED,
        object_type="claim",
        object_id=claim.pk,
        before=before,
        after={**anchor_of(claim), "method": method, "score": round(score, 4)},
    )


def _claim_event(
    action: Action, claim: Any, before: Mapping, after: Mapping, reason: str = ""
) -> PendingEvent:
    # Workflow events end with the claim's new version, as every versioned change does.
    return PendingEvent(
        action=action,
        object_type="claim",
        object_id=claim.pk,
        before=before,
        after={**after, "version": claim.version},
        reason=reason,
    )


@_makes(Action.CLAIM_STATUS_CHANGED)
def claim_status_changed(*, claim: Row, old_status: str) -> PendingEvent:
    return _claim_event(
        Action.CLAIM_STATUS_CHANGED,
        claim,
        {"status": old_status},
        {"status": claim.status, "assignee": claim.assignee_id},
    )


def rating_ref(*, words: Any, rating_id: int) -> dict[str, Any]:
    """How every event names a rating: its id and the words it had then."""
    return {"id": rating_id, "label": words.label, "value": words.value, "colour": words.colour}


def _proposal(verdict: Any) -> dict[str, Any]:
    return {
        "verdict": verdict.pk,
        "rating": rating_ref(words=verdict.words, rating_id=verdict.rating_id),
        "summary": verdict.summary,
        "restatement": verdict.restatement,
        "claimant": verdict.claimant,
        "correction_note": verdict.correction_note,
    }


@_makes(Action.CLAIM_VERDICT_PROPOSED)
def claim_verdict_proposed(*, claim: Row, verdict: Row, old_status: str) -> PendingEvent:
    return _claim_event(
        Action.CLAIM_VERDICT_PROPOSED,
        claim,
        {"status": old_status},
        {"status": claim.status, **_proposal(verdict)},
    )


@_makes(Action.CLAIM_CORRECTION_PROPOSED)
def claim_correction_proposed(*, claim: Row, verdict: Row) -> PendingEvent:
    """The correction note is the event's reason as well as part of the proposal."""
    return _claim_event(
        Action.CLAIM_CORRECTION_PROPOSED,
        claim,
        {"status": claim.status},
        {"status": claim.status, **_proposal(verdict)},
        reason=verdict.correction_note,
    )


def published_words(claim: Any) -> dict[str, Any]:
    """What a claim shows the public, as `claim.verdict_published` records it before and
    after; read `before` ahead of the change."""
    return {
        "status": claim.status,
        "rating": (
            rating_ref(words=claim.verdict_rating, rating_id=claim.rating_id)
            if claim.rating_id
            else None
        ),
        "summary": claim.verdict_summary,
        "restatement": claim.restatement,
        "claimant": claim.claimant,
    }


@_makes(Action.CLAIM_VERDICT_PUBLISHED)
def claim_verdict_published(
    *, claim: Row, verdict: Row, words: Any, before: Mapping
) -> PendingEvent:
    """`words` are the rating's words as approved; `before` is `published_words(claim)`."""
    return _claim_event(
        Action.CLAIM_VERDICT_PUBLISHED,
        claim,
        before,
        {
            "status": claim.status,
            "rating": rating_ref(words=words, rating_id=verdict.rating_id),
            "summary": claim.verdict_summary,
            "restatement": claim.restatement,
            "claimant": claim.claimant,
            "verdict": verdict.pk,
            "proposed_by": verdict.proposed_by_id,
        },
        reason=verdict.correction_note,
    )


@_makes(Action.CLAIM_VERDICT_RETURNED)
def claim_verdict_returned(*, claim: Row, verdict: Row, old_status: str) -> PendingEvent:
    return _claim_event(
        Action.CLAIM_VERDICT_RETURNED,
        claim,
        {"status": old_status},
        {"status": claim.status, "verdict": verdict.pk},
        reason=verdict.return_reason,
    )


@_makes(Action.CLAIM_ASSIGNED)
def claim_assigned(*, claim: Row, old_assignee_id: int | None) -> PendingEvent:
    return _claim_event(
        Action.CLAIM_ASSIGNED,
        claim,
        {"assignee": old_assignee_id},
        {"assignee": claim.assignee_id},
    )


@_makes(Action.CLAIM_RETRACTION_PROPOSED)
def claim_retraction_proposed(*, claim: Row, retraction: Row) -> PendingEvent:
    return _claim_event(
        Action.CLAIM_RETRACTION_PROPOSED,
        claim,
        {"status": claim.status},
        {"status": claim.status, "retraction": retraction.pk},
        reason=retraction.reason,
    )


@_makes(Action.CLAIM_RETRACTED)
def claim_retracted(*, claim: Row, retraction: Row, old_status: str) -> PendingEvent:
    return _claim_event(
        Action.CLAIM_RETRACTED,
        claim,
        {"status": old_status},
        {
            "status": claim.status,
            "retraction": retraction.pk,
            "proposed_by": retraction.proposed_by_id,
        },
        reason=retraction.reason,
    )


@_makes(Action.CLAIM_RETRACTION_RETURNED)
def claim_retraction_returned(*, claim: Row, retraction: Row) -> PendingEvent:
    return _claim_event(
        Action.CLAIM_RETRACTION_RETURNED,
        claim,
        {"status": claim.status},
        {"status": claim.status, "retraction": retraction.pk},
        reason=retraction.return_reason,
    )


@_makes(Action.CLAIM_RELATED_LINKED)
def claim_related_linked(*, claim: Row, other: Row) -> PendingEvent:
    return PendingEvent(
        action=Action.CLAIM_RELATED_LINKED,
        object_type="claim",
        object_id=claim.pk,
        after={"related_claim_id": other.pk},
    )


@_makes(Action.CLAIM_RELATED_UNLINKED)
def claim_related_unlinked(*, claim: Row, other: Row) -> PendingEvent:
    return PendingEvent(
        action=Action.CLAIM_RELATED_UNLINKED,
        object_type="claim",
        object_id=claim.pk,
        before={"related_claim_id": other.pk},
    )


@_makes(Action.COMMENT_ADDED)
def comment_added(*, comment: Row) -> PendingEvent:
    return PendingEvent(
        action=Action.COMMENT_ADDED,
        object_type="comment",
        object_id=comment.pk,
        after={"claim": comment.claim_id, "body": comment.body},
    )


# Ratings


@_makes(Action.RATING_CREATED)
def rating_created(*, rating: Row, default_scale: bool = False) -> PendingEvent:
    """The default scale's events never recorded `retired` (always false there); they
    still leave it out, so a new workspace's chain reads as it always has."""
    fields = RATING_FIELDS[:-1] if default_scale else RATING_FIELDS
    return PendingEvent(
        action=Action.RATING_CREATED,
        object_type="rating",
        object_id=rating.pk,
        after=_fields(rating, fields),
    )


@_makes(Action.RATING_UPDATED)
def rating_updated(*, rating: Row, before: Mapping, after: Mapping) -> PendingEvent:
    """The changed fields; a new label also brings `former_labels`."""
    return PendingEvent(
        action=Action.RATING_UPDATED,
        object_type="rating",
        object_id=rating.pk,
        before=before,
        after=after,
    )


@_makes(Action.RATING_RETIRED)
def rating_retired(*, rating: Row) -> PendingEvent:
    return PendingEvent(
        action=Action.RATING_RETIRED,
        object_type="rating",
        object_id=rating.pk,
        before={"retired": False},
        after={"retired": True},
    )


@_makes(Action.RATING_RESTORED)
def rating_restored(*, rating: Row) -> PendingEvent:
    return PendingEvent(
        action=Action.RATING_RESTORED,
        object_type="rating",
        object_id=rating.pk,
        before={"retired": True},
        after={"retired": False},
    )


@_makes(Action.RATING_REORDERED)
def rating_reordered(*, workspace: Row, old_order: list[int], new_order: list[int]) -> PendingEvent:
    return PendingEvent(
        action=Action.RATING_REORDERED,
        object_type="workspace",
        object_id=workspace.pk,
        before={"order": old_order},
        after={"order": new_order},
    )


# Sources, evidence and captures


@_makes(Action.SOURCE_CREATED)
def source_created(*, source: Row) -> PendingEvent:
    return PendingEvent(
        action=Action.SOURCE_CREATED,
        object_type="source",
        object_id=source.pk,
        after=_fields(source, SOURCE_FIELDS),
    )


@_makes(Action.SOURCE_LINK_CHECKED)
def source_link_checked(*, source: Row, old_status: str) -> PendingEvent:
    return PendingEvent(
        action=Action.SOURCE_LINK_CHECKED,
        object_type="source",
        object_id=source.pk,
        before={"link_status": old_status},
        after={"link_status": source.link_status, "detail": source.link_detail},
    )


@_makes(Action.EVIDENCE_ADDED)
def evidence_added(*, evidence: Row) -> PendingEvent:
    return PendingEvent(
        action=Action.EVIDENCE_ADDED,
        object_type="evidence",
        object_id=evidence.pk,
        after={
            "claim": evidence.claim_id,
            "source": evidence.source_id,
            "stance": evidence.stance,
            "quote": evidence.quote,
            "note": evidence.note,
        },
    )


@_makes(Action.CAPTURE_CREATED)
def capture_created(*, capture: Row) -> PendingEvent:
    return PendingEvent(
        action=Action.CAPTURE_CREATED,
        object_type="capture",
        object_id=capture.pk,
        after={
            "kind": capture.kind,
            "source": capture.source_id,
            "article": capture.article_id,
            "snapshot": capture.snapshot_id,
            "url": capture.url,
            "final_url": capture.final_url,
            "captured_at": capture.captured_at.isoformat(),
            "status_code": capture.status_code,
            "media_type": capture.media_type,
            "sha256": capture.hashes,
        },
    )


# Invitations


def _invitation(action: Action, invitation: Any, **changes: Any) -> PendingEvent:
    return PendingEvent(action=action, object_type="invitation", object_id=invitation.pk, **changes)


@_makes(Action.INVITATION_CREATED)
def invitation_created(*, invitation: Row) -> PendingEvent:
    return _invitation(
        Action.INVITATION_CREATED,
        invitation,
        after={
            "email": invitation.email,
            "role": str(invitation.role),
            "expires_at": invitation.expires_at,
        },
    )


@_makes(Action.INVITATION_RESENT)
def invitation_resent(*, invitation: Row, old_expires_at: Any) -> PendingEvent:
    return _invitation(
        Action.INVITATION_RESENT,
        invitation,
        before={"expires_at": old_expires_at},
        after={"expires_at": invitation.expires_at},
    )


@_makes(Action.INVITATION_REVOKED)
def invitation_revoked(*, invitation: Row) -> PendingEvent:
    return _invitation(Action.INVITATION_REVOKED, invitation, after={"email": invitation.email})


@_makes(Action.INVITATION_EXPIRED_ON_USE)
def invitation_expired_on_use(*, invitation: Row) -> PendingEvent:
    return _invitation(
        Action.INVITATION_EXPIRED_ON_USE,
        invitation,
        after={"email": invitation.email, "expires_at": invitation.expires_at},
    )


@_makes(Action.INVITATION_ACCEPTED)
def invitation_accepted(*, invitation: Row, user: Any) -> PendingEvent:
    return _invitation(
        Action.INVITATION_ACCEPTED,
        invitation,
        after={
            "email": invitation.email,
            "role": invitation.role,
            **_member(user),
            "invited_by": invitation.invited_by_id,
        },
    )


# Exports, imports and tokens


@_makes(Action.EXPORT_CREATED)
def export_created(
    *, export_id: str, format: str, filters: Mapping, options: Mapping | None = None
) -> PendingEvent:
    """`filters` are the ones set; `options` are extras such as the job that wrote it."""
    return PendingEvent(
        action=Action.EXPORT_CREATED,
        object_type="export",
        object_id=export_id,
        after={"format": format, "filters": filters, **(options or {})},
    )


@_makes(Action.ANNOTATIONS_IMPORTED)
def annotations_imported(*, workspace: Row, created: int, skipped: int) -> PendingEvent:
    return PendingEvent(
        action=Action.ANNOTATIONS_IMPORTED,
        object_type="workspace",
        object_id=workspace.pk,
        after={"created": created, "skipped": skipped},
    )


@_makes(Action.API_TOKEN_CREATED)
def api_token_created(*, token: Row) -> PendingEvent:
    return PendingEvent(
        action=Action.API_TOKEN_CREATED,
        object_type="api_token",
        object_id=token.pk,
        after={
            "name": token.name,
            "prefix": token.prefix,
            "user": token.user_id,
            "role": token.role,
            "expires_at": token.expires_at,
        },
    )


@_makes(Action.API_TOKEN_REVOKED)
def api_token_revoked(*, token: Row) -> PendingEvent:
    return PendingEvent(
        action=Action.API_TOKEN_REVOKED,
        object_type="api_token",
        object_id=token.pk,
        before={"revoked_at": None},
        after={"revoked_at": token.revoked_at, "name": token.name, "user": token.user_id},
    )


# The trail itself


@_makes(Action.AUDIT_CHECKPOINT_CREATED)
def audit_checkpoint_created(*, checkpoint: Row) -> PendingEvent:
    """The event carries the signature, so an export holds every checkpoint."""
    return PendingEvent(
        action=Action.AUDIT_CHECKPOINT_CREATED,
        object_type="checkpoint",
        object_id=checkpoint.pk,
        after={
            "seq": checkpoint.seq,
            "hash": checkpoint.hash,
            "at": checkpoint.at,
            "signature": checkpoint.signature,
            "key_id": checkpoint.key_id,
        },
    )


@_makes(Action.AUDIT_EXPORTED)
def audit_exported(
    *,
    workspace: Row,
    fmt: str,
    from_seq: int | None,
    to_seq: int | None,
    since: Any,
    until: Any,
) -> PendingEvent:
    """The range as asked for (`None` where open)."""
    return PendingEvent(
        action=Action.AUDIT_EXPORTED,
        object_type="workspace",
        object_id=workspace.pk,
        after={
            "format": fmt,
            "from_seq": from_seq,
            "to_seq": to_seq,
            "since": since,
            "until": until,
        },
    )


# Background jobs and the public site


@_makes(Action.JOB_QUEUED)
def job_queued(*, job: Row, described: Mapping) -> PendingEvent:
    """`described` is what the job will do, told briefly (a file count, not the files)."""
    return PendingEvent(
        action=Action.JOB_QUEUED,
        object_type="job",
        object_id=job.pk,
        after={"kind": job.kind, **described},
    )


@_makes(Action.JOB_FINISHED)
def job_finished(
    *, job: Row, export_id: str | None = None, counts: Mapping | None = None
) -> PendingEvent:
    """`export_id` names the export an export job recorded; `counts` an import's tally."""
    after: dict[str, Any] = {"state": job.state}
    if export_id is not None:
        after["export"] = export_id
    after["rows"] = job.done
    if counts is not None:
        after["counts"] = counts
    return PendingEvent(
        action=Action.JOB_FINISHED, object_type="job", object_id=job.pk, after=after
    )


@_makes(Action.JOB_FAILED)
def job_failed(*, job: Row) -> PendingEvent:
    return PendingEvent(
        action=Action.JOB_FAILED,
        object_type="job",
        object_id=job.pk,
        after={"state": job.state, "error": job.error, "attempts": job.attempts},
    )


@_makes(Action.PUBLIC_SITE_UPDATED)
def public_site_updated(*, workspace: Row, before: Mapping, after: Mapping) -> PendingEvent:
    """The changed settings only."""
    return PendingEvent(
        action=Action.PUBLIC_SITE_UPDATED,
        object_type="public_site",
        object_id=workspace.pk,
        before=before,
        after=after,
    )


# Descriptions: one sentence per action, read from the shape its constructor makes.


class Fields(Mapping):
    """The `before` or `after` of a stored event, as a description reads it.

    A key an event lacks reads as `None`: events written before a field joined an
    action's shape stay in the chain for good, and their descriptions must still read.
    """

    def __init__(self, values: Any):
        self._values = values if isinstance(values, dict) else {}

    def __getitem__(self, key: str) -> Any:
        return self._values.get(key)

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


@dataclass(frozen=True)
class Said:
    """What a description may use: who acted, the object's id, the event's two halves
    and the usernames of users it names by id."""

    who: str
    id: str
    before: Mapping[str, Any]
    after: Mapping[str, Any]
    names: Mapping[int, str]

    def user(self, user_id: Any) -> str:
        if user_id is None:
            return gettext("nobody")
        return self.names.get(user_id) or gettext("user #%(id)s") % {"id": user_id}


def short(value: Any, limit: int = 80) -> str:
    """Text cut to one short line for a sentence."""
    return Truncator(str(value or "").replace("\n", " ")).chars(limit)


def _changed(e: Said) -> str:
    fields = [key for key in e.after if key != "version"] or list(e.before)
    return ", ".join(fields) or gettext("nothing")


def _rating(e: Said) -> str:
    """The rating an event names: `{"id", "label", …}` now, a bare label in older events."""
    rating = e.after["rating"]
    if isinstance(rating, dict):
        return str(rating.get("label") or gettext("rating #%(id)s") % {"id": rating.get("id")})
    return str(rating) if rating is not None else gettext("no rating")


def _member_name(half: Mapping[str, Any], e: Said) -> str:
    return half["username"] or e.user(half["user"])


@dataclass(frozen=True)
class Description:
    """A sentence (lazy, so each reader gets their language) and what fills it in."""

    text: Promise
    values: Callable[[Said], Mapping[str, Any]] = lambda e: {}

    def render(self, said: Said) -> str:
        return str(self.text) % {"who": said.who, "id": said.id, **self.values(said)}


def _reworded(e: Said) -> str:
    old = e.before["restatement"]
    if old in (None, e.after["restatement"]):
        return ""
    return gettext("; restatement was “%(old)s”") % {"old": short(old)}


def _export_range(e: Said) -> str:
    parts = [
        (gettext(" from event %(value)s"), e.after["from_seq"]),
        (gettext(" to event %(value)s"), e.after["to_seq"]),
        (gettext(" since %(value)s"), e.after["since"]),
        (gettext(" until %(value)s"), e.after["until"]),
    ]
    return "".join(text % {"value": value} for text, value in parts if value)


def _d(text: Promise, values: Callable[[Said], Mapping[str, Any]] = lambda e: {}) -> Description:
    return Description(text=text, values=values)


DESCRIPTIONS: dict[Action, Description] = {
    Action.WORKSPACE_CREATED: _d(
        _("%(who)s created the workspace “%(name)s”"), lambda e: {"name": e.after["name"]}
    ),
    Action.WORKSPACE_LANGUAGE_CHANGED: _d(
        _("%(who)s changed the workspace's default language from %(old)s to %(new)s"),
        lambda e: {"old": e.before["default_language"], "new": e.after["default_language"]},
    ),
    Action.MEMBER_ADDED: _d(
        _("%(who)s added %(member)s as %(role)s"),
        lambda e: {"member": _member_name(e.after, e), "role": e.after["role"]},
    ),
    Action.MEMBER_ROLE_CHANGED: _d(
        _("%(who)s changed the role of member #%(id)s from %(old)s to %(new)s"),
        lambda e: {"old": e.before["role"], "new": e.after["role"]},
    ),
    Action.MEMBER_DEACTIVATED: _d(
        _("%(who)s deactivated %(member)s (API tokens revoked: %(tokens)s)"),
        lambda e: {"member": _member_name(e.after, e), "tokens": e.before["tokens_revoked"] or 0},
    ),
    Action.MEMBER_REACTIVATED: _d(
        _("%(who)s reactivated %(member)s"), lambda e: {"member": _member_name(e.after, e)}
    ),
    Action.MEMBER_REMOVED: _d(
        _("%(who)s removed %(member)s (%(role)s) from the workspace"),
        lambda e: {"member": _member_name(e.before, e), "role": e.before["role"]},
    ),
    Action.MEMBER_LEFT: _d(
        _("%(member)s (%(role)s) left the workspace"),
        lambda e: {"member": _member_name(e.before, e), "role": e.before["role"]},
    ),
    Action.MEMBER_PASSWORD_RESET_ISSUED: _d(
        _("%(who)s issued a password-reset link for %(member)s"),
        lambda e: {"member": _member_name(e.after, e)},
    ),
    Action.ARTICLE_CREATED: _d(
        _("%(who)s imported the article “%(title)s”"), lambda e: {"title": short(e.after["title"])}
    ),
    Action.ARTICLE_SNAPSHOT_ADDED: _d(
        _("%(who)s added snapshot #%(number)s of article %(article)s (%(characters)s characters)"),
        lambda e: {
            "number": e.after["number"],
            "article": e.after["article"],
            "characters": e.after["characters"],
        },
    ),
    Action.ARTICLE_UPDATED: _d(
        _("%(who)s edited the details of article %(id)s (%(fields)s)"),
        lambda e: {"fields": _changed(e)},
    ),
    Action.CLAIM_CREATED: _d(
        _("%(who)s created claim %(id)s: “%(exact)s”"), lambda e: {"exact": short(e.after["exact"])}
    ),
    Action.CLAIM_UPDATED: _d(
        _("%(who)s edited claim %(id)s (%(fields)s)"), lambda e: {"fields": _changed(e)}
    ),
    Action.CLAIM_REANCHORED: _d(
        _("Claim %(id)s was re-anchored on a new snapshot: %(state)s"),
        lambda e: {"state": e.after["anchor_state"]},
    ),
    Action.CLAIM_STATUS_CHANGED: _d(
        _("%(who)s moved claim %(id)s from %(old)s to %(new)s"),
        lambda e: {"old": e.before["status"], "new": e.after["status"]},
    ),
    Action.CLAIM_VERDICT_PROPOSED: _d(
        _("%(who)s proposed “%(rating)s” for claim %(id)s: %(summary)s"),
        lambda e: {"rating": _rating(e), "summary": short(e.after["summary"])},
    ),
    Action.CLAIM_CORRECTION_PROPOSED: _d(
        _("%(who)s proposed a correction to “%(rating)s” for claim %(id)s: %(note)s"),
        lambda e: {"rating": _rating(e), "note": short(e.after["correction_note"])},
    ),
    Action.CLAIM_VERDICT_PUBLISHED: _d(
        _(
            "%(who)s approved and published “%(rating)s” on claim %(id)s"
            " (proposed by %(proposer)s): %(summary)s%(reworded)s"
        ),
        lambda e: {
            "rating": _rating(e),
            "proposer": e.user(e.after["proposed_by"]),
            "summary": short(e.after["summary"]),
            "reworded": _reworded(e),
        },
    ),
    Action.CLAIM_VERDICT_RETURNED: _d(_("%(who)s returned the proposed verdict on claim %(id)s")),
    Action.CLAIM_ASSIGNED: _d(
        _("%(who)s assigned claim %(id)s to %(assignee)s"),
        lambda e: {"assignee": e.user(e.after["assignee"])},
    ),
    Action.CLAIM_RETRACTION_PROPOSED: _d(
        _("%(who)s proposed retracting the published fact-check of claim %(id)s")
    ),
    Action.CLAIM_RETRACTED: _d(
        _("%(who)s approved the retraction of claim %(id)s (proposed by %(proposer)s)"),
        lambda e: {"proposer": e.user(e.after["proposed_by"])},
    ),
    Action.CLAIM_RETRACTION_RETURNED: _d(
        _("%(who)s returned the proposed retraction of claim %(id)s")
    ),
    Action.CLAIM_RELATED_LINKED: _d(
        _("%(who)s linked claim %(id)s to claim %(other)s as saying the same thing"),
        lambda e: {"other": e.after["related_claim_id"]},
    ),
    Action.CLAIM_RELATED_UNLINKED: _d(
        _("%(who)s unlinked claim %(id)s from the related claim %(other)s"),
        lambda e: {"other": e.before["related_claim_id"]},
    ),
    Action.COMMENT_ADDED: _d(
        _("%(who)s commented on claim %(claim)s: %(body)s"),
        lambda e: {"claim": e.after["claim"], "body": short(e.after["body"])},
    ),
    Action.RATING_CREATED: _d(
        _("%(who)s added the rating “%(label)s”"), lambda e: {"label": e.after["label"]}
    ),
    Action.RATING_UPDATED: _d(
        _("%(who)s changed the rating “%(label)s” (%(fields)s)"),
        lambda e: {
            "label": e.after["label"] or e.before["label"] or e.id,
            "fields": _changed(e),
        },
    ),
    Action.RATING_RETIRED: _d(_("%(who)s retired rating #%(id)s")),
    Action.RATING_RESTORED: _d(_("%(who)s restored rating #%(id)s")),
    Action.RATING_REORDERED: _d(_("%(who)s reordered the rating scale")),
    Action.SOURCE_CREATED: _d(
        _("%(who)s added the source “%(title)s”"),
        lambda e: {"title": short(e.after["title"] or e.after["url"])},
    ),
    Action.SOURCE_LINK_CHECKED: _d(
        _("%(who)s checked the link of source %(id)s: %(old)s → %(new)s (%(detail)s)"),
        lambda e: {
            "old": e.before["link_status"],
            "new": e.after["link_status"],
            "detail": short(e.after["detail"]),
        },
    ),
    Action.EVIDENCE_ADDED: _d(
        _("%(who)s linked source %(source)s to claim %(claim)s as %(stance)s"),
        lambda e: {
            "source": e.after["source"],
            "claim": e.after["claim"],
            "stance": e.after["stance"],
        },
    ),
    Action.CAPTURE_CREATED: _d(
        _("%(who)s captured %(url)s (%(kind)s, HTTP status %(status)s)"),
        lambda e: {
            "url": short(e.after["final_url"] or e.after["url"]),
            "kind": e.after["kind"],
            "status": e.after["status_code"],
        },
    ),
    Action.INVITATION_CREATED: _d(
        _("%(who)s invited %(email)s as %(role)s, until %(expires)s"),
        lambda e: {
            "email": e.after["email"],
            "role": e.after["role"],
            "expires": e.after["expires_at"],
        },
    ),
    Action.INVITATION_RESENT: _d(
        _("%(who)s sent invitation #%(id)s again, now valid until %(expires)s"),
        lambda e: {"expires": e.after["expires_at"]},
    ),
    Action.INVITATION_REVOKED: _d(
        _("%(who)s withdrew the invitation of %(email)s"), lambda e: {"email": e.after["email"]}
    ),
    Action.INVITATION_EXPIRED_ON_USE: _d(
        _("The invitation of %(email)s was opened after it expired on %(expires)s"),
        lambda e: {"email": e.after["email"], "expires": e.after["expires_at"]},
    ),
    Action.INVITATION_ACCEPTED: _d(
        _("%(who)s accepted the invitation of %(email)s and joined as %(role)s"),
        lambda e: {"email": e.after["email"], "role": e.after["role"]},
    ),
    Action.EXPORT_CREATED: _d(
        _("%(who)s exported claims as %(format)s"), lambda e: {"format": e.after["format"]}
    ),
    Action.ANNOTATIONS_IMPORTED: _d(
        _("%(who)s imported annotations: %(created)s new claims, %(skipped)s already there"),
        lambda e: {"created": e.after["created"], "skipped": e.after["skipped"]},
    ),
    Action.API_TOKEN_CREATED: _d(
        _("%(who)s created the API token “%(name)s” with the role %(role)s"),
        lambda e: {"name": e.after["name"], "role": e.after["role"]},
    ),
    Action.API_TOKEN_REVOKED: _d(
        _("%(who)s revoked the API token “%(name)s”"), lambda e: {"name": e.after["name"]}
    ),
    Action.AUDIT_CHECKPOINT_CREATED: _d(
        _("%(who)s signed a checkpoint of the trail at event %(seq)s"),
        lambda e: {"seq": e.after["seq"]},
    ),
    Action.AUDIT_EXPORTED: _d(
        _("%(who)s exported the trail as %(format)s%(range)s"),
        lambda e: {"format": e.after["format"], "range": _export_range(e)},
    ),
    Action.JOB_QUEUED: _d(
        _("%(who)s started background job #%(id)s (%(kind)s)"),
        lambda e: {"kind": e.after["kind"]},
    ),
    Action.JOB_FINISHED: _d(
        _("Background job #%(id)s finished (%(rows)s done)"), lambda e: {"rows": e.after["rows"]}
    ),
    Action.JOB_FAILED: _d(
        _("Background job #%(id)s failed after %(attempts)s attempts: %(error)s"),
        lambda e: {"attempts": e.after["attempts"], "error": short(e.after["error"])},
    ),
    Action.PUBLIC_SITE_UPDATED: _d(
        _("%(who)s changed the public site's settings (%(fields)s)"),
        lambda e: {"fields": _changed(e)},
    ),
}
