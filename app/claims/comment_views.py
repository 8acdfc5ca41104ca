"""Adding a comment from the claim page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from app.claims import services
from app.claims.selectors import claim_get
from app.workspaces.models import Role
from app.workspaces.views import enter_workspace


@login_required
@require_POST
def comment_add_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Add the comment and go back to the claim's comments; refusals come as messages."""
    workspace = enter_workspace(request, slug, role=Role.REVIEWER)
    claim = claim_get(user=request.user, workspace=workspace, pk=pk)
    try:
        # The service decides what an empty comment is; nothing to shape beforehand.
        services.comment_add(claim=claim, body=request.POST.get("body", ""), actor=request.user)
    except ValidationError as error:
        messages.error(
            request, _("Comment not added: %(errors)s") % {"errors": " ".join(error.messages)}
        )
    else:
        messages.success(request, _("Comment added."))
    url = reverse("claim-detail", kwargs={"slug": workspace.slug, "pk": claim.pk})
    return redirect(f"{url}#comments-heading")


# Included by `app.claims.urls` under `w/<slug:slug>/claims/`.
comment_urlpatterns = [
    path("<int:pk>/comments/", comment_add_view, name="claim-comment-add"),
]
