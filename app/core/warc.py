"""WARC files (ISO 28500) of one fetch: the request and the response, as transmitted.

Written and read with `warcio` (Webrecorder's library, used by pywb and Browsertrix) rather
than by hand. The response record's payload is the body exactly as the server sent it
(compressed if it was), and its `WARC-Payload-Digest` is SHA-256 (base32, as WARC tools
write digests) so that the hex `payload_sha256` Sanad stores can be checked against the
record by anyone holding the file.
"""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from app.core.fetch import FetchedPage


@dataclass(frozen=True)
class WarcFile:
    data: bytes
    sha256: str
    payload_sha256: str


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def warc_digest(hex_digest: str) -> str:
    return "sha256:" + base64.b32encode(bytes.fromhex(hex_digest)).decode("ascii")


def hex_from_warc_digest(value: str) -> str:
    algorithm, _, encoded = value.partition(":")
    if algorithm.lower() != "sha256":
        raise ValueError(f"not a SHA-256 digest: {value!r}")
    return base64.b32decode(encoded).hex()


def warc_for_page(page: FetchedPage) -> WarcFile:
    """One gzipped WARC holding the request and response records of `page`'s last hop."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    date = page.fetched_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    request_line = f"GET {_request_target(page.url)} HTTP/1.1"
    request = writer.create_warc_record(
        page.url,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=StatusAndHeaders(request_line, page.request_headers, is_http_request=True),
        warc_headers_dict={"WARC-Date": date, "WARC-IP-Address": page.address},
    )
    payload_sha256 = sha256_hex(page.raw_body)
    version = "HTTP/2" if page.http_version.upper() == "HTTP/2" else "HTTP/1.1"
    response = writer.create_warc_record(
        page.url,
        "response",
        payload=io.BytesIO(page.raw_body),
        length=len(page.raw_body),
        http_headers=StatusAndHeaders(
            f"{page.status} {page.reason}", page.response_headers, protocol=version
        ),
        warc_headers_dict={
            "WARC-Date": date,
            "WARC-IP-Address": page.address,
            "WARC-Payload-Digest": warc_digest(payload_sha256),
        },
    )
    request.rec_headers.add_header(
        "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
    )
    writer.write_record(request)
    writer.write_record(response)
    data = buffer.getvalue()
    return WarcFile(data=data, sha256=sha256_hex(data), payload_sha256=payload_sha256)


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class WarcResponse:
    url: str
    status: int
    headers: list[tuple[str, str]]
    payload: bytes
    payload_digest: str


def read_response(data: bytes) -> WarcResponse:
    """The first response record of a WARC, its digests checked by warcio.

    Raises `ValueError` when the file holds no response or a digest does not match.
    """
    iterator = ArchiveIterator(io.BytesIO(data), check_digests="raise")
    for record in iterator:
        if record.rec_type != "response":
            continue
        # The payload as transmitted, what the digest covers (not de-chunked or unzipped).
        payload = record.raw_stream.read()
        return WarcResponse(
            url=record.rec_headers.get_header("WARC-Target-URI"),
            status=int(record.http_headers.get_statuscode()),
            headers=list(record.http_headers.headers),
            payload=payload,
            payload_digest=record.rec_headers.get_header("WARC-Payload-Digest") or "",
        )
    raise ValueError("the WARC file holds no response record")
