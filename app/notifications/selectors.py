"""Reads for one person: their notifications and the work that waits for them."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from app.claims.models import Claim, ClaimStatus, Verdict
from app.notifications.models import ClaimFollow, Notification
from app.workspaces.access import membership_of, workspace_ids_for
from app.workspaces.models import Role, Workspace

# Claims whose work is done: not listed as assigned work.
_DONE = (ClaimStatus.PUBLISHED, ClaimStatus.CORRECTED)


def notification_list(*, user: Any, workspace: Workspace) -> QuerySet[Notification]:
    """The user's notifications in a workspace they belong to, newest first."""
    return (
        Notification.objects.filter(workspace_id__in=workspace_ids_for(user))
        .filter(workspace=workspace, recipient_id=user.pk)
        .select_related("actor", "claim")
        .order_by("-created_at", "-id")
    )


def unread_count(*, user: Any, workspace: Workspace) -> int:
    return notification_list(user=user, workspace=workspace).filter(read_at__isnull=True).count()


@dataclass
class MyWork:
    """What waits for one person in one workspace."""

    assigned: list[Claim] = field(default_factory=list)
    awaiting_approval: list[Verdict] = field(default_factory=list)
    returned: list[Verdict] = field(default_factory=list)
    following: list[Claim] = field(default_factory=list)

    @property
    def assigned_by_status(self) -> list[tuple[str, list[Claim]]]:
        groups: dict[str, list[Claim]] = {}
        for claim in self.assigned:
            groups.setdefault(claim.status, []).append(claim)
        order = [s.value for s in ClaimStatus]
        return [(ClaimStatus(s).label, groups[s]) for s in order if s in groups]

    @property
    def total(self) -> int:
        return len(self.assigned) + len(self.awaiting_approval) + len(self.returned)


def _my_work_querysets(
    user: Any, workspace: Workspace, membership: Any
) -> tuple[QuerySet, QuerySet, QuerySet]:
    if membership is None:
        return Claim.objects.none(), Verdict.objects.none(), Verdict.objects.none()
    assigned = (
        Claim.objects.filter(workspace=workspace, assignee_id=user.pk)
        .exclude(status__in=_DONE)
        .select_related("article")
        .order_by("-updated_at", "-id")
    )
    verdicts = Verdict.objects.filter(workspace=workspace).select_related(
        "claim", "claim__article", "rating", "proposed_by", "decided_by"
    )
    awaiting = Verdict.objects.none()
    if membership.role_enum.includes(Role.EDITOR):
        awaiting = (
            verdicts.filter(state=Verdict.State.PROPOSED)
            .exclude(proposed_by_id=user.pk)
            .order_by("proposed_at", "id")
        )
    newer = Verdict.objects.filter(
        claim_id=OuterRef("claim_id"), proposed_at__gt=OuterRef("proposed_at")
    )
    returned = (
        verdicts.filter(state=Verdict.State.RETURNED, proposed_by_id=user.pk)
        .exclude(Exists(newer))
        .order_by("-decided_at", "-id")
    )
    return assigned, awaiting, returned


def my_work(*, user: Any, workspace: Workspace, limit: int = 200) -> MyWork:
    """Claims assigned to the user and not yet published, proposals by others awaiting
    the user's approval (editors and admins only), and the user's returned proposals
    not yet followed by a new one, and the claims they follow. A non-member gets
    empty lists.
    """
    membership = membership_of(user, workspace)
    assigned, awaiting, returned = _my_work_querysets(user, workspace, membership)
    following = Claim.objects.none()
    if membership is not None:
        following = (
            Claim.objects.filter(workspace=workspace)
            .filter(Exists(ClaimFollow.objects.filter(claim_id=OuterRef("pk"), user_id=user.pk)))
            .select_related("article")
            .order_by("-updated_at", "-id")
        )
    return MyWork(
        assigned=list(assigned[:limit]),
        awaiting_approval=list(awaiting[:limit]),
        returned=list(returned[:limit]),
        following=list(following[:limit]),
    )


def is_following(*, user: Any, claim: Claim) -> bool:
    return ClaimFollow.objects.filter(claim_id=claim.pk, user_id=user.pk).exists()


def my_work_count(*, user: Any, workspace: Workspace) -> int:
    """How many items `my_work` holds, counted in the database (for the header)."""
    membership = membership_of(user, workspace)
    return sum(qs.count() for qs in _my_work_querysets(user, workspace, membership))
