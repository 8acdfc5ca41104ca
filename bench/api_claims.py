"""API claims list on 10,000 claims per workspace: latency per request, token vs session.

Prints the median and p95 of 30 requests for a first page, a filtered page, a 200-row
page and the 20th page reached by cursor, and the queries each request makes (the
token path adds its lookup and membership check; `last_used_at` is written at most
once a minute, so not in the steady state measured here).
"""

import statistics
import time

from _setup import bench_database
from claims_list import populate

PER_WORKSPACE = 10_000
RUNS = 30


def measure(client, url, **headers) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url, **headers)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:300]
    with CaptureQueriesContext(connection) as queries:
        client.get(url, **headers)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(queries)


def main() -> None:
    with bench_database():
        from django.test import Client
        from django.test.utils import setup_test_environment

        from app.members.tokens import api_token_create

        setup_test_environment()
        (workspace, reviewer), _ = populate(3, PER_WORKSPACE)
        secret = api_token_create(workspace=workspace, actor=reviewer, name="bench").secret
        session = Client()
        session.force_login(reviewer)
        token = Client()
        bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        base = f"/api/v1/workspaces/{workspace.slug}/claims/"
        page = token.get(base, **bearer).json()
        for _ in range(19):
            page = token.get(page["next"], **bearer).json()
        deep = page["next"]
        cases = [
            ("first page (50)", base),
            ("status=published", base + "?status=published"),
            ("tag=economy&status=open", base + "?tag=economy&status=open"),
            ("page_size=200", base + "?page_size=200"),
            ("21st page by cursor", deep),
        ]
        print(f"{PER_WORKSPACE:,} claims in the workspace (3 workspaces), {RUNS} runs each")
        print(f"{'request':28} {'auth':8} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for label, url in cases:
            for auth, client, headers in (("token", token, bearer), ("session", session, {})):
                median, p95, queries = measure(client, url, **headers)
                print(f"{label:28} {auth:8} {median:10.1f} {p95:8.1f} {queries:8}")


if __name__ == "__main__":
    main()
