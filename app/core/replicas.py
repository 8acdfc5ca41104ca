"""Read replicas: reads go to a replica unless they must see the primary.

A read goes to the primary when it is part of a transaction on the primary (a service
reading what it is about to change), when the request is a write or comes from someone
who wrote within the last `SANAD_REPLICA_PIN_SECONDS` (read-your-writes, carried by a
cookie so that any web node honours it), when it touches the audit chain or the job
queue, or when no replica is caught up within `SANAD_REPLICA_MAX_LAG` seconds (or none
answers). Writes always go to the primary, and only the primary is migrated.
"""

import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections

PIN_COOKIE = "sanad_primary_until"
# The database cache's stand-in model (django.core.cache.backends.db): its writes are
# counters and memos, not the user's data, so they pin nothing to the primary.
CACHE_LABEL = "django_cache"
# App labels whose reads must see the primary's latest state.
PRIMARY_ONLY = frozenset(
    {"audit", "jobs", "procrastinate", "sessions", "auth", "accounts", "axes", "api", CACHE_LABEL}
)

_pinned: ContextVar[bool] = ContextVar("sanad_pinned_to_primary", default=False)
_wrote: ContextVar[bool] = ContextVar("sanad_wrote", default=False)
# alias → (monotonic time of the check, lag in seconds or None when unreachable)
_probes: dict[str, tuple[float, float | None]] = {}

LAG_QUERY = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


def replica_aliases() -> list[str]:
    return sorted(alias for alias in settings.DATABASES if alias.startswith("replica"))


def replica_lag(alias: str) -> float | None:
    """Seconds the replica is behind (0 when caught up); None when it does not answer."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(LAG_QUERY)
            return float(cursor.fetchone()[0])
    except DatabaseError:
        connections[alias].close()
        return None


def _lag_checked(alias: str) -> float | None:
    now = time.monotonic()
    checked = _probes.get(alias)
    if checked is None or now - checked[0] > settings.SANAD_REPLICA_CHECK_SECONDS:
        checked = (now, replica_lag(alias))
        _probes[alias] = checked
    return checked[1]


def usable_replica() -> str | None:
    """The first replica caught up within the lag limit, if any."""
    for alias in replica_aliases():
        lag = _lag_checked(alias)
        if lag is not None and lag <= settings.SANAD_REPLICA_MAX_LAG:
            return alias
    return None


def forget_probes() -> None:
    _probes.clear()


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            model._meta.app_label in PRIMARY_ONLY
            or _pinned.get()
            or _wrote.get()
            or connections["default"].in_atomic_block
        ):
            return "default"
        return usable_replica() or "default"

    def db_for_write(self, model, **hints):
        if model._meta.app_label != CACHE_LABEL:
            _wrote.set(True)
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaPinMiddleware:
    """Pin a request to the primary when it writes or follows a recent write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            until = float(request.COOKIES.get(PIN_COOKIE, "0"))
        except ValueError:
            until = 0.0
        unsafe = request.method not in ("GET", "HEAD", "OPTIONS")
        pinned = _pinned.set(unsafe or until > time.time())
        wrote = _wrote.set(False)
        try:
            response = self.get_response(request)
            if _wrote.get() and replica_aliases():
                seconds = settings.SANAD_REPLICA_PIN_SECONDS
                response.set_cookie(
                    PIN_COOKIE,
                    f"{time.time() + seconds:.0f}",
                    max_age=seconds,
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
            return response
        finally:
            _pinned.reset(pinned)
            _wrote.reset(wrote)
