"""Browser pages of one person's work: "My work", notifications and their counts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from app.claims.selectors import claim_get
from app.notifications.selectors import my_work, my_work_count, notification_list, unread_count
from app.notifications.services import (
    claim_follow_set,
    notification_preference_set,
    notifications_mark_read,
)
from app.workspaces.selectors import member_list
from app.workspaces.views import enter_workspace


@login_required
def my_work_view(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    return render(
        request,
        "notifications/my_work.html",
        {"workspace": workspace, "work": my_work(user=request.user, workspace=workspace)},
    )


@login_required
def notification_list_view(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    rows = notification_list(user=request.user, workspace=workspace)
    if request.GET.get("unread"):
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"workspace": workspace, "page": page, "unread_only": bool(request.GET.get("unread"))},
    )


@login_required
@require_POST
def notification_read_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Mark one notification (`id`) or all of them read."""
    workspace = enter_workspace(request, slug)
    one = request.POST.get("id", "")
    ids = [int(one)] if one.isdigit() else None
    changed = notifications_mark_read(workspace=workspace, user=request.user, ids=ids)
    if ids is None:
        messages.success(request, _("%(count)d notifications marked read.") % {"count": changed})
    return redirect("notification-list", slug=workspace.slug)


@login_required
@require_POST
def claim_follow_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Follow (`follow=1`) or stop following a claim; back to the claim."""
    workspace = enter_workspace(request, slug)
    claim = claim_get(user=request.user, workspace=workspace, pk=pk)
    following = claim_follow_set(
        claim=claim, user=request.user, following=request.POST.get("follow") == "1"
    )
    messages.success(
        request,
        _("You follow this claim in My work.") if following else _("You no longer follow it."),
    )
    return redirect("claim-detail", slug=workspace.slug, pk=claim.pk)


@login_required
def mention_candidates_view(request: HttpRequest, slug: str) -> JsonResponse:
    """The workspace's active members, for `@` autocompletion in comment boxes."""
    workspace = enter_workspace(request, slug)
    members = member_list(user=request.user, workspace=workspace).filter(
        deactivated_at__isnull=True
    )
    return JsonResponse(
        {
            "members": [
                {"username": m.user.username, "name": m.user.display_name or m.user.username}
                for m in members
            ]
        }
    )


@login_required
def header_counts_view(request: HttpRequest, slug: str) -> JsonResponse:
    """The header's badges, fetched after the page loads so that pages cost no queries."""
    workspace = enter_workspace(request, slug)
    return JsonResponse(
        {
            "notifications": unread_count(user=request.user, workspace=workspace),
            "my_work": my_work_count(user=request.user, workspace=workspace),
        }
    )


@login_required
@require_POST
def digest_view(request: HttpRequest) -> HttpResponse:
    """Save the e-mail digest preference set on the account page."""
    try:
        notification_preference_set(user=request.user, digest=request.POST.get("digest", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your e-mail preference is saved."))
    return redirect("account")
