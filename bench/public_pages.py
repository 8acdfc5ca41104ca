"""The public site at 10,000 published fact-checks: page, 304 revalidation, index, feed, sitemap.

Run: ./sanad bench bench/public_pages.py [published_claims]
One workspace gets N published claims (default 10,000) on a Persian-sized article,
each with a published verdict and one piece of evidence, and its public site on. Then,
through Django's test client (in process: the figures are the server's own time, no
network): every claim page once, full render ("cold"); the same pages revalidated
with their ETag (304); and the index, the Atom feed and the sitemap. Targets from the
issue: p95 < 20 ms for a 304, < 60 ms for a full page.
"""

import random
import statistics
import sys
import time

from _setup import bench_database

SAMPLES = 300


def populate(count: int):
    from django.utils import timezone

    from app.accounts.models import User
    from app.articles.services import article_import_text
    from app.claims.models import Claim, Evidence, RatingWords, Verdict
    from app.members.services import member_add, workspace_create
    from app.public.services import public_site_update
    from app.sources.models import Source

    rng = random.Random(19)
    admin = User.objects.create_user("bench-admin", password="x")  # noqa: S106
    editor = User.objects.create_user("bench-editor", password="x")  # noqa: S106
    workspace = workspace_create(name="Bench public", creator=admin)
    member_add(workspace=workspace, user=editor, role="editor", actor=admin)
    public_site_update(
        workspace=workspace,
        actor=admin,
        enabled=True,
        base_url="https://factcheck.example.org/",
        default_language="fa",
    )
    words = [f"واژه{n}" for n in range(count)]
    text = "\n".join(" ".join(words[i : i + 40]) for i in range(0, len(words), 40))
    imported = article_import_text(
        workspace=workspace, text=text, title="گزارش", url="https://example.org/a", actor=admin
    )
    snapshot = imported.snapshot
    offsets, position = [], 0
    for line in text.split("\n"):
        for word in line.split(" "):
            offsets.append((position, position + len(word), word))
            position += len(word) + 1
    ratings = [r for r in workspace.ratings.all() if r.value is not None]
    rating_words = {r.pk: RatingWords.of(r) for r in ratings}
    claims = []
    for start, end, word in offsets[:count]:
        rating = rng.choice(ratings)
        claims.append(
            Claim(
                workspace=workspace,
                article_id=snapshot.article_id,
                snapshot=snapshot,
                start=start,
                end=end,
                exact=word,
                restatement=f"ادعای شماره {word}",
                claimant="سخنگو",
                status="published",
                rating=rating,
                verdict_summary="شواهد خلاف این را نشان می‌دهد.",
                tags=[rng.choice(["اقتصاد", "سیاست", "سلامت"])],
                **rating_words[rating.pk].as_fields("rating_", "rating_"),
            )
        )
    claims = Claim.objects.bulk_create(claims, batch_size=2000)
    now = timezone.now()
    Verdict.objects.bulk_create(
        [
            Verdict(
                workspace=workspace,
                claim=claim,
                rating=claim.rating,
                **rating_words[claim.rating_id].as_fields("rating_", "scale_"),
                restatement=claim.restatement,
                claimant=claim.claimant,
                summary=claim.verdict_summary,
                state="published",
                proposed_by=admin,
                decided_by=editor,
                decided_at=now,
                published_at=now,
            )
            for claim in claims
        ],
        batch_size=2000,
    )
    sources = Source.objects.bulk_create(
        [
            Source(
                workspace=workspace,
                url=f"https://source.example/{n}",
                normalized_url=f"https://source.example/{n}",
                title=f"منبع {n}",
            )
            for n in range(100)
        ]
    )
    Evidence.objects.bulk_create(
        [
            Evidence(
                workspace=workspace,
                claim=claim,
                source=sources[n % 100],
                stance="refutes",
                quote="نقل قول",
            )
            for n, claim in enumerate(claims)
        ],
        batch_size=2000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return workspace, claims


def percentiles(timings: list[float]) -> tuple[float, float, float]:
    ordered = sorted(timings)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return statistics.median(ordered), p95, ordered[-1]


def measure(client, urls, **headers) -> tuple[list[float], set[int], int]:
    timings, statuses, size = [], set(), 0
    for url in urls:
        begin = time.perf_counter()
        response = client.get(url, **headers.get("per_url", {}).get(url, {}))
        timings.append((time.perf_counter() - begin) * 1000)
        statuses.add(response.status_code)
        size = max(size, len(response.content))
    return timings, statuses, size


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with bench_database():
        from django.test import Client
        from django.urls import reverse

        from app.workspaces.publishing import claim_slug

        started = time.perf_counter()
        workspace, claims = populate(count)
        print(f"populated {count:,} published fact-checks in {time.perf_counter() - started:.1f} s")
        client = Client()
        rng = random.Random(5)
        chosen = rng.sample(claims, min(SAMPLES, len(claims)))
        urls = [reverse("public-claim", args=[workspace.slug, c.pk, claim_slug(c)]) for c in chosen]
        client.get(urls[0])  # warm up templates and connections
        print(
            f"\n{'request':<34}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'status':>8}{'bytes':>9}"
        )

        def row(name, timings, statuses, size):
            p50, p95, top = percentiles(timings)
            status = ",".join(str(s) for s in sorted(statuses))
            print(
                f"{name:<34}{len(timings):>5}{p50:>9.1f}{p95:>9.1f}{top:>9.1f}{status:>8}{size:>9}"
            )

        cold = measure(client, urls)
        row("claim page, full render", *cold)
        etags = {url: {"HTTP_IF_NONE_MATCH": client.get(url)["ETag"]} for url in urls}
        row("claim page, If-None-Match (304)", *measure(client, urls, per_url=etags))
        dates = {url: {"HTTP_IF_MODIFIED_SINCE": client.get(url)["Last-Modified"]} for url in urls}
        row("claim page, If-Modified-Since", *measure(client, urls, per_url=dates))
        slug = workspace.slug
        for name, url in (
            ("index, page 1", reverse("public-index", args=[slug])),
            ("index, page 250", reverse("public-index", args=[slug]) + "?page=250"),
            ("index, search", reverse("public-index", args=[slug]) + "?q=ادعای"),
            ("index, tag filter", reverse("public-index", args=[slug]) + "?tag=اقتصاد"),
            ("Atom feed (50 newest)", reverse("public-feed", args=[slug])),
            ("sitemap (all pages)", reverse("public-sitemap", args=[slug])),
        ):
            row(name, *measure(client, [url] * 20))
            etag = {url: {"HTTP_IF_NONE_MATCH": client.get(url)["ETag"]}}
            row(f"{name}, 304", *measure(client, [url] * 20, per_url=etag))


if __name__ == "__main__":
    main()
