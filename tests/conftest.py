"""Shared fixtures: users, and workspaces set up through the same services the app uses."""

from dataclasses import dataclass

import psycopg
import pytest

from app.articles.services import article_import_text
from app.claims.services import claim_create
from app.members.services import member_add, workspace_create
from app.workspaces.models import Role
from tests import template_db
from tests.db_roles import install_owner_flush, make_runtime_role, switch_default_to_runtime
from tests.factories import NewUserFactory

PERSIAN_SAMPLE = (
    "گزارش\u00a0ویژه: وزیر گفت:قرارداد در ۱۸ ژوئن ۲۰۲۴ (٢۹ خرداد ۱۴۰۳) امضا شد.\n"
    "\u00a0\n"
    "این گفتوگو یکی از طولانیترین نشست‌های دو کشور بود و «پیمان» را تکمیل کرد.\n"
)
ENGLISH_SAMPLE = (
    "The mayor said ridership rose 12% in 2025.\n\n"
    "A post read: “Best commute ever 🚇” and drew 4,000 replies.\n"
)


def _database_order(item) -> int:
    """pytest-django's order (as Django's): 0 database, 1 transactional, 2 no database."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    transactional = (
        marker is not None
        and bool(marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    ) or bool({"transactional_db", "live_server"} & set(fixtures))
    if transactional:
        return 1
    return 0 if marker is not None or "db" in fixtures else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests marked `slow` first within pytest-django's order, and the slow ones that use
    no database (subprocesses, scratch databases, Hypothesis) before everything.

    xdist hands tests out in this order, one at a time: a 27 s test handed out last keeps
    one worker busy for 27 s while the other has nothing left (longest first). The
    database order is kept (after a transactional test's flush, the rows migrations made
    are gone), and tests that use no database may run at any point of it.
    """

    def key(item):
        order = _database_order(item)
        slow = item.get_closest_marker("slow") is not None
        return (-1 if slow and order == 2 else order, not slow)

    items.sort(key=key)


@pytest.fixture(autouse=True)
def _interface_language(settings):
    """Each test starts in the default language, whatever the one before it asked for.

    A request through the test client activates its language in this thread and leaves it
    active afterwards (the next request resets it, as in a server); a test that calls a
    service directly after a Persian request would otherwise read Persian messages.
    """
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings, django_db_use_migrations, django_db_keepdb, request
):
    """The test database is copied from a migrated template when there is one
    (tests/template_db.py); else this process migrates and makes the template."""
    from django.db import connections

    if template_db.enabled(django_db_use_migrations, django_db_keepdb):
        template = template_db.Template(connections["default"].settings_dict)
        try:
            template.before_setup()
        except psycopg.OperationalError:
            return  # no maintenance database to reach: every process migrates, as before
        request.config.stash[_TEMPLATE] = template


_TEMPLATE = pytest.StashKey[template_db.Template]()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """The test database, created by the owner, used as the app's runtime role."""
    from django.db import connection

    template = request.config.stash.get(_TEMPLATE, None)
    with django_db_blocker.unblock():
        if template is not None:
            template.after_setup(connection)
        make_runtime_role()
        install_owner_flush()
        switch_default_to_runtime(True)
    yield
    with django_db_blocker.unblock():
        switch_default_to_runtime(False)


@dataclass
class Team:
    """A workspace with one member of each role."""

    workspace: object
    admin: object
    editor: object
    reviewer: object
    viewer: object

    def member(self, role: str):
        return getattr(self, role)


def make_team(prefix: str) -> Team:
    admin = NewUserFactory(username=f"{prefix}-admin")
    workspace = workspace_create(name=f"Desk {prefix.upper()}", creator=admin)
    members = {}
    for role in (Role.EDITOR, Role.REVIEWER, Role.VIEWER):
        user = NewUserFactory(username=f"{prefix}-{role.value}")
        member_add(workspace=workspace, user=user, role=role, actor=admin)
        members[role.value] = user
    return Team(workspace=workspace, admin=admin, **members)


@pytest.fixture
def team(db) -> Team:
    return make_team("a")


@pytest.fixture
def other_team(db) -> Team:
    return make_team("b")


@pytest.fixture
def persian_article(team):
    """A Persian article with the traits of real imports (NBSP, mixed digits, no ZWNJ)."""
    return article_import_text(
        workspace=team.workspace,
        text=PERSIAN_SAMPLE,
        title="قرارداد همکاری",
        url="https://example.org/fa/agreement",
        actor=team.reviewer,
    )


@pytest.fixture
def english_article(team):
    return article_import_text(
        workspace=team.workspace,
        text=ENGLISH_SAMPLE,
        title="Ridership report",
        actor=team.reviewer,
    )


@pytest.fixture
def claim(english_article, team):
    """A claim on the first words of the English article."""
    return claim_create(
        workspace=team.workspace,
        snapshot=english_article.snapshot,
        start=0,
        end=9,
        exact="The mayor",
        actor=team.reviewer,
    )


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Capture files go to default storage: a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _no_network_for_fetches(monkeypatch):
    """The URL fetcher never looks a name up nor connects beyond loopback in tests.

    `localhost` resolves as the system would; any other name is unknown unless a test
    installs its own resolver. A generated request (Schemathesis) naming a public IP
    fails at once instead of reaching out.
    """
    import ipaddress
    import socket

    from app.core import fetch

    real_create_connection = socket.create_connection

    def create_connection(address, *args, **kwargs):
        host = str(address[0])
        try:
            loopback = ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            loopback = host.lower() == "localhost"
        if not loopback:
            raise OSError(f"no network beyond loopback in tests ({address[0]})")
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)

    def resolve(host, port):
        if host.lower() == "localhost":
            return ["127.0.0.1", "::1"]
        raise OSError(f"no DNS in tests ({host})")

    monkeypatch.setattr(fetch, "resolve", resolve)
