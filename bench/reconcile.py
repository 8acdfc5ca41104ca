"""Reconciliation at 100,000 claims and 1,000,000 events: time and memory.

Run: ./sanad bench bench/reconcile.py [claims] [events per claim]   (default 100000 10)
Builds one workspace whose claims are bulk-created and whose trail holds, per claim, a
`claim.created` event and then `claim.updated` events changing its tags (the last one
leaving the tags the live row has), written by COPY with canonical text and hashes as
`audit_append` makes them. Then times `workspace_reconcile` (target: under 60 s, memory
flat: the peak Python allocation must not grow with the number of claims), tampers with
a few claims by SQL and checks that exactly those are reported.
"""

import datetime as dt
import hashlib
import json
import resource
import sys
import time
import tracemalloc

from _setup import bench_database

TARGET_SECONDS = 60


def canonical_text(payload: dict) -> str:
    # RFC 8785 for these payloads (ASCII keys, integers, strings): sorted, compact JSON.
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def populate(claims: int, per_claim: int):
    from django.db import connection

    from app.accounts.models import User
    from app.articles.services import article_import_text
    from app.claims.anchors import anchor_from_offsets
    from app.claims.models import Claim
    from app.members.services import workspace_create

    editor = User.objects.create_user(f"bench-editor-{claims}")
    workspace = workspace_create(name=f"Reconcile bench {claims}", creator=editor)
    words = [f"واژه{i}" for i in range(5_000)]
    text = " ".join(words) + "\n"
    snapshot = article_import_text(
        workspace=workspace, text=text, title="Bench", actor=editor
    ).snapshot
    offsets, position = [], 0
    for word in words:
        offsets.append((position, position + len(word)))
        position += len(word) + 1

    begin = time.perf_counter()
    rows = []
    for i in range(claims):
        start, end = offsets[i % len(offsets)]
        anchor = anchor_from_offsets(text, start, end, text[start:end])
        rows.append(
            Claim(
                workspace=workspace,
                article_id=snapshot.article_id,
                snapshot=snapshot,
                start=anchor.start,
                end=anchor.end,
                exact=anchor.exact,
                prefix=anchor.prefix,
                suffix=anchor.suffix,
                restatement=f"ادعای شماره {i}",
                tags=[f"t{i % 7}"],
                created_by=editor,
            )
        )
    made = Claim.objects.bulk_create(rows, batch_size=5_000)
    print(f"{claims:,} claims bulk-created in {time.perf_counter() - begin:.1f} s", flush=True)

    begin = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq, hash FROM audit_auditevent WHERE workspace_id = %s "
            "ORDER BY seq DESC LIMIT 1",
            [workspace.pk],
        )
        seq, previous = cursor.fetchone()
        base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        actor = {"type": "user", "id": editor.pk, "username": editor.username}
        actor_json = json.dumps(actor)
        columns = (
            "workspace_id, seq, at, actor_user_id, actor, action, object_type, object_id, "
            "before, after, reason, request_id, prev_hash, hash, canonical"
        )
        with cursor.cursor.copy(f"COPY audit_auditevent ({columns}) FROM STDIN") as copy:
            for claim in made:
                created = {
                    "article_id": claim.article_id,
                    "snapshot_id": claim.snapshot_id,
                    "start": claim.start,
                    "end": claim.end,
                    "exact": claim.exact,
                    "prefix": claim.prefix,
                    "suffix": claim.suffix,
                    "restatement": claim.restatement,
                    "claimant": "",
                    "status": "open",
                    "tags": [],
                }
                changes = [("claim.created", None, created)]
                for step in range(1, per_claim):
                    tags = list(claim.tags) if step == per_claim - 1 else [f"draft{step}"]
                    changes.append(("claim.updated", {"version": step}, {"tags": tags}))
                for action, before, after in changes:
                    seq += 1
                    at = base + dt.timedelta(microseconds=seq)
                    payload = {
                        "workspace": workspace.pk,
                        "seq": seq,
                        "at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                        "actor": actor,
                        "action": action,
                        "object": {"type": "claim", "id": str(claim.pk)},
                        "before": before,
                        "after": after,
                        "reason": "",
                        "request_id": "",
                        "prev_hash": previous,
                    }
                    canonical = canonical_text(payload)
                    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
                    copy.write_row(
                        (
                            workspace.pk,
                            seq,
                            at,
                            editor.pk,
                            actor_json,
                            action,
                            "claim",
                            str(claim.pk),
                            json.dumps(before) if before is not None else None,
                            json.dumps(after, ensure_ascii=False),
                            "",
                            "",
                            previous,
                            digest,
                            canonical,
                        )
                    )
                    previous = digest
        cursor.execute("ANALYZE audit_auditevent; ANALYZE claims_claim")
    print(f"{seq:,} events written by COPY in {time.perf_counter() - begin:.1f} s", flush=True)
    return workspace, made


def measure(workspace, *, trace: bool = False):
    """Time one reconciliation; with `trace`, its peak Python allocation instead (slower)."""
    from app.operations.reconcile import workspace_reconcile

    if trace:
        tracemalloc.start()
    begin = time.perf_counter()
    report = workspace_reconcile(workspace=workspace)
    seconds = time.perf_counter() - begin
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    tracemalloc.stop()
    return report, seconds, peak


def main(claims: int, per_claim: int) -> None:
    from django.db import connection

    with bench_database():
        small, _ = populate(claims // 10, per_claim)
        workspace, made = populate(claims, per_claim)
        _, small_seconds, _ = measure(small)
        _, _, small_peak = measure(small, trace=True)
        report, seconds, _ = measure(workspace)
        _, _, peak = measure(workspace, trace=True)
        print(
            f"reconcile {report.checked} / {report.events:,} events: {seconds:.1f} s "
            f"({report.events / seconds:,.0f} events/s), peak Python memory "
            f"{peak / 2**20:.1f} MB; at a tenth of the size {small_seconds:.1f} s, "
            f"{small_peak / 2**20:.1f} MB; process max RSS "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )
        print(
            ("OK" if seconds < TARGET_SECONDS else "MISSED")
            + f": target under {TARGET_SECONDS} s; drift on untouched data: {len(report.drift)}"
        )
        tampered = [made[i].pk for i in (0, len(made) // 2, len(made) - 1)]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE claims_claim SET restatement = 'tampered' WHERE id = ANY(%s)", [tampered]
            )
        report, seconds, _ = measure(workspace)
        named = sorted(int(d.object_id) for d in report.drift)
        print(
            f"after tampering with {len(tampered)} claims by SQL: {len(report.drift)} drift "
            f"found in {seconds:.1f} s; " + ("OK" if named == sorted(tampered) else "MISSED")
        )


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 100_000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 10,
    )
