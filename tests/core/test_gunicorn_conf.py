"""gunicorn.conf.py: a web node stopped with SIGTERM (a deploy, a scale-down) finishes the
requests it has before it exits, within SANAD_GRACEFUL_TIMEOUT."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

# A stand-in for the app whose only request takes a known while; it leaves a file named
# `serving` in its folder once it has the request in hand.
SLOW_APP = """
import pathlib
import time

def app(environ, start_response):
    pathlib.Path("serving").touch()
    time.sleep(float(environ["QUERY_STRING"] or 0))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"finished"]
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(tmp_path: Path, port: int, graceful: str) -> subprocess.Popen:
    (tmp_path / "slowapp.py").write_text(SLOW_APP)
    env = {**os.environ, "SANAD_GRACEFUL_TIMEOUT": graceful, "WEB_CONCURRENCY": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
         "--pythonpath", str(tmp_path), "-b", f"127.0.0.1:{port}", "slowapp:app"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            assert server.poll() is None, "gunicorn exited"
            time.sleep(0.1)
    server.kill()
    raise AssertionError("gunicorn did not start")


def slow_request(port: int, seconds: float, outcome: dict) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", f"/?{seconds}")
        response = connection.getresponse()
        outcome["answer"] = (response.status, response.read())
    except (OSError, http.client.HTTPException) as error:
        outcome["answer"] = error
    finally:
        connection.close()


def stop_during_request(tmp_path: Path, graceful: str) -> object:
    port = free_port()
    server = start(tmp_path, port, graceful)
    outcome: dict = {}
    try:
        request = threading.Thread(target=slow_request, args=(port, 1.5, outcome))
        request.start()
        deadline = time.monotonic() + 30
        while not (tmp_path / "serving").exists():  # until the request is being served
            assert time.monotonic() < deadline, "the request never reached the app"
            time.sleep(0.01)
        server.send_signal(signal.SIGTERM)
        request.join(timeout=30)
        server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    return outcome["answer"]


def test_sigterm_lets_the_request_in_flight_finish(tmp_path):
    assert stop_during_request(tmp_path, graceful="30") == (200, b"finished")


def test_past_the_graceful_timeout_the_request_is_cut(tmp_path):
    """The counterpart: the setting is what keeps the request alive above."""
    assert not isinstance(stop_during_request(tmp_path, graceful="0"), tuple)
