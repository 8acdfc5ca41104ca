"""HTTPS through the pinned connection: the socket goes to the checked IP, TLS checks the name."""

import datetime as dt
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.core import fetch
from app.core.fetch import FetchRefused


def _certificate(tmp_path, name: str):
    """A self-signed certificate for `name`, written as PEM files; returns (cert, key) paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_server(tmp_path, settings, monkeypatch):
    """An HTTPS server on 127.0.0.1 whose certificate names news.example.org only."""
    cert, key = _certificate(tmp_path, "news.example.org")
    seen_sni = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<html><body><p>over TLS</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    server_context.sni_callback = lambda sock, name, ctx: seen_sni.append(name)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = server_context.wrap_socket(httpd.socket, server_side=True)
    port = httpd.server_address[1]
    # shutdown() waits for the loop's next poll: 0.5 s by default, at every teardown.
    threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True).start()

    client_context = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(fetch, "tls_verification", lambda: client_context)
    monkeypatch.setattr(fetch, "resolve", lambda host, p: ["127.0.0.1"])
    settings.SANAD_FETCH_TEST_ALLOWED_ADDRESSES = [f"127.0.0.1:{port}"]
    yield port, seen_sni
    httpd.shutdown()
    httpd.server_close()


def test_https_is_pinned_to_the_checked_address_and_verified_for_the_name(tls_server, connections):
    port, seen_sni = tls_server
    page = fetch.fetch(f"https://news.example.org:{port}/")
    assert b"over TLS" in page.body
    assert page.address == "127.0.0.1"
    assert {a[0] for a in connections} == {"127.0.0.1"}
    assert seen_sni == ["news.example.org"]


def test_a_certificate_for_another_name_is_refused(tls_server):
    port, _seen = tls_server
    with pytest.raises(FetchRefused) as refused:
        fetch.fetch(f"https://other.example.org:{port}/")
    assert refused.value.code == "tls"
    assert "certificate" in refused.value.message
