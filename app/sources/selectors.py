from typing import Any

from django.db.models import Count, QuerySet

from app.claims.models import Claim
from app.core.errors import NotFound
from app.sources.models import Evidence, Source
from app.workspaces.access import workspace_ids_for
from app.workspaces.models import Workspace


def source_list(*, user: Any, workspace: Workspace) -> QuerySet[Source]:
    """The workspace's sources, newest first."""
    return Source.objects.filter(workspace_id__in=workspace_ids_for(user), workspace=workspace)


def source_get(*, user: Any, workspace: Workspace, pk: int) -> Source:
    """Return one of the workspace's sources; raises `NotFound` for any other."""
    source = source_list(user=user, workspace=workspace).filter(pk=pk).first()
    if source is None:
        raise NotFound("No such source.")
    return source


def evidence_for_claim(*, user: Any, claim: Claim) -> QuerySet[Evidence]:
    """The evidence linked to a claim the user can see, with its sources."""
    return (
        Evidence.objects.filter(workspace_id__in=workspace_ids_for(user), claim=claim)
        .select_related("source")
        .order_by("created_at", "id")
    )


def source_list_with_counts(*, user: Any, workspace: Workspace) -> QuerySet[Source]:
    """The workspace's sources, newest first, each with how many claims cite it."""
    return (
        source_list(user=user, workspace=workspace)
        .annotate(claim_count=Count("evidence"))  # evidence is unique per (claim, source)
        .order_by("-created_at", "-id")  # an aggregate drops Meta.ordering: newest first
    )


def evidence_for_source(*, user: Any, source: Source) -> QuerySet[Evidence]:
    """Every link of the source to a claim, with what each row of its page shows."""
    return (
        Evidence.objects.filter(workspace_id__in=workspace_ids_for(user), source=source)
        .select_related("claim", "claim__article", "claim__rating")
        .order_by("created_at", "id")
    )
