from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from app.articles.selectors import article_get, snapshot_latest
from app.claims.selectors import claim_list
from app.workspaces.views import enter_workspace


@login_required
def article_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    article = article_get(user=request.user, workspace=workspace, pk=pk)
    return render(
        request,
        "articles/detail.html",
        {
            "workspace": workspace,
            "article": article,
            "snapshot": snapshot_latest(article=article),
            "snapshots": article.snapshots.order_by("number"),
            "claims": claim_list(user=request.user, workspace=workspace, article=article),
        },
    )
