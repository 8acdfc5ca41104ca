"""Streaming exports of 10,000 and 100,000 claims: rows/s and peak memory per format.

Run: DATABASE_URL=postgresql://... .venv/bin/python bench/export_claims.py [sizes...]
     [--formats=csv-py,csv-sql,jsonl-sql,...]
(default sizes: 10000 100000). One workspace gets the claims from
`_populate.populate_claims` (templates made by the services, multiplied by SQL: every
state, evidence with sources and captures, verdicts and corrections, comments); each
format is then streamed through the very generators the views use (`app.exports.
streams`) into /dev/null, twice: once timed while a thread samples the process's
resident memory, once under tracemalloc for the peak of Python allocations. Flat
memory means the 100,000-claim peaks match the 10,000-claim ones. `py CPU` and `pg CPU`
are the CPU seconds of this process and of its PostgreSQL backend during the timed run
(parallel workers not counted): figures that do not move with the machine's load.
"""

import os
import re
import resource
import sys
import threading
import time
import tracemalloc
from pathlib import Path

from _setup import bench_database

PAGE_SIZE_BYTES = resource.getpagesize()


def server_cpu_seconds() -> float:
    """CPU time of this connection's PostgreSQL backend (0 when it is not on this machine).

    Load-independent, unlike the wall clock: with other work on the same two cores,
    `seconds` says as much about the neighbours as about the export."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
    if not stat.exists():
        return 0.0
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    users: list = []
    made = 0


def setup_workspace() -> None:
    from app.accounts.models import User
    from app.members.services import workspace_create

    editor = User.objects.create_user("bench-editor", password="x")  # noqa: S106
    State.workspace = workspace_create(name="Bench exports", creator=editor)
    State.users = [editor]


def grow_to(total: int) -> None:
    """Add claims (evidence, captures, verdicts, corrections) until the workspace has `total`."""
    from _populate import populate_claims

    populate_claims(workspace=State.workspace, actor=State.users[0], count=total - State.made)
    State.made = total


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

        setup_workspace()
        print(f"chunk size {streams.CHUNK_SIZE} claims, flush {streams.FLUSH_BYTES // 1024} KiB")
        print(
            f"\n{'claims':>8} {'format':<12}{'rows':>8}{'MB out':>8}{'seconds':>9}{'rows/s':>9}"
            f"{'RSS +MB':>9}{'peak RSS MB':>12}{'py peak MB':>11}{'py CPU':>8}{'pg CPU':>8}"
        )
        for size in sorted(sizes):
            started = time.perf_counter()
            grow_to(size)
            print(f"(populated to {size:,} claims in {time.perf_counter() - started:.1f} s)")
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
                server_before = server_cpu_seconds()
                with RssSampler() as sampler:
                    begin, cpu = time.perf_counter(), time.process_time()
                    written = drain(make_stream())
                    seconds = time.perf_counter() - begin
                    cpu = time.process_time() - cpu
                server = server_cpu_seconds() - server_before
                tracemalloc.start()
                drain(make_stream())
                _, python_peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                print(
                    f"{size:>8,} {name:<12}{rows:>8,}{written / 1e6:>8.1f}{seconds:>9.2f}"
                    f"{rows / seconds:>9,.0f}{(sampler.peak - baseline) / 1e6:>9.1f}"
                    f"{sampler.peak / 1e6:>12.1f}"
                    f"{python_peak / 1e6:>11.1f}{cpu:>8.2f}{server:>8.2f}"
                )
        print(
            f"\nprocess max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )


if __name__ == "__main__":
    main()
