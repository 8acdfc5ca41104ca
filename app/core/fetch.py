"""The one way Sanad fetches a page from the web: guarded against server-side request forgery.

A URL typed by a user makes the server connect somewhere, so every hop is checked
before any socket is opened:

- only `http` and `https`, no user name or password in the URL, a real host name or
  a dotted-quad / bracketed IPv6 address (no decimal, octal or hex shorthand for an IP);
- every address the host resolves to must be globally routable (`ipaddress`'s
  `is_global`, which rules out private, loopback, link-local, multicast, reserved,
  unspecified, shared and documentation ranges), with IPv4-mapped, 6to4 and NAT64
  IPv6 forms checked as the IPv4 address they carry;
- the connection goes to the checked address itself (the URL's host is replaced by the
  IP; the Host header and TLS SNI/certificate check keep the name), so a second DNS
  answer cannot swap in an internal address (DNS rebinding);
- redirects are followed by hand, a few times, each hop checked again;
- limits on size (declared and actually read, after decompression), total time and
  content type.

Every refusal is a `FetchRefused` with a stable `code` and a message meant for the
person who typed the URL. This module knows nothing of articles or sources; the
services that store what was fetched live in the domain apps.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import socket
import ssl
import time
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

USER_AGENT = "SanadFetcher/1.0 (+fact-checking archive)"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
HTML_TYPES = ("text/html", "application/xhtml+xml")
# The IPv6 prefixes that embed an IPv4 address the packet may end up at.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_DOTTED_QUAD = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
# A host that is only digits, dots and hex: shorthand IPs such as 2130706433, 0x7f.1 or 0177.0.0.1.
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]+|\d+)(\.(0x[0-9a-f]*|\d*))*\.?$", re.IGNORECASE)


class FetchRefused(Exception):
    """The URL was not fetched, or its answer was not accepted; `message` says why."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int = 5 * 1024 * 1024
    timeout: float = 20.0
    max_redirects: int = 5
    # Media types accepted for the final answer; () accepts any.
    content_types: tuple[str, ...] = HTML_TYPES


@dataclass
class FetchedPage:
    """One completed exchange (the last hop): what was asked and what came back."""

    requested_url: str
    url: str
    address: str
    status: int
    reason: str
    http_version: str
    request_headers: list[tuple[str, str]]
    response_headers: list[tuple[str, str]]
    # The body as transmitted (still compressed if the server compressed it) and decoded.
    raw_body: bytes
    body: bytes
    fetched_at: dt.datetime
    redirects: list[str] = field(default_factory=list)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def header(self, name: str) -> str:
        name = name.lower()
        return next((v for k, v in self.response_headers if k.lower() == name), "")

    @property
    def media_type(self) -> str:
        return self.header("content-type").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        match = re.search(r"charset=\"?([\w.:-]+)", self.header("content-type"), re.IGNORECASE)
        return match.group(1) if match else None


def default_limits() -> FetchLimits:
    return FetchLimits(
        max_bytes=int(getattr(settings, "SANAD_FETCH_MAX_BYTES", FetchLimits.max_bytes)),
        timeout=float(getattr(settings, "SANAD_FETCH_TIMEOUT", FetchLimits.timeout)),
    )


def tls_verification() -> bool | ssl.SSLContext:
    """The system's certificate authorities (a seam the TLS tests replace with their own)."""
    return True


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (a seam the tests replace)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _test_allowed(address: str, port: int) -> bool:
    """The test suite's own loopback server, named exactly; never honoured outside tests."""
    if getattr(settings, "SANAD_ENV", "production") != "test":
        return False
    allowed = getattr(settings, "SANAD_FETCH_TEST_ALLOWED_ADDRESSES", ())
    return f"{address}:{port}" in allowed


def address_refusal(address: str) -> str | None:
    """Why connecting to `address` is refused, or None when it is a public address."""
    ip = ipaddress.ip_address(address.split("%")[0])
    embedded = None
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            embedded = ip.ipv4_mapped
        elif ip.sixtofour is not None:
            embedded = ip.sixtofour
        elif ip.teredo is not None:
            embedded = ip.teredo[1]
        elif any(ip in net for net in _NAT64):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    for candidate in (ip, embedded):
        if candidate is None:
            continue
        if candidate.is_loopback:
            return _("it points to this server itself (a loopback address)")
        if candidate.is_link_local:
            return _("it points to a link-local address (such as a cloud metadata service)")
        if candidate.is_private:
            return _("it points to a private network address")
        if candidate.is_multicast or candidate.is_reserved or candidate.is_unspecified:
            return _("it points to a reserved, multicast or unspecified address")
        if not candidate.is_global:
            return _("it points to an address that is not on the public internet")
    return None


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str
    port: int
    host_header: str
    path: str


