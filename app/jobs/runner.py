"""Running a job inside a worker: claim the row, do the work, record the outcome.

Idempotent by construction: a job that is already done or failed is left alone, the
result file is written under a name fixed by the job's id (a retry overwrites it), and
the domain event (`export.created`) is appended in the same transaction that marks the
job done, so a retry after a crash writes it once. Events are written as the person who
started the job, with their role checked again (someone removed meanwhile gets a
refusal, not an export).
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.db import transaction
from django.utils import timezone

from app.audit import events
from app.audit.services import audit_append
from app.exports import streams
from app.exports.downloads import KINDS, export_filename
from app.exports.forms import ExportFilters
from app.exports.records import ExportContext
from app.exports.selectors import export_claims
from app.exports.services import export_create
from app.jobs.models import Job, JobKind, JobState
from app.jobs.storage import delete_file, local_copy, write_atomically
from app.workspaces.publishing import public_context, public_site_of

logger = logging.getLogger(__name__)

FINISHED = (JobState.DONE, JobState.FAILED)


class _Counted:
    """A queryset stand-in whose `iterator()` reports how many rows went by."""

    def __init__(self, queryset, report):
        self.queryset = queryset
        self.report = report

    def iterator(self, chunk_size: int):
        count = 0
        for row in self.queryset.iterator(chunk_size=chunk_size):
            yield row
            count += 1
            if count % chunk_size == 0:
                self.report(count)
        self.report(count)


def _filters(raw: dict) -> ExportFilters:
    values = dict(raw)
    for name in ("created_from", "created_to", "updated_from", "updated_to"):
        if values.get(name):
            values[name] = dt.date.fromisoformat(values[name])
    if values.get("article"):
        values["article"] = int(values["article"])
    return ExportFilters(**values)


def _export(job: Job) -> tuple[str, str]:
    """Write the export file; returns (stored name, download name)."""
    workspace, user = job.workspace, job.started_by
    fmt = job.params["format"]
    claims = export_claims(
        user=user,
        workspace=workspace,
        filters=_filters(job.params.get("filters") or {}),
        with_evidence=True,
        with_verdicts=fmt == "jsonl",
        with_captures=fmt == "jsonl",
    )
    total = claims.count()
    Job.objects.filter(pk=job.pk).update(total=total, done=0)

    def report(done: int) -> None:
        Job.objects.filter(pk=job.pk).update(done=min(done, total))

    counted = _Counted(claims, report)
    origin = settings.SANAD_BASE_URL
    site = public_site_of(workspace)
    context = ExportContext(
        workspace_slug=workspace.slug,
        workspace_name=workspace.name,
        base_url=origin,
        public=public_context(site, origin) if site.enabled else None,
    )
    if fmt == "csv":
        chunks = streams.csv_stream(counted, context, bom=job.params.get("bom", False))
    else:
        chunks = streams.jsonl_stream(counted, context)
    relative = f"exports/{workspace.pk}/job-{job.pk}.{KINDS[fmt].extension}"
    write_atomically(relative, chunks)
    return relative, export_filename(workspace, fmt)


def job_run(job_id: int, *, last_attempt: bool) -> Job | None:
    """Run job `job_id` once; re-raises a failure so the queue can retry it."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state in FINISHED:
            return job
        job.state = JobState.RUNNING
        job.attempts += 1
        job.started_at = job.started_at or timezone.now()
        job.error = ""
        job.save(update_fields=["state", "attempts", "started_at", "error"])
    try:
        if job.kind == JobKind.IMPORT:
            finished = _finish(job_id, summary=_import(job))
            _remove_import_files(finished)
            return finished
        relative, name = _export(job)
        return _finish(job_id, relative=relative, name=name)
    except Exception as error:
        _record_failure(job, error, last_attempt=last_attempt)
        raise


def _import(job: Job) -> dict:
    """Import each stored file as the starter; a refused file is counted, not fatal.

    Each file is its own transaction with its own events (as `import_articles` does); a
    retry re-reads every file and finds the ones already imported "unchanged".
    """
    from app.articles.files import import_file

    files = job.params["files"]
    Job.objects.filter(pk=job.pk).update(total=len(files), done=0)
    counts = {"imported": 0, "snapshot_added": 0, "unchanged": 0, "failed": 0}
    failed = []
    for number, entry in enumerate(files, start=1):
        with local_copy(entry["stored"]) as path:
            outcome = import_file(
                path,
                workspace=job.workspace,
                actor=job.started_by,
                entry=entry.get("details") or {},
            )
        counts[outcome.status] += 1
        if outcome.status == "failed":
            failed.append({"file": entry["name"], "error": outcome.detail})
        Job.objects.filter(pk=job.pk).update(done=number)
    return {"counts": counts, "failed": failed[:200]}


def _remove_import_files(job: Job) -> None:
    for entry in job.params.get("files") or []:
        delete_file(entry["stored"])


def _finish(job_id: int, *, relative: str = "", name: str = "", summary: dict | None = None) -> Job:
    with transaction.atomic():
        job = Job.objects.select_related("workspace", "started_by").select_for_update(of=("self",))
        job = job.get(pk=job_id)
        if job.state in FINISHED:
            return job
        export_id = None
        if job.kind == JobKind.EXPORT:
            event = export_create(
                workspace=job.workspace,
                actor=job.started_by,
                format=job.params["format"],
                filters=_filters(job.params.get("filters") or {}),
                options={"job": job.pk},
            )
            export_id = event.object_id
        job.state = JobState.DONE
        job.result_file = relative
        job.result_name = name
        job.summary = summary or {}
        job.finished_at = timezone.now()
        if job.total is not None:
            job.done = job.total
        job.save()
        audit_append(
            workspace=job.workspace,
            actor=job.started_by,
            event=events.job_finished(
                job=job, export_id=export_id, counts=summary["counts"] if summary else None
            ),
        )
    return job


def _record_failure(job: Job, error: Exception, *, last_attempt: bool) -> None:
    message = str(error) or error.__class__.__name__
    logger.warning("job %s failed (attempt %s): %s", job.pk, job.attempts, message)
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        locked.error = message[:2000]
        if not last_attempt:
            locked.state = JobState.QUEUED  # the queue runs it again after a pause
            locked.save(update_fields=["error", "state"])
            return
        locked.state = JobState.FAILED
        locked.finished_at = timezone.now()
        locked.save(update_fields=["error", "state", "finished_at"])
        audit_append(
            workspace=job.workspace, actor=job.started_by, event=events.job_failed(job=locked)
        )


def expired_exports_remove(*, now: dt.datetime | None = None) -> int:
    """Delete export files older than SANAD_EXPORT_FILE_HOURS; returns how many went."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.SANAD_EXPORT_FILE_HOURS)
    removed = 0
    for job in Job.objects.filter(finished_at__lt=cutoff).exclude(result_file=""):
        try:
            delete_file(job.result_file)
        except (ValueError, SuspiciousFileOperation):
            logger.error("job %s names a file outside the storage folder", job.pk)
        Job.objects.filter(pk=job.pk).update(result_file="")
        removed += 1
    return removed
