"""What the public may read: published fact-checks of workspaces whose site is on.

Nothing here takes a user: these reads are for anyone, so each one is restricted to
published (or retracted, for the tombstone) claims of one enabled site, and returns
only rows the public page shows.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Prefetch, QuerySet, Value
from django.db.models.functions import Greatest, Least, Length, Substr
from django.http import Http404

from app.claims.models import PUBLISHED_STATES, Claim, ClaimStatus, Evidence, Retraction, Verdict
from app.search.selectors import _tsquery_sql, parse_query
from app.sources.models import Capture
from app.workspaces.models import PublicSite

PAGE_SIZE = 20
FEED_SIZE = 50
# Article text shown on each side of the quote.
CONTEXT_CHARS = 280
PUBLIC_STATES = (*PUBLISHED_STATES, ClaimStatus.RETRACTED)


def enabled_site(slug: str) -> PublicSite:
    """The enabled public site of the workspace `slug`; 404 otherwise (off, or none)."""
    site = (
        PublicSite.objects.select_related("workspace")
        .filter(workspace__slug=slug, enabled=True)
        .first()
    )
    if site is None:
        raise Http404("No such public site.")
    return site


def published_claims(site: PublicSite) -> QuerySet[Claim]:
    """The site's live fact-checks (published or corrected), newest publication first."""
    return (
        Claim.objects.filter(workspace_id=site.workspace_id, status__in=PUBLISHED_STATES)
        .select_related("article")
        .annotate(first_published=Min("verdicts__published_at"))
        .order_by("-first_published", "-id")
    )


def sitemap_claims(site: PublicSite) -> QuerySet[Claim]:
    """What the sitemap needs of every live claim: no join, no aggregate."""
    return (
        Claim.objects.filter(workspace_id=site.workspace_id, status__in=PUBLISHED_STATES)
        .only("id", "restatement", "exact", "updated_at")
        .order_by("id")
    )


def filtered_claims(
    site: PublicSite, *, query: str = "", rating: str = "", tag: str = ""
) -> QuerySet[Claim]:
    """The index: published claims matching the search words, rating label and tag.

    Words go through the app's own search (the folded full-text index of claims),
    restricted to this site's claims; the published filter applies on top.
    """
    claims = published_claims(site)
    if rating:
        claims = claims.filter(rating_label=rating)
    if tag:
        claims = claims.filter(tags__contains=[tag])
    parsed = parse_query(query) if query else None
    if parsed is not None and not parsed.empty:
        tsquery, params = _tsquery_sql(parsed)
        # `tsquery` is SQL made of placeholders only; the words travel in `params`.
        where = f"e.workspace_id = %s AND e.kind = 'claim' AND e.document @@ {tsquery}"
        sql = f"SELECT e.object_id FROM search_searchentry e WHERE {where} LIMIT 1000"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [site.workspace_id, *params],
            )
            ids = [row[0] for row in cursor.fetchall()]
        claims = claims.filter(pk__in=ids)
    return claims


def facets(site: PublicSite) -> tuple[list[str], list[str]]:
    """Rating labels and tags in use on the site's published claims, for the filters."""
    live = Claim.objects.filter(workspace_id=site.workspace_id, status__in=PUBLISHED_STATES)
    # order_by() drops the model's default ordering, which DISTINCT would otherwise
    # include (one "distinct" label per claim).
    labels = live.exclude(rating_label="").order_by().values_list("rating_label", flat=True)
    labels = sorted(set(labels.distinct()))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT unnest(tags) AS tag FROM claims_claim "
            "WHERE workspace_id = %s AND status = ANY(%s) ORDER BY tag",
            [site.workspace_id, list(PUBLISHED_STATES)],
        )
        tags = [row[0] for row in cursor.fetchall()]
    return labels, tags


@dataclass(frozen=True)
class Freshness:
    """What a conditional request compares: a strong ETag and a Last-Modified time."""

    etag: str
    last_modified: dt.datetime


