from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from app.articles.models import Article, Snapshot
from app.core.errors import NotFound
from app.workspaces.access import workspace_ids_for
from app.workspaces.models import Workspace


def article_list(*, user: Any, workspace: Workspace) -> QuerySet[Article]:
    """The workspace's articles, newest first, with their claim counts."""
    return (
        Article.objects.filter(workspace_id__in=workspace_ids_for(user), workspace=workspace)
        .annotate(claim_count=Count("claims", distinct=True))
        .order_by("-created_at", "-id")
    )


def article_get(*, user: Any, workspace: Workspace, pk: int) -> Article:
    """Return one of the workspace's articles; raises `NotFound` for any other."""
    article = article_list(user=user, workspace=workspace).filter(pk=pk).first()
    if article is None:
        raise NotFound(_("No such article."))
    return article


def snapshot_latest(*, article: Article) -> Snapshot | None:
    return article.snapshots.order_by("-number").first()


def snapshot_get(
    *, user: Any, workspace: Workspace, pk: int, fields: tuple[str, ...] = ()
) -> Snapshot:
    """Return one of the workspace's snapshots; raises `NotFound` for any other.

    `fields` limits the columns read (the rest load on access), e.g. to leave the
    original document's bytes in the database when only the text is needed.
    """
    snapshots = Snapshot.objects.filter(
        workspace_id__in=workspace_ids_for(user), workspace=workspace, pk=pk
    )
    snapshot = (snapshots.only(*fields) if fields else snapshots).first()
    if snapshot is None:
        raise NotFound(_("No such snapshot."))
    return snapshot
