"""A local HTTP server on 127.0.0.1 that the tests script, and a recorder of opened sockets.

Nothing in these tests sends traffic beyond this server: every refusal test asserts that
no socket was connected at all.
"""

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


class PageServer:
    """Serves `routes[path]`; records each request's path and headers."""

    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                if route is None:
                    route = Route(status=404, body=b"<html><body>gone</body></html>")
                if route.delay:
                    time.sleep(route.delay)
                if callable(route.body):
                    status, headers, body = route.body(self)
                else:
                    status, headers, body = route.status, route.headers, route.body
                self.send_response(status)
                headers = {"Content-Type": "text/html; charset=utf-8", **headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        # serve_forever checks for shutdown() once per poll interval (0.5 s by default), and
        # each test's teardown waits for it: 0.5 s of idle wait per test without this.
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def page(self, path: str, body: str | bytes, **kwargs) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **kwargs)
        return self.url(path)


@pytest.fixture
def page_server(settings):
    server = PageServer()
    server.thread.start()
    settings.SANAD_FETCH_TEST_ALLOWED_ADDRESSES = [f"127.0.0.1:{server.port}"]
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


@pytest.fixture
def connections(monkeypatch):
    """Every address a socket was asked to connect to during the test."""
    seen: list = []
    real_connect = socket.socket.connect
    real_create = socket.create_connection

    def connect(self, address):
        seen.append(address)
        return real_connect(self, address)

    def create_connection(address, *args, **kwargs):
        seen.append(address)
        return real_create(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return seen


def article_html(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><nav>Home | World | Sport</nav><article><h1>{title}</h1>{body}</article>"
        "<footer>Copyright</footer></body></html>"
    )
