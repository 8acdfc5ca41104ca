"""The per-token throttle's fixed window in PostgreSQL (no Redis): one statement per request,
a new window starts the count again, Retry-After names the window's end."""

import pytest
from django.core.cache import cache
from django.test.utils import override_settings
from rest_framework.test import APIClient

from app.api.models import TokenUsage
from app.api.throttling import ApiTokenRateThrottle
from tests.api.conftest import issue_token

pytestmark = pytest.mark.django_db


def _client(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@override_settings(SANAD_API_TOKEN_RATE="2/hour", REDIS_URL="")
def test_the_count_restarts_in_a_new_window_and_retry_after_names_its_end(team, monkeypatch):
    clock = [7200.0 + 600]  # ten minutes into an hour's window
    monkeypatch.setattr(ApiTokenRateThrottle, "timer", lambda self: clock[0])
    client = _client(issue_token(team.reviewer, team.workspace))

    statuses = [client.get("/api/v1/workspaces/").status_code for _ in range(3)]
    refused = client.get("/api/v1/workspaces/")

    assert statuses == [200, 200, 429]
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 3000  # fifty minutes to the window's end
    usage = TokenUsage.objects.get()
    assert usage.requests == 4  # refused requests count too: a script that hammers stays out

    clock[0] = 10800.0 + 1  # the next hour
    assert client.get("/api/v1/workspaces/").status_code == 200
    assert TokenUsage.objects.get().requests == 1


@override_settings(SANAD_API_TOKEN_RATE="2/hour", REDIS_URL="redis://cache.example:6379/0")
def test_with_redis_configured_the_shared_cache_counts_and_the_token_statement_does_not(team):
    # DRF's sliding window in the default cache (a database cache in the tests, Redis in
    # production); the token's own statement then leaves api_tokenusage alone.
    cache.clear()
    client = _client(issue_token(team.reviewer, team.workspace))

    statuses = [client.get("/api/v1/workspaces/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert not TokenUsage.objects.exists()
