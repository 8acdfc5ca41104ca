from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from app.exports.downloads import export_response
from app.exports.forms import ExportForm
from app.workspaces.views import enter_workspace


@login_required
def export_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The export form; a valid POST answers with the file itself.

    POST rather than GET because each export writes an audit event: a link preview or
    a prefetching browser must not record exports nobody asked for.
    """
    workspace = enter_workspace(request, slug)
    form = ExportForm(request.POST or None, user=request.user, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        return export_response(request=request, user=request.user, workspace=workspace, form=form)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "exports/index.html", {"workspace": workspace, "form": form}, status=status
    )
