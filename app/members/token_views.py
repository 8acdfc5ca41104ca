"""The browser's tokens page: make a token (its secret shown once), list and revoke them."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from app.core.forms import add_service_errors
from app.members import tokens as services
from app.members.token_forms import TokenCreateForm
from app.workspaces.models import Role
from app.workspaces.token_selectors import api_token_get, api_token_list
from app.workspaces.views import enter_workspace


@login_required
def token_list_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The caller's tokens in this workspace (an admin sees everyone's), and a form for one more."""
    workspace = enter_workspace(request, slug)
    form = TokenCreateForm(request.POST or None, role=request.membership.role_enum)
    issued = None
    if request.method == "POST" and form.is_valid():
        expires_in = form.cleaned_data["expires_in_days"]
        try:
            issued = services.api_token_create(
                workspace=workspace,
                actor=request.user,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=expires_in)
                if expires_in
                else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = TokenCreateForm(role=request.membership.role_enum)
    response = render(
        request,
        "api/tokens.html",
        {
            "workspace": workspace,
            "tokens": api_token_list(user=request.user, workspace=workspace),
            "form": form,
            "issued": issued,
            "is_admin": request.membership.role_enum.includes(Role.ADMIN),
        },
        status=201 if issued else 200,
    )
    # The secret is on this page once: keep it out of caches and the back button.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    token = api_token_get(user=request.user, workspace=workspace, pk=pk)
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(
        request, _("Token “%(name)s” revoked; scripts using it now get 401.") % {"name": token.name}
    )
    return redirect("api-tokens", slug=workspace.slug)
