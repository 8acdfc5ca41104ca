"""E-mail digests of unread notifications (locmem backend)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from app.claims.workflow import claim_assign
from app.notifications.digest import digests_send
from app.notifications.models import Notification
from app.notifications.services import notification_preference_set, notifications_mark_read

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(claim, team):
    team.editor.email_verified_at = timezone.now()
    team.editor.save(update_fields=["email_verified_at"])
    claim_assign(claim=claim, version=claim.version, assignee=team.editor, actor=team.admin)
    return claim


def test_an_unconfirmed_address_gets_no_digest(assigned, team):
    team.editor.email_verified_at = None
    team.editor.save(update_fields=["email_verified_at"])
    notification_preference_set(user=team.editor, digest="immediately")
    assert digests_send().emails == 0


def test_an_immediate_digest_mails_unread_notifications_once(assigned, team, settings):
    settings.SANAD_BASE_URL = "https://sanad.example"
    notification_preference_set(user=team.editor, digest="immediately")
    run = digests_send()
    assert (run.emails, run.notifications) == (1, 1)
    message = mail.outbox[0]
    assert message.to == [team.editor.email]
    assert team.workspace.name in message.body
    assert "assigned a claim to you" in message.body
    assert f"https://sanad.example/w/{team.workspace.slug}/claims/{assigned.pk}/" in message.body
    assert digests_send().emails == 0  # nothing new
    assert Notification.objects.get(recipient=team.editor).emailed_at is not None


def test_never_read_or_off_sends_nothing(assigned, team, settings):
    digests_send()
    assert mail.outbox == []  # the default preference is never
    notification_preference_set(user=team.editor, digest="immediately")
    notifications_mark_read(workspace=team.workspace, user=team.editor)
    digests_send()
    assert mail.outbox == []  # read already
    settings.SANAD_EMAIL_ENABLED = False
    assert digests_send().emails == 0


def test_a_daily_digest_waits_a_day(assigned, team, claim):
    notification_preference_set(user=team.editor, digest="daily")
    now = timezone.now()
    assert digests_send(now=now).emails == 1
    claim.refresh_from_db()
    claim_assign(claim=claim, version=claim.version, assignee=None, actor=team.admin)
    claim.refresh_from_db()
    claim_assign(claim=claim, version=claim.version, assignee=team.editor, actor=team.admin)
    assert digests_send(now=now + dt.timedelta(hours=3)).emails == 0
    assert digests_send(now=now + dt.timedelta(days=1)).emails == 1
    assert len(mail.outbox) == 2


def test_the_command_reports_what_it_sent(assigned, team, capsys):
    notification_preference_set(user=team.editor, digest="immediately")
    call_command("send_notification_digests")
    assert "Sent 1 e-mails with 1 notifications." in capsys.readouterr().out
