"""`seed_demo` on a database nobody has migrated: it migrates first, then seeds."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scratch_db import scratch_database

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def empty_database(django_db_blocker):
    with django_db_blocker.unblock(), scratch_database("sanad_fresh") as url:
        yield url


@pytest.mark.slow
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
