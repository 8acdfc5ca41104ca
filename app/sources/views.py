"""Sources in the browser: the workspace's list, one source's page, citing from a claim."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from app.claims.selectors import claim_get
from app.core.errors import Conflict
from app.core.forms import add_service_errors
from app.sources import services
from app.sources.capture_views import CaptureUploadForm
from app.sources.forms import EvidenceAddForm
from app.sources.selectors import (
    capture_list,
    evidence_for_source,
    source_get,
    source_list_with_counts,
)
from app.workspaces.access import require_role
from app.workspaces.models import Role
from app.workspaces.views import enter_workspace

SOURCES_PER_PAGE = 50


@login_required
def source_list_view(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    # One query per page whatever the number of citations: counted in the database.
    sources = source_list_with_counts(user=request.user, workspace=workspace)
    page = Paginator(sources, SOURCES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "sources/list.html", {"workspace": workspace, "page": page})


@login_required
def source_detail_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    source = source_get(user=request.user, workspace=workspace, pk=pk)
    return render(
        request,
        "sources/detail.html",
        {
            "workspace": workspace,
            "source": source,
            "citations": evidence_for_source(user=request.user, source=source),
            "captures": capture_list(user=request.user, workspace=workspace, source=source)[:50],
            "upload_form": CaptureUploadForm(),
        },
    )


@login_required
@require_POST
def evidence_add_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Cite a source on a claim; a refused input comes back as the form with its errors."""
    workspace = enter_workspace(request, slug, role=Role.REVIEWER)
    claim = claim_get(user=request.user, workspace=workspace, pk=pk)
    # Viewers are refused before their input is even looked at.
    require_role(workspace=workspace, actor=request.user, role=Role.REVIEWER)
    form = EvidenceAddForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            evidence = services.evidence_add_with_source(
                claim=claim, actor=request.user, **form.evidence()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(request, f"Source “{evidence.source}” linked.")
            url = reverse("claim-detail", kwargs={"slug": workspace.slug, "pk": claim.pk})
            return redirect(f"{url}#evidence-heading")
    return render(
        request,
        "sources/evidence_add.html",
        {"workspace": workspace, "claim": claim, "evidence_form": form},
        status=status,
    )
