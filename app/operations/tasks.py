"""The operations' periodic tasks (procrastinate finds every app's `tasks` module).

Reconciliation reads every app's rows, so it runs from the top layer; the job queue
(app/jobs) knows nothing of it.
"""

import logging

from procrastinate.contrib.django import app

from app.operations.reconcile import workspace_reconcile
from app.workspaces.models import Workspace

logger = logging.getLogger(__name__)


def reconcile_all() -> dict[str, int]:
    """Reconcile every workspace; returns the drifted fields per workspace slug."""
    drifted = {}
    for workspace in Workspace.objects.order_by("pk"):
        report = workspace_reconcile(workspace=workspace)
        if not report.ok:
            drifted[workspace.slug] = len(report.drift)
            logger.error(
                "workspace %s drifted from its trail in %s field(s): run "
                "manage.py audit_reconcile --workspace %s",
                workspace.slug,
                len(report.drift),
                workspace.slug,
            )
    return drifted


@app.periodic(cron="40 2 * * *")
@app.task(name="sanad.reconcile", queue="maintenance", queueing_lock="reconcile")
def reconcile(timestamp: int) -> dict:
    return reconcile_all()
