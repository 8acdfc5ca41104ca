"""Periodic work: registered with the queue's scheduler, and harmless when run twice."""

import pytest
from django.core import mail
from django.utils import timezone
from procrastinate.contrib.django import app as queue_app

from app.audit.models import AuditEvent, Checkpoint
from app.claims.workflow import claim_assign
from app.jobs import tasks
from app.notifications.services import notification_preference_set
from app.operations import tasks as operations_tasks

pytestmark = pytest.mark.django_db


def test_the_scheduler_knows_each_periodic_task():
    crons = {
        periodic.task.name: periodic.cron
        for periodic in queue_app.periodic_registry.periodic_tasks.values()
    }
    assert crons == {
        "sanad.remove_expired_exports": "17 * * * *",
        "sanad.sign_checkpoints": "5 * * * *",
        "sanad.send_digests": "*/5 * * * *",
        "sanad.reconcile": "40 2 * * *",
        "sanad.retry_stalled_jobs": "* * * * *",
        "sanad.check_links": "23 3 * * *",
    }


def test_hourly_checkpoints_sign_only_workspaces_with_new_events(team, other_team, claim):
    assert tasks.sign_checkpoints(timestamp=0) == 2
    assert Checkpoint.objects.count() == 2
    head = AuditEvent.objects.filter(workspace=team.workspace).order_by("-seq").first()
    assert head.action == "audit.checkpoint_created"

    # A forced retry, or the next hour with nothing new: no further checkpoint.
    assert tasks.sign_checkpoints(timestamp=0) == 0
    assert Checkpoint.objects.count() == 2

    claim_assign(claim=claim, version=claim.version, assignee=team.editor, actor=team.admin)
    assert tasks.sign_checkpoints(timestamp=0) == 1
    assert Checkpoint.objects.filter(workspace=team.workspace).count() == 2
    assert Checkpoint.objects.filter(workspace=other_team.workspace).count() == 1


def test_digests_run_twice_mail_once(team, claim):
    team.editor.email_verified_at = timezone.now()
    team.editor.save(update_fields=["email_verified_at"])
    notification_preference_set(user=team.editor, digest="immediately")
    claim_assign(claim=claim, version=claim.version, assignee=team.editor, actor=team.admin)

    assert tasks.send_digests(timestamp=0) == 1
    assert tasks.send_digests(timestamp=0) == 0
    assert len(mail.outbox) == 1


def test_nightly_reconciliation_reports_drifted_workspaces(team, claim, caplog):
    from tests.db_roles import as_owner

    assert operations_tasks.reconcile(timestamp=0) == {}
    with as_owner():  # a change that bypassed Sanad, as an attacker with the owner's role
        type(claim).objects.filter(pk=claim.pk).update(restatement="Changed behind its back")
    drifted = operations_tasks.reconcile(timestamp=0)
    assert list(drifted) == [team.workspace.slug]
    assert "audit_reconcile --workspace" in caplog.text
