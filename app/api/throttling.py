from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class ApiTokenRateThrottle(SimpleRateThrottle):
    """Limit each API token to `SANAD_API_TOKEN_RATE` requests (e.g. "3600/hour").

    Keyed by the token, not the user, so one runaway script does not lock its
    owner's other tokens or their browser session out. Session requests pass.
    """

    scope = "api_token"

    def get_rate(self) -> str:
        return settings.SANAD_API_TOKEN_RATE

    def get_cache_key(self, request, view) -> str | None:
        # Token authentication sets `request.auth` to the token; a session leaves it None.
        if request.auth is None:
            return None
        return f"sanad-throttle-token-{request.auth.pk}"
