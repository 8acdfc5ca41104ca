from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from app.articles.models import Article
from app.claims.models import Claim, Evidence, Rating, Verdict
from app.core.errors import NotFound
from app.sources.models import Source
from app.workspaces.access import workspace_ids_for
from app.workspaces.models import Workspace


def claim_list(
    *, user: Any, workspace: Workspace, article: Article | None = None
) -> QuerySet[Claim]:
    """The workspace's claims (optionally of one article), in text order per article."""
    claims = Claim.objects.filter(
        workspace_id__in=workspace_ids_for(user), workspace=workspace
    ).select_related("article", "assignee")
    if article is not None:
        claims = claims.filter(article=article)
    return claims.order_by("article_id", "start", "id")


def claim_get(*, user: Any, workspace: Workspace, pk: int, fields: tuple[str, ...] = ()) -> Claim:
    """Return one of the workspace's claims; raises `NotFound` for any other.

    `fields` limits the columns read to the claim's own named ones (the rest load on
    access; the article and assignee are then not read along).
    """
    claims = claim_list(user=user, workspace=workspace).filter(pk=pk)
    if fields:
        claims = claims.select_related(None).only(*fields)
    claim = claims.first()
    if claim is None:
        raise NotFound(_("No such claim."))
    # It is this workspace's claim: its `workspace` is the row in hand, not read again.
    Claim.workspace.field.set_cached_value(claim, workspace)
    return claim


def rating_list(
    *, user: Any, workspace: Workspace, include_retired: bool = True
) -> QuerySet[Rating]:
    """The workspace's verdict scale in display order."""
    ratings = Rating.objects.filter(workspace_id__in=workspace_ids_for(user), workspace=workspace)
    if not include_retired:
        ratings = ratings.filter(retired=False)
    return ratings.order_by("position")


def rating_list_with_usage(*, user: Any, workspace: Workspace) -> QuerySet[Rating]:
    """The scale, each rating with how many verdicts (of any state) were given it."""
    given = (
        Verdict.objects.filter(rating=OuterRef("pk"))
        .order_by()
        .values("rating")
        .annotate(n=Count("id"))
        .values("n")
    )
    return rating_list(user=user, workspace=workspace).annotate(
        verdict_count=Coalesce(Subquery(given), 0)
    )


def rating_get(*, user: Any, workspace: Workspace, pk: int) -> Rating:
    """Return one rating of the workspace's scale; raises `NotFound` for any other."""
    rating = rating_list(user=user, workspace=workspace).filter(pk=pk).first()
    if rating is None:
        raise NotFound(_("No such rating."))
    return rating


CLAIM_SORTS = {
    "updated": ("-updated_at", "-id"),
    "created": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "status": ("status", "-updated_at", "-id"),
    "article": ("article__title", "start", "id"),
}


def claim_search(
    *,
    user: Any,
    workspace: Workspace,
    status: str = "",
    rating: int | None = None,
    assignee: int | None = None,
    tag: str = "",
    article: int | None = None,
    assigned_to_me: bool = False,
    awaiting_my_approval: bool = False,
    sort: str = "updated",
) -> QuerySet[Claim]:
    """The workspace's claims filtered as the claims list asks, with what a row shows.

    "Awaiting my approval" is a pending verdict proposed by someone else; whether the
    user may approve at all (editors) is the caller's to decide.
    """
    from app.claims.models import Verdict

    claims = claim_list(user=user, workspace=workspace).select_related("assignee", "rating")
    if status:
        claims = claims.filter(status=status)
    if rating:
        claims = claims.filter(rating_id=rating)
    if assignee:
        claims = claims.filter(assignee_id=assignee)
    if tag:
        claims = claims.filter(tags__contains=[tag])
    if article:
        claims = claims.filter(article_id=article)
    if assigned_to_me:
        claims = claims.filter(assignee_id=user.pk)
    if awaiting_my_approval:
        pending = Verdict.objects.filter(workspace=workspace, state=Verdict.State.PROPOSED).exclude(
            proposed_by_id=user.pk
        )
        claims = claims.filter(pk__in=pending.values("claim_id"))
    return claims.order_by(*CLAIM_SORTS.get(sort, CLAIM_SORTS["updated"]))


def evidence_for_claim(*, user: Any, claim: Claim) -> QuerySet[Evidence]:
    """The evidence linked to a claim the user can see, with its sources."""
    return (
        Evidence.objects.filter(workspace_id__in=workspace_ids_for(user), claim=claim)
        .select_related("source")
        .order_by("created_at", "id")
    )


def evidence_for_source(*, user: Any, source: Source) -> QuerySet[Evidence]:
    """Every link of the source to a claim, with what each row of its page shows."""
    return (
        Evidence.objects.filter(workspace_id__in=workspace_ids_for(user), source=source)
        .select_related("claim", "claim__article", "claim__rating")
        .order_by("created_at", "id")
    )
