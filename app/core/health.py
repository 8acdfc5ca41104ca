"""Probes for a load balancer or orchestrator: is this node alive, and may it take traffic?

`/healthz` answers without touching anything (a node that can answer is alive);
`/readyz` opens a fresh database connection (not the request's pooled one, which may be
stale or still fine after the server went away) and round-trips the cache.
"""

import uuid

from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database_problem(alias: str = "default") -> str:
    conn = connections.create_connection(alias)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return error.__class__.__name__
    finally:
        conn.close()
    return ""


def _cache_problem() -> str:
    key = f"readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", 10)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception as error:  # any cache backend's own error type
        return error.__class__.__name__
    return "" if ok else "value not kept"


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_problem(), "cache": _cache_problem()}
    ready = not any(checks.values())
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {name: problem or "ok" for name, problem in checks.items()},
    }
    return JsonResponse(body, status=200 if ready else 503)
