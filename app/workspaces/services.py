"""State changes of workspaces and their memberships."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from app.audit.services import audit_append
from app.claims.services import rating_scale_create_default
from app.core.errors import Conflict
from app.workspaces.access import require_role
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
        raise ValidationError({"name": "A workspace needs a name."})
    if slug:
        if not slug.replace("-", "").isalnum() or slug != slug.lower() or not slug.isascii():
            raise ValidationError({"slug": "Use lowercase letters, digits and hyphens only."})
        if Workspace.objects.filter(slug=slug).exists():
            raise ValidationError({"slug": f"The address “{slug}” is taken."})
    else:
        slug = _unique_slug(name)
    workspace = Workspace.objects.create(name=name, slug=slug)
    audit_append(
        workspace=workspace,
        actor=creator,
        action="workspace.created",
        object_type="workspace",
        object_id=workspace.pk,
        after={"name": workspace.name, "slug": workspace.slug},
    )
    if creator is not None:
        _membership_insert(workspace=workspace, user=creator, role=Role.ADMIN, actor=creator)
    rating_scale_create_default(workspace=workspace, actor=creator)
    return workspace


def _membership_insert(*, workspace: Workspace, user: Any, role: Role, actor: Any) -> Membership:
    membership = Membership.objects.create(workspace=workspace, user=user, role=role)
    audit_append(
        workspace=workspace,
        actor=actor,
        action="member.added",
        object_type="membership",
        object_id=membership.pk,
        after={"user": user.pk, "username": user.get_username(), "role": str(role)},
    )
    return membership


def _check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise ValidationError(
            {"role": f"Unknown role “{role}”; choose one of {choices}."}
        ) from None


@transaction.atomic
def member_add(*, workspace: Workspace, user: Any, role: str, actor: Any) -> Membership:
    """Add `user` to the workspace with `role`; only admins may.

    Raises `ValidationError` (role), `Conflict` (already a member), `PermissionDenied`.
    """
    role_value = _check_role(role)
    require_role(workspace=workspace, actor=actor, role=Role.ADMIN)
    if Membership.objects.filter(workspace=workspace, user=user).exists():
        raise Conflict(f"{user.get_username()} is already a member of {workspace.name}.")
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
    if old_role == Role.ADMIN:
        admins = list(
            Membership.objects.select_for_update()
            .filter(workspace=workspace, role=Role.ADMIN)
            .values_list("pk", flat=True)
        )
        if admins == [membership.pk]:
            raise ValidationError(
                {"role": "A workspace needs at least one admin; make someone else admin first."}
            )
    membership.role = role_value
    membership.save(update_fields=["role"])
    audit_append(
        workspace=workspace,
        actor=actor,
        action="member.role_changed",
        object_type="membership",
        object_id=membership.pk,
        before={"role": old_role},
        after={"role": str(role_value)},
    )
    return membership
