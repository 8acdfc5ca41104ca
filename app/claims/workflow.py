"""The review workflow: open → in_review → verdict_proposed → published → corrected.

Each transition is one service: one transaction, one version check, one audit event.
`available_actions` answers which transitions a person may take on a claim, and the
services check the very same rules, so the buttons the browser shows and what the
server accepts cannot drift apart.

A correction of a published verdict is proposed and approved like the first verdict;
while it waits, the claim stays `published` (its public verdict is still the old one)
and turns `corrected` when the correction is approved.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from app.audit.services import audit_append
from app.claims.models import Claim, ClaimStatus, Rating, Verdict
from app.claims.services import lock_claim
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.sources.models import Evidence
from app.workspaces.access import membership_of, require_role
from app.workspaces.models import Membership, Role

START_REVIEW = "start_review"
PROPOSE = "propose"
PROPOSE_CORRECTION = "propose_correction"
APPROVE = "approve"
RETURN = "return"
ASSIGN = "assign"

_PUBLISHED_STATES = (ClaimStatus.PUBLISHED, ClaimStatus.CORRECTED)


def pending_verdict(claim: Claim) -> Verdict | None:
    return claim.verdicts.filter(state=Verdict.State.PROPOSED).first()


def _refusal(claim: Claim, action: str, membership: Membership | None, pending: Verdict | None):
    """Why `action` is not allowed now, or None when it is. The single rule book."""
    if membership is None:
        return NotFound("No such claim.")
    role = membership.role_enum
    # Every workflow action needs at least a reviewer (returning one's own proposal
    # included); the role is checked before the claim's state, so a viewer is told
    # "not allowed" rather than why the action would not fit now.
    if not role.includes(Role.REVIEWER):
        return PermissionDenied("Reviewers, editors and admins can do this; viewers cannot.")
    if action in (APPROVE,) and not role.includes(Role.EDITOR):
        return PermissionDenied("Only an editor can approve and publish a verdict.")
    if action == START_REVIEW and claim.status != ClaimStatus.OPEN:
        return Conflict(f"Only an open claim can go into review; this one is {claim.status}.")
    if action == PROPOSE and claim.status != ClaimStatus.IN_REVIEW:
        return Conflict(f"A verdict is proposed for a claim in review; this one is {claim.status}.")
    if action == PROPOSE_CORRECTION and (claim.status not in _PUBLISHED_STATES or pending):
        return Conflict("A correction is proposed for a published claim with no pending proposal.")
    if action in (APPROVE, RETURN) and pending is None:
        return Conflict("There is no proposed verdict waiting for a decision.")
    if action == APPROVE and pending.proposed_by_id == membership.user_id:
        return PermissionDenied(
            "You proposed this verdict; another editor has to approve it (four-eyes rule)."
        )
    if (
        action == RETURN
        and pending.proposed_by_id != membership.user_id
        and not role.includes(Role.EDITOR)
    ):
        return PermissionDenied("Only an editor or the proposer can send a proposal back.")
    return None


def available_actions(*, claim: Claim, user: Any) -> set[str]:
    """The workflow actions `user` may take on `claim` right now."""
    membership = membership_of(user, claim.workspace_id)
    pending = pending_verdict(claim)
    actions = (START_REVIEW, PROPOSE, PROPOSE_CORRECTION, APPROVE, RETURN, ASSIGN)
    return {a for a in actions if _refusal(claim, a, membership, pending) is None}


def _check(claim: Claim, action: str, actor: Any) -> Verdict | None:
    if actor is None:
        raise PermissionDenied("Workflow decisions need a person.")
    pending = pending_verdict(claim)
    refusal = _refusal(claim, action, membership_of(actor, claim.workspace_id), pending)
    if refusal is not None:
        raise refusal
    return pending


def _record(claim: Claim, actor: Any, action: str, before: dict, after: dict, reason: str = ""):
    audit_append(
        workspace=claim.workspace,
        actor=actor,
        action=action,
        object_type="claim",
        object_id=claim.pk,
        before=before,
        after=after,
        reason=reason,
    )


@transaction.atomic
def claim_start_review(*, claim: Claim, version: int, actor: Any) -> Claim:
    """Move an open claim into review. Raises `StaleVersion`, `Conflict`, `PermissionDenied`."""
    claim = lock_claim(claim, version)
    _check(claim, START_REVIEW, actor)
    claim.status = ClaimStatus.IN_REVIEW
    if claim.assignee_id is None:
        claim.assignee = actor
    claim.version += 1
    claim.save(update_fields=["status", "assignee", "version", "updated_at"])
    _record(
        claim,
        actor,
        "claim.status_changed",
        {"status": ClaimStatus.OPEN},
        {"status": claim.status, "assignee": claim.assignee_id, "version": claim.version},
    )
    return claim


def _validated_rating(claim: Claim, rating: Rating | int | None) -> Rating:
    rating_id = rating.pk if isinstance(rating, Rating) else rating
    if rating_id is None:
        raise ValidationError({"rating": "Choose a rating for the verdict."})
    found = Rating.objects.filter(workspace_id=claim.workspace_id, pk=rating_id).first()
    if found is None:
        raise ValidationError({"rating": "That rating is not on this workspace's scale."})
    if found.retired:
        raise ValidationError({"rating": f"“{found.label}” is retired; choose a current rating."})
    return found


@transaction.atomic
def verdict_propose(
    *,
    claim: Claim,
    version: int,
    rating: Rating | int | None,
    summary: str,
    actor: Any,
    correction_note: str = "",
) -> Verdict:
    """Propose a verdict (or, on a published claim, a correction) for approval.

    Needs a current rating of the workspace's scale, a summary and at least one
    evidence link; a correction also needs a note saying what changed and why.
    Raises `ValidationError` (rating, summary, evidence, correction_note),
    `StaleVersion`, `Conflict`, `PermissionDenied`.
    """
    claim = lock_claim(claim, version)
    correcting = claim.status in _PUBLISHED_STATES
    _check(claim, PROPOSE_CORRECTION if correcting else PROPOSE, actor)
    found = _validated_rating(claim, rating)
    summary = (summary or "").strip()
    correction_note = (correction_note or "").strip()
    errors = {}
    if not summary:
        errors["summary"] = "Write a summary of the verdict: what the evidence shows."
    if correcting and not correction_note:
        errors["correction_note"] = "A correction needs a note saying what changed and why."
    if not Evidence.objects.filter(claim=claim).exists():
        errors["evidence"] = "Link at least one source before proposing a verdict."
    if errors:
        raise ValidationError(errors)
    verdict = Verdict.objects.create(
        workspace_id=claim.workspace_id,
        claim=claim,
        rating=found,
        summary=summary,
        correction_note=correction_note if correcting else "",
        proposed_by=actor,
    )
    before_status = claim.status
    if not correcting:
        claim.status = ClaimStatus.VERDICT_PROPOSED
    claim.version += 1
    claim.save(update_fields=["status", "version", "updated_at"])
    _record(
        claim,
        actor,
        "claim.correction_proposed" if correcting else "claim.verdict_proposed",
        {"status": before_status},
        {
            "status": claim.status,
            "verdict": verdict.pk,
            "rating": found.label,
            "summary": summary,
            "correction_note": verdict.correction_note,
            "version": claim.version,
        },
        reason=verdict.correction_note,
    )
    return verdict


@transaction.atomic
def verdict_approve(*, claim: Claim, version: int, actor: Any) -> Verdict:
    """Approve the pending verdict and publish it; an editor other than the proposer may.

    The verdict published before (if any) is superseded; the claim becomes
    `published`, or `corrected` when this was a correction. Raises `StaleVersion`
    (someone else decided first), `Conflict`, `PermissionDenied`.
    """
    claim = lock_claim(claim, version)
    verdict = _check(claim, APPROVE, actor)
    now = timezone.now()
    Verdict.objects.filter(claim=claim, state=Verdict.State.PUBLISHED).update(
        state=Verdict.State.SUPERSEDED
    )
    verdict.state = Verdict.State.PUBLISHED
    verdict.decided_by = actor
    verdict.decided_at = verdict.published_at = now
    verdict.save(update_fields=["state", "decided_by", "decided_at", "published_at"])
    before = {"status": claim.status, "rating": claim.rating_id, "summary": claim.verdict_summary}
    claim.status = ClaimStatus.CORRECTED if verdict.is_correction else ClaimStatus.PUBLISHED
    claim.rating = verdict.rating
    claim.verdict_summary = verdict.summary
    claim.version += 1
    claim.save(update_fields=["status", "rating", "verdict_summary", "version", "updated_at"])
    _record(
        claim,
        actor,
        "claim.verdict_published",
        before,
        {
            "status": claim.status,
            "rating": claim.rating_id,
            "summary": claim.verdict_summary,
            "verdict": verdict.pk,
            "proposed_by": verdict.proposed_by_id,
            "version": claim.version,
        },
        reason=verdict.correction_note,
    )
    return verdict


@transaction.atomic
def verdict_return(*, claim: Claim, version: int, reason: str, actor: Any) -> Verdict:
    """Send a pending proposal back with a reason (an editor, or the proposer withdrawing).

    A first proposal sends the claim back to `in_review`; a returned correction leaves
    the published verdict standing. Raises `ValidationError` (reason), `StaleVersion`,
    `Conflict`, `PermissionDenied`.
    """
    claim = lock_claim(claim, version)
    verdict = _check(claim, RETURN, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the proposal goes back."})
    verdict.state = Verdict.State.RETURNED
    verdict.decided_by = actor
    verdict.decided_at = timezone.now()
    verdict.return_reason = reason
    verdict.save(update_fields=["state", "decided_by", "decided_at", "return_reason"])
    before_status = claim.status
    if claim.status == ClaimStatus.VERDICT_PROPOSED:
        claim.status = ClaimStatus.IN_REVIEW
    claim.version += 1
    claim.save(update_fields=["status", "version", "updated_at"])
    _record(
        claim,
        actor,
        "claim.verdict_returned",
        {"status": before_status},
        {"status": claim.status, "verdict": verdict.pk, "version": claim.version},
        reason=reason,
    )
    return verdict


@transaction.atomic
def claim_assign(*, claim: Claim, version: int, assignee: Any, actor: Any) -> Claim:
    """Assign the claim to a reviewer of its workspace (or to nobody with `None`).

    Raises `ValidationError` (assignee not a reviewer or above here), `StaleVersion`,
    `PermissionDenied`.
    """
    claim = lock_claim(claim, version)
    _check(claim, ASSIGN, actor)
    if assignee is not None:
        try:
            require_role(workspace=claim.workspace, actor=assignee, role=Role.REVIEWER)
        except (NotFound, PermissionDenied):
            raise ValidationError(
                {"assignee": "Claims can be assigned to reviewers, editors and admins only."}
            ) from None
    before = {"assignee": claim.assignee_id}
    claim.assignee = assignee
    claim.version += 1
    claim.save(update_fields=["assignee", "version", "updated_at"])
    _record(
        claim,
        actor,
        "claim.assigned",
        before,
        {"assignee": claim.assignee_id, "version": claim.version},
    )
    return claim