def check_url(url: str) -> _Target:
    """Refuse a URL by its form alone, before any name is resolved."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchRefused("invalid_url", _("This is not a valid web address.")) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused(
            "scheme",
            _("Only http:// and https:// addresses can be fetched, not %(scheme)s:.")
            % {"scheme": scheme or "?"},
        )
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise FetchRefused(
            "credentials",
            _("Addresses with a user name or password in them are not fetched."),
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchRefused("invalid_url", _("This address has no host name."))
    is_ip = _is_ip_literal(host)
    if not is_ip and _NUMERIC_HOST.match(host):
        raise FetchRefused(
            "numeric_host",
            _("Write an IP address in the usual dotted form; %(host)s is not accepted.")
            % {"host": host},
        )
    port = port or (443 if scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return _Target(url=url, scheme=scheme, host=host, port=port, host_header=netloc, path=path)


def _is_ip_literal(host: str) -> bool:
    if ":" in host:
        return True
    return bool(_DOTTED_QUAD.match(host))


def _checked_addresses(target: _Target) -> list[str]:
    """Resolve and check every address; the connection is pinned to one of these."""
    if _is_ip_literal(target.host):
        try:
            addresses = [str(ipaddress.ip_address(target.host))]
        except ValueError:
            raise FetchRefused("invalid_url", _("This is not a valid IP address.")) from None
    else:
        try:
            addresses = resolve(target.host.encode("idna").decode("ascii"), target.port)
        except (OSError, UnicodeError):
            raise FetchRefused(
                "dns", _("The host %(host)s could not be found.") % {"host": target.host}
            ) from None
    if not addresses:
        raise FetchRefused(
            "dns", _("The host %(host)s could not be found.") % {"host": target.host}
        )
    for address in addresses:
        if _test_allowed(address, target.port):
            continue
        reason = address_refusal(address)
        if reason:
            raise FetchRefused(
                "address",
                _("%(host)s was not fetched: %(reason)s.")
                % {"host": target.host, "reason": reason},
            )
    return addresses


def fetch(
    url: str,
    *,
    limits: FetchLimits | None = None,
    etag: str = "",
    last_modified: str = "",
) -> FetchedPage:
    """GET `url` through the guards; raises `FetchRefused` with the reason on any refusal.

    With `etag`/`last_modified` the request is conditional and a `304` comes back as a
    page with `not_modified` set and no body. Non-2xx answers other than 304 are refused
    (`code="status"`), so callers only ever store pages that were actually served.
    """
    limits = limits or default_limits()
    deadline = time.monotonic() + limits.timeout
    redirects: list[str] = []
    current = url
    with httpx.Client(
        trust_env=False, follow_redirects=False, verify=tls_verification(), http2=False
    ) as client:
        for _hop in range(limits.max_redirects + 1):
            target = check_url(current)
            page = _exchange_first_reachable(
                client, target, _checked_addresses(target), limits, deadline, etag, last_modified
            )
            if page.status in REDIRECT_STATUSES and page.header("location"):
                redirects.append(current)
                current = urljoin(current, page.header("location"))
                continue
            page.requested_url = url
            page.redirects = redirects
            _accept(page, limits)
            return page
    raise FetchRefused(
        "redirects",
        _("The page redirected more than %(n)d times; it was not fetched.")
        % {"n": limits.max_redirects},
    )


class _Unreachable(FetchRefused):
    """No connection could be opened to one address (another may still answer)."""


def _exchange_first_reachable(client, target, addresses, *args) -> FetchedPage:
    """Try the checked addresses in order, as browsers do when an IPv6 route is missing."""
    failure = None
    for address in addresses:
        try:
            return _exchange(client, target, address, *args)
        except _Unreachable as refused:
            failure = refused
    raise failure


def _exchange(client, target, address, limits, deadline, etag, last_modified) -> FetchedPage:
    headers = {
        "Host": target.host_header,
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
        # Only encodings decoded below under the size limit.
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    remaining = max(0.1, deadline - time.monotonic())
    pinned = httpx.URL(target.url).copy_with(host=address, port=target.port)
    request = client.build_request(
        "GET",
        pinned,
        headers=headers,
        timeout=httpx.Timeout(remaining),
        extensions={"sni_hostname": target.host},
    )
    fetched_at = dt.datetime.now(dt.UTC)
    try:
        response = client.send(request, stream=True)
    except httpx.TimeoutException:
        raise _timeout(limits) from None
    except httpx.ConnectError as error:
        if "CERTIFICATE_VERIFY_FAILED" in str(error):
            raise FetchRefused(
                "tls",
                _("The HTTPS certificate of %(host)s is not valid; nothing was fetched.")
                % {"host": target.host},
            ) from None
        raise _Unreachable(
            "connection",
            _("The server at %(host)s could not be reached.") % {"host": target.host},
        ) from None
    except httpx.HTTPError as error:
        raise FetchRefused(
            "connection",
            _("The server at %(host)s could not be reached (%(error)s).")
            % {"host": target.host, "error": type(error).__name__},
        ) from None
    try:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limits.max_bytes:
            raise _too_large(limits)
        raw = bytearray()
        try:
            for chunk in response.iter_raw():
                raw.extend(chunk)
                if len(raw) > limits.max_bytes:
                    raise _too_large(limits)
                if time.monotonic() > deadline:
                    raise _timeout(limits)
        except httpx.TimeoutException:
            raise _timeout(limits) from None
        except httpx.HTTPError:
            raise FetchRefused(
                "connection", _("The connection broke while the page was being read.")
            ) from None
    finally:
        response.close()
    response_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]
    encoding = response.headers.get("content-encoding", "").strip().lower()
    return FetchedPage(
        requested_url=target.url,
        url=target.url,
        address=address,
        status=response.status_code,
        reason=response.reason_phrase,
        http_version=response.http_version,
        request_headers=[
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw
        ],
        response_headers=response_headers,
        raw_body=bytes(raw),
        body=_decode(bytes(raw), encoding, limits),
        fetched_at=fetched_at,
    )


def _header_list(raw: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw]


def _accept(page: FetchedPage, limits: FetchLimits) -> None:
    if page.not_modified:
        return
    if not 200 <= page.status < 300:
        raise FetchRefused(
            "status",
            _("The server answered %(status)d %(reason)s; nothing was stored.")
            % {"status": page.status, "reason": page.reason},
        )
    if limits.content_types and page.media_type not in limits.content_types:
        raise FetchRefused(
            "content_type",
            _("The address serves %(type)s, not a web page; nothing was stored.")
            % {"type": page.media_type or _("an unknown type")},
        )


def _decode(raw: bytes, encoding: str, limits: FetchLimits) -> bytes:
    """Undo gzip/deflate with the size limit applied to the output (no decompression bombs)."""
    if encoding in ("", "identity"):
        return raw
    if encoding in ("gzip", "x-gzip"):
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        decompressor = zlib.decompressobj(zlib.MAX_WBITS if raw[:1] == b"\x78" else -zlib.MAX_WBITS)
    else:
        raise FetchRefused(
            "encoding",
            _("The server sent the page in an encoding Sanad does not read (%(enc)s).")
            % {"enc": encoding},
        )
    try:
        body = decompressor.decompress(raw, limits.max_bytes + 1)
    except zlib.error:
        raise FetchRefused("encoding", _("The server sent a corrupt compressed page.")) from None
    if len(body) > limits.max_bytes or decompressor.unconsumed_tail:
        raise _too_large(limits)
    return body


def _too_large(limits: FetchLimits) -> FetchRefused:
    return FetchRefused(
        "too_large",
        _("The page is larger than %(kb)s KB; it was not fetched.")
        % {"kb": f"{limits.max_bytes // 1024:,}"},
    )


def _timeout(limits: FetchLimits) -> FetchRefused:
    return FetchRefused(
        "timeout",
        _("The server did not send the page within %(s)s seconds.") % {"s": f"{limits.timeout:g}"},
    )
