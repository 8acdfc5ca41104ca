"""The review workflow: open → in_review → verdict_proposed → published → corrected.

Each transition is one service: one transaction, one version check, one audit event.
`available_actions` answers which transitions a person may take on a claim, and the
services check the very same rules, so the buttons the browser shows and what the
server accepts cannot drift apart.

A correction of a published verdict is an editor's act, proposed and approved like the
first verdict; while it waits, the claim stays `published` (its public verdict is still
the old one) and turns `corrected` when the correction is approved. A correction may
reword the claim's restatement and claimant as well as its rating and summary; from
publication on nothing else can change those (see `services.published_claim_writes`).

The action names are the API's: `available_actions` returns them and each is the last
segment of its endpoint (`/claims/<id>/correct/`).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from app.audit import events
from app.audit.services import atomic_audited, audit_append
from app.claims.models import (
    PUBLISHED_STATES,
    Claim,
    ClaimStatus,
    Evidence,
    Rating,
    RatingWords,
    Retraction,
    Verdict,
)
from app.claims.services import lock_claim, published_claim_writes
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.core.text import validate_one_line_fields
from app.workspaces.access import membership_of, require_role
from app.workspaces.models import Membership, Role

START_REVIEW = "start-review"
PROPOSE = "propose"
CORRECT = "correct"
APPROVE = "approve"
RETURN = "return"
ASSIGN = "assign"
RETRACT = "retract"
APPROVE_RETRACTION = "approve-retraction"
RETURN_RETRACTION = "return-retraction"
ACTIONS = (
    START_REVIEW,
    PROPOSE,
    CORRECT,
    APPROVE,
    RETURN,
    ASSIGN,
    RETRACT,
    APPROVE_RETRACTION,
    RETURN_RETRACTION,
)
# The least role each action needs; interfaces check it before reading a request body.
LEAST_ROLE = {action: Role.REVIEWER for action in ACTIONS} | {
    APPROVE: Role.EDITOR,
    CORRECT: Role.EDITOR,
    RETRACT: Role.EDITOR,
    APPROVE_RETRACTION: Role.EDITOR,
    RETURN_RETRACTION: Role.EDITOR,
}


_EDITORS_ONLY = {
    APPROVE: "Only an editor can approve and publish a verdict.",
    CORRECT: "Only an editor can propose a correction of a published verdict.",
    RETRACT: "Only an editor can propose to retract a published fact-check.",
    APPROVE_RETRACTION: "Only an editor can approve a retraction.",
    RETURN_RETRACTION: "Only an editor can send a retraction back.",
}


def _pending(claim: Claim, kind: str, read):
    # `nothing_pending`: set by the API on a claim it has just created. `_pending_memo`:
    # set while `available_actions` asks the rule book about every action at once.
    if getattr(claim, "nothing_pending", False):
        return None
    memo = getattr(claim, "_pending_memo", None)
    if memo is None:
        return read()
    if kind not in memo:
        memo[kind] = read()
    return memo[kind]


def pending_verdict(claim: Claim) -> Verdict | None:
    return _pending(
        claim, "verdict", lambda: claim.verdicts.filter(state=Verdict.State.PROPOSED).first()
    )


def pending_retraction(claim: Claim) -> Retraction | None:
    return _pending(
        claim,
        "retraction",
        lambda: claim.retractions.filter(state=Retraction.State.PROPOSED).first(),
    )


def _retraction_refusal(claim: Claim, action: str, membership: Membership) -> Exception | None:
    """The retraction half of the rule book (the caller has checked the role)."""
    pending = pending_retraction(claim)
    if action == RETRACT:
        if claim.status not in PUBLISHED_STATES:
            return Conflict(
                _("Only a published fact-check can be retracted; this claim is %(status)s.")
                % {"status": claim.status}
            )
        if pending is not None:
            return Conflict(_("A retraction of this fact-check is already waiting for a decision."))
        if pending_verdict(claim) is not None:
            return Conflict(_("Decide the waiting correction before retracting the fact-check."))
        return None
    if pending is None:
        return Conflict(_("There is no proposed retraction waiting for a decision."))
    if action == APPROVE_RETRACTION and pending.proposed_by_id == membership.user_id:
        return PermissionDenied(
            _("You proposed this retraction; another editor has to approve it (four-eyes rule).")
        )
    return None


def _refusal(claim: Claim, action: str, membership: Membership | None, pending: Verdict | None):
    """Why `action` is not allowed now, or None when it is. The single rule book."""
    if membership is None:
        return NotFound(_("No such claim."))
    role = membership.role_enum
    # Every workflow action needs at least a reviewer (returning one's own proposal
    # included); the role is checked before the claim's state, so a viewer is told
    # "not allowed" rather than why the action would not fit now.
    if not role.includes(Role.REVIEWER):
        return PermissionDenied(_("Reviewers, editors and admins can do this; viewers cannot."))
    if not role.includes(LEAST_ROLE[action]):
        return PermissionDenied(_EDITORS_ONLY[action])
    if action == START_REVIEW and claim.status != ClaimStatus.OPEN:
        return Conflict(
            _("Only an open claim can go into review; this one is %(status)s.")
            % {"status": claim.status}
        )
    if action == PROPOSE and claim.status != ClaimStatus.IN_REVIEW:
        return Conflict(
            _("A verdict is proposed for a claim in review; this one is %(status)s.")
            % {"status": claim.status}
        )
    if action == CORRECT and claim.status not in PUBLISHED_STATES:
        return Conflict(
            _("Only a published verdict can be corrected; this claim is %(status)s.")
            % {"status": claim.status}
        )
    if action == CORRECT and pending:
        return Conflict(_("A correction is already waiting for a decision on this claim."))
    if action in (RETRACT, APPROVE_RETRACTION, RETURN_RETRACTION):
        return _retraction_refusal(claim, action, membership)
    if action == CORRECT and pending_retraction(claim) is not None:
        return Conflict(_("A retraction of this fact-check is waiting for a decision."))
    if action in (APPROVE, RETURN) and pending is None:
        return Conflict(_("There is no proposed verdict waiting for a decision."))
    if action == APPROVE and pending.proposed_by_id == membership.user_id:
        return PermissionDenied(
            _("You proposed this verdict; another editor has to approve it (four-eyes rule).")
        )
    if (
        action == RETURN
        and pending.proposed_by_id != membership.user_id
        and not role.includes(Role.EDITOR)
    ):
        return PermissionDenied(_("Only an editor or the proposer can send a proposal back."))
    return None


def available_actions(*, claim: Claim, user: Any) -> set[str]:
    """The workflow actions `user` may take on `claim` right now."""
    membership = membership_of(user, claim.workspace_id)
    # One read of each pending proposal for all the actions; a caller that set the memo
    # itself (the claim page, which shows the proposals too) keeps it afterwards.
    owned = getattr(claim, "_pending_memo", None) is None
    if owned:
        claim._pending_memo = {}
    try:
        pending = pending_verdict(claim)
        return {a for a in ACTIONS if _refusal(claim, a, membership, pending) is None}
    finally:
        if owned:
            del claim._pending_memo


def _check(claim: Claim, action: str, actor: Any) -> Verdict | None:
    if actor is None:
        raise PermissionDenied(_("Workflow decisions need a person."))
    pending = pending_verdict(claim)
    refusal = _refusal(claim, action, membership_of(actor, claim.workspace_id), pending)
    if refusal is not None:
        raise refusal
    return pending


def _record(claim: Claim, actor: Any, event: events.PendingEvent) -> None:
    audit_append(workspace=claim.workspace, actor=actor, event=event)


@atomic_audited
def claim_start_review(*, claim: Claim, version: int, actor: Any) -> Claim:
    """Move an open claim into review. Raises `StaleVersion`, `Conflict`, `PermissionDenied`."""
    claim = lock_claim(claim, version)
    _check(claim, START_REVIEW, actor)
    claim.status = ClaimStatus.IN_REVIEW
    if claim.assignee_id is None:
        claim.assignee = actor
    claim.version += 1
    claim.save(update_fields=["status", "assignee", "version", "updated_at"])
    _record(claim, actor, events.claim_status_changed(claim=claim, old_status=ClaimStatus.OPEN))
    return claim


def _validated_rating(claim: Claim, rating: Rating | int | None) -> Rating:
    rating_id = rating.pk if isinstance(rating, Rating) else rating
    if rating_id is None:
        raise ValidationError({"rating": _("Choose a rating for the verdict.")})
    found = Rating.objects.filter(workspace_id=claim.workspace_id, pk=rating_id).first()
    if found is None:
        raise ValidationError({"rating": _("That rating is not on this workspace's scale.")})
    if found.retired:
        raise ValidationError(
            {
                "rating": _("“%(label)s” is retired; choose a current rating.")
                % {"label": found.label}
            }
        )
    return found


def _proposal(
    claim: Claim,
    *,
    rating: Rating | int | None,
    summary: str,
    actor: Any,
    correction_note: str = "",
    restatement: str | None = None,
    claimant: str | None = None,
) -> Verdict:
    """Check and store a proposed verdict; the caller has locked the claim and the action."""
    found = _validated_rating(claim, rating)
    if claimant is not None:
        validate_one_line_fields(claimant=claimant)
    summary = (summary or "").strip()
    errors = {}
    if not summary:
        errors["summary"] = "Write a summary of the verdict: what the evidence shows."
    if claim.is_published and not correction_note:
        errors["correction_note"] = "A correction needs a note saying what changed and why."
    if not Evidence.objects.filter(claim=claim).exists():
        errors["evidence"] = "Link at least one source before proposing a verdict."
    if errors:
        raise ValidationError(errors)
    return Verdict.objects.create(
        workspace_id=claim.workspace_id,
        claim=claim,
        rating=found,
        **RatingWords.of(found).as_fields("rating_", "scale_"),
        restatement=claim.restatement if restatement is None else restatement.strip(),
        claimant=claim.claimant if claimant is None else claimant.strip(),
        summary=summary,
        correction_note=correction_note,
        proposed_by=actor,
    )


@atomic_audited
def verdict_propose(
    *,
    claim: Claim,
    version: int,
    rating: Rating | int | None,
    summary: str,
    actor: Any,
) -> Verdict:
    """Propose the first verdict of a claim in review, for another editor to approve.

    Needs a current rating of the workspace's scale, a summary and at least one
    evidence link. The verdict keeps the rating's words and the claim's restatement
    and claimant as proposed. Raises `ValidationError` (rating, summary, evidence),
    `StaleVersion`, `Conflict` (a published claim is corrected, not proposed for),
    `PermissionDenied`.
    """
    claim = lock_claim(claim, version)
    _check(claim, PROPOSE, actor)
    verdict = _proposal(claim, rating=rating, summary=summary, actor=actor)
    claim.status = ClaimStatus.VERDICT_PROPOSED
    claim.version += 1
    claim.save(update_fields=["status", "version", "updated_at"])
    _record(
        claim,
        actor,
        events.claim_verdict_proposed(
            claim=claim, verdict=verdict, old_status=ClaimStatus.IN_REVIEW
        ),
    )
    return verdict


@atomic_audited
def verdict_correct(
    *,
    claim: Claim,
    version: int,
    rating: Rating | int | None,
    summary: str,
    correction_note: str,
    actor: Any,
    restatement: str | None = None,
    claimant: str | None = None,
) -> Verdict:
    """Propose a correction of a published verdict; an editor may, another approves it.

    The correction may also reword the claim's restatement and claimant (left out, they
    stay as published). Until it is approved the published verdict stands. Raises
    `ValidationError` (rating, summary, evidence, correction_note), `StaleVersion`,
    `Conflict` (not published, or a correction already waits), `PermissionDenied`
    (below editor).
    """
    claim = lock_claim(claim, version)
    _check(claim, CORRECT, actor)
    correction_note = (correction_note or "").strip()
    verdict = _proposal(
        claim,
        rating=rating,
        summary=summary,
        actor=actor,
        correction_note=correction_note,
        restatement=restatement,
        claimant=claimant,
    )
    claim.version += 1
    claim.save(update_fields=["version", "updated_at"])
    _record(claim, actor, events.claim_correction_proposed(claim=claim, verdict=verdict))
    return verdict


@atomic_audited
def verdict_approve(*, claim: Claim, version: int, actor: Any) -> Verdict:
    """Approve the pending verdict and publish it; an editor other than the proposer may.

    The verdict published before (if any) is superseded; the claim becomes
    `published`, or `corrected` when this was a correction, with the verdict's rating
    words, summary, restatement and claimant. The rating's words are taken again now,
    as the approver sees them, and never change afterwards. Raises `StaleVersion`
    (someone else decided first), `Conflict`, `PermissionDenied`.
    """
    claim = lock_claim(claim, version)
    verdict = _check(claim, APPROVE, actor)
    now = timezone.now()
    words = RatingWords.of(verdict.rating)
    Verdict.objects.filter(claim=claim, state=Verdict.State.PUBLISHED).update(
        state=Verdict.State.SUPERSEDED
    )
    for field, value in words.as_fields("rating_", "scale_").items():
        setattr(verdict, field, value)
    verdict.state = Verdict.State.PUBLISHED
    verdict.decided_by = actor
    verdict.decided_at = verdict.published_at = now
    verdict.save()
    published = [
        "status",
        "restatement",
        "claimant",
        "rating",
        "rating_label",
        "rating_value",
        "rating_colour",
        "rating_best",
        "rating_worst",
        "verdict_summary",
    ]
    before = events.published_words(claim)
    claim.status = ClaimStatus.CORRECTED if verdict.is_correction else ClaimStatus.PUBLISHED
    claim.rating = verdict.rating
    for field, value in words.as_fields("rating_", "rating_").items():
        setattr(claim, field, value)
    claim.verdict_summary = verdict.summary
    claim.restatement = verdict.restatement
    claim.claimant = verdict.claimant
    claim.version += 1
    with published_claim_writes():
        claim.save(update_fields=[*published, "version", "updated_at"])
    _record(
        claim,
        actor,
        events.claim_verdict_published(claim=claim, verdict=verdict, words=words, before=before),
    )
    return verdict


@atomic_audited
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
        raise ValidationError({"reason": _("Say why the proposal goes back.")})
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
        events.claim_verdict_returned(claim=claim, verdict=verdict, old_status=before_status),
    )
    return verdict


@atomic_audited
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
                {"assignee": _("Claims can be assigned to reviewers, editors and admins only.")}
            ) from None
    before_assignee = claim.assignee_id
    claim.assignee = assignee
    claim.version += 1
    claim.save(update_fields=["assignee", "version", "updated_at"])
    _record(claim, actor, events.claim_assigned(claim=claim, old_assignee_id=before_assignee))
    return claim


@atomic_audited
def claim_retract(*, claim: Claim, version: int, reason: str, actor: Any) -> Retraction:
    """Propose to retract a published fact-check, with the reason the public will read.

    An editor proposes; another editor approves (`retraction_approve`). Until then the
    fact-check stays public as it is. Raises `ValidationError` (reason), `StaleVersion`,
    `Conflict` (not published, or a correction or retraction already waits),
    `PermissionDenied` (below editor).
    """
    claim = lock_claim(claim, version)
    _check(claim, RETRACT, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say publicly why the fact-check is retracted.")})
    retraction = Retraction.objects.create(
        workspace_id=claim.workspace_id, claim=claim, reason=reason, proposed_by=actor
    )
    claim.version += 1
    claim.save(update_fields=["version", "updated_at"])
    _record(claim, actor, events.claim_retraction_proposed(claim=claim, retraction=retraction))
    return retraction


@atomic_audited
def retraction_approve(*, claim: Claim, version: int, actor: Any) -> Retraction:
    """Approve the pending retraction: the claim becomes `retracted` for good.

    An editor other than the proposer may. The published verdict and words stay as they
    were (the public page becomes a tombstone saying when and why); the claim leaves the
    ClaimReview export, the feeds and the sitemap. Raises `StaleVersion`, `Conflict`,
    `PermissionDenied`.
    """
    claim = lock_claim(claim, version)
    _check(claim, APPROVE_RETRACTION, actor)
    retraction = pending_retraction(claim)
    retraction.state = Retraction.State.APPROVED
    retraction.decided_by = actor
    retraction.decided_at = timezone.now()
    retraction.save(update_fields=["state", "decided_by", "decided_at"])
    before_status = claim.status
    claim.status = ClaimStatus.RETRACTED
    claim.version += 1
    with published_claim_writes():
        claim.save(update_fields=["status", "version", "updated_at"])
    _record(
        claim,
        actor,
        events.claim_retracted(claim=claim, retraction=retraction, old_status=before_status),
    )
    return retraction


@atomic_audited
def retraction_return(*, claim: Claim, version: int, reason: str, actor: Any) -> Retraction:
    """Send a pending retraction back with a reason; the fact-check stays published.

    Raises `ValidationError` (reason), `StaleVersion`, `Conflict`, `PermissionDenied`.
    """
    claim = lock_claim(claim, version)
    _check(claim, RETURN_RETRACTION, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the retraction goes back.")})
    retraction = pending_retraction(claim)
    retraction.state = Retraction.State.RETURNED
    retraction.decided_by = actor
    retraction.decided_at = timezone.now()
    retraction.return_reason = reason
    retraction.save(update_fields=["state", "decided_by", "decided_at", "return_reason"])
    claim.version += 1
    claim.save(update_fields=["version", "updated_at"])
    _record(claim, actor, events.claim_retraction_returned(claim=claim, retraction=retraction))
    return retraction
