"""The guarded fetcher: what it fetches from the local server, and everything it refuses."""

import gzip

import pytest

from app.core import fetch
from app.core.checks import fetch_test_addresses_only_in_tests
from app.core.fetch import FetchLimits, FetchRefused
from tests.fetch.conftest import Route

REFUSED_URLS = {
    "http://127.0.0.1/": "address",
    "http://localhost/": "address",
    "http://LOCALHOST./admin": "address",
    "http://[::1]/": "address",
    "http://10.0.0.1/": "address",
    "http://192.168.1.1/": "address",
    "http://172.16.0.1/": "address",
    "http://100.64.0.1/": "address",
    "http://169.254.169.254/latest/meta-data/": "address",
    "http://[::ffff:127.0.0.1]/": "address",
    "http://[::ffff:a9fe:a9fe]/": "address",
    "http://[fd00::1]/": "address",
    "http://[fe80::1]/": "address",
    "http://[64:ff9b::a9fe:a9fe]/": "address",
    "http://[2002:7f00:1::]/": "address",
    "http://0.0.0.0/": "address",
    "http://224.0.0.1/": "address",
    "http://240.0.0.1/": "address",
    "http://2130706433/": "numeric_host",
    "http://0177.0.0.1/": "numeric_host",
    "http://0x7f.0.0.1/": "numeric_host",
    "http://127.1/": "numeric_host",
    "http://0/": "numeric_host",
    "http://127.000.000.001/": "invalid_url",
    "http://[fe80::1%25eth0]/": "address",
    "file:///etc/passwd": "scheme",
    "gopher://127.0.0.1:70/_GET": "scheme",
    "ftp://example.org/file": "scheme",
    "http://user:secret@example.org/": "credentials",
    "http://user@example.org/": "credentials",
    "http://": "invalid_url",
}


@pytest.mark.parametrize("url", list(REFUSED_URLS))
def test_dangerous_url_is_refused_before_any_connection(url, connections, settings):
    settings.SANAD_FETCH_TEST_ALLOWED_ADDRESSES = []
    with pytest.raises(FetchRefused) as refused:
        fetch.fetch(url)
    assert refused.value.code == REFUSED_URLS[url]
    assert refused.value.message
    assert connections == []


def test_refusal_messages_say_why(connections):
    with pytest.raises(FetchRefused, match="loopback"):
        fetch.fetch("http://127.0.0.1/")
    with pytest.raises(FetchRefused, match="link-local"):
        fetch.fetch("http://169.254.169.254/")
    with pytest.raises(FetchRefused, match="private"):
        fetch.fetch("http://10.0.0.1/")
    with pytest.raises(FetchRefused, match="http:// and https://"):
        fetch.fetch("file:///etc/passwd")


@pytest.mark.parametrize(
    "answers", [["10.1.2.3"], ["93.184.215.14", "192.168.0.7"], ["fd12::7"], ["::ffff:10.0.0.1"]]
)
def test_hostname_resolving_to_a_private_address_is_refused(answers, monkeypatch, connections):
    monkeypatch.setattr(fetch, "resolve", lambda host, port: answers)
    with pytest.raises(FetchRefused) as refused:
        fetch.fetch("https://intranet.example.org/report")
    assert refused.value.code == "address"
    assert "intranet.example.org" in refused.value.message
    assert connections == []


def test_unknown_host_is_a_clear_refusal(monkeypatch, connections):
    def fail(host, port):
        raise OSError("Name or service not known")

    monkeypatch.setattr(fetch, "resolve", fail)
    with pytest.raises(FetchRefused, match="could not be found"):
        fetch.fetch("https://no-such-host.example.org/")
    assert connections == []


def test_an_unreachable_address_falls_back_to_the_next_checked_one(
    page_server, monkeypatch, settings
):
    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["::1", "127.0.0.1"])
    page_server.page("/both", "<html><body>ok</body></html>")
    settings.SANAD_FETCH_TEST_ALLOWED_ADDRESSES = [
        f"127.0.0.1:{page_server.port}",
        f"::1:{page_server.port}",
    ]
    page = fetch.fetch(f"http://dual.example.org:{page_server.port}/both")
    assert page.address == "127.0.0.1"  # nothing listens on [::1] here


def test_fetches_a_page_from_the_local_server(page_server):
    url = page_server.page("/a", "<html><body><p>سلام</p></body></html>")
    page = fetch.fetch(url)
    assert page.status == 200
    assert page.address == "127.0.0.1"
    assert "سلام".encode() in page.body
    assert page.media_type == "text/html"
    assert page.charset == "utf-8"


def test_the_connection_is_pinned_to_the_checked_address(page_server, monkeypatch, connections):
    """The name is resolved once per hop, the socket goes to that address, Host keeps the name."""
    calls = []

    def resolve(host, port):
        calls.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(fetch, "resolve", resolve)
    page_server.page("/pinned", "<html><body>ok</body></html>")
    page = fetch.fetch(f"http://news.example.org:{page_server.port}/pinned")
    assert calls == ["news.example.org"]
    assert {address[0] for address in connections} == {"127.0.0.1"}
    _path, headers = page_server.requests[-1]
    assert headers["Host"] == f"news.example.org:{page_server.port}"
    assert page.url == f"http://news.example.org:{page_server.port}/pinned"


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:1/",
        "http://localhost/",
        "http://[::1]:8080/",
        "file:///etc/passwd",
    ],
)
def test_redirect_to_a_private_address_is_refused(location, page_server, connections):
    url = page_server.page("/jump", b"", status=302, headers={"Location": location})
    with pytest.raises(FetchRefused):
        fetch.fetch(url)
    assert {address[:2] for address in connections} == {("127.0.0.1", page_server.port)}


