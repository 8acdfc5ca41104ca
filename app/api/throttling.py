import datetime as dt

from django.conf import settings
from django.db import connection
from rest_framework.throttling import SimpleRateThrottle

# One statement counts a request and reads the count back, atomically under concurrent
# requests of the same token (the row lock of ON CONFLICT DO UPDATE), in whichever process.
_COUNT = """
INSERT INTO api_tokenusage (token_id, window_start, requests) VALUES (%s, %s, 1)
ON CONFLICT (token_id) DO UPDATE SET
    requests = CASE WHEN api_tokenusage.window_start = EXCLUDED.window_start
                    THEN api_tokenusage.requests + 1 ELSE 1 END,
    window_start = EXCLUDED.window_start
RETURNING requests
"""


class ApiTokenRateThrottle(SimpleRateThrottle):
    """Limit each API token to `SANAD_API_TOKEN_RATE` requests (e.g. "3600/hour").

    Keyed by the token, not the user, so one runaway script does not lock its
    owner's other tokens or their browser session out. Session requests pass.

    With Redis (REDIS_URL) DRF's sliding window in the shared cache costs no SQL. Without
    it the shared cache is a database table, where DRF's read-modify-write of the request
    history takes six statements per request; a fixed window counted by one upsert does
    the same job (across every worker process) in one. A fixed window can let up to twice
    the rate through across a window's edge, which a limit against runaway scripts allows.
    """

    scope = "api_token"

    def get_rate(self) -> str:
        return settings.SANAD_API_TOKEN_RATE

    def get_cache_key(self, request, view) -> str | None:
        # Token authentication sets `request.auth` to the token; a session leaves it None.
        if request.auth is None:
            return None
        return f"sanad-throttle-token-{request.auth.pk}"

    def fixed_window(self) -> dt.datetime | None:
        """The start of the current window when counting in PostgreSQL, else None.

        Token authentication counts the request in its own statement at this start
        (`counted_in` on the token: the window and the count), so that `allow_request`
        costs no round trip.
        """
        if settings.REDIS_URL or self.rate is None:
            return None
        now = self.timer()
        start = now - now % self.duration
        self.window_end = start + self.duration
        self.now = now
        return dt.datetime.fromtimestamp(start, tz=dt.UTC)

    def allow_request(self, request, view) -> bool:
        if settings.REDIS_URL or self.rate is None or request.auth is None:
            return super().allow_request(request, view)
        counted = getattr(request.auth, "counted_in", None)
        if counted is not None and counted[0] == self.fixed_window():
            requests = counted[1]
        else:  # not counted by authentication (another authenticator, or a new window)
            start = self.fixed_window()
            with connection.cursor() as cursor:
                cursor.execute(_COUNT, [request.auth.pk, start])
                (requests,) = cursor.fetchone()
        return requests <= self.num_requests

    def wait(self) -> float | None:
        if getattr(self, "window_end", None) is None:
            return super().wait()
        return max(self.window_end - self.now, 1)
