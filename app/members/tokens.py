"""State changes of API tokens: made and revoked in the browser, each with an audit event."""

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from app.audit import events
from app.audit.services import audit_append
from app.core.errors import NotFound, PermissionDenied
from app.workspaces.access import membership_of, remember_membership, require_role
from app.workspaces.models import ApiToken, Membership, Role, Workspace

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


def _columns(alias: str, model) -> tuple[list[str], str]:
    fields = model._meta.concrete_fields
    names = [f.attname for f in fields]
    # Aliased: the tables share column names ("id"), which a CTE's columns may not.
    columns = ", ".join(f'{alias}."{f.column}" AS {alias}_{f.column}' for f in fields)
    return names, columns


def _authentication_sql() -> tuple[str, list[tuple[type, list[str]]]]:
    """One statement: the token by its prefix with its user, workspace and membership,
    noting its use and counting it in the throttle's window when it is usable.

    The writes are data-modifying CTEs that see only the token row as it was before the
    statement; they run only for a token that passes every check below (the SQL repeats
    them to gate the writes; Python checks them again to say which one failed).
    """
    parts = [
        ("t", ApiToken),
        ("u", get_user_model()),
        ("w", Workspace),
        ("m", Membership),
    ]
    layout, selects = [], []
    for alias, model in parts:
        names, columns = _columns(alias, model)
        layout.append((model, names))
        selects.append(columns)
    user_table = get_user_model()._meta.db_table
    # Only the models' own table and column names are put into the text.
    sql = f"""
WITH found AS (
    SELECT {", ".join(selects)},
        (t.secret_sha256 = %(sha256)s AND t.revoked_at IS NULL
         AND (t.expires_at IS NULL OR t.expires_at > %(now)s)
         AND u.is_active AND m.id IS NOT NULL) AS usable
    FROM api_apitoken t
    JOIN "{user_table}" u ON u.id = t.user_id
    JOIN workspaces_workspace w ON w.id = t.workspace_id
    LEFT JOIN workspaces_membership m
        ON m.user_id = t.user_id AND m.workspace_id = t.workspace_id
        AND m.deactivated_at IS NULL
    WHERE t.prefix = %(prefix)s
), used AS (
    UPDATE api_apitoken SET last_used_at = %(now)s
    WHERE id = (SELECT t_id FROM found WHERE usable)
        AND (last_used_at IS NULL OR last_used_at <= %(stale)s)
    RETURNING last_used_at
), counted AS (
    INSERT INTO api_tokenusage (token_id, window_start, requests)
    SELECT t_id, %(window)s, 1 FROM found WHERE usable AND %(window)s IS NOT NULL
    ON CONFLICT (token_id) DO UPDATE SET
        requests = CASE WHEN api_tokenusage.window_start = EXCLUDED.window_start
                        THEN api_tokenusage.requests + 1 ELSE 1 END,
        window_start = EXCLUDED.window_start
    RETURNING requests
)
SELECT found.*, (SELECT last_used_at FROM used), (SELECT requests FROM counted) FROM found
"""  # noqa: S608
    return sql, layout


_AUTHENTICATION: tuple[str, list[tuple[type, list[str]]]] | None = None


def api_token_authenticate(secret: str, *, count_window: dt.datetime | None = None) -> ApiToken:
    """Return the active token whose secret this is, noting when it was used.

    One statement reads the token with its user, its workspace and the user's membership
    there (remembered for the request, so role checks read no more), notes the token's
    use at most once a minute and, given `count_window` (the start of the throttle's
    current fixed window), counts the request there: `token.counted_in` is then the
    window and the count including this request (see `app.api.throttling`).

    Raises `TokenRejected` for an unknown, malformed, revoked or expired secret, a
    deactivated user, or a user who has left the token's workspace.
    """
    global _AUTHENTICATION
    parts = secret.split("_", 2)  # the random part may itself contain "_"
    if len(parts) != 3 or parts[0] != TOKEN_MARKER or len(parts[1]) != PREFIX_LENGTH:
        raise TokenRejected("This is not a Sanad API token.")
    if _AUTHENTICATION is None:
        _AUTHENTICATION = _authentication_sql()
    sql, layout = _AUTHENTICATION
    sha256 = secret_sha256(secret)
    now = timezone.now()
    params = {
        "prefix": parts[1],
        "sha256": sha256,
        "now": now,
        "stale": now - LAST_USED_RESOLUTION,
        "window": count_window,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise TokenRejected("Unknown API token.")
    rows, offset = [], 0
    for model, names in layout:
        rows.append((model, names, row[offset : offset + len(names)]))
        offset += len(names)
    last_used_at, counted = row[offset + 1], row[offset + 2]  # after `usable`
    token, user, workspace, membership = (
        model.from_db(connection.alias, names, values)
        if values[0] is not None
        else None  # no active membership: the LEFT JOIN's columns are all NULL
        for model, names, values in rows
    )
    if not hmac.compare_digest(token.secret_sha256, sha256):
        raise TokenRejected("Unknown API token.")
    if token.revoked_at is not None:
        raise TokenRejected("This API token was revoked.")
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRejected("This API token has expired.")
    if not user.is_active:
        raise TokenRejected("The token's user is deactivated.")
    if membership is None:
        raise TokenRejected("The token's user is no longer a member of its workspace.")
    token.user = user
    token.workspace = workspace
    remember_membership(membership)
    if last_used_at is not None:
        token.last_used_at = last_used_at
    if count_window is not None and counted is not None:
        token.counted_in = (count_window, counted)
    return token
