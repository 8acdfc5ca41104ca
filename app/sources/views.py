"""Sources in the browser: the workspace's list (a source's page: app/claims/evidence_views.py)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from app.sources.selectors import source_list_with_counts
from app.workspaces.views import enter_workspace

SOURCES_PER_PAGE = 50


@login_required
def source_list_view(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    # One query per page whatever the number of citations: counted in the database.
    sources = source_list_with_counts(user=request.user, workspace=workspace)
    page = Paginator(sources, SOURCES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "sources/list.html", {"workspace": workspace, "page": page})
