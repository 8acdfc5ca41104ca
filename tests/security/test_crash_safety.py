"""Crash safety: SIGKILL in the middle of a bulk import and of a large export.

The processes run apart from the test, against the test database, as they would in
production; the test kills them at a random-ish moment of their work, then checks
that the database holds only whole articles and snapshots, that the audit chain of
the workspace still verifies, and that the work can simply be run again. The run
again is in the test's own process (the same command, the same export view, on the
same database): a second child would only add a Python start to wait for.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from app.articles.models import Article, Snapshot
from app.audit.models import AuditEvent
from app.audit.verify import export_line, verify_lines

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = 12
KILLED_AT = 5  # articles 0-4 committed, the import killed inside article 5
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def database_url() -> str:
    settings = connection.settings_dict
    host = urllib.parse.quote(settings["HOST"] or "127.0.0.1", safe="")
    port = settings["PORT"] or 5432
    return f"postgresql://{settings['USER']}@{host}:{port}/{settings['NAME']}"


def environment() -> dict:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(DATABASE_URL=database_url(), DJANGO_SETTINGS_MODULE="app.settings_test")
    return env


def write_articles(folder: Path) -> None:
    rows = []
    for n in range(ARTICLES):
        name = f"a{n:03}.txt"
        paragraph = f"گزارش شمارهٔ {n}: وزیر گفت قرارداد در ۱۸ ژوئن ۲۰۲۴ امضا شد. 🚇 "
        (folder / name).write_text(paragraph * 100 + f"\n\nArticle {n} ends.\n", "utf-8")
        rows.append({"file": name, "url": f"https://news.example/{n}", "title": f"خبر {n}"})
    (folder / "manifest.jsonl").write_text(
        "\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n", "utf-8"
    )


def import_command(folder: Path, slug: str) -> list[str]:
    return [
        sys.executable,
        "manage.py",
        "import_articles",
        str(folder),
        "--workspace",
        slug,
        "--no-progress",
    ]


def assert_whole_and_verified(workspace) -> None:
    for article in Article.objects.filter(workspace=workspace):
        snapshots = list(Snapshot.objects.filter(article=article))
        assert len(snapshots) == 1, article.pk
        assert snapshots[0].text.endswith("ends.\n")  # never a truncated text
    created = AuditEvent.objects.filter(workspace=workspace, action="article.created").count()
    assert created == Article.objects.filter(workspace=workspace).count()
    lines = (
        export_line(canonical, event_hash)
        for canonical, event_hash in AuditEvent.objects.filter(workspace=workspace)
        .order_by("seq")
        .values_list("canonical", "hash")
    )
    result = verify_lines(lines)
    assert result.ok, str(result)


def hold_article(blocker, workspace, n: int) -> None:
    """Write, uncommitted, an article under the URL of the manifest's n-th one: the
    import's own INSERT of that article then waits on the unique URL until this
    transaction ends, so it is stopped inside that article's transaction, after the
    ones before it are committed, however fast this machine imports."""
    blocker.execute(
        "CREATE TEMP TABLE held ON COMMIT DROP AS SELECT * FROM articles_article "
        "WHERE workspace_id = %s ORDER BY id LIMIT 1",
        [workspace.pk],
    )
    blocker.execute(
        "UPDATE held SET id = nextval(pg_get_serial_sequence('articles_article', 'id')), url = %s",
        [f"https://news.example/{n}"],
    )
    blocker.execute("INSERT INTO articles_article SELECT * FROM held")


def waiting_for_the_hold(blocker) -> None:
    """Until another backend waits on the held article's transaction."""
    deadline = time.monotonic() + 60
    while True:
        waiting = blocker.execute(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid' "
            "AND transactionid = pg_current_xact_id()::xid"
        ).fetchone()[0]
        if waiting:
            return
        assert time.monotonic() < deadline, "the import never reached the held article"
        time.sleep(0.02)


