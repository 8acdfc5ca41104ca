"""A person's own read state of their notifications and their e-mail preference.

These change nothing in a workspace's record, only the reader's bookkeeping, so they
write no audit event (the events that caused the notifications are in the chain).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from app.notifications.models import Notification, NotificationPreference
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