def test_redirects_are_followed_and_recorded(page_server):
    page_server.page("/old", b"", status=301, headers={"Location": "/new"})
    page_server.page("/new", "<html><body>moved here</body></html>")
    page = fetch.fetch(page_server.url("/old"))
    assert page.url == page_server.url("/new")
    assert page.redirects == [page_server.url("/old")]


def test_too_many_redirects_are_refused(page_server):
    for n in range(10):
        page_server.page(f"/r{n}", b"", status=302, headers={"Location": f"/r{n + 1}"})
    with pytest.raises(FetchRefused) as refused:
        fetch.fetch(page_server.url("/r0"))
    assert refused.value.code == "redirects"


def test_declared_size_over_the_limit_is_refused(page_server, settings):
    settings.SANAD_FETCH_MAX_BYTES = 1000
    url = page_server.page("/big", b"x" * 5000)
    with pytest.raises(FetchRefused, match="larger than") as refused:
        fetch.fetch(url)
    assert refused.value.code == "too_large"


def test_undeclared_size_over_the_limit_is_refused_while_reading(page_server):
    # A server that sends no length is read only up to the limit.
    page_server.routes["/nolength"] = Route(
        body=lambda h: (200, {"Connection": "close", "Content-Length": ""}, b"y" * 5000)
    )
    limits = FetchLimits(max_bytes=1000)
    with pytest.raises(FetchRefused) as refused:
        fetch.fetch(page_server.url("/nolength"), limits=limits)
    assert refused.value.code in {"too_large", "connection"}


def test_compressed_body_is_limited_after_decompression(page_server):
    bomb = gzip.compress(b"<p>" + b"a" * 200_000 + b"</p>")
    url = page_server.page("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchRefused) as refused:
        fetch.fetch(url, limits=FetchLimits(max_bytes=10_000))
    assert refused.value.code == "too_large"


def test_gzip_page_is_decoded_and_kept_raw(page_server):
    html = b"<html><body><p>compressed</p></body></html>"
    url = page_server.page("/gz", gzip.compress(html), headers={"Content-Encoding": "gzip"})
    page = fetch.fetch(url)
    assert page.body == html
    assert gzip.decompress(page.raw_body) == html


def test_wrong_content_type_is_refused(page_server):
    url = page_server.page("/file.pdf", b"%PDF-1.7", headers={"Content-Type": "application/pdf"})
    with pytest.raises(FetchRefused, match="application/pdf") as refused:
        fetch.fetch(url)
    assert refused.value.code == "content_type"


def test_error_status_is_refused(page_server):
    with pytest.raises(FetchRefused, match="404") as refused:
        fetch.fetch(page_server.url("/missing"))
    assert refused.value.code == "status"


def test_slow_server_times_out(page_server, settings):
    settings.SANAD_FETCH_TIMEOUT = 0.5
    url = page_server.page("/slow", "<p>late</p>", delay=2.0)
    with pytest.raises(FetchRefused, match="within") as refused:
        fetch.fetch(url)
    assert refused.value.code == "timeout"


def test_conditional_request_gets_not_modified(page_server):
    def conditional(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"ETag": '"v1"'}, b"<html><body>v1</body></html>"

    page_server.routes["/cond"] = Route(body=conditional)
    first = fetch.fetch(page_server.url("/cond"))
    assert first.header("etag") == '"v1"'
    again = fetch.fetch(page_server.url("/cond"), etag='"v1"', last_modified="x")
    assert again.not_modified
    assert page_server.requests[-1][1]["If-Modified-Since"] == "x"


def test_loopback_allowance_is_ignored_outside_tests(page_server, settings, connections):
    url = page_server.page("/p", "<p>x</p>")
    settings.SANAD_ENV = "production"
    with pytest.raises(FetchRefused) as refused:
        fetch.fetch(url)
    assert refused.value.code == "address"
    assert connections == []
    assert [e.id for e in fetch_test_addresses_only_in_tests(None)] == ["sanad.E101"]


def test_system_check_is_quiet_in_tests(settings):
    settings.SANAD_FETCH_TEST_ALLOWED_ADDRESSES = ["127.0.0.1:1"]
    assert fetch_test_addresses_only_in_tests(None) == []


def test_settings_refuse_the_loopback_allowance_outside_tests():
    from tests.test_settings import _load_settings

    result = _load_settings(
        SANAD_ENV="development", SANAD_FETCH_TEST_ALLOWED_ADDRESSES="127.0.0.1:8000"
    )
    assert result.returncode != 0
    assert "SANAD_FETCH_TEST_ALLOWED_ADDRESSES is for the test suite" in result.stderr
