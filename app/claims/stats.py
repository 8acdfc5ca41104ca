"""A workspace's numbers for its dashboard, each from one aggregate query.

Every figure is computed by PostgreSQL (GROUP BY, `percentile_cont`), never by
walking rows in Python, so the page costs the same few queries whether the
workspace holds ten claims or a hundred thousand. Python only fills in the weeks
no claim was published in, so the weekly chart has no gaps.

What the filters select:
- `since`/`until` (dates, inclusive, UTC days): claims created in that range for the
  counts by status, by verdict and the open work; claims whose verdict was first
  published in that range for the weekly counts and the median time to publish.
- `tag`: only claims carrying that tag, everywhere on the page.
The oldest waiting proposals ignore the date range on purpose: a proposal waiting
since before the range is exactly the one an editor needs to see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Aggregate,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncWeek

from app.claims.models import PUBLISHED_STATES, Claim, ClaimStatus, Verdict
from app.workspaces.access import workspace_ids_for
from app.workspaces.models import Workspace

# Claims still needing someone's work.
OPEN_STATUSES = (ClaimStatus.OPEN, ClaimStatus.IN_REVIEW, ClaimStatus.VERDICT_PROPOSED)
OLDEST_PROPOSALS = 10
# A chart of more weeks than this would have bars too thin to read or label.
MAX_WEEKS = 104


class Median(Aggregate):
    """PostgreSQL's continuous median of an expression."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class EpochSeconds(Func):
    """Seconds in an interval (a difference of two timestamps)."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class Filters:
    since: dt.date | None = None
    until: dt.date | None = None
    tag: str = ""


@dataclass(frozen=True)
class Row:
    """One bar: a key the code uses, what people read, the number, an optional colour."""

    key: str
    label: str
    value: int
    colour: str = ""


@dataclass(frozen=True)
class PersonWork:
    user_id: int | None
    name: str
    open: int
    in_review: int
    verdict_proposed: int

    @property
    def total(self) -> int:
        return self.open + self.in_review + self.verdict_proposed


@dataclass(frozen=True)
class TimeToPublish:
    median: dt.timedelta | None
    count: int


@dataclass(frozen=True)
class DashboardStats:
    by_status: list[Row]
    by_verdict: list[Row]
    per_week: list[Row]
    time_to_publish: TimeToPublish
    open_work: list[PersonWork]
    oldest_proposals: list[Verdict]
    total: int


def _claims(*, user: Any, workspace: Workspace, filters: Filters) -> QuerySet[Claim]:
    claims = Claim.objects.filter(workspace_id__in=workspace_ids_for(user), workspace=workspace)
    if filters.tag:
        claims = claims.filter(tags__contains=[filters.tag])
    return claims.order_by()


def _created_in(claims: QuerySet[Claim], filters: Filters) -> QuerySet[Claim]:
    if filters.since:
        claims = claims.filter(created_at__date__gte=filters.since)
    if filters.until:
        claims = claims.filter(created_at__date__lte=filters.until)
    return claims


def _with_first_publication(claims: QuerySet[Claim], filters: Filters) -> QuerySet[Claim]:
    """Claims annotated with when a verdict of theirs was first published, within range."""
    first = (
        Verdict.objects.filter(claim=OuterRef("pk"), published_at__isnull=False)
        .order_by()
        .values("claim")
        .annotate(first=Min("published_at"))
        .values("first")
    )
    claims = claims.annotate(first_published=Subquery(first)).filter(first_published__isnull=False)
    if filters.since:
        claims = claims.filter(first_published__date__gte=filters.since)
    if filters.until:
        claims = claims.filter(first_published__date__lte=filters.until)
    return claims


def by_status(claims: QuerySet[Claim]) -> list[Row]:
    """Claims per status, every status listed (zero included), in workflow order."""
    counts = dict(claims.values_list("status").annotate(n=Count("id")))
    return [
        Row(str(value), str(label), counts.get(value, 0)) for value, label in ClaimStatus.choices
    ]


def by_verdict(claims: QuerySet[Claim]) -> list[Row]:
    """Published (or corrected) claims per verdict, in the scale's order."""
    grouped = (
        claims.filter(status__in=PUBLISHED_STATES, rating__isnull=False)
        .values("rating_id", "rating__label", "rating__colour", "rating__position")
        .annotate(n=Count("id"))
        .order_by("rating__position", "rating_id")
    )
    return [
        Row(str(g["rating_id"]), g["rating__label"], g["n"], g["rating__colour"]) for g in grouped
    ]


