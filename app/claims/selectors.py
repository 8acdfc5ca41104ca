from typing import Any

from django.db.models import QuerySet

from app.articles.models import Article
from app.claims.models import Claim, Rating
from app.core.errors import NotFound
from app.workspaces.access import workspace_ids_for
from app.workspaces.models import Workspace


def claim_list(
    *, user: Any, workspace: Workspace, article: Article | None = None
) -> QuerySet[Claim]:
    """The workspace's claims (optionally of one article), in text order per article."""
    claims = Claim.objects.filter(
        workspace_id__in=workspace_ids_for(user), workspace=workspace
    ).select_related("article", "rating", "assignee")
    if article is not None:
        claims = claims.filter(article=article)
    return claims.order_by("article_id", "start", "id")


def claim_get(*, user: Any, workspace: Workspace, pk: int) -> Claim:
    """Return one of the workspace's claims; raises `NotFound` for any other."""
    claim = claim_list(user=user, workspace=workspace).filter(pk=pk).first()
    if claim is None:
        raise NotFound("No such claim.")
    return claim


def rating_list(
    *, user: Any, workspace: Workspace, include_retired: bool = True
) -> QuerySet[Rating]:
    """The workspace's verdict scale in display order."""
    ratings = Rating.objects.filter(workspace_id__in=workspace_ids_for(user), workspace=workspace)
    if not include_retired:
        ratings = ratings.filter(retired=False)
    return ratings.order_by("position")
