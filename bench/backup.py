"""Backup and restore of one large workspace: export time, archive size, restore time.

Run: DATABASE_URL=... .venv/bin/python bench/backup.py [claims]
One workspace gets 20 Persian/English articles, N claims (default 10,000) with tags
and search entries, 500 comments through the service (so 500+ audit events), then is
exported, purged and imported again; the restored rows are counted and the restored
chain's head is compared with the exported one.

Then the archive goes through the commands into a second, freshly migrated database,
is exported again from there, and the two archives' member checksums are compared:
equal checksums mean every table's rows are byte for byte what PostgreSQL held in the
first database. A second import there must fail with exit status 1.
"""

import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from _setup import bench_database

ROOT = Path(__file__).resolve().parent.parent

TAGS = ["economy", "health", "اقتصاد", "انتخابات", "🏛️"]


def populate(claim_count: int):
    from app.accounts.models import User
    from app.articles.services import article_import_text
    from app.claims.models import Claim
    from app.claims.services import comment_add
    from app.members.services import workspace_create

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
        from app.operations.backup import workspace_export, workspace_import
        from app.operations.purge import workspace_purge

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
            restore_elsewhere(path, Path(folder))


def _manage(database_url: str, *arguments: str) -> subprocess.CompletedProcess:
    environment = os.environ | {"DATABASE_URL": database_url, "SANAD_ENV": "test"}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def _checksums(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    members = [*manifest["tables"], manifest["users"], manifest["audit"]]
    return {entry["file"]: entry["sha256"] for entry in members}


def restore_elsewhere(archive: Path, folder: Path) -> None:
    """Import into a second, empty database through the commands; compare re-exports."""
    from django.db import connection

    settings = connection.settings_dict
    name = f"{settings['NAME']}_elsewhere"
    base = f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = f"{base}/{name}"
    try:
        begin = time.perf_counter()
        migrated = _manage(url, "migrate", "--no-input")
        assert migrated.returncode == 0, migrated.stderr
        print(f"second database migrated in {time.perf_counter() - begin:.1f} s")
        begin = time.perf_counter()
        restored = _manage(url, "import_workspace", str(archive))
        assert restored.returncode == 0, restored.stderr
        print(f"import_workspace into it: {time.perf_counter() - begin:.2f} s (whole command)")
        again = folder / "elsewhere.sanad.zip"
        exported = _manage(url, "export_workspace", restored.stdout.strip(), "-o", str(again))
        assert exported.returncode == 0, exported.stderr
        first, second = _checksums(archive), _checksums(again)
        differing = sorted(member for member in first if first[member] != second.get(member))
        print(
            f"re-export from the second database: {len(first) - len(differing)} of "
            f"{len(first)} members identical{'; differ: ' + ', '.join(differing) if differing else ''}"
        )
        refused = _manage(url, "import_workspace", str(archive))
        print(
            f"second import there: exit {refused.returncode}, "
            f"{refused.stderr.strip().splitlines()[-1]}"
        )
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
