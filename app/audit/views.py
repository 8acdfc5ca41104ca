import json

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from app.audit import services, signing
from app.audit.describe import describe, mentioned_user_ids, object_url
from app.audit.export import csv_chunks, export_filename, jsonl_chunks
from app.audit.forms import ExportForm, TimelineFilterForm
from app.audit.selectors import checkpoints_for, events_for_workspace
from app.core.forms import add_service_errors
from app.workspaces.access import require_role
from app.workspaces.models import Role
from app.workspaces.views import enter_workspace

PAGE_SIZE = 50


def usernames(user_ids: set[int]) -> dict[int, str]:
    """Current usernames of users that events mention by id only (one query)."""
    if not user_ids:
        return {}
    return dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))


def with_descriptions(events: list, slug: str) -> list:
    names = usernames(mentioned_user_ids(events))
    for event in events:
        event.description = describe(event, names)
        event.url = object_url(event, slug)
    return events


def _can(request: HttpRequest, role: Role) -> bool:
    membership = request.membership
    return membership is not None and membership.role_enum.includes(role)


def _timeline(request, workspace, *, export_form=None, status=200) -> HttpResponse:
    filters = TimelineFilterForm(request.GET or None)
    valid = filters.is_valid() if request.GET else True
    events = events_for_workspace(
        user=request.user,
        workspace=workspace,
        **(
            {key: value for key, value in filters.cleaned_data.items() if value}
            if valid and request.GET
            else {}
        ),
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/timeline.html",
        {
            "workspace": workspace,
            "filters": filters,
            "page": page,
            "events": with_descriptions(list(page.object_list), workspace.slug),
            "query": query.urlencode(),
            "export_form": export_form or ExportForm(),
            "checkpoints": checkpoints_for(user=request.user, workspace=workspace)[:5],
            "can_checkpoint": _can(request, Role.EDITOR),
            "key_id": signing.key_id(),
        },
        status=status if valid else 400,
    )


@login_required
@require_GET
def timeline(request: HttpRequest, slug: str) -> HttpResponse:
    """The workspace's audit trail in words, newest first, with export and checkpoints."""
    workspace = enter_workspace(request, slug)
    return _timeline(request, workspace)


def export_response(export, slug: str, fmt: str) -> StreamingHttpResponse:
    """Stream a recorded export range as a download."""
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(export), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(
            jsonl_chunks(export), content_type="application/jsonl; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(export, slug, fmt)}"'
    response["X-Audit-Export-To-Seq"] = str(export.to_seq)
    return response


@login_required
@require_POST
def export(request: HttpRequest, slug: str) -> HttpResponse:
    """Record the export in the trail, then stream it (POST: it writes an event)."""
    workspace = enter_workspace(request, slug)
    form = ExportForm(request.POST)
    if form.is_valid():
        arguments = form.range_arguments()
        try:
            recorded = services.audit_export_record(
                workspace=workspace, actor=request.user, **arguments
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return export_response(recorded, workspace.slug, arguments["fmt"])
    return _timeline(request, workspace, export_form=form, status=400)


@login_required
@require_POST
def checkpoint_create(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    checkpoint = services.checkpoint_create(workspace=workspace, actor=request.user)
    messages.success(
        request,
        _("Signed checkpoint at event %(seq)s (hash %(hash)s…).")
        % {"seq": checkpoint.seq, "hash": checkpoint.hash[:16]},
    )
    return redirect("audit-timeline", slug=workspace.slug)


@login_required
@require_GET
def checkpoint_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Every checkpoint of the workspace as JSON, each verifiable with the public key."""
    workspace = enter_workspace(request, slug)
    require_role(workspace=workspace, actor=request.user, role=Role.VIEWER)
    documents = [c.as_document() for c in checkpoints_for(user=request.user, workspace=workspace)]
    response = HttpResponse(json.dumps(documents, indent=2) + "\n", content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="sanad-checkpoints-{workspace.slug}.json"'
    )
    return response


@require_GET
def public_key(request: HttpRequest) -> HttpResponse:
    """The checkpoint-signing public key: PEM, or `?format=base64` for the raw 32 bytes."""
    if request.GET.get("format") == "base64":
        body = signing.public_key_base64() + "\n"
    else:
        body = signing.public_key_pem()
    response = HttpResponse(body, content_type="text/plain; charset=us-ascii")
    response["X-Key-Id"] = signing.key_id()
    return response
