"""Reading jobs, always within the caller's workspaces."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from app.core.errors import NotFound
from app.jobs.models import Job, JobState
from app.workspaces.access import require_role, workspace_ids_for
from app.workspaces.models import Role, Workspace


def job_get(*, user: Any, job_id: int, workspace: Workspace | None = None) -> Job:
    """The job if the user is a member of its workspace (and it lies in `workspace`).

    Any member may watch a job (its export holds what a viewer may export anyway).
    Raises `NotFound` otherwise, the same for a job that does not exist.
    """
    jobs = Job.objects.select_related("workspace", "started_by").filter(
        workspace_id__in=workspace_ids_for(user)
    )
    if workspace is not None:
        jobs = jobs.filter(workspace=workspace)
    job = jobs.filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("No such job."))
    require_role(workspace=job.workspace, actor=user, role=Role.VIEWER)
    return job


def job_eta_seconds(job: Job, now=None) -> int | None:
    """Seconds left at the pace so far, while a job runs and has made some progress."""
    if job.state != JobState.RUNNING or not job.started_at or not job.done or not job.total:
        return None
    elapsed = ((now or timezone.now()) - job.started_at).total_seconds()
    return max(0, round(elapsed / job.done * (job.total - job.done)))


def job_as_dict(job: Job) -> dict:
    return {
        "id": job.pk,
        "workspace": job.workspace.slug,
        "kind": job.kind,
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "eta_seconds": job_eta_seconds(job),
        "attempts": job.attempts,
        "error": job.error,
        "started_by": job.started_by.username,
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "download": bool(job.result_file),
        "summary": job.summary,
    }
