"""E-mail digests of unread notifications, sent by `manage.py send_notification_digests`
(run it from a scheduler, e.g. every 10 minutes: "immediately" means at the next run)."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from app.notifications.models import Notification, NotificationPreference

# A daily digest goes out when the last one is at least this old, so that a scheduler
# running a little early each day does not skip a day.
DAILY = dt.timedelta(hours=23, minutes=30)


@dataclass
class DigestRun:
    emails: int = 0
    notifications: int = 0


def digests_send(*, now: dt.datetime | None = None) -> DigestRun:
    """Mail each person who asked for it their unread notifications not mailed yet.

    Only notifications of workspaces they are still an active member of; nothing is
    sent when e-mail is off or the person has no confirmed address.
    """
    run = DigestRun()
    if not settings.SANAD_EMAIL_ENABLED:
        return run
    now = now or timezone.now()
    preferences = (
        NotificationPreference.objects.exclude(digest=NotificationPreference.Digest.NEVER)
        .filter(user__is_active=True)
        .exclude(user__email="")
        .filter(user__email_verified_at__isnull=False)
        .select_related("user")
    )
    for preference in preferences:
        if (
            preference.digest == NotificationPreference.Digest.DAILY
            and preference.last_digest_at is not None
            and now - preference.last_digest_at < DAILY
        ):
            continue
        sent = _send_one(preference, now)
        run.notifications += sent
        run.emails += int(sent > 0)
    return run


@transaction.atomic
def _send_one(preference: NotificationPreference, now: dt.datetime) -> int:
    user = preference.user
    pending = list(
        Notification.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(
            recipient=user,
            read_at__isnull=True,
            emailed_at__isnull=True,
            workspace__memberships__user=user,
            workspace__memberships__deactivated_at__isnull=True,
        )
        .select_related("workspace", "actor", "claim")
        .order_by("workspace__name", "created_at", "id")
    )
    if not pending:
        return 0
    # In the reader's language: their own choice, else their first workspace's default.
    with translation.override(user.language or pending[0].workspace.default_language):
        subject = _("Sanad: %(count)d notifications waiting") % {"count": len(pending)}
        message = render_to_string(
            "notifications/digest.txt",
            {"user": user, "notifications": pending, "base_url": settings.SANAD_BASE_URL},
        )
    send_mail(subject=subject, message=message, from_email=None, recipient_list=[user.email])
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
    preference.last_digest_at = now
    preference.save(update_fields=["last_digest_at"])
    return len(pending)
