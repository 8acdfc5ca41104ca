"""A throwaway database on the test server, for tests that migrate or seed from nothing."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import psycopg
from django.db import connection


def database_url(name: str) -> str:
    """A URL of database `name` on the test server, as the connecting (owner) role."""
    params = connection.settings_dict
    host = quote(params["HOST"] or "localhost", safe="")
    port = f":{params['PORT']}" if params["PORT"] else ""
    password = f":{quote(params['PASSWORD'], safe='')}" if params["PASSWORD"] else ""
    return f"postgresql://{quote(params['USER'] or '', safe='')}{password}@{host}{port}/{name}"


@contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """Create an empty database as the connecting (owner) role; yield its URL; drop it."""
    params = connection.settings_dict
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(name)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
