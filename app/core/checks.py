"""System checks: settings that must never reach production, and (with `--database
default`) an app connection that has the owner's powers."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError, connections

from app.core.db_roles import connection_powers


@register()
def fetch_test_addresses_only_in_tests(app_configs, **kwargs):
    """The fetcher's loopback allowance exists for the test server alone."""
    if settings.SANAD_ENV != "test" and settings.SANAD_FETCH_TEST_ALLOWED_ADDRESSES:
        return [
            Error(
                "SANAD_FETCH_TEST_ALLOWED_ADDRESSES is set outside the test suite.",
                hint="Remove it: the URL fetcher must refuse loopback and private addresses.",
                id="sanad.E101",
            )
        ]
    return []


@register(Tags.database)
def check_runtime_role(app_configs=None, databases=None, **kwargs):
    if not databases or "default" not in databases:
        return []
    if settings.DATABASE_OWNER_URL and settings.DATABASE_OWNER_URL == settings.DATABASE_URL:
        return []  # a session of the owner on purpose (migrate, db_grants, purge)
    try:
        powers = connection_powers(using=connections["default"])
    except DatabaseError:
        return []
    problems = []
    if powers["superuser"]:
        problems.append("is a superuser")
    elif powers["owns_audit"]:
        problems.append("owns the audit tables")
    if not problems:
        return []
    return [
        Warning(
            f"The app's database role {powers['role']!r} {problems[0]}: it could switch the "
            "audit trail's triggers off and rewrite history.",
            hint="Connect the app (DATABASE_URL) as a runtime role without those powers, run "
            "migrations as the owner (DATABASE_OWNER_URL), then `manage.py db_grants --role "
            "<runtime role>` as the owner. See docs/security.md.",
            id="sanad.W001",
        )
    ]
