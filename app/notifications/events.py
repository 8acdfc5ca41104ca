"""Who is told about an audit event, decided from the event alone.

`audit_append` calls `notify_for_event` for every event it writes, inside the
transaction of the change: a notification exists exactly when its cause does, and
no service can change state and forget to notify. Recipients are always current
members of the event's workspace.
"""

import re
from typing import Any

from app.audit.models import AuditEvent
from app.notifications.models import Notification
from app.workspaces.models import Membership, Role

# `@username` not preceded by a word character or another `@` (so e-mail addresses
# are not mentions); Django usernames hold letters, digits and @ . + - _.
MENTION = re.compile(r"(?<![\w@])@([\w.@+-]+)")

_CLAIM_ACTIONS = {
    "claim.assigned",
    "claim.verdict_proposed",
    "claim.correction_proposed",
    "claim.verdict_published",
    "claim.verdict_returned",
}
_ACTIONS = _CLAIM_ACTIONS | {"comment.added", "invitation.accepted"}


def mentioned_usernames(text: str) -> set[str]:
    """The usernames `text` mentions; a trailing full stop ends a sentence, not a name."""
    found = set()
    for match in MENTION.finditer(text or ""):
        name = match.group(1)
        found.add(name)
        found.add(name.rstrip("."))
    found.discard("")
    return found


def _members(workspace_id: int, user_ids) -> set[int]:
    return set(
        Membership.objects.filter(
            workspace_id=workspace_id, user_id__in=user_ids, deactivated_at__isnull=True
        ).values_list("user_id", flat=True)
    )


def _editors(workspace_id: int) -> set[int]:
    return set(
        Membership.objects.filter(
            workspace_id=workspace_id,
            role__in=[Role.EDITOR, Role.ADMIN],
            deactivated_at__isnull=True,
        ).values_list("user_id", flat=True)
    )


def _claim_workers(claim_id: int) -> set[int]:
    from app.claims.models import Claim, Verdict

    claim = Claim.objects.filter(pk=claim_id).values("created_by_id", "assignee_id").first()
    workers = set(claim.values()) if claim else set()
    for proposed_by, decided_by in Verdict.objects.filter(claim_id=claim_id).values_list(
        "proposed_by_id", "decided_by_id"
    ):
        workers.update((proposed_by, decided_by))
    workers.discard(None)
    return workers


def _recipients(event: AuditEvent) -> tuple[dict[int, str], int | None, str, set[int]]:
    """(recipient id → kind, claim id, detail, ids already read as active members)."""
    after: dict[str, Any] = event.after or {}
    action = event.action
    if action in _CLAIM_ACTIONS:
        claim_id = int(event.object_id)
        if action == "claim.assigned":
            assignee = after.get("assignee")
            return ({assignee: Notification.Kind.ASSIGNED} if assignee else {}), claim_id, "", set()
        if action in ("claim.verdict_proposed", "claim.correction_proposed"):
            kinds = {}
            if action == "claim.correction_proposed":
                kinds = dict.fromkeys(
                    _claim_workers(claim_id), Notification.Kind.CORRECTION_PROPOSED
                )
            editors = _editors(event.workspace_id)
            kinds.update(dict.fromkeys(editors, Notification.Kind.APPROVAL_WAITING))
            return kinds, claim_id, event.reason, editors
        if action == "claim.verdict_published":
            proposer = after.get("proposed_by")
            return (
                ({proposer: Notification.Kind.VERDICT_PUBLISHED} if proposer else {}),
                claim_id,
                "",
                set(),
            )
        from app.claims.models import Verdict

        proposer = (
            Verdict.objects.filter(pk=after.get("verdict"))
            .values_list("proposed_by_id", flat=True)
            .first()
        )
        kinds = {proposer: Notification.Kind.VERDICT_RETURNED} if proposer else {}
        return kinds, claim_id, event.reason, set()
    if action == "comment.added":
        from django.contrib.auth import get_user_model

        names = mentioned_usernames(after.get("body", ""))
        users = get_user_model().objects.filter(username__in=names).values_list("pk", flat=True)
        return (
            dict.fromkeys(users, Notification.Kind.MENTIONED),
            after.get("claim"),
            after.get("body", "")[:500],
            set(),
        )
    # invitation.accepted: the admin who invited hears that the person arrived.
    inviter = after.get("invited_by")
    detail = after.get("username", "")
    kinds = {inviter: Notification.Kind.INVITATION_ACCEPTED} if inviter else {}
    return kinds, None, detail, set()


def notify_for_event(event: AuditEvent) -> list[Notification]:
    """Write the notifications an event causes; the actor is never told of their own act."""
    if event.action not in _ACTIONS:
        return []
    kinds, claim_id, detail, members = _recipients(event)
    kinds.pop(event.actor_user_id, None)
    if not kinds:
        return []
    # Editors were just read as active members: only the others are checked.
    unchecked = kinds.keys() - members
    recipients = (kinds.keys() & members) | (
        _members(event.workspace_id, unchecked) if unchecked else set()
    )
    return Notification.objects.bulk_create(
        [
            Notification(
                workspace_id=event.workspace_id,
                recipient_id=user_id,
                kind=kinds[user_id],
                actor_id=event.actor_user_id,
                claim_id=claim_id,
                detail=detail or "",
                event_seq=event.seq,
            )
            for user_id in sorted(recipients)
        ]
    )
