"""`seed_demo` on a database nobody has migrated: it migrates first, then seeds."""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def empty_database(django_db_blocker):
    with django_db_blocker.unblock():
        params = connection.settings_dict
    name = f"sanad_fresh_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    host = quote(params["HOST"] or "localhost", safe="")
    port = f":{params['PORT']}" if params["PORT"] else ""
    try:
        yield f"postgresql://{quote(params['USER'] or '', safe='')}@{host}{port}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_seed_demo_migrates_a_fresh_database_by_itself(empty_database):
    env = {
        **os.environ,
        "DATABASE_URL": empty_database,
        "SANAD_ENV": "development",
        "SECRET_KEY": "fresh-database-test-key-0123456789abcdef-0123456789",
        "DJANGO_SETTINGS_MODULE": "app.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "pending migrations first" in result.stdout
    assert "Demo workspace" in result.stdout
