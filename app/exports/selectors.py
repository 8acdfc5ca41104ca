"""The claims an export reads: scoped to the caller's workspaces, filtered, in text order."""

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from app.claims.models import Claim, Comment, Evidence, Verdict
from app.exports.forms import PUBLISHED_STATUSES, ExportFilters
from app.sources.models import Capture
from app.workspaces.access import workspace_ids_for
from app.workspaces.models import Workspace

# Snapshot columns an export never needs; the text alone can be megabytes per row.
_HEAVY_SNAPSHOT_FIELDS = ("snapshot__text", "snapshot__original", "snapshot__metadata")


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the site's time zone, so a range compares on indexed columns."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _next_day(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=1)


def export_claims(
    *,
    user: Any,
    workspace: Workspace,
    filters: ExportFilters,
    published_only: bool = False,
    with_evidence: bool = False,
    with_verdicts: bool = False,
    with_comments: bool = False,
    with_captures: bool = False,
) -> QuerySet[Claim]:
    """The workspace's claims matching `filters`, ordered by article and position.

    Related rows are declared as prefetches, which `iterator(chunk_size=...)` loads one
    chunk at a time: memory stays flat whatever the number of claims. Each lands in a
    plain list (`export_evidence`, `export_verdicts`, `export_comments`, read through
    `records.related`): filling `claim.evidence.all()` instead makes Django build a
    filtered queryset per claim and relation, a fifth of a Python export's time. Date
    ranges are inclusive whole days.
    """
    claims = (
        Claim.objects.filter(workspace_id__in=workspace_ids_for(user), workspace=workspace)
        .select_related("article", "snapshot", "assignee", "created_by")
        .defer(*_HEAVY_SNAPSHOT_FIELDS)
    )
    if filters.article is not None:
        claims = claims.filter(article_id=filters.article)
    if filters.status:
        claims = claims.filter(status=filters.status)
    if published_only:
        claims = claims.filter(status__in=PUBLISHED_STATUSES)
    if filters.created_from:
        claims = claims.filter(created_at__gte=_day_start(filters.created_from))
    if filters.created_to and filters.created_to < dt.date.max:
        claims = claims.filter(created_at__lt=_day_start(_next_day(filters.created_to)))
    if filters.updated_from:
        claims = claims.filter(updated_at__gte=_day_start(filters.updated_from))
    if filters.updated_to and filters.updated_to < dt.date.max:
        claims = claims.filter(updated_at__lt=_day_start(_next_day(filters.updated_to)))
    prefetches = []
    if with_evidence:
        evidence = Evidence.objects.select_related("source").order_by("created_at", "id")
        if with_captures:
            # Each cited source's captures (metadata and hashes, not the files): one more
            # query per chunk, read as `source.export_captures`.
            evidence = evidence.prefetch_related(
                Prefetch(
                    "source__captures",
                    queryset=Capture.objects.defer("text").order_by("-captured_at", "-id"),
                    to_attr="export_captures",
                )
            )
        prefetches.append(Prefetch("evidence", queryset=evidence, to_attr="export_evidence"))
    if with_verdicts:
        prefetches.append(
            Prefetch(
                "verdicts",
                queryset=Verdict.objects.select_related("proposed_by", "decided_by").order_by(
                    "proposed_at", "id"
                ),
                to_attr="export_verdicts",
            )
        )
    if with_comments:
        prefetches.append(
            Prefetch(
                "comments",
                queryset=Comment.objects.select_related("author").order_by("created_at", "id"),
                to_attr="export_comments",
            )
        )
    return claims.prefetch_related(*prefetches).order_by("article_id", "start", "id")


def claim_in_workspace(*, workspace: Workspace, pk: int) -> bool:
    """Whether claim `pk` belongs to `workspace`: a keyset page may start only there."""
    return Claim.objects.filter(workspace=workspace, pk=pk).exists()
