import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from app.audit.models import AuditEvent, Checkpoint
from app.workspaces.access import workspace_ids_for


def _scoped(user: Any, workspace_id: int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        workspace_id__in=workspace_ids_for(user), workspace_id=workspace_id
    )


def events_for_claim(*, user: Any, claim: Any) -> QuerySet[AuditEvent]:
    """The claim's history: its own events, those of its evidence and comments, and edits
    of its article's details (a published fact-check's reviewed item follows them)."""
    return (
        _scoped(user, claim.workspace_id)
        .filter(
            Q(object_type="claim", object_id=str(claim.pk))
            | Q(after__claim=claim.pk)
            | Q(object_type="article", object_id=str(claim.article_id), action="article.updated")
        )
        .order_by("seq")
    )


def events_for_article(*, user: Any, article: Any) -> QuerySet[AuditEvent]:
    """The article's history: its import, its snapshots and the claims made on it."""
    return (
        _scoped(user, article.workspace_id)
        .filter(
            Q(object_type="article", object_id=str(article.pk))
            | Q(object_type="snapshot", after__article=article.pk)
            | Q(action="claim.created", after__article_id=article.pk)
        )
        .order_by("seq")
    )


def events_for_workspace(
    *,
    user: Any,
    workspace: Any,
    actor: str = "",
    action: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The workspace's trail, newest first, filtered by actor username, action and dates.

    `actor` matches the username recorded in the event (the name at the time);
    `action` matches a whole action or, ending in a dot, a family (`claim.`);
    `until` is inclusive (the whole day).
    """
    events = _scoped(user, workspace.pk)
    if actor:
        events = events.filter(actor__username=actor)
    if action:
        events = (
            events.filter(action__startswith=action)
            if action.endswith(".")
            else events.filter(action=action)
        )
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events.order_by("-seq")


def checkpoints_for(*, user: Any, workspace: Any) -> QuerySet[Checkpoint]:
    return Checkpoint.objects.filter(
        workspace_id__in=workspace_ids_for(user), workspace_id=workspace.pk
    ).order_by("-seq")
