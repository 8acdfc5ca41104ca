"""The flush after each transactional test (tests/db_roles.py) leaves what Django's own
flush leaves: every Django table empty, content types and permissions as migrations
made them, the audit trail's guards in place."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import TransactionTestCase

from app.claims.models import Claim
from tests.db_roles import POST_MIGRATE_TABLES, RUNTIME_ROLE

pytestmark = pytest.mark.django_db(transaction=True)


class _Case(TransactionTestCase):
    """A test case to call the installed teardown on ("runTest" needs no method)."""

    databases = {"default"}


def _rows_by_table() -> dict[str, int]:
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        try:
            counts = {}
            for table in tables:
                cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                counts[table] = cursor.fetchone()[0]
        finally:
            cursor.execute(f"SET ROLE {RUNTIME_ROLE}")
    return counts


def _post_migrate_rows():
    return (
        sorted(ContentType.objects.values_list("pk", "app_label", "model")),
        sorted(Permission.objects.values_list("pk", "content_type_id", "codename")),
    )


def test_every_table_is_emptied_and_post_migrate_rows_stay(claim):
    before = _post_migrate_rows()
    holding = {table for table, count in _rows_by_table().items() if count}
    assert {"claims_claim", "audit_auditevent", "workspaces_workspace"} <= holding

    _Case()._fixture_teardown()

    left = {table: count for table, count in _rows_by_table().items() if count}
    assert set(left) == set(POST_MIGRATE_TABLES), left
    assert _post_migrate_rows() == before
    assert Claim.objects.count() == 0
    # The trail is still guarded: the runtime role may not truncate it.
    with connection.cursor() as cursor, pytest.raises(Exception, match=r"TRUNCATE|permission"):
        cursor.execute("TRUNCATE audit_auditevent")


def test_a_test_that_adds_a_permission_gets_djangos_own_flush(claim):
    models = {(ct.app_label, ct.model) for ct in ContentType.objects.all()}
    codenames = set(Permission.objects.values_list("content_type_id", "codename"))
    Permission.objects.create(
        codename="made_by_a_test", name="made by a test", content_type=ContentType.objects.first()
    )

    _Case()._fixture_teardown()

    left = {table: count for table, count in _rows_by_table().items() if count}
    assert set(left) == set(POST_MIGRATE_TABLES), left
    # post_migrate made them again (new keys): the same models and permissions, no more.
    assert {(ct.app_label, ct.model) for ct in ContentType.objects.all()} == models
    assert Permission.objects.count() == len(codenames)
    assert not Permission.objects.filter(codename="made_by_a_test").exists()
