"""Streaming exports of 10,000 and 100,000 claims: rows/s and peak memory per format.

Run: DATABASE_URL=postgresql://... .venv/bin/python bench/export_claims.py [sizes...]
     [--formats=csv-py,csv-sql,jsonl-sql,...]
(default sizes: 10000 100000). One workspace gets the claims in bulk, with one to
three evidence links each and a published verdict on every published claim; each
format is then streamed through the very generators the views use (`app.exports.
streams`) into /dev/null, twice: once timed while a thread samples the process's
resident memory, once under tracemalloc for the peak of Python allocations. Flat
memory means the 100,000-claim peaks match the 10,000-claim ones.
"""

import random
import re
import resource
import sys
import threading
import time
import tracemalloc
from pathlib import Path

from _setup import bench_database

STATUSES = ["open", "in_review", "verdict_proposed", "published", "corrected"]
TAGS = ["economy", "health", "election", "اقتصاد", "انتخابات", "climate", "transit"]
STANCES = ["supports", "refutes", "context"]
PAGE_SIZE_BYTES = resource.getpagesize()


def rss_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE_SIZE_BYTES


class RssSampler:
    """Highest resident set size seen while running, sampled every 5 ms."""

    def __init__(self):
        self.peak = rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss_bytes())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())


class State:
    workspace = None
    snapshot = None
    words: list = []
    ratings: list = []
    sources: list = []
    users: list = []
    made = 0


def setup_workspace(total: int) -> None:
    from app.accounts.models import User
    from app.articles.services import article_import_text
    from app.members.services import member_add, workspace_create
    from app.sources.models import Source

    editor = User.objects.create_user("bench-editor", password="x")  # noqa: S106
    reviewer = User.objects.create_user("bench-reviewer", password="x")  # noqa: S106
    workspace = workspace_create(name="Bench exports", creator=editor)
    member_add(workspace=workspace, user=reviewer, role="reviewer", actor=editor)
    words = [f"w{n}" for n in range(total)]
    # Persian and astral characters in every line, as real articles have.
    text = "\n".join(
        " ".join(words[i : i + 40]) + " — گزارش‌ها 🚇" for i in range(0, len(words), 40)
    )
    State.workspace = workspace
    State.snapshot = article_import_text(
        workspace=workspace, text=text, url="https://example.org/bench", actor=editor
    ).snapshot
    offsets, position = [], 0
    for line in text.split("\n"):
        for word in line.split(" "):
            if word.startswith("w"):
                offsets.append((position, position + len(word), word))
            position += len(word) + 1
    State.words = offsets
    State.ratings = list(workspace.ratings.all())
    State.users = [editor, reviewer]
    State.sources = Source.objects.bulk_create(
        Source(
            workspace=workspace,
            url=f"https://source{n}.example.org/report",
            normalized_url=f"https://source{n}.example.org/report",
            title=f"Report {n}",
        )
        for n in range(200)
    )


def grow_to(total: int) -> None:
    """Add claims (with evidence and verdicts) until the workspace has `total`."""
    from django.db import connection
    from django.utils import timezone

    from app.claims.models import Claim, Evidence, RatingWords, Verdict

    rng = random.Random(total)
    editor, reviewer = State.users
    # A published claim carries its verdict's rating words, as the workflow writes them.
    words = {r.pk: RatingWords.of(r) for r in State.ratings}
    for batch_start in range(State.made, total, 5000):
        batch = State.words[batch_start : min(total, batch_start + 5000)]
        claims = []
        for start, end, word in batch:
            status = rng.choice(STATUSES)
            published = status in ("published", "corrected")
            claims.append(
                Claim(
                    workspace=State.workspace,
                    article_id=State.snapshot.article_id,
                    snapshot=State.snapshot,
                    start=start,
                    end=end,
                    exact=word,
                    restatement=f"Claim about {word}: =not a formula, «نقل»",
                    claimant=rng.choice(["The mayor", "وزیر", ""]),
                    status=status,
                    rating=(rating := rng.choice(State.ratings) if published else None),
                    **(words[rating.pk].as_fields("rating_", "rating_") if rating else {}),
                    verdict_summary="Checked against two reports." if published else "",
                    tags=rng.sample(TAGS, rng.randint(0, 2)),
                    created_by=reviewer,
                )
            )
        Claim.objects.bulk_create(claims, batch_size=5000)
        evidence, verdicts = [], []
        now = timezone.now()
        for claim in claims:
            for source in rng.sample(State.sources, rng.randint(1, 3)):
                evidence.append(
                    Evidence(
                        workspace=State.workspace,
                        claim=claim,
                        source=source,
                        stance=rng.choice(STANCES),
                        added_by=reviewer,
                    )
                )
            if claim.rating is not None:
                verdicts.append(
                    Verdict(
                        workspace=State.workspace,
                        claim=claim,
                        rating=claim.rating,
                        **words[claim.rating_id].as_fields("rating_", "scale_"),
                        summary=claim.verdict_summary,
                        state="published",
                        proposed_by=reviewer,
                        decided_by=editor,
                        decided_at=now,
                        published_at=now,
                    )
                )
        Evidence.objects.bulk_create(evidence, batch_size=5000)
        Verdict.objects.bulk_create(verdicts, batch_size=5000)
    State.made = total
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim; ANALYZE sources_evidence; ANALYZE claims_verdict")


