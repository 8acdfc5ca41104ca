"""State changes of API tokens: made and revoked in the browser, each with an audit event."""

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from app.audit import events
from app.audit.services import audit_append
from app.core.errors import NotFound, PermissionDenied
from app.workspaces.access import membership_of, require_role
from app.workspaces.models import ApiToken, Role, Workspace

# A token reads `sanad_<prefix>_<secret>`: the marker lets secret scanners recognise
# a leaked one, the prefix finds its row, the 256-bit secret is what is checked.
TOKEN_MARKER = "sanad"  # noqa: S105 (a public marker, not a secret)
PREFIX_LENGTH = 10
NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length
# `last_used_at` is written at most this often per token, so a busy script does not
# turn every read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown to its owner once; only its hash is stored


def secret_sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_secret() -> tuple[str, str]:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    prefix = "".join(secrets.choice(alphabet) for _ in range(PREFIX_LENGTH))
    return prefix, f"{TOKEN_MARKER}_{prefix}_{secrets.token_urlsafe(32)}"


@transaction.atomic
def api_token_create(
    *,
    workspace: Workspace,
    actor: Any,
    name: str,
    role: str = "",
    expires_at: dt.datetime | None = None,
) -> IssuedToken:
    """Issue a token for `actor` in `workspace`, reaching at most `role` (default: theirs).

    Any member may make tokens for themselves, never above their own role. Raises
    `ValidationError` (name, role, expires_at), `NotFound` for non-members.
    """
    membership = require_role(workspace=workspace, actor=actor, role=Role.VIEWER)
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = "Name the token after the script or system that will use it."
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = f"A name may have at most {NAME_MAX_LENGTH} characters."
    own_role = membership.role_enum
    try:
        token_role = Role(role) if role else own_role
    except ValueError:
        token_role = None
        errors["role"] = f"Unknown role “{role}”; choose one of {', '.join(Role.values)}."
    if token_role is not None and not own_role.includes(token_role):
        errors["role"] = _("A token cannot do more than you: you are a %(role)s.") % {
            "role": own_role.label.lower()
        }
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = "The expiry must lie in the future."
    if errors:
        raise ValidationError(errors)
    prefix, secret = _new_secret()
    token = ApiToken.objects.create(
        workspace=workspace,
        user=actor,
        name=name,
        prefix=prefix,
        secret_sha256=secret_sha256(secret),
        role=token_role,
        expires_at=expires_at,
    )
    audit_append(workspace=workspace, actor=actor, event=events.api_token_created(token=token))
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    """Revoke a token at once; its owner or an admin of its workspace may.

    Revoking a revoked token changes nothing. Raises `NotFound` when the actor is
    not in the token's workspace, `PermissionDenied` for someone else's token.
    """
    membership = membership_of(actor, token.workspace_id)
    if membership is None:
        raise NotFound(_("No such token."))
    if token.user_id != actor.pk and not membership.role_enum.includes(Role.ADMIN):
        raise PermissionDenied(_("Only the token's owner or an admin can revoke it."))
    current = ApiToken.objects.select_for_update().get(pk=token.pk)
    if current.revoked_at is not None:
        return current
    current.revoked_at = timezone.now()
    current.save(update_fields=["revoked_at"])
    audit_append(
        workspace=current.workspace, actor=actor, event=events.api_token_revoked(token=current)
    )
    return current


class TokenRejected(Exception):
    """The presented secret does not open any usable token; the message says why."""


def api_token_authenticate(secret: str) -> ApiToken:
    """Return the active token whose secret this is, noting when it was used.

    Raises `TokenRejected` for an unknown, malformed, revoked or expired secret, a
    deactivated user, or a user who has left the token's workspace.
    """
    parts = secret.split("_", 2)  # the random part may itself contain "_"
    if len(parts) != 3 or parts[0] != TOKEN_MARKER or len(parts[1]) != PREFIX_LENGTH:
        raise TokenRejected("This is not a Sanad API token.")
    token = ApiToken.objects.select_related("user", "workspace").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.secret_sha256, secret_sha256(secret)):
        raise TokenRejected("Unknown API token.")
    if token.revoked_at is not None:
        raise TokenRejected("This API token was revoked.")
    if token.is_expired:
        raise TokenRejected("This API token has expired.")
    if not token.user.is_active:
        raise TokenRejected("The token's user is deactivated.")
    if membership_of(token.user, token.workspace_id) is None:
        raise TokenRejected("The token's user is no longer a member of its workspace.")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
