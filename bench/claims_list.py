"""The claims list with 10,000 claims: query count, latency per filter, and EXPLAIN plans.

Run: ./sanad bench bench/claims_list.py [claims_per_workspace]
Five workspaces each get N claims (default 10,000) with mixed statuses, verdicts,
assignees and tags, so that the planner faces realistic selectivity; the list page is
then requested with each filter, and the plan of each filter's query is printed.
"""

import random
import statistics
import sys
import time

from _setup import bench_database

STATUSES = ["open", "in_review", "verdict_proposed", "published", "corrected"]
TAGS = ["economy", "health", "election", "اقتصاد", "انتخابات", "climate", "transit"]


def populate(workspace_count: int, per_workspace: int):
    from app.accounts.models import User
    from app.articles.services import article_import_text
    from app.claims.models import Claim, RatingWords
    from app.members.services import member_add, workspace_create

    rng = random.Random(7)
    words = [f"w{n}" for n in range(per_workspace)]
    text = "\n".join(" ".join(words[i : i + 40]) for i in range(0, len(words), 40))
    offsets, position = [], 0
    for line in text.split("\n"):
        for word in line.split(" "):
            offsets.append((position, position + len(word), word))
            position += len(word) + 1
    editor = User.objects.create_user("bench-editor", password="x")  # noqa: S106
    first = None
    for index in range(workspace_count):
        workspace = workspace_create(name=f"Bench {index}", creator=editor)
        reviewers = [User.objects.create_user(f"r{index}-{n}", password="x") for n in range(5)]  # noqa: S106
        for reviewer in reviewers:
            member_add(workspace=workspace, user=reviewer, role="reviewer", actor=editor)
        snapshot = article_import_text(workspace=workspace, text=text, actor=editor).snapshot
        ratings = list(workspace.ratings.all())
        words = {r.pk: RatingWords.of(r) for r in ratings}
        claims = []
        for start, end, word in offsets[:per_workspace]:
            status = rng.choice(STATUSES)
            claims.append(
                Claim(
                    workspace=workspace,
                    article_id=snapshot.article_id,
                    snapshot=snapshot,
                    start=start,
                    end=end,
                    exact=word,
                    status=status,
                    rating=(
                        rating := rng.choice(ratings)
                        if status in ("published", "corrected")
                        else None
                    ),
                    **(words[rating.pk].as_fields("rating_", "rating_") if rating else {}),
                    assignee=rng.choice([*reviewers, None]),
                    tags=rng.sample(TAGS, rng.randint(0, 2)),
                )
            )
        Claim.objects.bulk_create(claims, batch_size=2000)
        first = first or (workspace, reviewers[0])
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
    return first, editor


def main() -> None:
    per_workspace = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with bench_database():
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext, setup_test_environment
        from django.urls import reverse

        from app.claims.selectors import claim_search

        started = time.perf_counter()
        (workspace, reviewer), editor = populate(5, per_workspace)
        print(
            f"populated 5 workspaces x {per_workspace:,} claims in {time.perf_counter() - started:.1f} s"
        )
        setup_test_environment()  # so that responses carry their template context
        client = Client()
        client.force_login(editor)
        url = reverse("claim-list", kwargs={"slug": workspace.slug})
        tag = "اقتصاد"
        cases = {
            "no filter": {},
            "status=published": {"status": "published"},
            f"tag={tag}": {"tag": tag},
            "assignee": {"assignee": reviewer.pk},
            "status+tag+sort=created": {"status": "in_review", "tag": "economy", "sort": "created"},
            "page 50": {"page": 50},
        }
        client.get(url)
        print(f"\n{'filter':<28}{'queries':>8}{'p50 ms':>9}{'p95 ms':>9}{'rows':>8}")
        for name, params in cases.items():
            timings = []
            for _ in range(20):
                with CaptureQueriesContext(connection) as queries:
                    begin = time.perf_counter()
                    response = client.get(url, params)
                    timings.append((time.perf_counter() - begin) * 1000)
            timings.sort()
            rows = response.context["page"].paginator.count
            print(
                f"{name:<28}{len(queries):>8}{statistics.median(timings):>9.1f}"
                f"{timings[int(len(timings) * 0.95) - 1]:>9.1f}{rows:>8}"
            )
        print("\nEXPLAIN of the filtered queries:")
        for name, filters in {
            "status": {"status": "published"},
            "tag": {"tag": tag},
            "assignee": {"assignee": reviewer.pk},
        }.items():
            queryset = claim_search(user=editor, workspace=workspace, **filters)[:50]
            print(f"\n-- {name}\n{queryset.explain()}")


if __name__ == "__main__":
    main()
