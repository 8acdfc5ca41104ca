from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from app.accounts.selectors import user_by_username
from app.core.errors import Conflict, NotFound
from app.core.forms import add_service_errors
from app.members import services
from app.members.forms import MemberAddForm, RoleChangeForm, WorkspaceCreateForm
from app.workspaces.models import Role, Workspace
from app.workspaces.selectors import member_list, workspace_list
from app.workspaces.views import SESSION_WORKSPACE_KEY, enter_workspace


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to their current workspace, or offer to create their first."""
    workspaces = workspace_list(user=request.user)
    # `?w=` comes from the header's workspace switcher.
    wanted = request.GET.get("w") or request.session.get(SESSION_WORKSPACE_KEY)
    target = workspaces.filter(slug=wanted).first() or workspaces.first()
    if target is not None:
        return redirect("workspace-home", slug=target.slug)
    return render(request, "workspaces/no_workspace.html", {"form": WorkspaceCreateForm()})


@login_required
def workspace_create(request: HttpRequest) -> HttpResponse:
    form = WorkspaceCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workspace = services.workspace_create(
                name=form.cleaned_data["name"], slug=form.cleaned_data["slug"], creator=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Workspace “%(name)s” created.") % {"name": workspace.name})
            return redirect("workspace-home", slug=workspace.slug)
    return render(request, "workspaces/create.html", {"form": form})


@login_required
def member_list_view(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    is_admin = request.membership.role == Role.ADMIN
    return render(
        request,
        "workspaces/members.html",
        {
            "workspace": workspace,
            "members": member_list(user=request.user, workspace=workspace),
            "is_admin": is_admin,
            "add_form": MemberAddForm() if is_admin else None,
            "roles": Role.choices,
            "language_choices": Workspace._meta.get_field("default_language").choices,
        },
    )


@login_required
@require_POST
def member_add_view(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = enter_workspace(request, slug, role=Role.ADMIN)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        user = user_by_username(form.cleaned_data["username"])
        if user is None:
            messages.error(request, _("No user has that username."))
        else:
            try:
                services.member_add(
                    workspace=workspace,
                    user=user,
                    role=form.cleaned_data["role"],
                    actor=request.user,
                )
            except (ValidationError, Conflict) as error:
                messages.error(request, _message_of(error))
            else:
                messages.success(
                    request, _("%(username)s added.") % {"username": user.get_username()}
                )
    else:
        messages.error(request, _("Give a username and a role."))
    return redirect("workspace-members", slug=workspace.slug)


@login_required
@require_POST
def member_role_view(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    workspace = enter_workspace(request, slug, role=Role.ADMIN)
    membership = (
        member_list(user=request.user, workspace=workspace).filter(pk=membership_id).first()
    )
    if membership is None:
        raise NotFound(_("No such member."))
    form = RoleChangeForm(request.POST)
    if form.is_valid():
        try:
            services.member_change_role(
                membership=membership, role=form.cleaned_data["role"], actor=request.user
            )
        except ValidationError as error:
            messages.error(request, _message_of(error))
        else:
            messages.success(
                request,
                _("%(username)s is now %(role)s.")
                % {"username": membership.user.get_username(), "role": membership.role},
            )
    else:
        messages.error(request, _("Choose a role."))
    return redirect("workspace-members", slug=workspace.slug)


def _message_of(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _member_of(request: HttpRequest, workspace: Workspace, membership_id: int):
    membership = (
        member_list(user=request.user, workspace=workspace).filter(pk=membership_id).first()
    )
    if membership is None:
        raise NotFound(_("No such member."))
    return membership


_MEMBER_ACTIONS = {
    "deactivate": (services.member_deactivate, "{user} is deactivated."),
    "reactivate": (services.member_reactivate, "{user} is active again."),
    "remove": (services.member_remove, "{user} was removed."),
}


@login_required
@require_POST
def member_action_view(request: HttpRequest, slug: str, membership_id: int, action: str):
    """Deactivate, reactivate or remove a member (admins)."""
    workspace = enter_workspace(request, slug, role=Role.ADMIN)
    if action not in _MEMBER_ACTIONS:
        raise NotFound(_("No such action."))
    membership = _member_of(request, workspace, membership_id)
    service, done = _MEMBER_ACTIONS[action]
    try:
        service(membership=membership, actor=request.user)
    except (ValidationError, Conflict) as error:
        messages.error(request, _message_of(error))
    else:
        messages.success(request, done.format(user=membership.user.get_username()))
    return redirect("workspace-members", slug=workspace.slug)


@login_required
@require_POST
def member_leave_view(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that you are leaving."))
        return redirect("workspace-members", slug=workspace.slug)
    try:
        services.member_leave(workspace=workspace, actor=request.user)
    except ValidationError as error:
        messages.error(request, _message_of(error))
        return redirect("workspace-members", slug=workspace.slug)
    request.session.pop(SESSION_WORKSPACE_KEY, None)
    messages.success(request, _("You left %(name)s.") % {"name": workspace.name})
    return redirect("home")


@login_required
@require_POST
def member_password_reset_view(request: HttpRequest, slug: str, membership_id: int):
    """Show an admin a password-reset link for a member, once (newsrooms without e-mail)."""
    from django.urls import reverse

    workspace = enter_workspace(request, slug, role=Role.ADMIN)
    membership = _member_of(request, workspace, membership_id)
    uidb64, token = services.member_password_reset_issue(membership=membership, actor=request.user)
    link = request.build_absolute_uri(
        reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    )
    return render(
        request,
        "workspaces/password_reset_link.html",
        {"workspace": workspace, "member": membership.user, "link": link},
    )


@login_required
@require_POST
def workspace_language_view(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = enter_workspace(request, slug, role=Role.ADMIN)
    try:
        services.workspace_language_set(
            workspace=workspace,
            language=request.POST.get("default_language", ""),
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The workspace's default language is saved."))
    return redirect("workspace-members", slug=workspace.slug)
