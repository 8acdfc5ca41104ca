"""The per-person security log: sign-ins, failures, lockouts, password changes.

Django and django-axes announce sign-in events only through their signals, so the
log listens to those (`AccountsConfig.ready`); password changes and resets are
recorded by the views that make them (`app/accounts/views.py`).
"""

from typing import Any

from django.contrib.auth import get_user_model

from app.accounts.models import SecurityEvent


def _client(request: Any) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    meta = getattr(request, "META", {})
    return meta.get("REMOTE_ADDR") or None, (meta.get("HTTP_USER_AGENT") or "")[:300]


def security_event_record(*, user: Any, kind: str, request: Any = None) -> SecurityEvent:
    """Note one account event of `user`, with the client's address and browser."""
    ip_address, user_agent = _client(request)
    return SecurityEvent.objects.create(
        user=user, kind=kind, ip_address=ip_address, user_agent=user_agent
    )


def on_signed_in(sender, request, user, **kwargs) -> None:
    """A sign-in from a browser this account has not used before is marked as such."""
    _ip, user_agent = _client(request)
    known = SecurityEvent.objects.filter(
        user=user,
        kind__in=[SecurityEvent.Kind.SIGNED_IN, SecurityEvent.Kind.SIGNED_IN_NEW_DEVICE],
        user_agent=user_agent,
    ).exists()
    first_ever = not SecurityEvent.objects.filter(user=user).exists()
    kind = (
        SecurityEvent.Kind.SIGNED_IN
        if known or first_ever
        else SecurityEvent.Kind.SIGNED_IN_NEW_DEVICE
    )
    security_event_record(user=user, kind=kind, request=request)


def _user_named(username: str | None):
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


def on_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    user = _user_named((credentials or {}).get("username"))
    if user is not None:
        security_event_record(user=user, kind=SecurityEvent.Kind.SIGN_IN_FAILED, request=request)


def on_locked_out(sender, request=None, username=None, **kwargs) -> None:
    user = _user_named(username)
    if user is not None:
        security_event_record(user=user, kind=SecurityEvent.Kind.LOCKED_OUT, request=request)
