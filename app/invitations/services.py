"""Invitations into a workspace: issued, resent and revoked by admins, accepted by anyone
holding the link.

A link reads `/invite/<key>.<secret>/`: the key finds the row, the secret's SHA-256 is
compared with the stored one in constant time. Each step is one transaction with one
audit event in the workspace's chain (`invitation.created`, `.resent`, `.revoked`,
`.accepted`, `.expired_on_use`); accepting also writes `member.added`.
"""

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from app.audit import events
from app.audit.services import audit_append
from app.core.errors import Conflict, DomainError, NotFound
from app.invitations.models import Invitation
from app.members.services import _membership_insert
from app.workspaces.access import require_role
from app.workspaces.models import Membership, Role, Workspace

KEY_LENGTH = 12
_KEY_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


class InvitationUnusable(DomainError):
    """The link was valid once but is used up, withdrawn or expired."""

    code = "invitation_unusable"
    status = 410


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # `<key>.<secret>`: shown to the admin once, only its hash is kept


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_token() -> tuple[str, str, str]:
    key = "".join(secrets.choice(_KEY_ALPHABET) for _ in range(KEY_LENGTH))
    secret = secrets.token_urlsafe(32)
    return key, _token_hash(secret), f"{key}.{secret}"


def _expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.SANAD_INVITATION_DAYS)


def _check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ValidationError({"role": _("Unknown role “%(role)s”.") % {"role": role}}) from None


def _record(invitation: Invitation, actor: Any, event: events.PendingEvent) -> None:
    audit_append(workspace=invitation.workspace, actor=actor, event=event)


