from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from app.operations.reconcile import workspace_reconcile
from app.workspaces.models import Role
from app.workspaces.views import enter_workspace


@login_required
def reconcile(request: HttpRequest, slug: str) -> HttpResponse:
    """Editors run the reconciliation of live data with the trail and read its report."""
    workspace = enter_workspace(request, slug, role=Role.EDITOR)
    return render(
        request,
        "operations/reconcile.html",
        {"workspace": workspace, "report": workspace_reconcile(workspace=workspace)},
    )
