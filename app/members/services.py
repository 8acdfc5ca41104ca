"""State changes of workspaces and their memberships."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _

from app.audit import events
from app.audit.services import audit_append
from app.core.errors import Conflict, PermissionDenied
from app.workspaces.access import require_role
from app.workspaces.hooks import workspace_created
from app.workspaces.models import Membership, Role, Workspace

User = get_user_model()


def _unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=False)[:50].strip("-") or "workspace"
    slug, counter = base, 2
    while Workspace.objects.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug


@transaction.atomic
def workspace_create(*, name: str, creator: Any, slug: str = "") -> Workspace:
    """Create a workspace with its default rating scale; `creator` becomes its admin.

    Raises `ValidationError` for an empty name or a slug in use or of the wrong form.
    """
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("A workspace needs a name.")})
    if slug:
        if not slug.replace("-", "").isalnum() or slug != slug.lower() or not slug.isascii():
            raise ValidationError({"slug": _("Use lowercase letters, digits and hyphens only.")})
        if Workspace.objects.filter(slug=slug).exists():
            raise ValidationError({"slug": _("The address “%(slug)s” is taken.") % {"slug": slug}})
    else:
        slug = _unique_slug(name)
    workspace = Workspace.objects.create(name=name, slug=slug)
    audit_append(
        workspace=workspace, actor=creator, event=events.workspace_created(workspace=workspace)
    )
    if creator is not None:
        _membership_insert(workspace=workspace, user=creator, role=Role.ADMIN, actor=creator)
    # The default rating scale, from the claims app (app/workspaces/hooks.py).
    workspace_created(workspace=workspace, actor=creator)
    return workspace


@transaction.atomic
def workspace_language_set(*, workspace: Workspace, language: str, actor: Any) -> Workspace:
    """Set the language members see when neither they nor their browser choose one.

    Raises `PermissionDenied` unless `actor` is an admin, `ValidationError` for a
    language Sanad does not speak.
    """
    require_role(workspace=workspace, actor=actor, role=Role.ADMIN)
    known = dict(Workspace._meta.get_field("default_language").choices)
    if language not in known:
        raise ValidationError(
            {"default_language": _("Choose one of: %(choices)s.") % {"choices": ", ".join(known)}}
        )
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    old = workspace.default_language
    if old == language:
        return workspace
    workspace.default_language = language
    workspace.save(update_fields=["default_language"])
    audit_append(
        workspace=workspace,
        actor=actor,
        event=events.workspace_language_changed(workspace=workspace, old_language=old),
    )
    return workspace


def _membership_insert(*, workspace: Workspace, user: Any, role: Role, actor: Any) -> Membership:
    membership = Membership.objects.create(workspace=workspace, user=user, role=role)
    audit_append(
        workspace=workspace,
        actor=actor,
        event=events.member_added(membership=membership, user=user, role=role),
    )
    return membership


def _check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise ValidationError(
            {
                "role": _("Unknown role “%(role)s”; choose one of %(choices)s.")
                % {"role": role, "choices": choices}
            }
        ) from None


@transaction.atomic
def member_add(*, workspace: Workspace, user: Any, role: str, actor: Any) -> Membership:
    """Add `user` to the workspace with `role`; only admins may.

    Raises `ValidationError` (role), `Conflict` (already a member), `PermissionDenied`.
    """
    role_value = _check_role(role)
    require_role(workspace=workspace, actor=actor, role=Role.ADMIN)
    if Membership.objects.filter(workspace=workspace, user=user).exists():
        raise Conflict(
            _("%(username)s is already a member of %(name)s.")
            % {"username": user.get_username(), "name": workspace.name}
        )
    return _membership_insert(workspace=workspace, user=user, role=role_value, actor=actor)


@transaction.atomic
def member_change_role(*, membership: Membership, role: str, actor: Any) -> Membership:
    """Give a member another role; only admins may, and the last admin cannot step down.

    Raises `ValidationError` (role, or demoting the last admin), `PermissionDenied`.
    """
    role_value = _check_role(role)
    workspace = membership.workspace
    require_role(workspace=workspace, actor=actor, role=Role.ADMIN)
    # Lock the workspace's admin rows so two concurrent demotions cannot both pass.
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    old_role = membership.role
    if old_role == role_value:
        return membership
    if old_role == Role.ADMIN and _active_admin_ids(workspace) == [membership.pk]:
        raise ValidationError(
            {"role": _("A workspace needs at least one admin; make someone else admin first.")}
        )
    membership.role = role_value
    membership.save(update_fields=["role"])
    audit_append(
        workspace=workspace,
        actor=actor,
        event=events.member_role_changed(
            membership=membership, old_role=old_role, new_role=role_value
        ),
    )
    return membership


def _active_admin_ids(workspace: Workspace) -> list[int]:
    """Ids of the workspace's active admin memberships, locked until the transaction ends
    so that two concurrent demotions or removals cannot both pass the last-admin rule."""
    return list(
        Membership.objects.select_for_update()
        .filter(workspace=workspace, role=Role.ADMIN, deactivated_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _refuse_last_admin(membership: Membership, message: str) -> None:
    if membership.role == Role.ADMIN and _active_admin_ids(membership.workspace) == [membership.pk]:
        raise ValidationError({"membership": message})


def _revoke_tokens(membership: Membership) -> int:
    """Revoke the member's API tokens in this workspace (they also stop at once because
    token requests check the membership, but a revoked token stays revoked)."""
    from app.workspaces.models import ApiToken

    return ApiToken.objects.filter(
        workspace_id=membership.workspace_id, user_id=membership.user_id, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def _locked_member(membership: Membership, actor: Any) -> Membership:
    require_role(workspace=membership.workspace, actor=actor, role=Role.ADMIN)
    return (
        Membership.objects.select_for_update()
        .select_related("workspace", "user")
        .get(pk=membership.pk)
    )


def _record_member(membership: Membership, actor: Any, event: events.PendingEvent) -> None:
    audit_append(workspace=membership.workspace, actor=actor, event=event)


@transaction.atomic
def member_deactivate(*, membership: Membership, actor: Any) -> Membership:
    """Suspend a member: their sessions and API tokens reach nothing here from the next
    request on, and their tokens in this workspace are revoked. Admins only; the last
    active admin cannot be deactivated.

    Raises `ValidationError` (last admin), `Conflict` (already deactivated),
    `PermissionDenied`.
    """
    membership = _locked_member(membership, actor)
    if membership.deactivated_at is not None:
        raise Conflict(_("This member is already deactivated."))
    _refuse_last_admin(
        membership, _("A workspace needs an active admin; make someone else admin first.")
    )
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["deactivated_at"])
    revoked = _revoke_tokens(membership)
    _record_member(
        membership,
        actor,
        events.member_deactivated(membership=membership, tokens_revoked=revoked),
    )
    return membership


@transaction.atomic
def member_reactivate(*, membership: Membership, actor: Any) -> Membership:
    """Let a deactivated member back in with their role. Admins only.

    Raises `Conflict` (not deactivated), `PermissionDenied`.
    """
    membership = _locked_member(membership, actor)
    if membership.deactivated_at is None:
        raise Conflict(_("This member is active."))
    membership.deactivated_at = None
    membership.save(update_fields=["deactivated_at"])
    _record_member(membership, actor, events.member_reactivated(membership=membership))
    return membership


def _delete_membership(
    membership: Membership, actor: Any, record: Callable[..., events.PendingEvent]
) -> None:
    revoked = _revoke_tokens(membership)
    event = record(membership=membership, tokens_revoked=revoked)  # before the id goes
    membership.delete()
    audit_append(workspace=membership.workspace, actor=actor, event=event)


@transaction.atomic
def member_remove(*, membership: Membership, actor: Any) -> None:
    """Remove a member; their work stays, their access and tokens end at once. Admins
    only; the last active admin cannot be removed.

    Raises `ValidationError` (last admin), `PermissionDenied`.
    """
    membership = _locked_member(membership, actor)
    _refuse_last_admin(
        membership, _("A workspace needs an active admin; make someone else admin first.")
    )
    _delete_membership(membership, actor, events.member_removed)


@transaction.atomic
def member_leave(*, workspace: Workspace, actor: Any) -> None:
    """Leave a workspace oneself; the last active admin cannot.

    Raises `ValidationError` (last admin), `NotFound` (not a member).
    """
    found = require_role(workspace=workspace, actor=actor, role=Role.VIEWER)
    membership = (
        Membership.objects.select_for_update().select_related("workspace", "user").get(pk=found.pk)
    )
    _refuse_last_admin(
        membership, _("You are the last admin here; make someone else admin before leaving.")
    )
    _delete_membership(membership, actor, events.member_left)


@transaction.atomic
def member_password_reset_issue(*, membership: Membership, actor: Any) -> tuple[str, str]:
    """Make a password-reset link's (uidb64, token) for a member, for newsrooms without
    e-mail: the admin passes it on. Django's reset token: single use (it changes with
    the password) and valid for PASSWORD_RESET_TIMEOUT.

    Only when every workspace the member belongs to is one the actor administers, so
    that no admin can take over an account that other workspaces rely on; never for
    staff accounts. Raises `PermissionDenied`.
    """
    membership = _locked_member(membership, actor)
    user = membership.user
    if user.is_staff or user.is_superuser:
        raise PermissionDenied(_("Staff accounts reset their passwords themselves."))
    theirs = set(
        Membership.objects.filter(user=user, deactivated_at__isnull=True).values_list(
            "workspace_id", flat=True
        )
    )
    administered = set(
        Membership.objects.filter(
            user=actor, role=Role.ADMIN, deactivated_at__isnull=True
        ).values_list("workspace_id", flat=True)
    )
    if not theirs <= administered:
        raise PermissionDenied(
            _(
                "This person also belongs to workspaces you do not "
                "administer; they can reset their password by e-mail instead."
            )
        )
    _record_member(membership, actor, events.member_password_reset_issued(membership=membership))
    return urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)
