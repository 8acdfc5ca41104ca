"""Probes: /healthz says the process answers, /readyz that it can reach what it needs."""

import socket

import pytest
from django.db import connections

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_the_database_and_the_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def closed_port() -> int:
    """A loopback port that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_readyz_fails_when_the_database_is_down(client, monkeypatch):
    settings_dict = connections["default"].settings_dict
    monkeypatch.setitem(settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(settings_dict, "PORT", str(closed_port()))
    monkeypatch.setitem(
        settings_dict, "OPTIONS", {**settings_dict["OPTIONS"], "connect_timeout": 2}
    )

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "OperationalError"
    assert body["checks"]["cache"] == "ok"


def test_readyz_fails_when_the_cache_loses_what_it_was_given(client, monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(cache, "get", lambda key, default=None: None)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "value not kept"}
