"""Starting background jobs: one row the starter can watch, one queue entry, one event.

The job row, its queue entry (procrastinate's Django connector writes through Django's
own connection) and the `job.queued` event commit together or not at all, so no worker
ever picks up a job whose row is missing, and no row waits for a job never queued.
"""

import io
import uuid
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
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


# All of one zip's article files together, unpacked (they are held in memory until stored):
# a bound on what a small upload can expand to (a "zip bomb"), whatever its headers claim.
ZIP_MAX_UNPACKED_BYTES = 100 * 1024 * 1024


def _refused(message: str) -> ValidationError:
    return ValidationError({"files": [message]})


def _zip_members(name: str, data: bytes) -> list[tuple[str, bytes, dict]]:
    """The article files inside an uploaded zip, read without trusting its headers.

    Folders, and the hidden files and `__MACOSX/` copies that archivers add, are skipped.
    A member named with `..`, an absolute path or a drive, an encrypted one, one larger
    than an article may be, or too many or too much in all is refused with
    `ValidationError` naming the member. Nothing is ever written under a member's name.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _refused(_("%(name)s is not a readable zip file.") % {"name": name}) from None
    limit = settings.SANAD_IMPORT_MAX_BYTES
    members, unpacked = [], 0
    with archive:
        for info in archive.infolist():
            names = {"name": name, "member": info.filename}
            path = PurePosixPath(info.filename.replace("\\", "/"))
            if path.is_absolute() or ".." in path.parts or ":" in info.filename:
                raise _refused(_("%(name)s: unsafe path %(member)s in the zip.") % names)
            if info.is_dir() or path.parts[0] == "__MACOSX" or path.name.startswith("."):
                continue
            if path.suffix.lower() not in IMPORT_SUFFIXES:
                raise _refused(_("%(name)s: %(member)s is not a .html, .htm or .txt file.") % names)
            if info.flag_bits & 0x1:
                raise _refused(_("%(name)s: %(member)s is encrypted.") % names)
            if len(members) >= IMPORT_MAX_FILES:
                raise _refused(
                    _("At most %(count)d files per import.") % {"count": IMPORT_MAX_FILES}
                )
            try:
                with archive.open(info) as member:
                    content = member.read(limit + 1)  # never more, whatever the header says
            except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError):
                raise _refused(_("%(name)s: %(member)s cannot be read.") % names) from None
            if len(content) > limit:
                names["limit"] = limit
                raise _refused(_("%(name)s: %(member)s is larger than %(limit)d bytes.") % names)
            unpacked += len(content)
            if unpacked > ZIP_MAX_UNPACKED_BYTES:
                names["limit"] = ZIP_MAX_UNPACKED_BYTES
                raise _refused(_("%(name)s unpacks to more than %(limit)d bytes.") % names)
            members.append((path.name, content, {}))
    if not members:
        raise _refused(_("%(name)s holds no .html, .htm or .txt file.") % {"name": name})
    return members


def _unzipped(files) -> list:
    """Uploaded files with each .zip replaced by the article files inside it."""
    expanded = []
    for name, data, details in files:
        if Path(name).suffix.lower() == ".zip":
            expanded.extend(_zip_members(Path(name).name, data))
        else:
            expanded.append((name, data, details))
    return expanded


def _store_import_files(workspace: Workspace, files) -> list[dict]:
    """Copy uploaded files into the storage folder, where any worker can read them."""
    files = _unzipped(files)
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

    A `.zip` among them stands for the article files inside it (see `_zip_members`).
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
