"""Related claims: linking claims of one workspace that say the same thing."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from app.audit import events
from app.audit.services import audit_append
from app.claims.models import Claim, ClaimRelation
from app.core.errors import NotFound
from app.workspaces.access import require_role
from app.workspaces.models import Role


def _ordered(claim: Claim, other: Claim) -> tuple[Claim, Claim]:
    return (claim, other) if claim.pk < other.pk else (other, claim)


def claim_link_related(*, claim: Claim, other: Claim, actor: Any) -> ClaimRelation:
    """Link two claims of one workspace as saying the same thing; linking twice is a no-op.

    Raises `ValidationError` for a claim linked to itself, `NotFound` when `other`
    belongs to another workspace, `PermissionDenied` below the reviewer role.
    """
    require_role(workspace=claim.workspace, actor=actor, role=Role.REVIEWER)
    if other.workspace_id != claim.workspace_id:
        raise NotFound(_("No such claim."))
    if other.pk == claim.pk:
        raise ValidationError({"related": _("A claim cannot be related to itself.")})
    first, second = _ordered(claim, other)
    with transaction.atomic():
        relation, created = ClaimRelation.objects.get_or_create(
            workspace_id=claim.workspace_id,
            claim=first,
            related=second,
            defaults={"created_by": actor},
        )
        if created:
            audit_append(
                workspace=claim.workspace,
                actor=actor,
                event=events.claim_related_linked(claim=claim, other=other),
            )
    return relation


def claim_unlink_related(*, claim: Claim, other: Claim, actor: Any) -> bool:
    """Remove the link between two claims; returns whether there was one."""
    require_role(workspace=claim.workspace, actor=actor, role=Role.REVIEWER)
    if other.workspace_id != claim.workspace_id:
        raise NotFound(_("No such claim."))
    first, second = _ordered(claim, other)
    with transaction.atomic():
        deleted, _count = ClaimRelation.objects.filter(
            workspace_id=claim.workspace_id, claim=first, related=second
        ).delete()
        if deleted:
            audit_append(
                workspace=claim.workspace,
                actor=actor,
                event=events.claim_related_unlinked(claim=claim, other=other),
            )
    return bool(deleted)


def related_claims(claim: Claim) -> list[Claim]:
    """The claims linked to `claim`, with their verdicts, oldest link first."""
    links = ClaimRelation.objects.filter(
        Q(claim_id=claim.pk) | Q(related_id=claim.pk), workspace_id=claim.workspace_id
    ).values_list("claim_id", "related_id")
    ids = [a if b == claim.pk else b for a, b in links]
    return list(
        Claim.objects.filter(workspace_id=claim.workspace_id, pk__in=ids)
        .select_related("rating", "article")
        .order_by("created_at", "id")
    )
