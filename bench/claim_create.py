"""Creating claims through the API, one request each: latency, requests/s, SQL per request.

Run: ./sanad bench bench/claim_create.py [requests]   (default 300)

In process (Django's test client, every middleware, token authentication, the audit
chain on), against a throwaway database: one Persian article of about 3,000
characters, a reviewer's token, then `requests` POSTs of one claim each on successive
words. Prints p50 / p99 / requests per second, the statements one create makes
(`BEGIN`/`COMMIT` included), the process CPU time per create (`time.process_time`:
this process's work only, so less sensitive to other load than wall time), the same
for a workflow action (start-review on each claim made), and as the reference measured
in the same run the same client's GET of a page that touches no database
(`/robots.txt` if it exists, else a 404), so figures from a loaded machine can be compared. With `--profile`, the
timed creates, then as many start-reviews, run again under cProfile, and for each
the 25 costliest calls are printed (cumulative, then own time), then the costliest in
app/ and DRF's serializers.
"""

import cProfile
import os
import pstats
import statistics
import sys
import time

from _setup import bench_database

PERSIAN = (
    "وزیر اقتصاد روز دوشنبه گفت که نرخ تورم در شش ماه گذشته به ۱۲٪ کاهش یافته است و "
    "این کاهش نتیجهٔ سیاست‌های پولی دولت بوده است. "
)


def main() -> None:
    numbers = [arg for arg in sys.argv[1:] if arg.isdigit()]
    requests = int(numbers[0]) if numbers else 300
    with bench_database():
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext, setup_test_environment

        from app.articles.services import article_import_text
        from app.audit.models import AuditEvent
        from app.members.services import member_add, workspace_create
        from app.members.tokens import api_token_create
        from app.workspaces.models import Role
        from tests.factories import UserFactory

        setup_test_environment()
        admin = UserFactory(username="bench-admin")
        workspace = workspace_create(name="Bench desk", creator=admin)
        reviewer = UserFactory(username="bench-reviewer")
        member_add(workspace=workspace, user=reviewer, role=Role.REVIEWER, actor=admin)
        text = PERSIAN * (3000 // len(PERSIAN) + 1)
        article = article_import_text(
            workspace=workspace, text=text, title="گزارش", actor=reviewer, language="fa"
        )
        snapshot = article.snapshot
        secret = api_token_create(workspace=workspace, actor=reviewer, name="bench").secret
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        url = f"/api/v1/workspaces/{workspace.slug}/claims/"
        starts = [i for i in range(1, len(text)) if text[i - 1] == " " and text[i] != " "]

        def create(number: int):
            start = starts[number % len(starts)]
            end = text.index(" ", start)
            return client.post(
                url,
                {
                    "snapshot": snapshot.pk,
                    "selectors": [
                        {"type": "TextPositionSelector", "start": start, "end": end},
                        {"type": "TextQuoteSelector", "exact": text[start:end]},
                    ],
                    "tags": ["bench"],
                },
                content_type="application/json",
            )

        for number in range(20):  # warm up: imports, URL resolvers, the token's first use
            assert create(number).status_code == 201
        timings, cpu, created = [], [], []
        load_before = os.getloadavg()[0]
        began = time.perf_counter()
        for number in range(requests):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = create(number)
            cpu.append((time.process_time() - start_cpu) * 1000)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 201, response.content[:300]
            created.append(response.json()["id"])
        elapsed = time.perf_counter() - began
        load_after = os.getloadavg()[0]
        with CaptureQueriesContext(connection) as queries:
            create(0)
        statements = [q["sql"] for q in queries.captured_queries]

        # A workflow action on each claim just made: start-review (If-Match: version 1).
        def start_review(claim_id: int):
            return client.post(
                f"{url}{claim_id}/start-review/",
                {},
                content_type="application/json",
                HTTP_IF_MATCH='"1"',
            )

        action_timings, action_cpu = [], []
        for claim_id in created[1:]:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = start_review(claim_id)
            action_cpu.append((time.process_time() - start_cpu) * 1000)
            action_timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.content[:300]
        with CaptureQueriesContext(connection) as queries:
            assert start_review(created[0]).status_code == 200
        action_statements = len(queries.captured_queries)
        action_timings.sort()

        bare, bare_cpu = [], []
        for _ in range(requests):
            start, start_cpu = time.perf_counter(), time.process_time()
            Client().get("/robots.txt")
            bare_cpu.append((time.process_time() - start_cpu) * 1000)
            bare.append((time.perf_counter() - start) * 1000)
        timings.sort()
        bare.sort()
        events = AuditEvent.objects.filter(workspace=workspace).count()
        print(f"claims created: {requests} (+20 warm-up), audit events in the chain: {events}")
        print(
            f"create one claim (API): p50 {statistics.median(timings):.1f} ms, "
            f"p99 {timings[int(len(timings) * 0.99) - 1]:.1f} ms, "
            f"{requests / elapsed:.1f} req/s, {len(statements)} SQL per request "
            f"(BEGIN/COMMIT included)"
        )
        print(
            f"process CPU per create (this process: Django, DRF, psycopg; not PostgreSQL): "
            f"mean {statistics.fmean(cpu):.2f} ms, p50 {statistics.median(cpu):.2f} ms"
        )
        print(
            f"start-review (API) on {len(action_timings)} of them: p50 "
            f"{statistics.median(action_timings):.1f} ms, "
            f"p99 {action_timings[int(len(action_timings) * 0.99) - 1]:.1f} ms, "
            f"{action_statements} SQL per request, process CPU mean "
            f"{statistics.fmean(action_cpu):.2f} ms"
        )
        print(
            f"reference, bare GET without database: p50 {statistics.median(bare):.1f} ms, "
            f"{len(bare) / (sum(bare) / 1000):.0f} req/s, process CPU mean "
            f"{statistics.fmean(bare_cpu):.2f} ms"
        )
        print(
            f"load average (1 min) before / after the timed creates: {load_before:.2f} / {load_after:.2f}"
        )
        for sql in statements:
            print("   ", sql[:110])
        if "--profile" in sys.argv:
            profiled = [("creates", lambda number: create(requests + number))]
            made = [response.json()["id"] for response in map(create, range(requests))]
            profiled.append(("start-reviews", lambda number: start_review(made[number])))
            for name, request in profiled:
                profile = cProfile.Profile()
                profile.enable()
                for number in range(requests):
                    request(number)
                profile.disable()
                print(f"\n=== {requests} {name} under cProfile ===")
                stats = pstats.Stats(profile)
                stats.sort_stats("cumulative").print_stats(25)
                stats.sort_stats("tottime").print_stats(25)
                stats.sort_stats("cumulative").print_stats(
                    r"/app/|rest_framework/(serializers|fields|request|response|renderers|views)",
                    40,
                )


if __name__ == "__main__":
    main()