def export_runs(user):
    """(name, rows, zero-argument function returning the stream of byte chunks)."""
    from app.exports import sql_rows, streams
    from app.exports.forms import ExportFilters
    from app.exports.records import ExportContext
    from app.exports.selectors import export_claims

    workspace = State.workspace
    filters = ExportFilters()
    context = ExportContext(
        workspace_slug=workspace.slug,
        workspace_name=workspace.name,
        base_url="https://sanad.example",
    )

    def claims(**kwargs):
        return export_claims(user=user, workspace=workspace, filters=filters, **kwargs)

    def annotations():
        every = claims()
        total = every.count()
        collection = "https://sanad.example/api/v1/exports/annotations/?workspace=bench"

        def page_url(number):
            return f"{collection}&page={number}"

        yield from streams.annotation_collection_stream(
            every, context, collection_id=collection, page_url=page_url
        )
        for page in range(1, streams.annotation_page_count(total)):
            yield from streams.annotation_page_stream(
                every,
                context,
                page=page,
                total=total,
                collection_id=collection,
                page_url=page_url,
            )

    def annotations_keyset():
        # The same walk through `next` links in the `after` form.
        every = claims()
        collection = "https://sanad.example/api/v1/exports/annotations/?workspace=bench"
        cursor = 0
        while cursor is not None:
            chunks = streams.annotation_keyset_page_stream(
                every,
                context,
                after=cursor,
                collection_id=collection,
                after_url=lambda claim: f"{collection}&after={claim}",
            )
            first = next(chunks)
            found = re.search(rb'"next":"[^"]*after=(\d+)"', first[:2000])
            cursor = int(found[1]) if found else None
            yield first
            yield from chunks

    def annotations_all():
        collection = "https://sanad.example/api/v1/exports/annotations/?workspace=bench"
        return streams.annotation_whole_collection_stream(
            claims(), context, collection_id=collection, whole_url=f"{collection}&page=all"
        )

    published = claims(published_only=True).count()
    every = claims().count()
    return [
        (
            "csv-py",
            every,
            lambda: streams.csv_stream(claims(with_evidence=True), context, bom=True),
        ),
        (
            # What the download view streams: each row made by `COPY … WITH CSV`.
            "csv-sql",
            every,
            lambda: streams.csv_stream_sql(claims(), context, bom=True),
        ),
        (
            "jsonl",
            every,
            lambda: streams.jsonl_stream(claims(with_evidence=True, with_verdicts=True), context),
        ),
        (
            # What the download view streams: captures too, each line built by PostgreSQL.
            "jsonl-sql",
            every,
            lambda: streams.jsonl_stream_sql(claims(), context),
        ),
        (
            # The same bytes made in Python (the path jsonl-sql replaced).
            "jsonl-py",
            every,
            lambda: streams.jsonl_stream(
                claims(with_evidence=True, with_verdicts=True, with_captures=True), context
            ),
        ),
        (
            # Reference on the same machine, same moment: COPY of the bare claim rows.
            "COPY rows",
            every,
            lambda: sql_rows.copy_lines(
                "SELECT c::text FROM claims_claim c WHERE c.workspace_id = %s",
                [workspace.pk],
                flush_bytes=streams.FLUSH_BYTES,
            ),
        ),
        (
            "claimreview",
            published,
            lambda: streams.claimreview_stream(
                claims(published_only=True, with_verdicts=True), context
            ),
        ),
        ("annotations", every, annotations),
        ("anno-keyset", every, annotations_keyset),
        ("anno-all", every, annotations_all),
    ]


def drain(chunks) -> int:
    written = 0
    with open("/dev/null", "wb") as sink:
        for chunk in chunks:
            written += sink.write(chunk)
    return written


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:] if arg.isdigit()] or [10_000, 100_000]
    # `--formats=csv-py,csv-sql`: only these rows (the setup dominates a loaded machine).
    chosen = [arg.split("=", 1)[1].split(",") for arg in sys.argv[1:] if arg.startswith("--f")]
    with bench_database():
        from app.exports import streams

        started = time.perf_counter()
        setup_workspace(max(sizes))
        print(f"chunk size {streams.CHUNK_SIZE} claims, flush {streams.FLUSH_BYTES // 1024} KiB")
        print(
            f"\n{'claims':>8} {'format':<12}{'rows':>8}{'MB out':>8}{'seconds':>9}{'rows/s':>9}"
            f"{'RSS +MB':>9}{'py peak MB':>11}"
        )
        for size in sorted(sizes):
            grow_to(size)
            if size == sorted(sizes)[0]:
                print(f"(populated in {time.perf_counter() - started:.1f} s)")
            user = State.users[0]
            if size == sorted(sizes)[0]:
                # Warm up: URL resolvers, imports and caches load once, not in the first row.
                for name, _, make_stream in export_runs(user):
                    if not chosen or name in chosen[0]:
                        drain(make_stream())
            for name, rows, make_stream in export_runs(user):
                if chosen and name not in chosen[0]:
                    continue
                baseline = rss_bytes()
                with RssSampler() as sampler:
                    begin = time.perf_counter()
                    written = drain(make_stream())
                    seconds = time.perf_counter() - begin
                tracemalloc.start()
                drain(make_stream())
                _, python_peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                print(
                    f"{size:>8,} {name:<12}{rows:>8,}{written / 1e6:>8.1f}{seconds:>9.2f}"
                    f"{rows / seconds:>9,.0f}{(sampler.peak - baseline) / 1e6:>9.1f}"
                    f"{python_peak / 1e6:>11.1f}"
                )
        print(
            f"\nprocess max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )


if __name__ == "__main__":
    main()