def claim_freshness(site: PublicSite, pk: int) -> tuple[Claim, Freshness]:
    """The claim's public state in one query, before anything is rendered; 404 if none."""
    claim = (
        Claim.objects.filter(workspace_id=site.workspace_id, status__in=PUBLIC_STATES, pk=pk)
        .select_related("article")
        .only(
            "id",
            "workspace_id",
            "status",
            "version",
            "restatement",
            "exact",
            "updated_at",
            "article__id",
            "article__version",
            "article__updated_at",
        )
        .annotate(
            evidence_count=Count("evidence", distinct=True),
            evidence_at=Max("evidence__created_at"),
            # A new capture of a cited source changes the page's "archived copy" link.
            captured_at=Max("evidence__source__captures__captured_at"),
        )
        .first()
    )
    if claim is None:
        raise Http404("No such fact-check.")
    moments = [site.updated_at, claim.updated_at, claim.article.updated_at]
    if claim.evidence_at:
        moments.append(claim.evidence_at)
    if claim.captured_at:
        moments.append(claim.captured_at)
    parts = [
        PAGE_FORMAT,
        claim.pk,
        claim.version,
        claim.article.version,
        claim.evidence_count,
        *(m.timestamp() for m in moments),
    ]
    return claim, Freshness(
        etag='"' + "-".join(str(p) for p in parts) + '"', last_modified=max(moments)
    )


# Bump when the page's markup changes, so that caches revalidate to the new one.
PAGE_FORMAT = "p1"


def claim_page(site: PublicSite, pk: int) -> Claim:
    """The claim with everything its public page shows, and nothing more.

    Of the snapshot only the quote's surroundings are read (`context_before`,
    `context_after`): a long article's text stays in the database.
    """
    start = F("start") + 1  # SQL substr counts from 1
    return (
        Claim.objects.filter(workspace_id=site.workspace_id, status__in=PUBLIC_STATES, pk=pk)
        .select_related("article", "snapshot")
        .defer("snapshot__text", "snapshot__original", "snapshot__metadata")
        .annotate(
            context_before=Substr(
                "snapshot__text",
                Greatest(start - CONTEXT_CHARS, Value(1)),
                Least(F("start"), Value(CONTEXT_CHARS)),
            ),
            context_after=Substr("snapshot__text", F("end") + 1, Value(CONTEXT_CHARS)),
            text_length=Length("snapshot__text"),
        )
        .prefetch_related(
            Prefetch(
                "verdicts",
                queryset=Verdict.objects.filter(published_at__isnull=False)
                .select_related("decided_by")
                .order_by("published_at", "id"),
            ),
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("source")
                .prefetch_related(
                    # The newest first: the page and ClaimReview's `archivedAt` link it.
                    Prefetch(
                        "source__captures",
                        queryset=Capture.objects.only(
                            "id", "workspace_id", "source_id", "captured_at"
                        ).order_by("-captured_at", "-id"),
                        to_attr="export_captures",
                    )
                )
                .order_by("created_at", "id"),
            ),
            Prefetch(
                "retractions",
                queryset=Retraction.objects.filter(state=Retraction.State.APPROVED),
            ),
        )
        .get()
    )


def site_freshness(site: PublicSite, claims: QuerySet[Claim] | None = None) -> Freshness:
    """For lists (index, feed, sitemap): the newest change of any public claim."""
    scope = Claim.objects.filter(workspace_id=site.workspace_id, status__in=PUBLIC_STATES)
    stats = scope.aggregate(latest=Max("updated_at"), count=Count("id"), versions=Max("version"))
    moments = [site.updated_at]
    if stats["latest"]:
        moments.append(stats["latest"])
    parts = [PAGE_FORMAT, stats["count"], *(m.timestamp() for m in moments)]
    return Freshness(etag='"' + "-".join(str(p) for p in parts) + '"', last_modified=max(moments))


def public_capture(site: PublicSite, pk: int) -> Capture:
    """A capture of a source that a published fact-check of the site cites; 404 otherwise.

    A capture becomes public with the first published claim citing its source, and
    stops being public when no published claim cites it any more (a retraction, a
    removed piece of evidence): nothing else of the workspace's captures is reachable.
    """
    cited = Evidence.objects.filter(
        workspace_id=site.workspace_id,
        claim__status__in=PUBLISHED_STATES,
        source_id=OuterRef("source_id"),
    )
    capture = (
        Capture.objects.filter(workspace_id=site.workspace_id, pk=pk, source__isnull=False)
        .filter(Exists(cited))
        .select_related("source")
        .first()
    )
    if capture is None:
        raise Http404("No such capture.")
    return capture
