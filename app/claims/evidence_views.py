"""Evidence in the browser: a source's page with the claims citing it, citing from a claim."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from app.claims import evidence as services
from app.claims.evidence_forms import EvidenceAddForm
from app.claims.selectors import claim_get, evidence_for_source
from app.core.errors import Conflict
from app.core.forms import add_service_errors
from app.sources.capture_views import CaptureUploadForm
from app.sources.selectors import capture_list, source_get
from app.workspaces.access import require_role
from app.workspaces.models import Role
from app.workspaces.views import enter_workspace


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
            messages.success(
                request, _("Source “%(source)s” linked.") % {"source": evidence.source}
            )
            url = reverse("claim-detail", kwargs={"slug": workspace.slug, "pk": claim.pk})
            return redirect(f"{url}#evidence-heading")
    return render(
        request,
        "sources/evidence_add.html",
        {"workspace": workspace, "claim": claim, "evidence_form": form},
        status=status,
    )
