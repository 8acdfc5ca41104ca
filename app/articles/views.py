"""Bringing articles in from the browser (the reader page: app/claims/reader.py)."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from app.articles import services
from app.articles.extraction import propose_trim
from app.articles.forms import ArticleDateForm, HtmlImportForm, TextImportForm
from app.articles.selectors import article_get
from app.core.errors import StaleVersion
from app.core.forms import add_service_errors
from app.workspaces.access import require_role
from app.workspaces.models import Role
from app.workspaces.views import enter_workspace

IMPORT_MODES = {
    "text": "Pasted text",
    "html": "HTML page",
    "url_html": "URL and saved page",
}


@login_required
@require_POST
def article_date_confirm(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The reviewer confirms a date the import found as the publication date."""
    workspace = enter_workspace(request, slug, role=Role.REVIEWER)
    article = article_get(user=request.user, workspace=workspace, pk=pk)
    form = ArticleDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The date did not come through; choose it again."))
    else:
        try:
            services.article_update(
                article=article,
                version=form.cleaned_data["version"],
                published_on=form.cleaned_data["published_on"],
                actor=request.user,
            )
        except StaleVersion as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Publication date set."))
    return redirect("article-detail", slug=workspace.slug, pk=article.pk)


@login_required
def article_import(request: HttpRequest, slug: str) -> HttpResponse:
    """One page, three ways in; pasted text may first be shown trimmed for confirmation."""
    workspace = enter_workspace(request, slug)
    require_role(workspace=workspace, actor=request.user, role=Role.REVIEWER)
    mode = request.GET.get("mode", "text")
    if mode not in IMPORT_MODES:
        mode = "text"
    data = request.POST if request.method == "POST" else None
    if mode == "text":
        form = TextImportForm(data)
    else:
        form = HtmlImportForm(data, request.FILES or None, require_url=mode == "url_html")
    context = {"workspace": workspace, "form": form, "mode": mode, "modes": IMPORT_MODES}

    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "import")
        if mode == "text" and action == "preview_trim":
            context["proposal"] = propose_trim(form.cleaned_data["text"])
            return render(request, "articles/import.html", context)
        # A changed re-import of an article is shown first (what changes, where its
        # claims land) and written only when the person confirms.
        confirmed = request.POST.get("confirm_changes") == "1"
        try:
            if mode == "text":
                result = services.article_import_text(
                    workspace=workspace,
                    text=form.cleaned_data["text"],
                    trim=action == "import_trimmed",
                    confirm_changes=confirmed,
                    actor=request.user,
                    **form.details(),
                )
            else:
                page, charset = form.page()
                result = services.article_import_html(
                    workspace=workspace,
                    html=page,
                    declared_charset=charset,
                    require_url=mode == "url_html",
                    confirm_changes=confirmed,
                    actor=request.user,
                    **form.details(),
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if result.awaiting_confirmation:
                context.update(
                    change=result.change,
                    existing=result.article,
                    action=action,
                    carried_page=base64.b64encode(page).decode("ascii") if mode != "text" else "",
                    carried_charset=(charset or "") if mode != "text" else "",
                )
                return render(request, "articles/import.html", context)
            messages.success(request, _import_summary(result))
            for warning in result.warnings:
                messages.warning(request, _("Repaired on import: %s") % warning)
            return redirect("article-detail", slug=workspace.slug, pk=result.article.pk)
    return render(request, "articles/import.html", context)


def _import_summary(result: services.ImportResult) -> str:
    if result.unchanged:
        return _("Nothing added: the text equals snapshot #%(number)s of this article.") % {
            "number": result.snapshot.number
        }
    if result.created_article:
        return _("Article imported.")
    counts = result.reanchored
    moved = ", ".join(
        f"{counts.get(state, 0)} {state}" for state in ("anchored", "fuzzy", "orphaned")
    )
    return _("Snapshot #%(number)s added. Claims re-anchored: %(moved)s.") % {
        "number": result.snapshot.number,
        "moved": moved,
    }
