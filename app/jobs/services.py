"""Starting background jobs: one row the starter can watch, one queue entry, one event.

The job row, its queue entry (procrastinate's Django connector writes through Django's
own connection) and the `job.queued` event commit together or not at all, so no worker
ever picks up a job whose row is missing, and no row waits for a job never queued.
"""

import uuid
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from app.audit import events
from app.audit.services import audit_append
from app.jobs.models import Job, JobKind
from app.jobs.storage import write_atomically
from app.workspaces.access import require_role
from app.workspaces.models import Role, Workspace

# Formats a background export can write (one record per claim, so progress is exact).
EXPORT_FORMATS = ("csv", "jsonl")
_FILTER_FIELDS = ("article", "status", "created_from", "created_to", "updated_from", "updated_to")


def _clean_export_params(params: dict[str, Any]) -> dict[str, Any]:
    fmt = params.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        raise ValidationError(
            {
                "format": [
                    _("Background exports are written as %(export_formats)s.")
                    % {"export_formats": " or ".join(EXPORT_FORMATS)}
                ]
            }
        )
    filters = {}
    for name in _FILTER_FIELDS:
        value = params.get(name)
        if value not in (None, ""):
            filters[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return {"format": fmt, "filters": filters, "bom": bool(params.get("bom"))}


# Files per bulk import job: a newsroom's archive dump, bounded so one job's list stays small.
IMPORT_MAX_FILES = 5000
IMPORT_SUFFIXES = (".html", ".htm", ".txt")


def _store_import_files(workspace: Workspace, files) -> list[dict]:
    """Copy uploaded files into the storage folder, where any worker can read them."""
    if not files:
        raise ValidationError({"files": [_("Give at least one .html, .htm or .txt file.")]})
    if len(files) > IMPORT_MAX_FILES:
        raise ValidationError(
            {
                "files": [
                    _("At most %(import_max_files)s files per import.")
                    % {"import_max_files": IMPORT_MAX_FILES}
                ]
            }
        )
    wrong = [
        Path(name).name
        for name, _content, _size in files
        if Path(name).suffix.lower() not in IMPORT_SUFFIXES
    ]
    if wrong:
        raise ValidationError(
            {"files": [_("%(file)s: not a .html, .htm or .txt file.") % {"file": wrong[0]}]}
        )
    folder = f"imports/{workspace.pk}/{uuid.uuid4().hex}"
    stored = []
    for number, (name, data, details) in enumerate(files):
        base = Path(name).name
        relative = f"{folder}/{number:05d}{Path(base).suffix.lower()}"
        write_atomically(relative, [data])
        stored.append({"stored": relative, "name": base, "details": details or {}})
    return stored


def job_import_files(*, workspace: Workspace, actor: Any, files) -> Job:
    """Queue a bulk import of `files` ((name, bytes, manifest details) each); reviewers.

    The files go to the storage folder first, then `job_start` queues them. Raises
    `ValidationError` for no files, too many or a wrong type, `NotFound`/`PermissionDenied`.
    """
    require_role(workspace=workspace, actor=actor, role=Role.REVIEWER)
    stored = _store_import_files(workspace, files)
    return job_start(
        workspace=workspace, actor=actor, kind=JobKind.IMPORT, params={"files": stored}
    )


@transaction.atomic
def job_start(*, workspace: Workspace, actor: Any, kind: str, params: dict | None = None) -> Job:
    """Queue a job of `kind` for `actor` in `workspace` and record that in the trail.

    Exports need a viewer, imports a reviewer (their files already stored). Raises
    `ValidationError` for an unknown kind or bad parameters, `NotFound` for a non-member,
    `PermissionDenied` below the role.
    """
    if kind == JobKind.EXPORT:
        require_role(workspace=workspace, actor=actor, role=Role.VIEWER)
        cleaned = _clean_export_params(params or {})
        described = cleaned
    elif kind == JobKind.IMPORT:
        require_role(workspace=workspace, actor=actor, role=Role.REVIEWER)
        cleaned = {"files": list((params or {}).get("files") or [])}
        if not cleaned["files"]:
            raise ValidationError({"files": [_("Give at least one file.")]})
        described = {"files": len(cleaned["files"])}
    else:
        raise ValidationError({"kind": [_("Unknown job kind.")]})
    job = Job.objects.create(workspace=workspace, started_by=actor, kind=kind, params=cleaned)
    audit_append(
        workspace=workspace, actor=actor, event=events.job_queued(job=job, described=described)
    )
    from app.jobs.tasks import run_job  # the task module imports the runner, which imports us

    run_job.defer(job_id=job.pk)
    return job
