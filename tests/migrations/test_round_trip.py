"""A fresh database migrates by itself, and every migration can be unapplied and applied
again, leaving a database that works.

One scratch database serves both (migrating from nothing is the costly part, so it is
done once): first `seed_demo`, as `./sanad run` calls it, on the empty database, with
the development settings: it must apply the pending migrations itself, then seed. Then,
in one child process (its own settings, so the suite's test database and runtime role
are untouched), on that seeded database: step search back to 0002 (the reverse of 0003
once left imports failing) and import there; unapply every app to zero (but the job
queue's, whose migrations only go forward), which must leave no table or function
behind, demo data or not; migrate up again; then import an article, anchor a claim and
download an export, as a newsroom would.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scratch_db import scratch_database

ROOT = Path(__file__).resolve().parents[2]

# Migrating a database from nothing three times is CPU-heavy: one worker runs it.
pytestmark = [pytest.mark.xdist_group("scratch-databases"), pytest.mark.slow]

SCRIPT = r"""
import json
import django

django.setup()

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from app.accounts.models import User
from app.articles.services import article_import_text
from app.claims.services import claim_create
from app.members.services import workspace_create
from app.search.models import SearchEntry

TEXT = "The mayor said ridership rose 12% in 2025.\n\nCommuters agreed on 18 June 2024.\n"


def leftovers():
    # Extension objects are skipped: the scratch database's template may hold them.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'table ' || c.relname FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'S', 'p')"
            " AND c.relname NOT LIKE 'django_migrations%%'"
            " AND NOT EXISTS (SELECT 1 FROM pg_depend d"
            "   WHERE d.objid = c.oid AND d.deptype = 'e')"
            " UNION ALL SELECT 'function ' || p.proname FROM pg_proc p"
            " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'"
            " AND NOT EXISTS (SELECT 1 FROM pg_depend d"
            "   WHERE d.objid = p.oid AND d.deptype = 'e')"
        )
        return sorted(row[0] for row in cursor.fetchall() if " procrastinate_" not in row[0])


def migrate_to(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def import_article(workspace, user, title):
    return article_import_text(workspace=workspace, text=TEXT, title=title, actor=user)


result = {}
# seed_demo has migrated everything (with the development settings): nothing is left.
result["pending_after_seed"] = len(
    MigrationExecutor(connection).migration_plan(
        MigrationExecutor(connection).loader.graph.leaf_nodes()
    )
)

migrate_to([("search", "0002_triggers")])
user = User.objects.create_user(username="before")
workspace = workspace_create(name="Stepped back", creator=user)
import_article(workspace, user, "Imported with search at 0002")
result["entries_at_0002"] = SearchEntry.objects.filter(
    kind="article", workspace=workspace
).count()
call_command("migrate", verbosity=0)

# Procrastinate's own migrations only go forward; its tables are left in place.
executor = MigrationExecutor(connection)
migrate_to([(app, None) for app in sorted(executor.loader.migrated_apps - {"procrastinate"})])
result["left_at_zero"] = leftovers()
result["applied_at_zero"] = sorted(
    f"{app}.{name}"
    for app, name in MigrationExecutor(connection).loader.applied_migrations
    if app != "procrastinate"
)

call_command("migrate", verbosity=0)
user = User.objects.create_user(username="after")
workspace = workspace_create(name="Round trip", creator=user)
imported = import_article(workspace, user, "Ridership report")
claim = claim_create(
    workspace=workspace, snapshot=imported.snapshot, start=0, end=9, exact="The mayor", actor=user
)
entry = SearchEntry.objects.get(kind="article", object_id=imported.article.pk)
result["article_entry_has_body"] = entry.body_document is not None
result["claim_id"] = claim.pk
result["claim_entries"] = SearchEntry.objects.filter(kind="claim", object_id=claim.pk).count()
client = Client()
client.force_login(user)
response = client.post(
    reverse("export-page", kwargs={"slug": workspace.slug}), {"format": "jsonl"}
)
result["export_status"] = response.status_code
result["export"] = [
    json.loads(line)
    for line in b"".join(response.streaming_content).decode().splitlines()
    if line.strip()
]
print(json.dumps(result))
"""


@pytest.fixture(scope="module")
def seeded(django_db_blocker):
    """An empty scratch database given to `seed_demo`: its URL and the command's run."""
    with django_db_blocker.unblock(), scratch_database("sanad_fresh") as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SANAD_ENV": "development",
            "SECRET_KEY": "fresh-database-test-key-0123456789abcdef-0123456789",
            "DJANGO_SETTINGS_MODULE": "app.settings",
        }
        seed = subprocess.run(
            [sys.executable, "manage.py", "seed_demo"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        yield url, seed


def test_seed_demo_migrates_a_fresh_database_by_itself(seeded):
    _, result = seeded
    assert result.returncode == 0, result.stderr
    assert "pending migrations first" in result.stdout
    assert "Demo workspace" in result.stdout


def test_every_app_migrates_to_zero_and_back_and_the_app_still_works(seeded):
    scratch_url, seed = seeded
    assert seed.returncode == 0, seed.stderr
    env = {
        **os.environ,
        "DATABASE_URL": scratch_url,
        "SANAD_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "app.settings_test",
    }
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])

    assert result["pending_after_seed"] == 0
    assert result["entries_at_0002"] == 1
    assert result["left_at_zero"] == []
    assert result["applied_at_zero"] == []
    assert result["article_entry_has_body"]
    assert result["claim_entries"] == 1
    assert result["export_status"] == 200
    (record,) = result["export"]
    assert record["id"] == result["claim_id"]
    assert "The mayor" in json.dumps(record["selectors"], ensure_ascii=False)
    assert record["article"]["title"] == "Ridership report"
