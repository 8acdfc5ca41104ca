"""A person's own read state of their notifications and their e-mail preference.

These change nothing in a workspace's record, only the reader's bookkeeping, so they
write no audit event (the events that caused the notifications are in the chain).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from app.notifications.models import ClaimFollow, Notification, NotificationPreference
from app.workspaces.access import require_role
from app.workspaces.models import Role, Workspace


@transaction.atomic
def notifications_mark_read(
    *, workspace: Workspace, user: Any, ids: list[int] | None = None
) -> int:
    """Mark the user's unread notifications in `workspace` read (only `ids` when given).

    Returns how many changed. Raises `NotFound` for non-members.
    """
    require_role(workspace=workspace, actor=user, role=Role.VIEWER)
    unread = Notification.objects.filter(workspace=workspace, recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notification_preference_set(*, user: Any, digest: str) -> NotificationPreference:
    """Choose how often unread notifications come by e-mail. Raises `ValidationError`."""
    if digest not in NotificationPreference.Digest.values:
        raise ValidationError({"digest": _("Choose immediately, daily or never.")})
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"digest": digest}
    )
    return preference


@transaction.atomic
def claim_follow_set(*, claim: Any, user: Any, following: bool) -> bool:
    """Follow or stop following a claim of a workspace the user belongs to.

    Returns whether the user now follows it. Raises `NotFound` for non-members.
    """
    require_role(workspace=claim.workspace, actor=user, role=Role.VIEWER)
    if following:
        ClaimFollow.objects.get_or_create(
            claim=claim, user=user, defaults={"workspace_id": claim.workspace_id}
        )
    else:
        ClaimFollow.objects.filter(claim=claim, user=user).delete()
    return following
