"""The per-token throttle counts in the shared cache, across worker processes.

Two separate Python processes (as two gunicorn workers would be) each send two requests
with one token limited to three an hour: this test's own process first, then a child.
With a per-process cache each would see only its own two and let all four through;
with the shared cache the fourth is refused.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings

from tests.api.conftest import issue_token
from tests.scratch_db import database_url

ROOT = Path(__file__).resolve().parents[2]


def two_requests(secret: str) -> list[int]:
    """What WORKER does, in this process."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer " + secret)
    return [client.get("/api/v1/workspaces/").status_code for _ in range(2)]


WORKER = r"""
import json, sys
import django

django.setup()
from rest_framework.test import APIClient

client = APIClient()
client.credentials(HTTP_AUTHORIZATION="Bearer " + sys.argv[1])
print(json.dumps([client.get("/api/v1/workspaces/").status_code for _ in range(2)]))
"""


def _worker(secret: str) -> list[int]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "app.settings_test",
        "SANAD_ENV": "test",
        "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
        "SANAD_API_TOKEN_RATE": "3/hour",
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", WORKER, secret],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_share_one_token_count(team):
    secret = issue_token(team.reviewer, team.workspace)
    try:
        # As the child is configured: the limit, and the count kept in PostgreSQL.
        with override_settings(SANAD_API_TOKEN_RATE="3/hour", REDIS_URL=""):
            first = two_requests(secret)
        second = _worker(secret)
    finally:
        cache.clear()  # the counter outlives the test's rows otherwise

    assert first == [200, 200]
    assert second == [200, 429]
