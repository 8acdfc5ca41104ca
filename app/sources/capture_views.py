"""Browser pages of fetching by URL and of captures; rules live in `app.sources.captures`."""

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from app.articles.reading import paragraphs
from app.articles.selectors import article_get
from app.core.blobs import BlobError, blob_read
from app.core.forms import add_service_errors
from app.sources import captures
from app.sources.selectors import (
    capture_get,
    source_get,
    sources_with_broken_links,
)
from app.workspaces.access import require_role
from app.workspaces.models import Role
from app.workspaces.views import enter_workspace

logger = logging.getLogger(__name__)

# What each downloadable part is served as; uploaded files always as attachments.
PARTS = {"warc": "application/warc", "screenshot": "image/png", "pdf": "application/pdf"}


class UrlImportForm(forms.Form):
    url = forms.CharField(
        label=gettext_lazy("Address of the article"),
        max_length=2000,
        widget=forms.URLInput(attrs={"dir": "ltr", "placeholder": "https://"}),
    )
    title = forms.CharField(
        label=gettext_lazy("Title (optional: taken from the page)"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )


class CaptureUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("A capture made elsewhere (WARC, PDF or image)"))


@login_required
def article_import_url_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Fetch an article from its address; refusals come back on the form's URL field."""
    workspace = enter_workspace(request, slug)
    require_role(workspace=workspace, actor=request.user, role=Role.REVIEWER)
    form = UrlImportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                imported = captures.article_import_url(
                    workspace=workspace,
                    url=form.cleaned_data["url"],
                    title=form.cleaned_data["title"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                result = imported.result
                if result.unchanged:
                    messages.info(request, _("Fetched; the text equals the latest snapshot."))
                else:
                    messages.success(request, _("Article fetched and imported."))
                return redirect("article-detail", slug=workspace.slug, pk=result.article.pk)
    return render(
        request,
        "sources/import_url.html",
        {"workspace": workspace, "form": form},
        status=status,
    )


@login_required
@require_POST
def article_check_again_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workspace = enter_workspace(request, slug, role=Role.REVIEWER)
    article = article_get(user=request.user, workspace=workspace, pk=pk)
    require_role(workspace=workspace, actor=request.user, role=Role.REVIEWER)
    try:
        checked = captures.article_check_again(
            workspace=workspace, article=article, actor=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if checked.not_modified:
            messages.info(request, _("The server says the page has not changed (304)."))
        elif checked.result.created_snapshot:
            messages.success(
                request,
                _("The text changed: snapshot #%(n)d added.")
                % {"n": checked.result.snapshot.number},
            )
        else:
            messages.info(request, _("Fetched again; the text is unchanged. The capture is kept."))
    return redirect("article-detail", slug=workspace.slug, pk=article.pk)


@login_required
@require_POST
def source_capture_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workspace = enter_workspace(request, slug, role=Role.REVIEWER)
    source = source_get(user=request.user, workspace=workspace, pk=pk)
    require_role(workspace=workspace, actor=request.user, role=Role.REVIEWER)
    try:
        captures.source_capture(workspace=workspace, source=source, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Captured."))
    return redirect("source-detail", slug=workspace.slug, pk=source.pk)


@login_required
@require_POST
def capture_upload_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workspace = enter_workspace(request, slug, role=Role.REVIEWER)
    source = source_get(user=request.user, workspace=workspace, pk=pk)
    require_role(workspace=workspace, actor=request.user, role=Role.REVIEWER)
    form = CaptureUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            captures.capture_upload(
                workspace=workspace,
                data=upload.read(),
                file_name=upload.name,
                source=source,
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Capture uploaded."))
            return redirect("source-detail", slug=workspace.slug, pk=source.pk)
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)
    return redirect("source-detail", slug=workspace.slug, pk=source.pk)


@login_required
def capture_detail_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Time, status, hashes, the screenshot and the archived text as plain text (never HTML)."""
    workspace = enter_workspace(request, slug)
    capture = capture_get(user=request.user, workspace=workspace, pk=pk)
    return render(
        request,
        "sources/capture_detail.html",
        {
            "workspace": workspace,
            "capture": capture,
            "paragraphs": paragraphs(capture.text) if capture.text else [],
            "direction": capture.article.direction if capture.article else "",
        },
    )


@login_required
def capture_part_view(request: HttpRequest, slug: str, pk: int, part: str) -> HttpResponse:
    """A stored part of a capture, with the hash it was stored under in a header."""
    workspace = enter_workspace(request, slug)
    capture = capture_get(user=request.user, workspace=workspace, pk=pk)
    name = capture.path_of(part)
    if not name:
        raise Http404
    try:
        data = blob_read(name)
    except BlobError:
        # Missing or altered in storage: never serve bytes the recorded hash disowns.
        logger.error("capture %s: stored %s is missing or altered", capture.pk, part)
        return HttpResponse(
            _("This file of the capture is missing or damaged in storage."),
            status=500,
            content_type="text/plain; charset=utf-8",
        )
    media_type = capture.media_type if part == "file" else PARTS[part]
    response = HttpResponse(data, content_type=media_type or "application/octet-stream")
    name = {
        "warc": f"capture-{capture.pk}.warc.gz",
        "screenshot": f"capture-{capture.pk}.png",
        "pdf": f"capture-{capture.pk}.pdf",
        "file": f"capture-{capture.pk}-upload",
    }[part]
    inline = part == "screenshot"
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Sanad-SHA256"] = getattr(capture, f"{part}_sha256")
    return response


@login_required
def link_report_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The workspace's cited sources whose page is gone or changed since its capture."""
    workspace = enter_workspace(request, slug)
    return render(
        request,
        "sources/link_report.html",
        {
            "workspace": workspace,
            "sources": sources_with_broken_links(user=request.user, workspace=workspace),
        },
    )
