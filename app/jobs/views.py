"""Browser pages of jobs: start a background export, watch it, download its file."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from app.core.errors import Conflict
from app.exports.forms import ExportForm
from app.jobs.models import Job, JobKind
from app.jobs.selectors import job_get
from app.jobs.services import IMPORT_MAX_FILES, job_import_files, job_start
from app.jobs.storage import file_exists, open_file
from app.workspaces.models import Role
from app.workspaces.views import enter_workspace


def download_response(job: Job) -> FileResponse:
    """The job's file as an attachment; `Conflict` while there is none (yet, or any more)."""
    if not job.result_file:
        raise Conflict(_("This job has no file to download."))
    if not file_exists(job.result_file):
        raise Conflict(_("This job's file has expired."))
    return FileResponse(open_file(job.result_file), as_attachment=True, filename=job.result_name)


@login_required
@require_POST
def job_export(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a background export with the export form's format and filters."""
    workspace = enter_workspace(request, slug, role=Role.VIEWER)
    form = ExportForm(request.POST, user=request.user, workspace=workspace)
    if form.is_valid():
        params = dict(form.cleaned_data)
        params["article"] = params["article"].pk if params.get("article") else None
        try:
            job = job_start(
                workspace=workspace, actor=request.user, kind=JobKind.EXPORT, params=params
            )
        except ValidationError as error:
            form.add_error(None, error.message_dict.get("format", error.messages))
        else:
            return redirect("job-detail", slug=workspace.slug, job_id=job.pk)
    return render(request, "exports/index.html", {"workspace": workspace, "form": form}, status=400)


@login_required
def job_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload many .html/.txt files at once; a worker imports them while a bar shows progress."""
    workspace = enter_workspace(request, slug, role=Role.REVIEWER)
    error = ""
    if request.method == "POST":
        files = [(upload.name, upload.read(), {}) for upload in request.FILES.getlist("files")]
        try:
            job = job_import_files(workspace=workspace, actor=request.user, files=files)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            return redirect("job-detail", slug=workspace.slug, job_id=job.pk)
    return render(
        request,
        "jobs/import.html",
        {"workspace": workspace, "error": error, "max_files": IMPORT_MAX_FILES},
        status=400 if error else 200,
    )


@login_required
def job_detail(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    workspace = enter_workspace(request, slug, role=Role.VIEWER)
    job = job_get(user=request.user, job_id=job_id, workspace=workspace)
    return render(request, "jobs/job.html", {"workspace": workspace, "job": job})


@login_required
def job_download(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    workspace = enter_workspace(request, slug, role=Role.VIEWER)
    return download_response(job_get(user=request.user, job_id=job_id, workspace=workspace))