def per_week(claims: QuerySet[Claim], filters: Filters) -> list[Row]:
    """Claims first published per ISO week (Monday), with empty weeks filled in."""
    grouped = (
        _with_first_publication(claims, filters)
        .annotate(week=TruncWeek("first_published"))
        .values("week")
        .annotate(n=Count("id"))
        .order_by("week")
    )
    counts = {g["week"].date(): g["n"] for g in grouped}
    if not counts:
        return []
    first = min(counts)
    last = max(counts)
    if filters.since:
        first = min(first, filters.since - dt.timedelta(days=filters.since.weekday()))
    if filters.until:
        last = max(last, filters.until - dt.timedelta(days=filters.until.weekday()))
    first = max(first, last - dt.timedelta(weeks=MAX_WEEKS - 1))
    weeks = []
    week = first
    while week <= last:
        weeks.append(Row(week.isoformat(), week.isoformat(), counts.get(week, 0)))
        week += dt.timedelta(weeks=1)
    return weeks


def time_to_publish(claims: QuerySet[Claim], filters: Filters) -> TimeToPublish:
    """Median time from a claim's creation to its first published verdict."""
    result = _with_first_publication(claims, filters).aggregate(
        median=Median(EpochSeconds(F("first_published") - F("created_at"))),
        count=Count("id"),
    )
    median = result["median"]
    return TimeToPublish(
        dt.timedelta(seconds=round(median)) if median is not None else None, result["count"]
    )


def open_work(claims: QuerySet[Claim]) -> list[PersonWork]:
    """Unfinished claims per assignee (None: nobody), most work first."""

    def count(status: str) -> Count:
        return Count("id", filter=Q(status=status))

    grouped = (
        claims.filter(status__in=OPEN_STATUSES)
        .values("assignee_id", "assignee__username", "assignee__display_name")
        .annotate(
            n_open=count(ClaimStatus.OPEN),
            n_review=count(ClaimStatus.IN_REVIEW),
            n_proposed=count(ClaimStatus.VERDICT_PROPOSED),
            total=Count("id", output_field=IntegerField()),
        )
        .order_by("-total", "assignee__username")
    )
    return [
        PersonWork(
            g["assignee_id"],
            g["assignee__display_name"] or g["assignee__username"] or "",
            g["n_open"],
            g["n_review"],
            g["n_proposed"],
        )
        for g in grouped
    ]


def oldest_proposals(claims: QuerySet[Claim], limit: int = OLDEST_PROPOSALS) -> list[Verdict]:
    """Verdicts waiting for an editor's approval, longest waiting first."""
    return list(
        Verdict.objects.filter(state=Verdict.State.PROPOSED, claim__in=claims)
        .select_related("claim", "claim__article", "proposed_by")
        .order_by("proposed_at", "id")[:limit]
    )


def dashboard_stats(
    *, user: Any, workspace: Workspace, filters: Filters | None = None
) -> DashboardStats:
    """Everything the dashboard shows for `workspace`, as `user` may see it."""
    filters = filters or Filters()
    claims = _claims(user=user, workspace=workspace, filters=filters)
    created = _created_in(claims, filters)
    statuses = by_status(created)
    return DashboardStats(
        by_status=statuses,
        by_verdict=by_verdict(created),
        per_week=per_week(claims, filters),
        time_to_publish=time_to_publish(claims, filters),
        open_work=open_work(created),
        oldest_proposals=oldest_proposals(claims),
        total=sum(row.value for row in statuses),
    )


def workspace_tags(*, user: Any, workspace: Workspace) -> list[str]:
    """Every tag used on the workspace's claims, sorted."""
    tags = (
        Claim.objects.filter(workspace_id__in=workspace_ids_for(user), workspace=workspace)
        .annotate(tag=Func(F("tags"), function="unnest"))
        .values_list("tag", flat=True)
        .distinct()
        .order_by("tag")
    )
    return list(tags)
