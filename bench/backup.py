"""Backup and restore of one large workspace: export time, archive size, restore time.

Run: DATABASE_URL=... .venv/bin/python bench/backup.py [claims]
One workspace gets 20 Persian/English articles, N claims (default 10,000) with tags
and search entries, 500 comments through the service (so 500+ audit events), then is
exported, purged and imported again; the restored rows are counted and the restored
chain's head is compared with the exported one.
"""

import random
import sys
import tempfile
import time
from pathlib import Path

from _setup import bench_database

TAGS = ["economy", "health", "اقتصاد", "انتخابات", "🏛️"]


def populate(claim_count: int):
    from app.accounts.models import User
    from app.articles.services import article_import_text
    from app.claims.models import Claim
    from app.claims.services import comment_add
    from app.workspaces.services import workspace_create

    rng = random.Random(11)
    editor = User.objects.create_user("bench-editor", password="x")  # noqa: S106
    workspace = workspace_create(name="Backup bench", creator=editor)
    per_article = claim_count // 20 + 1
    claims = []
    for index in range(20):
        words = [f"واژه{n}" if index % 2 else f"word{n}" for n in range(per_article)]
        text = " ".join(words) + " 𐎠𐎭𐎶"
        snapshot = article_import_text(
            workspace=workspace, text=text, title=f"Article {index}", actor=editor
        ).snapshot
        position = 0
        for word in words:
            if len(claims) < claim_count:
                claims.append(
                    Claim(
                        workspace=workspace,
                        article_id=snapshot.article_id,
                        snapshot=snapshot,
                        start=position,
                        end=position + len(word),
                        exact=word,
                        tags=rng.sample(TAGS, rng.randint(0, 2)),
                        created_by=editor,
                    )
                )
            position += len(word) + 1
    begin = time.perf_counter()
    Claim.objects.bulk_create(claims, batch_size=2000)
    # The same triggers (anchor check, search indexing) run again on restore; this is
    # the yardstick for the restore's claims table.
    print(f"bulk_create of {len(claims):,} claims: {time.perf_counter() - begin:.2f} s")
    for claim in rng.sample(claims, 500):
        comment_add(claim=claim, body=f"نظر درباره {claim.exact}", actor=editor)
    return workspace


def main() -> None:
    claim_count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with bench_database():
        from app.audit.models import AuditEvent
        from app.audit.purge import workspace_purge
        from app.workspaces.backup import workspace_export, workspace_import

        started = time.perf_counter()
        workspace = populate(claim_count)
        print(f"populated {claim_count:,} claims in {time.perf_counter() - started:.1f} s")
        head = AuditEvent.objects.filter(workspace=workspace).order_by("-seq").first()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.sanad.zip"
            begin = time.perf_counter()
            exported = workspace_export(workspace=workspace, path=path, log=lambda line: None)
            export_s = time.perf_counter() - begin
            rows = sum(exported.rows.values())
            size = path.stat().st_size
            print(
                f"export: {rows:,} rows in {len(exported.rows)} tables, "
                f"{exported.audit_events} audit events, {export_s:.2f} s "
                f"({rows / export_s:,.0f} rows/s), archive {size / 1_048_576:.2f} MiB"
            )
            begin = time.perf_counter()
            workspace_purge(
                workspace=workspace, confirm=workspace.slug, reason="bench", operator="bench"
            )
            print(f"purge: {time.perf_counter() - begin:.2f} s")
            begin = mark = time.perf_counter()

            def timed(line: str) -> None:
                nonlocal mark
                now = time.perf_counter()
                if line.endswith(" rows") and now - mark > 0.5:
                    print(f"  {line} in {now - mark:.2f} s")
                mark = now

            restored = workspace_import(path=path, log=timed)
            import_s = time.perf_counter() - begin
            restored_rows = sum(restored.rows.values())
            print(
                f"import: {restored_rows:,} rows in {import_s:.2f} s "
                f"({restored_rows / import_s:,.0f} rows/s), checks and chain comparison included"
            )
            print(
                f"same head hash: {restored.head_hash == head.hash} ({head.hash[:16]}…, "
                f"seq {head.seq}); rows equal: {restored.rows == exported.rows}"
            )


if __name__ == "__main__":
    main()
