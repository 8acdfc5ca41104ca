"""A workspace's home page: its latest articles and claims.

It lives with the claims it lists (workspaces sit below articles and claims); its
URL stays `w/<slug>/` (app/claims/dashboard_urls.py).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from app.articles.selectors import article_list
from app.claims.selectors import claim_list
from app.workspaces.views import enter_workspace


@login_required
def workspace_home(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    return render(
        request,
        "workspaces/home.html",
        {
            "workspace": workspace,
            "articles": article_list(user=request.user, workspace=workspace)[:50],
            "claims": claim_list(user=request.user, workspace=workspace).order_by(
                "-created_at", "-id"
            )[:50],
        },
    )
