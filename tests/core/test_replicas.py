"""The read-replica router: which database each read and write goes to.

The replica here is a second, separate connection (its own session and snapshot) to
the test database, registered as `replica_0` the way DATABASE_REPLICA_URLS would; the
queries each connection ran show where the router sent them. These tests commit
(`transactional_db`), since inside the test's own transaction every read belongs to
the primary.
"""

import contextvars
import socket

import pytest
from django.db import connections, router
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from app.articles.models import Article
from app.audit.models import AuditEvent
from app.core import replicas

REPLICAS = ["replica_0", "replica_1"]
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", *REPLICAS])


def register(alias: str, **changes) -> None:
    connections[alias].close()
    connections.settings[alias] = {**connections["default"].settings_dict, **changes}
    del connections[alias]  # the next use builds the connection from these settings


@pytest.fixture(scope="module", autouse=True)
def _replica_aliases(django_db_setup, django_db_blocker):
    """Registered before the test case checks its `databases` (a module-scoped fixture
    runs before the per-test database fixtures)."""
    for alias in REPLICAS:
        connections.settings[alias] = {**connections["default"].settings_dict}
    yield
    with django_db_blocker.unblock():
        for alias in REPLICAS:
            connections[alias].close()
            del connections[alias]
            del connections.settings[alias]


@pytest.fixture
def replica(settings):
    settings.SANAD_REPLICA_CHECK_SECONDS = 0  # read the lag on every choice
    replicas.forget_probes()
    yield "replica_0"
    for alias in REPLICAS:
        register(alias)
    replicas.forget_probes()


def fresh(function, *args):
    """Run as a new request or job would: nothing written, nothing pinned yet."""
    return contextvars.Context().run(function, *args)


def test_without_replicas_everything_stays_on_the_primary(monkeypatch):
    monkeypatch.setattr(replicas, "replica_aliases", list)
    assert fresh(router.db_for_read, Article) == "default"
    assert fresh(router.db_for_write, Article) == "default"


def test_reads_go_to_a_caught_up_replica(replica, english_article):
    def read():
        with CaptureQueriesContext(connections[replica]) as on_replica:
            titles = list(Article.objects.values_list("title", flat=True))
        return titles, [q["sql"] for q in on_replica if "articles_article" in q["sql"]]

    assert replicas.replica_lag(replica) == 0.0
    assert fresh(router.db_for_read, Article) == replica
    titles, replica_queries = fresh(read)
    assert titles == ["Ridership report"]
    assert len(replica_queries) == 1


def test_writes_and_reads_after_a_write_go_to_the_primary(replica, team):
    def write_then_read():
        article = Article.objects.create(workspace=team.workspace, title="Fresh")
        return router.db_for_write(Article), router.db_for_read(Article), article

    assert fresh(write_then_read)[:2] == ("default", "default")


def test_the_audit_chain_is_read_on_the_primary_only(replica):
    assert fresh(router.db_for_read, AuditEvent) == "default"
    assert fresh(router.db_for_read, Article) == replica


def test_only_the_primary_is_migrated(replica):
    assert router.allow_migrate("default", "articles")
    assert not router.allow_migrate(replica, "articles")


def test_a_lagging_replica_is_skipped(replica, settings, monkeypatch):
    monkeypatch.setattr(replicas, "replica_lag", lambda alias: 30.0)
    assert fresh(router.db_for_read, Article) == "default"
    settings.SANAD_REPLICA_MAX_LAG = 60
    assert fresh(router.db_for_read, Article) == replica


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_replica_that_is_down_is_skipped_for_the_next_one(replica):
    register("replica_0", HOST="127.0.0.1", PORT=str(closed_port()))
    replicas.forget_probes()

    assert replicas.replica_lag("replica_0") is None
    assert fresh(router.db_for_read, Article) == "replica_1"


def _view(request):
    from django.http import HttpResponse

    if request.method == "POST":
        Article.objects.filter(pk=0).update(title="x")  # a write (of nothing)
    return HttpResponse(router.db_for_read(Article))


def test_a_writer_is_pinned_to_the_primary_by_cookie_for_a_short_while(replica, settings):
    middleware = replicas.ReplicaPinMiddleware(_view)
    factory = RequestFactory()

    posted = fresh(middleware, factory.post("/"))
    assert posted.content == b"default"
    pin = posted.cookies[replicas.PIN_COOKIE]
    assert pin["max-age"] == settings.SANAD_REPLICA_PIN_SECONDS

    # Another node, the next request: the cookie keeps this person's reads on the primary.
    request = factory.get("/")
    request.COOKIES[replicas.PIN_COOKIE] = pin.value
    assert fresh(middleware, request).content == b"default"

    # Someone else (no cookie), or the same person once the window passed: the replica.
    assert fresh(middleware, factory.get("/")).content == replica.encode()
    expired = factory.get("/")
    expired.COOKIES[replicas.PIN_COOKIE] = "1"
    assert fresh(middleware, expired).content == replica.encode()
