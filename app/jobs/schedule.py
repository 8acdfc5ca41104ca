"""Work the scheduler starts on its own: checkpoints (reconciliation: app/operations/tasks.py).

Each is safe to run twice (a forced retry, two workers racing past the queueing lock):
a checkpoint is signed only where events were appended since the last one, digests
mark what they mailed, and reconciliation only reads.
"""

import logging

from django.db.models import Max

from app.audit.models import AuditEvent, Checkpoint
from app.audit.services import checkpoint_create
from app.core.errors import DomainError
from app.workspaces.models import Workspace

logger = logging.getLogger(__name__)


def workspaces_with_unsigned_events() -> list[Workspace]:
    """Workspaces whose trail grew since their last checkpoint (beyond that checkpoint's
    own `audit.checkpoint_created` event, which the next checkpoint covers)."""
    heads = dict(
        AuditEvent.objects.values("workspace_id")
        .annotate(head=Max("seq"))
        .values_list("workspace_id", "head")
    )
    signed = dict(
        Checkpoint.objects.values("workspace_id")
        .annotate(seq=Max("seq"))
        .values_list("workspace_id", "seq")
    )
    due = [pk for pk, head in heads.items() if pk not in signed or head > signed[pk] + 1]
    return list(Workspace.objects.filter(pk__in=due).order_by("pk"))


def checkpoints_sign_due() -> list[Checkpoint]:
    """Sign a checkpoint for every workspace with unsigned events, as the system."""
    made = []
    for workspace in workspaces_with_unsigned_events():
        try:
            made.append(checkpoint_create(workspace=workspace, actor=None))
        except DomainError as error:
            logger.warning("checkpoint of %s skipped: %s", workspace.slug, error.message)
    return made
