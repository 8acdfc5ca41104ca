"""Shared setup for bench scripts: Django on a throwaway database beside the configured one."""

import os
import sys
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings_test")


@contextmanager
def bench_database():
    """Create `test_<name>` with all migrations, yield, then drop it."""
    import django

    django.setup()
    from django.db import connection

    # A name of its own, so a bench never clobbers (or is clobbered by) a test run's database.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"sanad_bench_{os.getpid()}"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield name
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
