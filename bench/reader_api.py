"""The reader through the API: an article's snapshot with 50 and with 500 claims.

Run: ./sanad bench bench/reader_api.py [reads]   (default 200)

In process (Django's test client, every middleware, token authentication), against a
throwaway database: a Persian article of about 3,000 characters with `n` claims made
through the services. For each `n` it prints p50 / p95 and SQL per request of:

- `reader (cached)`: GET .../articles/<id>/snapshots/<sid>/reader/ as every read after
  the first gets it (the JSON from the shared cache);
- `reader (cold)`: the same after a claim change made the cache stale (the claims read
  in one query, the JSON rendered with orjson and stored);
- `before`: what a client needed before the reader endpoint: the snapshot, then every
  page of the claims list (50 a page), counted as the requests made.
"""

import statistics
import sys
import time

from _setup import bench_database

PERSIAN = (
    "وزیر اقتصاد روز دوشنبه گفت که نرخ تورم در شش ماه گذشته به ۱۲٪ کاهش یافته است و "
    "این کاهش نتیجهٔ سیاست‌های پولی دولت بوده است. "
)


def _percentiles(timings: list[float]) -> str:
    timings = sorted(timings)
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms"


def main() -> None:
    numbers = [arg for arg in sys.argv[1:] if arg.isdigit()]
    reads = int(numbers[0]) if numbers else 200
    with bench_database():
        from django.db import connection
        from django.db.models import F
        from django.test import Client
        from django.test.utils import CaptureQueriesContext, setup_test_environment

        from app.articles.services import article_import_text
        from app.claims.models import ReaderVersion
        from app.claims.services import claim_create
        from app.members.services import member_add, workspace_create
        from app.members.tokens import api_token_create
        from app.workspaces.models import Role
        from tests.factories import UserFactory

        setup_test_environment()
        admin = UserFactory(username="bench-admin")
        workspace = workspace_create(name="Reader desk", creator=admin)
        reviewer = UserFactory(username="bench-reviewer")
        member_add(workspace=workspace, user=reviewer, role=Role.REVIEWER, actor=admin)
        text = PERSIAN * (3000 // len(PERSIAN) + 1)
        secret = api_token_create(workspace=workspace, actor=reviewer, name="bench").secret
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        base = f"/api/v1/workspaces/{workspace.slug}/"
        starts = [i for i in range(1, len(text)) if text[i - 1] == " " and text[i] != " "]

        for count in (50, 500):
            imported = article_import_text(
                workspace=workspace, text=text, title=f"گزارش {count}", actor=reviewer
            )
            snapshot = imported.snapshot
            for number in range(count):
                start = starts[number % len(starts)]
                end = text.index(" ", start)
                claim_create(
                    workspace=workspace,
                    snapshot=snapshot,
                    start=start,
                    end=end,
                    exact=text[start:end],
                    actor=reviewer,
                )
            url = f"{base}articles/{snapshot.article_id}/snapshots/{snapshot.pk}/reader/"
            for _ in range(10):  # warm up
                assert client.get(url).status_code == 200

            def timed(request, before=None):
                timings = []
                for _ in range(reads):
                    if before:
                        before()
                    start = time.perf_counter()
                    request()
                    timings.append((time.perf_counter() - start) * 1000)
                with CaptureQueriesContext(connection) as queries:
                    if before:
                        before()
                        queries.initial_queries = len(connection.queries_log)
                    request()
                return timings, len(queries.captured_queries)

            def read(url=url):
                response = client.get(url)
                assert response.status_code == 200
                return response

            size = len(read().content)
            cached, cached_sql = timed(read)
            versions = ReaderVersion.objects.filter(workspace=workspace)
            cold, cold_sql = timed(
                read, before=lambda versions=versions: versions.update(version=F("version") + 1)
            )

            def before_endpoint(snapshot=snapshot):
                requests = 1
                assert client.get(f"{base}snapshots/{snapshot.pk}/").status_code == 200
                page = f"{base}claims/?article={snapshot.article_id}"
                while page:
                    requests += 1
                    body = client.get(page).json()
                    page = body.get("next")
                return requests

            requests = before_endpoint()
            old, old_sql = timed(before_endpoint)
            print(f"\narticle of {len(text):,} characters with {count} claims ({size:,} bytes):")
            print(f"  reader (cached): {_percentiles(cached)}, {cached_sql} SQL, 1 request")
            print(f"  reader (cold):   {_percentiles(cold)}, {cold_sql} SQL, 1 request")
            print(
                f"  before: snapshot + claims list pages: {_percentiles(old)}, "
                f"{old_sql} SQL, {requests} requests"
            )


if __name__ == "__main__":
    main()
