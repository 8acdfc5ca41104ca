"""The audit chain at 1,000,000 events: streaming export vs COPY, and offline verification.

Run: DATABASE_URL=... .venv/bin/python bench/audit_chain.py [events]
Builds a chain of N events (default 1,000,000) for one workspace with COPY, each row's
canonical text and hash computed here as `audit_append` would (the
append-only trigger refuses UPDATE and DELETE only). Then times:
 (a) the export through `jsonl_chunks` (the generator the view and the API stream)
     written to /dev/null, against PostgreSQL's own `COPY (SELECT canonical ...) TO
     STDOUT` of the same rows, with the export's peak memory (tracemalloc);
 (b) `verify_lines` over the exported file, in events per second.
"""

import datetime as dt
import hashlib
import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc

from _setup import bench_database

TARGET_EXPORT_RATIO = 0.25
TARGET_VERIFY_RATE = 200_000
ACTIONS = ["claim.created", "claim.status_changed", "evidence.added", "comment.added"]


def fast_canonical(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def build_chain(workspace_id: int, count: int) -> float:
    import rfc8785
    from django.db import connection

    start = time.perf_counter()
    previous = "0" * 64
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with connection.cursor() as cursor:
        copy_sql = (
            "COPY audit_auditevent (workspace_id, seq, at, actor_user_id, actor, action, "
            "object_type, object_id, before, after, reason, request_id, prev_hash, hash, "
            "canonical) FROM STDIN"
        )
        with cursor.cursor.copy(copy_sql) as copy:
            for seq in range(1, count + 1):
                at = base + dt.timedelta(microseconds=seq * 1_000)
                actor = {"type": "user", "id": 1, "username": "bench-editor"}
                payload = {
                    "workspace": workspace_id,
                    "seq": seq,
                    "at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    "actor": actor,
                    "action": ACTIONS[seq % len(ACTIONS)],
                    "object": {"type": "claim", "id": str(seq // 3 + 1)},
                    "before": {"status": "open"},
                    "after": {"status": "in_review", "summary": "وزیر گفت قرارداد امضا شد"},
                    "reason": "",
                    "request_id": f"req-{seq:012d}",
                    "prev_hash": previous,
                }
                # json.dumps gives RFC 8785 text for these payloads (ASCII keys, integers,
                # BMP strings) many times faster than rfc8785; checked on a sample below.
                canonical = fast_canonical(payload)
                if seq <= 100:
                    assert canonical == rfc8785.dumps(payload).decode("utf-8")
                digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
                copy.write_row(
                    (
                        workspace_id,
                        seq,
                        at,
                        1,
                        json.dumps(actor),
                        payload["action"],
                        "claim",
                        payload["object"]["id"],
                        json.dumps(payload["before"]),
                        json.dumps(payload["after"], ensure_ascii=False),
                        "",
                        payload["request_id"],
                        previous,
                        digest,
                        canonical,
                    )
                )
                previous = digest
        cursor.execute("ANALYZE audit_auditevent")
    return time.perf_counter() - start


def time_copy(workspace_id: int) -> tuple[float, int]:
    from django.db import connection

    sink, size = open(os.devnull, "wb"), 0  # noqa: SIM115
    start = time.perf_counter()
    with connection.cursor() as cursor:
        sql = (
            "COPY (SELECT canonical, hash FROM audit_auditevent WHERE workspace_id = %s "
            "ORDER BY seq) TO STDOUT"
        )
        with cursor.cursor.copy(sql, [workspace_id]) as copy:
            for block in copy:
                size += len(block)
                sink.write(block)
    sink.close()
    return time.perf_counter() - start, size


def time_export(workspace_id: int, path: str) -> tuple[float, int, int]:
    from app.audit.export import jsonl_chunks
    from app.audit.services import ExportRange

    tracemalloc.start()
    size = 0
    start = time.perf_counter()
    with open(path, "wb") as handle:
        for chunk in jsonl_chunks(ExportRange(workspace_id=workspace_id)):
            size += len(chunk)
            handle.write(chunk)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, size, peak


def time_export_devnull(workspace_id: int) -> float:
    from app.audit.export import jsonl_chunks
    from app.audit.services import ExportRange

    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        for chunk in jsonl_chunks(ExportRange(workspace_id=workspace_id)):
            sink.write(chunk)
    return time.perf_counter() - start


def main(count: int) -> None:
    with bench_database():
        from django.db import transaction

        from app.accounts.models import User
        from app.audit.models import AuditEvent
        from app.audit.verify import verify_lines
        from app.workspaces.models import Workspace

        User.objects.create_user("bench-editor", password="x")  # noqa: S106
        with transaction.atomic():
            workspace = Workspace.objects.create(name="Bench audit", slug="bench-audit")
        print(f"Building a chain of {count:,} events with COPY ...", flush=True)
        built = build_chain(workspace.pk, count)
        print(f"  built in {built:.1f} s ({count / built:,.0f} events/s)")
        assert AuditEvent.objects.filter(workspace=workspace).count() == count

        copy_s, copy_bytes = time_copy(workspace.pk)
        export_s = time_export_devnull(workspace.pk)
        copy_s2, _ = time_copy(workspace.pk)
        copy_s = min(copy_s, copy_s2)
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "trail.jsonl")
            file_s, export_bytes, peak = time_export(workspace.pk, path)
            rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print("\n(a) export of the whole chain")
            print(
                f"  PostgreSQL COPY TO STDOUT: {copy_s:.2f} s, {count / copy_s:,.0f} rows/s, "
                f"{copy_bytes / 1e6:.0f} MB"
            )
            print(
                f"  jsonl_chunks to /dev/null: {export_s:.2f} s, {count / export_s:,.0f} events/s, "
                f"{export_bytes / 1e6:.0f} MB"
            )
            ratio = copy_s / export_s
            print(
                f"  export rate / COPY rate: {ratio:.0%} (target >= {TARGET_EXPORT_RATIO:.0%}) "
                f"{'OK' if ratio >= TARGET_EXPORT_RATIO else 'MISSED'}"
            )
            print(
                f"  export to a file: {file_s:.2f} s; peak Python memory during export "
                f"{peak / 1e6:.1f} MB (tracemalloc); process peak RSS so far {rss_mb:.0f} MB "
                f"(includes building the chain) "
                f"{'OK' if peak < 100e6 else 'MISSED'}"
            )

            print("\n(b) offline verification of the exported file")
            start = time.perf_counter()
            result = verify_lines(path, expect_first_seq=1)
            verify_s = time.perf_counter() - start
            rate = count / verify_s
            print(f"  {result}")
            print(
                f"  verify_lines: {verify_s:.2f} s, {rate:,.0f} events/s "
                f"(target >= {TARGET_VERIFY_RATE:,}) "
                f"{'OK' if rate >= TARGET_VERIFY_RATE and result.ok else 'MISSED'}"
            )
            start = time.perf_counter()
            strict = verify_lines(path, expect_first_seq=1, strict=True)
            strict_s = time.perf_counter() - start
            print(
                f"  verify_lines(strict=True), every line parsed and re-canonicalized: "
                f"{strict_s:.2f} s, {count / strict_s:,.0f} events/s, ok={strict.ok}"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
