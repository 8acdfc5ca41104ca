from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from app.core.errors import NotFound
from app.sources.models import Capture, LinkStatus, Source
from app.workspaces.access import workspace_ids_for
from app.workspaces.models import Workspace

# What a list shows of a capture (its files left out): kind, when, status, hashes.
CAPTURE_SUMMARY_FIELDS = (
    "id",
    "source_id",
    "captured_at",
    "status_code",
    "warc_sha256",
    "file_sha256",
    "kind",
)


def source_list(*, user: Any, workspace: Workspace) -> QuerySet[Source]:
    """The workspace's sources, newest first."""
    return Source.objects.filter(workspace_id__in=workspace_ids_for(user), workspace=workspace)


def source_get(*, user: Any, workspace: Workspace, pk: int) -> Source:
    """Return one of the workspace's sources; raises `NotFound` for any other."""
    source = source_list(user=user, workspace=workspace).filter(pk=pk).first()
    if source is None:
        raise NotFound(_("No such source."))
    return source


def source_list_with_counts(*, user: Any, workspace: Workspace) -> QuerySet[Source]:
    """The workspace's sources, newest first, each with how many claims cite it."""
    return (
        source_list(user=user, workspace=workspace)
        .annotate(claim_count=Count("evidence"))  # evidence is unique per (claim, source)
        .order_by("-created_at", "-id")  # an aggregate drops Meta.ordering: newest first
    )


def capture_list(
    *, user: Any, workspace: Workspace, source: Source | None = None, article=None
) -> QuerySet[Capture]:
    """The workspace's captures (of one source or article), newest first, without their files."""
    captures = Capture.objects.filter(
        workspace_id__in=workspace_ids_for(user), workspace=workspace
    ).defer("text")
    if source is not None:
        captures = captures.filter(source=source)
    if article is not None:
        captures = captures.filter(article=article)
    return captures.order_by("-captured_at", "-id")


def capture_get(*, user: Any, workspace: Workspace, pk: int) -> Capture:
    """One of the workspace's captures; raises `NotFound` for any other."""
    capture = (
        Capture.objects.filter(workspace_id__in=workspace_ids_for(user), workspace=workspace, pk=pk)
        .select_related("source", "article")
        .first()
    )
    if capture is None:
        raise NotFound(_("No such capture."))
    return capture


def sources_with_broken_links(*, user: Any, workspace: Workspace) -> QuerySet[Source]:
    """Sources whose last link check found the page gone or changed, with citation counts."""
    return (
        source_list(user=user, workspace=workspace)
        .filter(link_status__in=[LinkStatus.GONE, LinkStatus.CHANGED])
        .annotate(citations=Count("evidence"))
        .order_by("link_status", "-link_checked_at", "-id")
    )
