"""Starting background jobs: one row the starter can watch, one queue entry, one event.

The job row, its queue entry (procrastinate's Django connector writes through Django's
own connection) and the `job.queued` event commit together or not at all, so no worker
ever picks up a job whose row is missing, and no row waits for a job never queued.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from app.audit.services import audit_append
from app.jobs.models import Job, JobKind
from app.workspaces.access import require_role
from app.workspaces.models import Role, Workspace

# Formats a background export can write (one record per claim, so progress is exact).
EXPORT_FORMATS = ("csv", "jsonl")
_FILTER_FIELDS = ("article", "status", "created_from", "created_to", "updated_from", "updated_to")


def _clean_export_params(params: dict[str, Any]) -> dict[str, Any]:
    fmt = params.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        raise ValidationError(
            {"format": [f"Background exports are written as {' or '.join(EXPORT_FORMATS)}."]}
        )
    filters = {}
    for name in _FILTER_FIELDS:
        value = params.get(name)
        if value not in (None, ""):
            filters[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return {"format": fmt, "filters": filters, "bom": bool(params.get("bom"))}


@transaction.atomic
def job_start(*, workspace: Workspace, actor: Any, kind: str, params: dict | None = None) -> Job:
    """Queue a job of `kind` for `actor` in `workspace` and record that in the trail.

    Exports need a viewer. Raises `ValidationError` for an unknown kind or bad
    parameters, `NotFound` for a non-member, `PermissionDenied` below the role.
    """
    if kind != JobKind.EXPORT:
        raise ValidationError({"kind": ["Unknown job kind."]})
    require_role(workspace=workspace, actor=actor, role=Role.VIEWER)
    cleaned = _clean_export_params(params or {})
    job = Job.objects.create(workspace=workspace, started_by=actor, kind=kind, params=cleaned)
    audit_append(
        workspace=workspace,
        actor=actor,
        action="job.queued",
        object_type="job",
        object_id=job.pk,
        after={"kind": kind, **cleaned},
    )
    from app.jobs.tasks import run_job  # the task module imports the runner, which imports us

    run_job.defer(job_id=job.pk)
    return job
