"""Browser pages of invitations: the admin's list, and the invitee's link."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from app.accounts.verification import verification_email_send
from app.core.errors import Conflict
from app.core.forms import add_service_errors
from app.invitations import services
from app.invitations.emails import invitation_email_send
from app.invitations.forms import InvitationForm, NewAccountForm
from app.invitations.selectors import invitation_get, invitation_list
from app.workspaces.models import Role
from app.workspaces.views import enter_workspace


def _link(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("invitation-accept", kwargs={"token": token}))


def _list_page(request, workspace, form, issued=None, status=200) -> HttpResponse:
    context = {
        "workspace": workspace,
        "form": form,
        "invitations": invitation_list(user=request.user, workspace=workspace),
    }
    if issued is not None:
        link = _link(request, issued.token)
        context["issued"] = issued.invitation
        context["issued_link"] = link
        context["emailed"] = invitation_email_send(invitation=issued.invitation, link=link)
    return render(request, "invitations/list.html", context, status=status)


@login_required
def invitation_list_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Pending invitations and the form to invite someone (admins)."""
    workspace = enter_workspace(request, slug, role=Role.ADMIN)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.invitation_create(
                workspace=workspace,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # The link is in this response only: it is shown once, never stored.
            return _list_page(request, workspace, InvitationForm(), issued=issued)
    return _list_page(request, workspace, form, status=400 if form.errors else 200)


@login_required
@require_POST
def invitation_resend_view(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    workspace = enter_workspace(request, slug, role=Role.ADMIN)
    invitation = invitation_get(user=request.user, workspace=workspace, pk=invitation_id)
    issued = services.invitation_resend(invitation=invitation, actor=request.user)
    return _list_page(request, workspace, InvitationForm(), issued=issued)


@login_required
@require_POST
def invitation_revoke_view(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    workspace = enter_workspace(request, slug, role=Role.ADMIN)
    invitation = invitation_get(user=request.user, workspace=workspace, pk=invitation_id)
    services.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(
        request, _("The invitation for %(email)s is revoked.") % {"email": invitation.email}
    )
    return redirect("invitation-list", slug=workspace.slug)


def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's page: join as the signed-in person, or make an account and join.

    An unknown link is a 404 and a used, revoked or expired one a 410, both raised by
    the services; neither names any workspace.
    """
    invitation = services.invitation_open(token=token)
    form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                membership = services.invitation_accept(token=token, user=request.user)
            except Conflict as error:
                messages.info(request, error.message)
                return redirect("workspace-home", slug=invitation.workspace.slug)
            return _joined(request, membership)
    else:
        form = NewAccountForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                membership = services.invitation_accept_new_user(
                    token=token,
                    username=form.cleaned_data["username"],
                    display_name=form.cleaned_data["display_name"],
                    password=form.cleaned_data["password"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
                verification_email_send(
                    user=membership.user, base_url=request.build_absolute_uri("/")
                )
                return _joined(request, membership)
    return render(
        request,
        "invitations/accept.html",
        {
            "invitation": invitation,
            "form": form,
            "sign_in_url": f"{reverse('login')}?next={request.path}",
        },
        status=400 if form is not None and form.errors else 200,
    )


def _joined(request: HttpRequest, membership) -> HttpResponse:
    messages.success(
        request,
        _("Welcome to %(workspace)s: you are a %(role)s here.")
        % {"workspace": membership.workspace.name, "role": membership.role_enum.label.lower()},
    )
    return redirect("workspace-home", slug=membership.workspace.slug)