@transaction.atomic
def invitation_create(
    *, workspace: Workspace, email: str, role: str, actor: Any
) -> IssuedInvitation:
    """Invite `email` into `workspace` with `role`; only admins may.

    Raises `ValidationError` (email, role; an address already pending or already a
    member's), `NotFound` for non-members, `PermissionDenied` for lower roles.
    """
    require_role(workspace=workspace, actor=actor, role=Role.ADMIN)
    email = (email or "").strip()
    errors = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid e-mail address.")
    try:
        role_value = _check_role(role)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    pending = Invitation.objects.filter(
        workspace=workspace,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if pending.exists():
        raise ValidationError(
            {"email": _("This address already has a pending invitation; resend it instead.")}
        )
    if Membership.objects.filter(workspace=workspace, user__email__iexact=email).exists():
        raise ValidationError({"email": _("Someone with this address is already a member.")})
    key, token_hash, token = _new_token()
    now = timezone.now()
    invitation = Invitation.objects.create(
        workspace=workspace,
        email=email,
        role=role_value,
        key=key,
        token_hash=token_hash,
        invited_by=actor,
        sent_at=now,
        expires_at=_expiry(),
    )
    _record(invitation, actor, events.invitation_created(invitation=invitation))
    return IssuedInvitation(invitation=invitation, token=token)


def _locked_for_admin(invitation: Invitation, actor: Any) -> Invitation:
    require_role(workspace=invitation.workspace, actor=actor, role=Role.ADMIN)
    return Invitation.objects.select_for_update().select_related("workspace").get(pk=invitation.pk)


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: Any) -> IssuedInvitation:
    """Issue a new link (the old one stops working) with a fresh expiry; admins only.

    Raises `Conflict` for an accepted or revoked invitation, `PermissionDenied`.
    """
    invitation = _locked_for_admin(invitation, actor)
    if invitation.accepted_at or invitation.revoked_at:
        raise Conflict(_("This invitation was already accepted or revoked."))
    key, token_hash, token = _new_token()
    old_expires_at = invitation.expires_at
    invitation.key, invitation.token_hash = key, token_hash
    invitation.sent_at = timezone.now()
    invitation.expires_at = _expiry()
    invitation.expiry_recorded_at = None
    invitation.save(
        update_fields=["key", "token_hash", "sent_at", "expires_at", "expiry_recorded_at"]
    )
    _record(
        invitation,
        actor,
        events.invitation_resent(invitation=invitation, old_expires_at=old_expires_at),
    )
    return IssuedInvitation(invitation=invitation, token=token)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: Any) -> Invitation:
    """Withdraw a pending invitation; its link stops working. Admins only.

    Raises `Conflict` when it was already accepted or revoked, `PermissionDenied`.
    """
    invitation = _locked_for_admin(invitation, actor)
    if invitation.accepted_at or invitation.revoked_at:
        raise Conflict(_("This invitation was already accepted or revoked."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    _record(invitation, actor, events.invitation_revoked(invitation=invitation))
    return invitation


def invitation_by_token(token: str, *, lock: bool = False) -> Invitation:
    """The invitation a link names, whatever its state.

    Raises `NotFound` for a malformed or unknown link, or a wrong secret: the three
    are indistinguishable, and nothing is said about any workspace.
    """
    key, _dot, secret = (token or "").partition(".")
    if not key or not secret or len(key) != KEY_LENGTH:
        raise NotFound(_("This invitation link is not valid."))
    rows = Invitation.objects.select_related("workspace", "invited_by")
    if lock:
        rows = rows.select_for_update(of=("self",))
    invitation = rows.filter(key=key).first()
    # Compare even when no row matched, so the time taken says nothing either way.
    stored = invitation.token_hash if invitation else "0" * 64
    if not hmac.compare_digest(stored, _token_hash(secret)) or invitation is None:
        raise NotFound(_("This invitation link is not valid."))
    return invitation


def _refusal(invitation: Invitation) -> InvitationUnusable | None:
    state = invitation.state
    if state == Invitation.State.ACCEPTED:
        return InvitationUnusable(_("This invitation has already been used."))
    if state == Invitation.State.REVOKED:
        return InvitationUnusable(_("This invitation was withdrawn by the workspace's admin."))
    if state == Invitation.State.EXPIRED:
        return InvitationUnusable(
            _("This invitation has expired; ask the workspace's admin for a new one.")
        )
    return None


def invitation_open(*, token: str) -> Invitation:
    """The pending invitation of a link, for showing before it is accepted.

    An expired link's first use is recorded (`invitation.expired_on_use`) in its own
    transaction. Raises `NotFound` (unknown link), `InvitationUnusable`.
    """
    with transaction.atomic():
        invitation = invitation_by_token(token, lock=True)
        refusal = _refusal(invitation)
        if invitation.state == Invitation.State.EXPIRED and invitation.expiry_recorded_at is None:
            invitation.expiry_recorded_at = timezone.now()
            invitation.save(update_fields=["expiry_recorded_at"])
            _record(invitation, None, events.invitation_expired_on_use(invitation=invitation))
    if refusal is not None:
        raise refusal
    return invitation


def _accept(invitation: Invitation, user: Any) -> Membership:
    if Membership.objects.filter(workspace=invitation.workspace, user=user).exists():
        raise Conflict(
            _("You are already a member of %(workspace)s.") % {"workspace": invitation.workspace}
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    membership = _membership_insert(
        workspace=invitation.workspace, user=user, role=invitation.role_enum, actor=user
    )
    _record(invitation, user, events.invitation_accepted(invitation=invitation, user=user))
    return membership


def invitation_accept(*, token: str, user: Any) -> Membership:
    """Join the invitation's workspace as the signed-in `user`, with its role.

    Raises `NotFound` (unknown link), `InvitationUnusable` (used, revoked, expired —
    an expiry is recorded), `Conflict` (already a member).
    """
    invitation_open(token=token)
    with transaction.atomic():
        invitation = invitation_by_token(token, lock=True)
        refusal = _refusal(invitation)
        if refusal is not None:  # used or revoked by someone else in between
            raise refusal
        return _accept(invitation, user)


def invitation_accept_new_user(
    *, token: str, username: str, display_name: str, password: str
) -> Membership:
    """Create the invitee's account (with the invitation's e-mail address) and join.

    The password goes through Django's validators. Raises `ValidationError`
    (username, display_name, password), `NotFound`, `InvitationUnusable`.
    """
    invitation_open(token=token)
    user_model = get_user_model()
    username = (username or "").strip()
    display_name = " ".join((display_name or "").split())
    with transaction.atomic():
        invitation = invitation_by_token(token, lock=True)
        refusal = _refusal(invitation)
        if refusal is not None:
            raise refusal
        errors: dict[str, list[str]] = {}
        if not username:
            errors["username"] = [_("Choose a username.")]
        else:
            try:
                user_model.username_validator(username)
            except ValidationError as error:
                errors["username"] = error.messages
            if len(username) > 150:
                errors["username"] = [_("A username may have at most 150 characters.")]
            elif user_model.objects.filter(username__iexact=username).exists():
                errors["username"] = [_("This username is taken; choose another.")]
        if len(display_name) > 150:
            errors["display_name"] = [_("A display name may have at most 150 characters.")]
        user = user_model(username=username, email=invitation.email, display_name=display_name)
        try:
            validate_password(password or "", user=user)
        except ValidationError as error:
            errors["password"] = error.messages
        if errors:
            raise ValidationError(errors)
        user.set_password(password)
        user.save()
        return _accept(invitation, user)


def invitation_remove_expired(*, now: dt.datetime | None = None) -> int:
    """Delete invitations never used and expired over SANAD_INVITATION_KEEP_DAYS ago.

    Their link could no longer work anyway; removing them drops the address and the
    link's hash. Each goes in its own transaction with `invitation.expired_removed`,
    written as the system (no person asked). Returns how many went; safe to run twice.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.SANAD_INVITATION_KEEP_DAYS)
    stale = Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lt=cutoff
    )
    removed = 0
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            invitation = stale.select_for_update(skip_locked=True).filter(pk=pk).first()
            if invitation is None:  # accepted, removed or locked meanwhile
                continue
            _record(invitation, None, events.invitation_expired_removed(invitation=invitation))
            invitation.delete()
            removed += 1
    return removed
