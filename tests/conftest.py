"""Shared fixtures: users, and workspaces set up through the same services the app uses."""

import copy
import inspect
import os
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
    are gone), and tests that use no database may run at any point of it. Within the
    database tests, those asking for the same shared fixtures (`_Shared`) are put next to
    each other, so that their rows are built once for all of them.
    """

    def key(item):
        order = _database_order(item)
        slow = item.get_closest_marker("slow") is not None
        return (-1 if slow and order == 2 else order, not slow, _Shared.sort_key(item))

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
    _SHARED.blocker = django_db_blocker
    yield
    with django_db_blocker.unblock():
        _SHARED.close()
        _SHARED.blocker = None
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


def _import_persian(team: Team):
    return article_import_text(
        workspace=team.workspace,
        text=PERSIAN_SAMPLE,
        title="قرارداد همکاری",
        url="https://example.org/fa/agreement",
        actor=team.reviewer,
    )


def _import_english(team: Team):
    return article_import_text(
        workspace=team.workspace,
        text=ENGLISH_SAMPLE,
        title="Ridership report",
        actor=team.reviewer,
    )


def _claim_the_mayor(english_article, team: Team):
    return claim_create(
        workspace=team.workspace,
        snapshot=english_article.snapshot,
        start=0,
        end=9,
        exact="The mayor",
        actor=team.reviewer,
    )


class _Shared:
    """The rows of `team`, `other_team`, `english_article`, `persian_article` and `claim`,
    built once for a run of database tests that ask for the same of them.

    Each fixture's rows are made by the same services as in a test, inside a transaction
    (then savepoints, one per fixture) opened before the test's own: pytest-django wraps a
    `db` test in a savepoint of that and rolls it back afterwards. Nothing is committed:
    only tests asking for these fixtures see their rows; every other test, transactional
    test and connection sees the database as before, and a test's changes to the rows
    vanish with its savepoint. Before each test `pytest_runtest_setup` rolls back what it
    does not ask for and builds what is missing; `pytest_collection_modifyitems` puts
    tests asking for the same fixtures next to each other, so that is rare.

    A test gets a deep copy of the instances the services returned (one copy of them all,
    so `claim.snapshot is english_article.snapshot` as before), so changing
    `team.workspace` in memory does not reach the next test. The rows are made in the order
    the test would set its fixtures up, and only up to the first per-test fixture from
    tests/ (other than those in HARMLESS_OWN) that sets up before one of them and takes
    arguments or yields, or pytest-django's `admin_user`: that fixture may change what the
    next one makes (a setting, a member's role, a patched service), so those run in the
    test as before. So do all of them in a transactional test, in a test that asks for a
    fixture with `request.getfixturevalue`, in the first test of a process (the test
    database does not exist yet when the hook runs), and in every test with
    SANAD_TEST_NO_SHARED_FIXTURES=1 set (to tell whether a failure has to do with sharing).
    """

    # fixture name -> (the fixtures it takes, in order; what makes its rows)
    BUILDERS = {
        "team": ((), lambda: make_team("a")),
        "other_team": ((), lambda: make_team("b")),
        "english_article": (("team",), _import_english),
        "persian_article": (("team",), _import_persian),
        "claim": (("english_article", "team"), _claim_the_mayor),
    }
    NAMES = tuple(BUILDERS)
    # Fixtures that may set up before ours without changing what ours make.
    # (tests/audit, tests/operations: `signing_key_path` points at a key only checkpoints
    # use; tests/jobs: `storage` at a folder only jobs write to; tests/fetch: `_no_rendering`
    # turns off screenshots of captures; tests/api: `as_member` and `ws_url` return helpers.)
    HARMLESS_OWN = frozenset(
        {
            "_interface_language",
            "_media_root",
            "_no_network_for_fetches",
            "signing_key_path",
            "storage",
            "_no_rendering",
            "as_member",
            "ws_url",
        }
    )
    HARMFUL_PLUGIN = frozenset({"admin_user", "admin_client"})

    def __init__(self) -> None:
        self.blocker = None  # django_db_blocker, once the test database is set up
        # (fixture name, atomic block, every shared object so far by fixture name)
        self.built: list[tuple[str, object, dict]] = []
        self.current: dict | None = None  # the running test's copy of built[-1]'s objects

    @classmethod
    def wanted(cls, item) -> tuple[str, ...]:
        """Our fixtures `item` sets up before any fixture that could change them, in order."""
        if _database_order(item) != 0 or os.environ.get("SANAD_TEST_NO_SHARED_FIXTURES"):
            return ()
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            return ()
        defs = info.name2fixturedefs
        order: list[str] = []
        seen: set[str] = set()

        def visit(name: str) -> None:
            if name in seen:
                return
            seen.add(name)
            fixturedefs = defs.get(name)
            if not fixturedefs:
                return
            for argname in fixturedefs[-1].argnames:
                visit(argname)
            order.append(name)

        for name in item.fixturenames:
            visit(name)
        wanted: list[str] = []
        for name in order:
            fixturedef = defs[name][-1]
            module = getattr(fixturedef.func, "__module__", "") or ""
            if name in cls.BUILDERS and module == __name__:
                wanted.append(name)
            elif name in cls.HARMFUL_PLUGIN or (
                module.startswith("tests.")
                and fixturedef.scope == "function"
                and name not in cls.HARMLESS_OWN
                # one that takes nothing and returns at once (a client, a URL) changes nothing
                and (fixturedef.argnames or inspect.isgeneratorfunction(fixturedef.func))
            ):
                break
        return tuple(wanted)

    @classmethod
    def sort_key(cls, item) -> tuple[int, ...]:
        return tuple(cls.NAMES.index(name) for name in cls.wanted(item))

    def prepare(self, item) -> None:
        """Before `item`'s fixtures: leave exactly the shared rows it asks for in place."""
        self.current = None
        if self.blocker is None:
            return  # no database yet: the fixtures make their rows in the test
        wanted = self.wanted(item)
        from django.db import connection, transaction

        with self.blocker.unblock():
            # A test that closed the connection (or left a block open) ended the shared
            # transaction: unwind it all and build again.
            broken = self.built and (
                connection.closed_in_transaction or len(connection.atomic_blocks) != len(self.built)
            )
            while self.built and (
                broken
                or len(self.built) > len(wanted)
                or self.built[-1][0] != wanted[len(self.built) - 1]
            ):
                atomic = self.built.pop()[1]
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
            for name in wanted[len(self.built) :]:
                objects = copy.deepcopy(self.built[-1][2]) if self.built else {}
                argnames, build = self.BUILDERS[name]
                atomic = transaction.atomic()
                atomic._from_testcase = True  # as Django's TestCase's blocks
                atomic.__enter__()
                objects[name] = build(*(objects[argname] for argname in argnames))
                # Check the deferred foreign keys of these rows now, once: left pending, every
                # test's closing check (Django's TestCase) would check them again, as the
                # savepoint it rolls back to was set before they fired.
                connection.check_constraints()
                self.built.append((name, atomic, objects))

    def get(self, name: str):
        """The running test's copy of fixture `name`'s object, or None to make it."""
        from django.db import connection

        # Only inside the transaction they were built in: a transactional test never is.
        if not self.built or name not in self.built[-1][2] or not connection.in_atomic_block:
            return None
        if self.current is None:
            self.current = copy.deepcopy(self.built[-1][2])
        return self.current[name]

    def close(self) -> None:
        from django.db import connection, transaction

        self.current = None
        while self.built:
            atomic = self.built.pop()[1]
            if connection.in_atomic_block:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)


_SHARED = _Shared()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _SHARED.prepare(item)


def _shared_or(name: str, *args):
    shared = _SHARED.get(name)
    if shared is not None:
        return shared
    return _Shared.BUILDERS[name][1](*args)


@pytest.fixture
def team(db) -> Team:
    return _shared_or("team")


@pytest.fixture
def other_team(db) -> Team:
    return _shared_or("other_team")


@pytest.fixture
def persian_article(team):
    """A Persian article with the traits of real imports (NBSP, mixed digits, no ZWNJ)."""
    return _shared_or("persian_article", team)


@pytest.fixture
def english_article(team):
    return _shared_or("english_article", team)


@pytest.fixture
def claim(english_article, team):
    """A claim on the first words of the English article."""
    return _shared_or("claim", english_article, team)


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
