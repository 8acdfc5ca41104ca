"""Mail goes out in its reader's language, not the sender's."""

import pytest
from django.core import mail
from django.utils import timezone

from app.accounts.services import user_preferences_set
from app.claims.workflow import claim_assign
from app.invitations.emails import invitation_email_send
from app.invitations.services import invitation_create
from app.members.services import workspace_language_set
from app.notifications.digest import digests_send
from app.notifications.services import notification_preference_set

pytestmark = pytest.mark.django_db


def test_the_digest_speaks_the_recipients_language(claim, team):
    team.editor.email_verified_at = timezone.now()
    team.editor.save(update_fields=["email_verified_at"])
    user_preferences_set(user=team.editor, language="fa")
    claim_assign(claim=claim, version=claim.version, assignee=team.editor, actor=team.admin)
    notification_preference_set(user=team.editor, digest="immediately")
    digests_send()
    (message,) = mail.outbox
    assert message.subject == "سند: 1 اعلان در انتظار"
    assert "این اعلان‌ها در سند منتظر شما هستند:" in message.body


def test_an_invitation_speaks_the_workspaces_language(team, settings):
    settings.SANAD_EMAIL_ENABLED = True
    workspace_language_set(workspace=team.workspace, language="fa", actor=team.admin)
    team.workspace.refresh_from_db()
    issued = invitation_create(
        workspace=team.workspace, email="new@example.org", role="viewer", actor=team.admin
    )
    assert invitation_email_send(invitation=issued.invitation, link="https://x.example/i/1/")
    (message,) = mail.outbox
    assert message.subject == f"به {team.workspace.name} در سند دعوت شده‌اید"
    assert "این پیوند را برای پذیرفتن باز کنید" in message.body