def test_a_killed_bulk_import_leaves_whole_articles_and_can_be_run_again(tmp_path, team):
    write_articles(tmp_path)
    workspace = team.workspace
    process = subprocess.Popen(
        import_command(tmp_path, workspace.slug),
        cwd=ROOT,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    with psycopg.connect(database_url()) as blocker:
        deadline = time.monotonic() + 60
        while Article.objects.filter(workspace=workspace).count() < 1:
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the import did not start"
            time.sleep(0.02)
        hold_article(blocker, workspace, KILLED_AT)
        waiting_for_the_hold(blocker)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        process.stderr.close()
        blocker.rollback()
    imported = Article.objects.filter(workspace=workspace).count()
    assert imported == KILLED_AT, "the kill did not land inside the held article"
    # The server ends the killed connection's open transaction: wait until it has.
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%%'"
            )
            if cursor.fetchone()[0] == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
    assert_whole_and_verified(workspace)

    # Raises CommandError if any file fails.
    call_command(
        "import_articles",
        str(tmp_path),
        "--workspace",
        workspace.slug,
        "--no-progress",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert Article.objects.filter(workspace=workspace).count() == ARTICLES
    assert_whole_and_verified(workspace)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def many_claims(team, count: int) -> int:
    """One article with `count` claims, inserted in bulk (anchors as the service makes them).

    The claims take turns over the 100 phrases of a short text: the anchor trigger then
    reads a small snapshot per insert, and the export still has `count` lines to stream.
    """
    from app.articles.services import article_import_text
    from app.claims.anchors import anchor_from_offsets
    from app.claims.models import Claim

    phrases = [f"واژه{n} 🚇 word{n}" for n in range(100)]
    imported = article_import_text(
        workspace=team.workspace,
        text=" ".join(phrases) + "\n\nThe list ends.\n",
        actor=team.reviewer,
    )
    text = imported.snapshot.text
    anchors, position = [], 0
    for phrase in phrases:
        start = text.index(phrase, position)
        position = start + len(phrase)
        anchors.append((start, anchor_from_offsets(text, start, position, phrase)))
    claims = []
    for n in range(count):
        phrase = phrases[n % len(phrases)]
        start, anchor = anchors[n % len(phrases)]
        claims.append(
            Claim(
                workspace=team.workspace,
                article=imported.article,
                snapshot=imported.snapshot,
                start=start,
                end=start + len(phrase),
                exact=phrase,
                prefix=anchor.prefix,
                suffix=anchor.suffix,
                restatement=f"Restated {phrase} ({n})",
                created_by=team.reviewer,
            )
        )
    Claim.objects.bulk_create(claims, batch_size=1000)
    return count


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            assert server.poll() is None, "the server did not start"
            assert time.monotonic() < deadline, "the server did not start in time"
            time.sleep(0.1)


def test_a_server_killed_during_a_large_export_loses_nothing(client, team):
    import urllib.request

    from django.conf import settings as django_settings

    from app.claims.models import Claim

    total = many_claims(team, 3000)
    client.force_login(team.viewer)
    name = django_settings.SESSION_COOKIE_NAME
    cookie = f"{name}={client.cookies[name].value}"
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/v1/exports/jsonl/?workspace={team.workspace.slug}"
    request = urllib.request.Request(url, headers={"Cookie": cookie})

    server = start_server(port)
    try:
        response = urllib.request.urlopen(request, timeout=30)  # noqa: S310 - loopback
        assert response.status == 200
        first = response.read(64 * 1024)
        assert first.count(b"\n") < total, "the export finished before the kill"
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        response.close()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert Claim.objects.filter(workspace=team.workspace).count() == total
    assert_whole_and_verified(team.workspace)

    response = client.get(url.removeprefix(f"http://127.0.0.1:{port}"))
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    assert len(lines) == total
    assert {json.loads(line)["id"] for line in lines} == set(
        Claim.objects.filter(workspace=team.workspace).values_list("pk", flat=True)
    )
    assert_whole_and_verified(team.workspace)
